/**
 * The property matrix: for every kind and every input field a user sets, through the real Pulumi CLI against the
 * plane, in ONE stack per round (so the whole matrix costs a handful of CLI runs, not hundreds):
 *   up → preview: nothing changes                     (no false diffs after a create)
 *   refresh --preview-only: no drift                  (what `dbserve drift` reads)
 *   refresh → preview: nothing changes                (refresh gives back inputs equal to the declaration)
 *   change exactly one field per resource → preview   (names exactly that field, with the declared step)
 *   up → the plane's call log                         (exactly the writes that field needs, nothing planned unsent)
 *   preview: nothing changes                          (the up converged)
 * Each kind's table lives in its own file beside this one (`matrix/<kind>.ts`) and must cover every input field
 * its schema declares (engine/fields.ts), or say why a field is not set by users.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fieldTable } from "../../../provider/engine/fields";
import type { KindSpec } from "../../../provider/engine/plan";
import type { PlaneProcess } from "../../helpers/plane";
import { TestStack, type PreviewJson, type PreviewStep } from "../../helpers/stack";
import { planeApi } from "../serving-helpers";

export type Variant = "before" | "after";

export interface MatrixCase {
  /** Unique within the kind; part of the resource's logical name. */
  label: string;
  /** The input field this case changes. */
  field: string;
  /**
   * TypeScript declaring the resource under test, named exactly `name`, plus any helpers it needs (named
   * `${name}-…`). `serving` (the package) and `cfg` (the stack's Config) are in scope.
   */
  declare: (name: string, variant: Variant) => string;
  /** Files the program reads (e.g. model directories), relative to the program folder. */
  files?: (name: string, variant: Variant) => Record<string, string>;
  /** What the preview plans for the resource. `same`: a change that is nothing to the server (local, reordered, defaults). */
  step: "update" | "replace" | "same";
  /** The top-level inputs the preview names (default: [field]; none for `same`). */
  paths?: string[];
  /**
   * The writes (non-GET calls) the up sends for this resource, as `METHOD path` with `{key}` for the object the
   * call addresses (key i of `keys`), e.g. `PATCH /api/2.0/serving-endpoints/{0}/tags`.
   */
  writes: string[];
}

export interface KindMatrix {
  kind: string;
  spec: KindSpec;
  /**
   * The names a call may address this resource by (endpoint name, full model name, endpoint id…), from its state.
   * A key starting with `~` only names a part of a path shared with other resources (an alias name): it is templated
   * but does not by itself attribute a call to this resource.
   */
  keys: (outputs: Record<string, unknown>, helpers: Record<string, Record<string, unknown>>) => string[];
  cases: MatrixCase[];
  /** Inputs users never set (set by the Resource class or derived by check), with where they are covered. */
  notUserSet?: Record<string, string>;
  /** Only one resource of this kind may exist per workspace: each case runs in a round of its own. */
  exclusive?: boolean;
}

export interface Call {
  seq: number;
  method: string;
  path: string;
  status: number;
  /** The object a call names in its body or query (`name`), where its path does not. */
  target?: string;
}

const logical = (kind: KindMatrix, c: MatrixCase) => `${kind.kind.replace(/[A-Z]/g, (m, i: number) => (i ? "-" : "") + m.toLowerCase())}-${c.label}`;

/** Every user-set input of the kind has at least one case; the rest say why not. Returns the problems. */
export function coverageProblems(kind: KindMatrix): string[] {
  const problems: string[] = [];
  const covered = new Set(kind.cases.map((c) => c.field));
  for (const { name } of fieldTable(kind.spec.inputs)) {
    if (!covered.has(name) && !(name in (kind.notUserSet ?? {}))) problems.push(`${kind.kind}.${name} has no matrix case`);
  }
  for (const c of kind.cases) {
    if (!fieldTable(kind.spec.inputs).some((f) => f.name === c.field)) problems.push(`${kind.kind} case ${c.label} changes ${c.field}, which is not an input`);
  }
  return problems;
}

export function program(cases: { kind: KindMatrix; c: MatrixCase }[], variant: Variant): string {
  return [
    `import * as pulumi from "@pulumi/pulumi";`,
    `import * as serving from "pulumi-databricks-serving";`,
    `const cfg = new pulumi.Config();`,
    `void cfg;`,
    ...cases.map(({ kind, c }) => `// ${kind.kind}.${c.field} (${c.label})\n{\n${c.declare(logical(kind, c), variant)}\n}`),
  ].join("\n");
}

function writeFiles(stack: TestStack, cases: { kind: KindMatrix; c: MatrixCase }[], variant: Variant): void {
  for (const { kind, c } of cases) {
    for (const [rel, content] of Object.entries(c.files?.(logical(kind, c), variant) ?? {})) {
      const file = path.join(stack.dir, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    }
  }
}

async function callsSince(plane: PlaneProcess, seq: number): Promise<{ calls: Call[]; next: number }> {
  const r = await planeApi<{ calls: Call[]; next_seq: number }>(plane, "GET", `/api/2.0/dbserve/calls?since=${seq}`);
  return { calls: r.calls, next: r.next_seq };
}

const stepFor = (preview: PreviewJson, name: string): PreviewStep[] => preview.steps.filter((s) => s.urn.endsWith(`::${name}`));
const namedFields = (steps: PreviewStep[]) =>
  [...new Set(steps.flatMap((s) => [...Object.keys(s.detailedDiff ?? {}), ...(s.diffReasons ?? [])]).map((p) => p.split(/[.[]/)[0]).filter((p) => p !== "__provider"))].sort();
const opOf = (steps: PreviewStep[]) => (steps.some((s) => s.op.includes("replace")) ? "replace" : steps[0]?.op ?? "missing");

/** The writes a case's resource received: calls whose path segment or target is one of its keys, keys templated. */
export function writesFor(calls: Call[], rawKeys: string[]): string[] {
  const identifying = rawKeys.filter((k) => !k.startsWith("~"));
  const keys = rawKeys.map((k) => k.replace(/^~/, ""));
  const out: string[] = [];
  for (const call of calls) {
    if (call.method === "GET") continue;
    const segments = call.path.split("/").map((s) => decodeURIComponent(s));
    if (!identifying.some((k) => segments.includes(k) || call.target === k)) continue;
    const templated = segments.map((s) => {
      const i = keys.indexOf(s);
      return i >= 0 ? `{${i}}` : s;
    });
    out.push(`${call.method} ${templated.join("/")}`);
  }
  return out.sort();
}

export interface RoundResult {
  size: number;
  failures: string[];
}

/**
 * One round: the given cases in one stack, through every step above. Returns what did not hold (an empty list
 * means every property held for every case), so one report lists all broken cases at once.
 */
export async function runRound(plane: PlaneProcess, cases: { kind: KindMatrix; c: MatrixCase }[], stackOptions: { secrets?: Record<string, string> } = {}): Promise<RoundResult> {
  const failures: string[] = [];
  const stack = await TestStack.create({ program: program(cases, "before"), plane, secrets: stackOptions.secrets, projectName: "matrix" });
  const must = async (what: string, run: () => Promise<{ code: number; stdout: string; stderr: string }>) => {
    const r = await run();
    if (r.code !== 0) {
      const errors = r.stdout.split("\n").filter((l) => /error|failed/i.test(l) && !l.includes("[databricks-serving]"));
      throw new Error(`${what} failed (${r.code}):\n${errors.join("\n")}\n${r.stderr.slice(-3000)}`);
    }
  };
  const quiet = async (when: string) => {
    const p = await stack.preview();
    if (p.code !== 0) throw new Error(`preview ${when} failed:\n${JSON.stringify(p.diagnostics, null, 1)}\n${p.stderr.slice(-3000)}`);
    for (const s of p.steps) {
      if (s.op !== "same") failures.push(`${when}: ${s.urn.split("::").pop()} plans ${s.op} (${namedFields([s]).join(", ")}) where nothing changed`);
    }
  };
  try {
    writeFiles(stack, cases, "before");
    await must("up (before)", () => stack.up());
    await quiet("after up");
    // What `dbserve drift` reads: a refresh that only looks must find nothing either.
    const look = await stack.pulumi(["refresh", "--preview-only", "--json"]);
    for (const st of (JSON.parse(look.stdout || "{}") as PreviewJson).steps ?? []) {
      if (st.op === "update" || st.op === "delete") failures.push(`refresh --preview-only: ${st.urn.split("::").pop()} drifts (${st.op}: ${namedFields([st]).join(", ")}) where nothing changed`);
    }
    await must("refresh", () => stack.refresh());
    await quiet("after refresh");

    const state = await stack.exportState();
    const outputsOf = (name: string) => (state.resources.find((r) => r.urn.endsWith(`::${name}`))?.outputs ?? {}) as Record<string, unknown>;
    const helpersOf = (name: string) =>
      Object.fromEntries(state.resources.filter((r) => r.urn.split("::").pop()!.startsWith(`${name}-`)).map((r) => [r.urn.split("::").pop()!.slice(name.length + 1), (r.outputs ?? {}) as Record<string, unknown>]));

    stack.writeProgram(program(cases, "after"));
    writeFiles(stack, cases, "after");
    const planned = await stack.preview();
    if (planned.code !== 0) throw new Error(`preview of the changes failed:\n${JSON.stringify(planned.diagnostics, null, 1)}`);
    for (const { kind, c } of cases) {
      const name = logical(kind, c);
      const steps = stepFor(planned, name);
      const op = steps.length === 0 ? "same" : opOf(steps);
      if (op !== c.step) failures.push(`${kind.kind}.${c.field} (${c.label}): preview plans ${op}, expected ${c.step}`);
      const want = c.step === "same" ? [] : [...(c.paths ?? [c.field])].sort();
      const got = c.step === "same" ? [] : namedFields(steps);
      if (JSON.stringify(got) !== JSON.stringify(want)) failures.push(`${kind.kind}.${c.field} (${c.label}): preview names ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
    }

    const cursor = (await callsSince(plane, 0)).next;
    await must("up (after)", () => stack.up());
    const { calls } = await callsSince(plane, cursor);
    const after = await stack.exportState();
    const outputsAfter = (name: string) => (after.resources.find((r) => r.urn.endsWith(`::${name}`))?.outputs ?? {}) as Record<string, unknown>;
    for (const { kind, c } of cases) {
      const name = logical(kind, c);
      // Keys of the object before and after (a replacement addresses both the old and the new one).
      const keys = [...new Set([...kind.keys(outputsOf(name), helpersOf(name)), ...kind.keys(outputsAfter(name), helpersOf(name))])];
      const got = writesFor(calls, keys);
      const want = [...c.writes].sort();
      if (JSON.stringify(got) !== JSON.stringify(want)) failures.push(`${kind.kind}.${c.field} (${c.label}): up sent ${JSON.stringify(got)}, expected ${JSON.stringify(want)} (keys ${JSON.stringify(keys)})`);
    }
    await quiet("after the changes were applied");
  } finally {
    const d = await stack.destroy();
    if (d.code !== 0) failures.push(`destroy failed: ${d.stdout.slice(-3000)}`);
    stack.dispose();
  }
  return { size: cases.length, failures };
}
