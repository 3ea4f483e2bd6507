/**
 * The rules-driven diff (provider/engine/plan.ts) and the declarations it reads (provider/engine/fields.ts), for
 * every kind: each input declares a rule, the README's table is generated from them, stable outputs ride through
 * check unless the change replaces.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { KIND_NAMES, load } from "../../provider/dispatch";
import { fieldTable, localOnly, replaces, stable, stableUnless, computed, updates, changes } from "../../provider/engine/fields";
import { diffByRules, plan, stableOutputs, withCommonOutputs, withStableOutputs, type KindSpec } from "../../provider/engine/plan";
import { rulesTable, withRulesTable } from "../../provider/engine/rules-table";
import { UNKNOWN } from "../../provider/engine/unknown";

const spec: KindSpec = {
  inputs: z.object({
    name: replaces(z.string()),
    size: updates(z.string().optional()),
    mode: changes(z.string().optional(), { change: (o, n) => (o.mode === "external" || n.mode === "external" ? "replace" : "update") }),
    wait: localOnly(z.number().optional()),
    owner: updates(z.string().optional()),
  }),
  outputs: { id: stable, effectiveOwner: stableUnless("owner"), state: computed },
  deleteBeforeReplace: (o, n) => o.name === n.name,
};

describe("every kind declares a diff rule on every input", () => {
  test.each(KIND_NAMES)("%s", (name) => {
    const fields = fieldTable(load(name).spec.inputs);
    expect(fields.length).toBeGreaterThan(0);
    for (const output of Object.keys(load(name).spec.outputs)) expect(fields.map((f) => f.name)).not.toContain(output);
  });

  test("the README's table of what a change does is generated from those rules and up to date", () => {
    const readme = fs.readFileSync(path.resolve(__dirname, "../../README.md"), "utf8");
    const table = rulesTable(KIND_NAMES.map((name) => ({ name, spec: load(name).spec })));
    expect(withRulesTable(readme, table)).toBe(readme); // run `npm run docs:fields` when this fails
  });

  test("a field without a rule is refused", () => {
    expect(() => fieldTable(z.object({ bare: z.string() }))).toThrow(/bare declares no diff rule/);
  });
});

describe("plan and diff", () => {
  const base = { name: "a", size: "Small", mode: "custom", owner: "x" };

  test("in place, local-only and replacing changes, by the declared rules", () => {
    expect(plan(spec, base, { ...base, size: "Large" })).toEqual({ changed: ["size"], replaces: [], localOnly: false });
    expect(plan(spec, base, { ...base, wait: 5 })).toEqual({ changed: ["wait"], replaces: [], localOnly: true });
    expect(plan(spec, base, { ...base, name: "b" }).replaces).toEqual(["name"]);
    expect(plan(spec, base, { ...base, mode: "external" }).replaces).toEqual(["mode"]);
    expect(plan(spec, base, { ...base, mode: "other" }).replaces).toEqual([]);
  });

  test("the engine gets no change for local-only edits, and delete-first only when the spec says so", () => {
    expect(diffByRules(spec, { ...base, id: "1" }, { ...base, wait: 9 })).toEqual({ changes: false });
    expect(diffByRules(spec, { ...base, id: "1" }, { ...base, size: "L" })).toEqual({ changes: undefined, replaces: [], deleteBeforeReplace: false });
    expect(diffByRules(spec, base, { ...base, mode: "external" })).toEqual({ changes: undefined, replaces: ["mode"], deleteBeforeReplace: true });
    expect(diffByRules(spec, base, { ...base, name: "b" })).toEqual({ changes: undefined, replaces: ["name"], deleteBeforeReplace: false });
  });

  test("an unknown value of a replacing field plans a replacement; of an in-place field, an update", () => {
    expect(plan(spec, base, { ...base, name: UNKNOWN }).replaces).toEqual(["name"]);
    expect(plan(spec, base, { ...base, size: UNKNOWN }).replaces).toEqual([]);
  });
});

describe("stable outputs", () => {
  const base = { name: "a", size: "Small", owner: "x" };

  test("survive in-place updates; follow the inputs they depend on; never a replacement", () => {
    expect(stableOutputs(spec, base, { ...base, size: "L" }).sort()).toEqual(["effectiveOwner", "id"]);
    expect(stableOutputs(spec, base, { ...base, owner: "y" })).toEqual(["id"]);
    expect(stableOutputs(spec, base, { ...base, name: "b" })).toEqual([]);
  });

  test("come from the stored inputs, or from one read of the server when the stored inputs predate them", async () => {
    let reads = 0;
    const locate = async () => (reads++, { id: "from-server", effectiveOwner: "x" });
    expect(await withStableOutputs(spec, { ...base, id: "stored", effectiveOwner: "x" }, { ...base, size: "L" }, locate)).toMatchObject({ id: "stored" });
    expect(reads).toBe(0);
    expect(await withStableOutputs(spec, base, { ...base, size: "L" }, locate)).toMatchObject({ id: "from-server", effectiveOwner: "x" });
    expect(reads).toBe(1);
    // A create has no stored inputs: nothing to carry, nothing read.
    expect(await withStableOutputs(spec, {}, base, locate)).toEqual(base);
    expect(reads).toBe(1);
    // Nothing changes: the engine keeps the outputs, so nothing is read and the stored inputs stay as they are.
    expect(await withStableOutputs(spec, base, { ...base }, locate)).toEqual(base);
    expect(reads).toBe(1);
  });

  test("every kind records the workspace it lives in, kept across updates", () => {
    for (const name of KIND_NAMES) expect(withCommonOutputs(load(name).spec).outputs.workspaceId).toEqual(stable);
  });
});
