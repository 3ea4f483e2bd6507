/**
 * A create whose answer is lost after the server committed it (the plane's `lose_response` fault: the request is
 * applied, then the connection drops) converges with exactly one object, for every create route, through the real
 * CLI: on the client's own retry within the run, and after `kill -9` of `pulumi up` between the server's commit and
 * Pulumi's checkpoint; and a run that writes no checkpoints at all (`PULUMI_SKIP_CHECKPOINTS`), killed mid-flight.
 */
import { startPlaneProcess, type PlaneProcess } from "../helpers/plane";
import { killPulumi } from "../helpers/processes";
import { TestStack } from "../helpers/stack";
import { addFault, clearFaults, planeApi, sdk } from "./serving-helpers";

const program = `
import * as serving from "pulumi-databricks-serving";
const model = new serving.RegisteredModel("model", { catalog: "main", schema: "lost", name: "bot" });
const v1 = new serving.ModelVersion("v1", { model: model.fullName, source: "runs:/lost/model" });
new serving.ModelAlias("champion", { model: model.fullName, alias: "champion", version: v1.version });
const ep = new serving.ServingEndpoint("ep", { name: "lost-ep", servedEntities: [{ entityName: "main.lost.m", entityVersion: "1", scaleToZeroEnabled: true }] });
new serving.EndpointPermissions("ep-access", { endpointId: ep.endpointId, accessControl: [{ groupName: "users", permissionLevel: "CAN_QUERY" }] });
new serving.ProvisionedThroughputEndpoint("pt", { name: "lost-pt", entity: { name: "system.ai.gpt-oss-20b", version: "1" }, throughput: { modelUnits: 1 } });
`;

/** Every create route the provider uses, each losing its first answer. */
const CREATE_ROUTES: [string, string][] = [
  ["POST", "/api/2.0/mlflow/unity-catalog/registered-models/create"],
  ["POST", "/api/2.0/mlflow/unity-catalog/model-versions/create"],
  ["POST", "/api/2.0/mlflow/unity-catalog/registered-models/set-tag"],
  ["PUT", "/api/2.1/unity-catalog/models/*/aliases/*"],
  ["POST", "/api/2.0/serving-endpoints"],
  ["POST", "/api/2.0/serving-endpoints/pt"],
  ["PUT", "/api/2.0/permissions/serving-endpoints/*"],
];

let plane: PlaneProcess;
beforeAll(async () => {
  plane = await startPlaneProcess({ deploySeconds: 0.2, args: ["--region", "eastus"] });
  await planeApi(plane, "POST", "/api/2.1/unity-catalog/models", { catalog_name: "main", schema_name: "lost", name: "m" });
  const v = await planeApi<{ model_version: { version: string } }>(plane, "POST", "/api/2.0/mlflow/unity-catalog/model-versions/create", { name: "main.lost.m", source: "runs:/r/model" });
  await planeApi(plane, "POST", "/api/2.0/mlflow/unity-catalog/model-versions/finalize", { name: "main.lost.m", version: v.model_version.version });
});
afterAll(async () => {
  await plane?.stop();
});

async function counts(): Promise<{ endpoints: string[]; versions: number; models: string[] }> {
  const endpoints: string[] = [];
  for await (const e of sdk(plane).servingEndpoints.list()) if (e.name?.startsWith("lost-")) endpoints.push(e.name);
  const versions = await planeApi<{ model_versions?: unknown[] }>(plane, "GET", "/api/2.1/unity-catalog/models/main.lost.bot/versions").catch(() => ({ model_versions: [] }));
  const models = await planeApi<{ registered_models?: { full_name: string }[] }>(plane, "GET", "/api/2.1/unity-catalog/models?catalog_name=main&schema_name=lost");
  return { endpoints: endpoints.sort(), versions: versions.model_versions?.length ?? 0, models: (models.registered_models ?? []).map((m) => m.full_name).sort() };
}

/** Exactly one object of each kind the program declares (besides the fixture model `main.lost.m`). */
const ONE_EACH = { endpoints: ["lost-ep", "lost-pt"], versions: 1, models: ["main.lost.bot", "main.lost.m"] };

/** The stack holds exactly one object of each, previews quiet, and its destroy leaves only the fixture. */
async function convergedThenDestroyed(stack: TestStack): Promise<void> {
  expect(await counts()).toEqual(ONE_EACH);
  expect((await stack.managedResources()).length).toBe(6);
  expect((await stack.preview()).changeSummary).toEqual({ same: 7 });
  expect((await stack.destroy()).code).toBe(0);
  expect(await counts()).toEqual({ endpoints: [], versions: 0, models: ["main.lost.m"] });
}

test("every create route loses its first answer after committing: one up converges with exactly one object each", async () => {
  for (const [method, route] of CREATE_ROUTES) await addFault(plane, { kind: "lose_response", method, route, times: 1 });
  const stack = await TestStack.create({ program, plane });
  try {
    const up = await stack.up();
    if (up.code !== 0) throw new Error(up.stdout);
    // Every fault fired (each route's first answer was really lost).
    expect((await planeApi<{ faults: unknown[] }>(plane, "GET", "/api/2.0/dbserve/faults")).faults).toEqual([]);
    await convergedThenDestroyed(stack);
  } finally {
    await clearFaults(plane);
    stack.dispose();
  }
});

test("kill -9 between the server's commit and Pulumi's checkpoint: the next up finds its own version, registers none twice", async () => {
  const stack = await TestStack.create({ program, plane });
  try {
    // The version's create answer is lost, and the provider's look for it is held up: the run is killed there.
    await addFault(plane, { kind: "lose_response", method: "POST", route: "/api/2.0/mlflow/unity-catalog/model-versions/create", times: 1 });
    await addFault(plane, { kind: "latency", method: "GET", route: "/api/2.1/unity-catalog/models/main.lost.bot/versions", latency_ms: 60_000, times: 2 });
    const cursor = (await planeApi<{ next_seq: number }>(plane, "GET", "/api/2.0/dbserve/calls")).next_seq;
    const run = stack.pulumi(["up", "--yes", "--skip-preview"]);
    const deadline = Date.now() + 90_000;
    for (;;) {
      const calls = await planeApi<{ calls: { method: string; path: string; status: number }[] }>(plane, "GET", `/api/2.0/dbserve/calls?since=${cursor}`);
      if (calls.calls.some((c) => c.method === "POST" && c.path.endsWith("/model-versions/create"))) break;
      if (Date.now() > deadline) throw new Error("the version create never reached the plane");
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 1000));
    expect(killPulumi()).toBe(1);
    await run;
    await clearFaults(plane);
    expect((await counts()).versions).toBe(1);
    await stack.pulumi(["cancel", "--yes"]);
    const again = await stack.up();
    if (again.code !== 0) throw new Error(again.stdout);
    expect(again.stdout).toMatch(/registered by this resource before \(interrupted run\): resuming it|created by this resource earlier/);
    expect((await counts()).versions).toBe(1);
    expect((await stack.destroy()).code).toBe(0);
  } finally {
    await clearFaults(plane);
    stack.dispose();
  }
});

test("with PULUMI_SKIP_CHECKPOINTS=true (state written only at the end), a run killed mid-flight records nothing; the next up finds every object it created and makes none twice", async () => {
  const stack = await TestStack.create({ program, plane });
  const skip = { PULUMI_SKIP_CHECKPOINTS: "true" };
  try {
    // The permissions PUT is held up, so the run is killed after the model, version, alias and both endpoints exist.
    await addFault(plane, { kind: "latency", method: "PUT", route: "/api/2.0/permissions/serving-endpoints/*", latency_ms: 60_000, times: 1 });
    const cursor = (await planeApi<{ next_seq: number }>(plane, "GET", "/api/2.0/dbserve/calls")).next_seq;
    const run = stack.pulumi(["up", "--yes", "--skip-preview"], skip);
    const deadline = Date.now() + 120_000;
    for (;;) {
      const calls = await planeApi<{ calls: { method: string; path: string; status: number }[] }>(plane, "GET", `/api/2.0/dbserve/calls?since=${cursor}`);
      const created = (path: string) => calls.calls.some((c) => c.method !== "GET" && c.path.startsWith(path) && c.status === 200);
      if (created("/api/2.1/unity-catalog/models/main.lost.bot/aliases/") && created("/api/2.0/serving-endpoints/pt")) break;
      if (Date.now() > deadline) throw new Error(`the creates never all reached the plane: ${JSON.stringify(calls.calls.map((c) => `${c.method} ${c.path} ${c.status}`))}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 1000));
    expect(killPulumi()).toBe(1);
    await run;
    await clearFaults(plane);
    // Nothing was checkpointed: the state knows none of the objects that now exist.
    expect(await stack.managedResources()).toEqual([]);
    expect(await counts()).toEqual(ONE_EACH);
    await stack.pulumi(["cancel", "--yes"]);
    const again = await stack.pulumi(["up", "--yes", "--skip-preview"], skip);
    if (again.code !== 0) throw new Error(again.stdout);
    await convergedThenDestroyed(stack);
  } finally {
    await clearFaults(plane);
    stack.dispose();
  }
});
