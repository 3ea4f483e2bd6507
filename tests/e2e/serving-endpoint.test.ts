/**
 * ServingEndpoint through the real Pulumi CLI: previews that show only true changes, with readable values.
 * - an in-place change of an endpoint keeps its id known, so EndpointPermissions on `endpointId` is not replaced;
 * - after a refresh, secret and plain environment variables and credentials read back equal to the declaration;
 * - only secret values are masked: entity fields print before → after, in the preview and in the PR comment;
 * - a long deployment reports progress at a steady cadence.
 * (The field-by-field properties for every kind are in property-matrix.test.ts.)
 */
import * as path from "node:path";
import { startPlaneProcess, type PlaneProcess } from "../helpers/plane";
import { REPO } from "../helpers/paths";
import { TestStack } from "../helpers/stack";
import { planeApi, sdk } from "./serving-helpers";
import type { PreviewJson } from "../helpers/stack";

/** A resource's step in a preview; a resource the preview leaves alone may be listed as `same` or not at all. */
const step = (p: PreviewJson, name: string) => p.steps.find((s) => s.urn.endsWith(`::${name}`)) ?? { op: "same", urn: name, detailedDiff: {}, newState: undefined };

const TOKEN = "tok-never-printed-4411";
const KEY = "sk-never-printed-9922";

const program = (o: { tag: string; size?: string; traffic?: number }) => `
import * as pulumi from "@pulumi/pulumi";
import * as serving from "pulumi-databricks-serving";
const cfg = new pulumi.Config();
const ep = new serving.ServingEndpoint("ep", {
  servedEntities: [
    { name: "a", entityName: "main.se.m", entityVersion: "1", workloadSize: "${o.size ?? "Small"}", scaleToZeroEnabled: true,
      environmentVars: { LOG_LEVEL: "info", TOKEN: cfg.requireSecret("token") } },
    { name: "b", entityName: "main.se.m", entityVersion: "2", scaleToZeroEnabled: true },
  ],
  traffic: [{ servedEntityName: "a", trafficPercentage: ${o.traffic ?? 80} }, { servedEntityName: "b", trafficPercentage: ${100 - (o.traffic ?? 80)} }],
  tags: { team: "${o.tag}" },
});
new serving.EndpointPermissions("ep-access", { endpointId: ep.endpointId, accessControl: [{ groupName: "users", permissionLevel: "CAN_QUERY" }] });
const ext = new serving.ServingEndpoint("ext", {
  servedEntities: [{ name: "gpt", externalModel: { name: "gpt-4o-mini", provider: "openai", task: "llm/v1/chat", openaiConfig: { openaiApiKeyPlaintext: cfg.requireSecret("key") } } }],
  tags: { team: "${o.tag}" },
});
new serving.EndpointPermissions("ext-access", { endpointId: ext.endpointId, accessControl: [{ groupName: "users", permissionLevel: "CAN_QUERY" }] });
export const endpointId = ep.endpointId;
`;

let plane: PlaneProcess;
let stack: TestStack;
const dbserve = (...args: string[]) => stack.exec(process.execPath, [path.join(REPO, "bin/dbserve.js"), ...args]);

beforeAll(async () => {
  plane = await startPlaneProcess({ deploySeconds: 0.3 });
  await planeApi(plane, "POST", "/api/2.1/unity-catalog/models", { catalog_name: "main", schema_name: "se", name: "m" });
  for (const run of ["r1", "r2"]) {
    const v = await planeApi<{ model_version: { version: string } }>(plane, "POST", "/api/2.0/mlflow/unity-catalog/model-versions/create", { name: "main.se.m", source: `runs:/${run}/model` });
    await planeApi(plane, "POST", "/api/2.0/mlflow/unity-catalog/model-versions/finalize", { name: "main.se.m", version: v.model_version.version });
  }
  stack = await TestStack.create({ program: program({ tag: "a" }), plane, secrets: { token: TOKEN, key: KEY } });
  const up = await stack.up();
  if (up.code !== 0) throw new Error(`${up.stdout}\n${up.stderr}`);
});
afterAll(async () => {
  await stack?.destroy();
  stack?.dispose();
  await plane?.stop();
});

test("a tag or traffic change updates the endpoints in place; the permissions on their ids stay the same", async () => {
  stack.writeProgram(program({ tag: "b", traffic: 60 }));
  const p = await stack.preview();
  expect(p.changeSummary).toEqual({ same: 3, update: 2 });
  expect(step(p, "ep-access").op).toBe("same");
  expect(step(p, "ext-access").op).toBe("same");
  expect(Object.keys(step(p, "ep").detailedDiff ?? {}).sort()).toEqual(["tags.team", "traffic[0].trafficPercentage", "traffic[1].trafficPercentage"]);
  expect(Object.keys(step(p, "ext").detailedDiff ?? {})).toEqual(["tags.team"]);
  // The endpoint's id is known in the preview, as the outputs of an update the engine previews from.
  expect(step(p, "ep").newState?.inputs?.endpointId).toBe((await stack.outputs()).endpointId);
  const comment = await dbserve("preview-comment");
  expect(comment.stdout).toMatch(/\| 🟡 update \| `ep` \| ServingEndpoint \| `tags.team`: "a" → "b"<br>`traffic\[0\].trafficPercentage`: 80 → 60/);
  expect(comment.stdout).not.toMatch(/ep-access|ext-access/);
  const up = await stack.up();
  expect(up.code).toBe(0);
  expect(up.stdout).not.toMatch(/EndpointPermissions .*(creat|delet|replac)/);
});

test("after a refresh, secrets and environment variables read back equal to the declaration", async () => {
  expect((await stack.refresh()).code).toBe(0);
  const quiet = await stack.preview();
  if (quiet.changeSummary?.update) console.log(JSON.stringify(quiet.steps.filter((x) => x.op !== "same").map((x) => [x.urn, x.detailedDiff, x.oldState?.inputs, x.newState?.inputs]), null, 1));
  expect(quiet.changeSummary).toEqual({ same: 5 });
  const drift = await dbserve("drift");
  expect(drift.stdout).toContain("No drift");
  expect(drift.code).toBe(0);
  // A tag change alone names the tag alone, not servedEntities or secrets.
  stack.writeProgram(program({ tag: "c", traffic: 60 }));
  const p = await stack.preview();
  expect(Object.keys(step(p, "ep").detailedDiff ?? {})).toEqual(["tags.team"]);
  expect(Object.keys(step(p, "ext").detailedDiff ?? {})).toEqual(["tags.team"]);
  expect((await stack.up()).code).toBe(0);
  // An out-of-band change of a secret environment variable is drift, shown masked.
  const w = sdk(plane);
  const name = (await w.servingEndpoints.get({ name: step(p, "ep").newState?.inputs?.name as string })).name!;
  const current = await w.servingEndpoints.get({ name });
  const entities = current.config!.served_entities!.map((e) =>
    e.name === "a" ? { name: e.name, entity_name: e.entity_name, entity_version: e.entity_version, workload_size: e.workload_size, scale_to_zero_enabled: true, environment_vars: { LOG_LEVEL: "info", TOKEN: "rotated-by-hand" } } : { name: e.name, entity_name: e.entity_name, entity_version: e.entity_version, workload_size: e.workload_size, scale_to_zero_enabled: true },
  );
  await planeApi(plane, "PUT", `/api/2.0/serving-endpoints/${name}/config`, { served_entities: entities, traffic_config: current.config!.traffic_config });
  await new Promise((r) => setTimeout(r, 1500));
  const seen = await dbserve("drift", "--format", "json");
  expect(seen.code).toBe(3);
  const report = JSON.parse(seen.stdout) as { resources: { name: string; changes: { path: string; change: string }[] }[] };
  const ep = report.resources.find((r) => r.name === "ep");
  expect(ep?.changes).toEqual([{ path: 'secrets["servedEntities[0].environmentVars.TOKEN"]', change: "[secret] → [secret]", replaces: false }]);
  expect(seen.stdout).not.toContain("rotated-by-hand");
  expect((await stack.up()).code).toBe(0); // puts the declared value back
  const state = await stack.exportState();
  for (const secret of [TOKEN, KEY, "rotated-by-hand"]) expect(state.text).not.toContain(secret);
});

test("only secret values are masked: a size change reads Small → Medium in the preview and the PR comment", async () => {
  stack.writeProgram(program({ tag: "c", traffic: 60, size: "Medium" }));
  const diff = await stack.pulumi(["preview", "--diff"]);
  expect(diff.stdout).toMatch(/workloadSize: "Small" => "Medium"/);
  expect(diff.stdout).not.toMatch(/servedEntities\s*: \[secret\]/);
  const comment = await dbserve("preview-comment");
  expect(comment.stdout).toContain('`servedEntities[0].workloadSize`: "Small" → "Medium"');
  expect(comment.stdout + diff.stdout).not.toContain(TOKEN);
  expect((await stack.up()).code).toBe(0);
  stack.writeProgram(program({ tag: "c", traffic: 60, size: "Medium" }));
});

test("a long deployment reports its progress at a steady cadence, with entity states and elapsed time", async () => {
  const slow = await startPlaneProcess({ deploySeconds: 24 });
  const s = await TestStack.create({
    program: `import * as serving from "pulumi-databricks-serving";\nnew serving.ProvisionedThroughputEndpoint("slow", { entity: { name: "system.ai.llama_v3_3_70b_instruct", version: "3" }, throughput: { min: 0, max: 1580 } });\n`,
    plane: slow,
  });
  try {
    const up = await s.up();
    expect(up.code).toBe(0);
    const lines = up.stdout.split("\n").filter((l) => l.includes("[databricks-serving] serving endpoint slow-") && l.includes("so far"));
    const seconds = [...new Set(lines.map((l) => Number(/(\d+) s so far/.exec(l)?.[1])))];
    // One line when the wait starts, then about every 10 s; never a flood.
    expect(seconds.length).toBeGreaterThanOrEqual(3);
    expect(seconds.length).toBeLessThanOrEqual(6);
    expect(Math.max(...seconds)).toBeGreaterThanOrEqual(15);
    expect(lines.join("\n")).toContain("DEPLOYMENT_CREATING");
    expect(up.stdout).toMatch(/ready after \d+ s \(\d+ polls\)/);
  } finally {
    await s.destroy();
    s.dispose();
    await slow.stop();
  }
});
