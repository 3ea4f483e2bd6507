/**
 * Runs touch only their own objects, through the real CLI with two stacks (two projects: `team-a`, `team-b`) on one
 * plane declaring the same explicit names:
 * - the second stack's preview and up fail, naming the owner (`<project>/<stack>/<Kind>/<name>`) and `adopt: true`;
 * - `adopt: true` takes the object over deliberately; the first stack's destroy then leaves it in place;
 * - a create never adopts another stack's object, and a delete never removes one.
 * Endpoints carry the owner in a tag; Unity Catalog models in a registry tag; aliases in a registry tag of their
 * model; a pay-per-token gateway in a tag of the pre-provisioned endpoint.
 */
import { startPlaneProcess, type PlaneProcess } from "../helpers/plane";
import { TestStack } from "../helpers/stack";
import { diagnosticsText, planeApi, sdk } from "./serving-helpers";

const program = (adopt: boolean) => `
import * as serving from "pulumi-databricks-serving";
const adopt = ${adopt};
new serving.ServingEndpoint("ep", { name: "shared-endpoint", servedEntities: [{ entityName: "main.own.m", entityVersion: "1", scaleToZeroEnabled: true }], adopt });
const model = new serving.RegisteredModel("model", { catalog: "main", schema: "own", name: "shared_model", adopt });
const v1 = new serving.ModelVersion("v1", { model: model.fullName, source: "runs:/own/model" });
new serving.ModelAlias("champion", { model: "main.own.m", alias: "champion", version: 1, adopt });
new serving.PayPerTokenGateway("gateway", { endpoint: "databricks-gte-large-en", aiGateway: { usageTracking: true }, adopt });
export const version = v1.version;
`;

let plane: PlaneProcess;
const stacks: TestStack[] = [];

beforeAll(async () => {
  plane = await startPlaneProcess({ deploySeconds: 0.2, args: ["--region", "eastus"] });
  await planeApi(plane, "POST", "/api/2.1/unity-catalog/models", { catalog_name: "main", schema_name: "own", name: "m" });
  const v = await planeApi<{ model_version: { version: string } }>(plane, "POST", "/api/2.0/mlflow/unity-catalog/model-versions/create", { name: "main.own.m", source: "runs:/r/model" });
  await planeApi(plane, "POST", "/api/2.0/mlflow/unity-catalog/model-versions/finalize", { name: "main.own.m", version: v.model_version.version });
});
afterAll(async () => {
  for (const s of stacks) {
    await s.destroy();
    s.dispose();
  }
  await plane?.stop();
});

test("a second stack neither adopts nor deletes the first stack's objects, unless it says adopt: true", async () => {
  const a = await TestStack.create({ program: program(false), plane, projectName: "team-a" });
  const b = await TestStack.create({ program: program(false), plane, projectName: "team-b" });
  stacks.push(a, b);
  const upA = await a.up();
  if (upA.code !== 0) throw new Error(upA.stdout);

  // Preview already tells, for each kind whose create would meet the other stack's object.
  const preview = await b.preview();
  expect(preview.code).not.toBe(0);
  const said = diagnosticsText(preview);
  expect(said).toMatch(/serving endpoint shared-endpoint already exists and is owned by team-a\/test\/ServingEndpoint\/ep .*adopt: true/s);
  for (const kind of ["RegisteredModel/model", "ModelAlias/champion", "PayPerTokenGateway/gateway"]) expect(said).toContain(`owned by team-a/test/${kind}`);

  // The up fails the same way, before touching anything; nothing of B's is in its state.
  const upB = await b.up();
  expect(upB.code).not.toBe(0);
  expect(upB.stdout).toContain("owned by team-a/test/ServingEndpoint/ep");
  const w = sdk(plane);
  const tags = async () => Object.fromEntries(((await w.servingEndpoints.get({ name: "shared-endpoint" })).tags ?? []).map((t) => [t.key, t.value]));
  expect((await tags())["pulumi-owner"]).toBe("team-a/test/ServingEndpoint/ep");

  // Deliberate take-over: B adopts; the markers now name B's resources.
  b.writeProgram(program(true));
  const adopted = await b.up();
  if (adopted.code !== 0) throw new Error(adopted.stdout);
  expect((await tags())["pulumi-owner"]).toBe("team-b/test/ServingEndpoint/ep");

  // A's destroy leaves every adopted object in place, says so, and forgets it.
  const destroyA = await a.destroy();
  expect(destroyA.code).toBe(0);
  expect(destroyA.stdout).toContain("is now owned by team-b/test/ServingEndpoint/ep: not deleted");
  expect((await w.servingEndpoints.get({ name: "shared-endpoint" })).name).toBe("shared-endpoint");
  expect((await planeApi(plane, "GET", "/api/2.1/unity-catalog/models/main.own.shared_model")).full_name).toBe("main.own.shared_model");
  expect((await planeApi(plane, "GET", "/api/2.1/unity-catalog/models/main.own.m/aliases/champion")).version).toBe(1);
  expect((await w.servingEndpoints.get({ name: "databricks-gte-large-en" })).ai_gateway?.usage_tracking_config?.enabled).toBe(true);

  // B, the owner now, deletes for real.
  expect((await b.destroy()).code).toBe(0);
  await expect(w.servingEndpoints.get({ name: "shared-endpoint" })).rejects.toThrow(/does not exist/);
});
