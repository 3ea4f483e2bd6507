/**
 * A stack pointed at the wrong workspace loses nothing, through the real CLI: every resource records the workspace
 * it lives in (the `x-databricks-org-id` every answer carries), and a refresh, update or destroy through a connection
 * that reaches another workspace fails, naming both, before reading, changing or deleting anything — also when
 * DATABRICKS_HOST is unset and the embedded default plane answers, which announces itself in the output.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import { startPlaneProcess, type PlaneProcess } from "../helpers/plane";
import { REPO, tempDir } from "../helpers/paths";
import { TestStack } from "../helpers/stack";
import { planeApi, sdk } from "./serving-helpers";

const program = (tag: string) => `
import * as serving from "pulumi-databricks-serving";
new serving.ServingEndpoint("ep", { name: "same-name", servedEntities: [{ entityName: "main.id.m", entityVersion: "1", scaleToZeroEnabled: true }], tags: { v: "${tag}" } });
new serving.RegisteredModel("model", { catalog: "main", schema: "id", name: "bot" });
`;

async function seed(plane: PlaneProcess): Promise<void> {
  await planeApi(plane, "POST", "/api/2.1/unity-catalog/models", { catalog_name: "main", schema_name: "id", name: "m" });
  const v = await planeApi<{ model_version: { version: string } }>(plane, "POST", "/api/2.0/mlflow/unity-catalog/model-versions/create", { name: "main.id.m", source: "runs:/r/model" });
  await planeApi(plane, "POST", "/api/2.0/mlflow/unity-catalog/model-versions/finalize", { name: "main.id.m", version: v.model_version.version });
}

const workspaceId = async (plane: PlaneProcess) => (await planeApi<{ workspace_id: string }>(plane, "GET", "/api/2.0/dbserve/health")).workspace_id;

let home: PlaneProcess;
let elsewhere: PlaneProcess;
beforeAll(async () => {
  [home, elsewhere] = await Promise.all([startPlaneProcess({ deploySeconds: 0.2 }), startPlaneProcess({ deploySeconds: 0.2 })]);
  await Promise.all([seed(home), seed(elsewhere)]);
});
afterAll(async () => {
  await Promise.all([home?.stop(), elsewhere?.stop()]);
});

test("refresh, update and destroy through another workspace fail naming both, and lose or touch nothing", async () => {
  const stack = await TestStack.create({ program: program("a"), plane: home });
  const dataDir = tempDir("default-plane");
  try {
    expect((await stack.up()).code).toBe(0);
    const before = await stack.exportState();
    const [homeId, otherId] = [await workspaceId(home), await workspaceId(elsewhere)];
    expect(before.resources.filter((r) => r.type.includes("dynamic")).map((r) => r.outputs?.workspaceId)).toEqual([homeId, homeId]);
    // The other workspace happens to hold objects of the same names: they must not be mistaken for ours.
    await (await sdk(elsewhere).servingEndpoints.create({ name: "same-name", config: { name: "same-name", served_entities: [{ entity_name: "main.id.m", entity_version: "1", workload_size: "Small", scale_to_zero_enabled: true }] } })).wait();
    await planeApi(elsewhere, "POST", "/api/2.1/unity-catalog/models", { catalog_name: "main", schema_name: "id", name: "bot" });
    const other = { DATABRICKS_HOST: elsewhere.url, DATABRICKS_TOKEN: elsewhere.token };

    const refresh = await stack.pulumi(["refresh", "--yes", "--skip-preview"], other);
    expect(refresh.code).not.toBe(0);
    expect(refresh.stdout).toContain(`lives in workspace ${homeId}, but the current connection (${elsewhere.url}) reaches workspace ${otherId}`);
    expect(refresh.stdout).toContain("Nothing was read, changed or deleted");

    stack.writeProgram(program("b"));
    const update = await stack.pulumi(["up", "--yes", "--skip-preview"], other);
    expect(update.code).not.toBe(0);
    expect(update.stdout).toContain(`reaches workspace ${otherId}`);

    const destroy = await stack.pulumi(["destroy", "--yes", "--skip-preview"], other);
    expect(destroy.code).not.toBe(0);
    // The same-named objects of the other workspace are untouched; the state still holds both resources.
    const theirs = await sdk(elsewhere).servingEndpoints.get({ name: "same-name" });
    expect(theirs.tags ?? []).toEqual([]);
    expect((await planeApi(elsewhere, "GET", "/api/2.1/unity-catalog/models/main.id.bot")).full_name).toBe("main.id.bot");
    const after = await stack.exportState();
    expect(after.resources.map((r) => r.urn).sort()).toEqual(before.resources.map((r) => r.urn).sort());

    // With DATABRICKS_HOST unset, the embedded default plane answers: it says so, and the guard holds the same way.
    const unset = await stack.pulumi(["refresh", "--yes", "--skip-preview"], { DATABRICKS_HOST: "", DATABRICKS_TOKEN: "", DBSERVE_DATA: dataDir });
    expect(unset.code).not.toBe(0);
    expect(unset.stdout).toMatch(/the embedded control plane at http:\/\/127\.0\.0\.1:\d+ \(data in .*\), not a Databricks workspace/);
    expect(unset.stdout).toContain(`npx dbserve plane stop --data ${dataDir}`);
    expect(unset.stdout).toContain(`lives in workspace ${homeId}`);
    expect((await stack.exportState()).resources.length).toBe(before.resources.length);

    // Back home, everything works as before.
    expect((await stack.refresh()).code).toBe(0);
    expect((await stack.up()).code).toBe(0);
    expect((await stack.destroy()).code).toBe(0);
  } finally {
    if (fs.existsSync(path.join(dataDir, "plane.json"))) execFileSync(process.execPath, [path.join(REPO, "bin/dbserve.js"), "plane", "stop", "--data", dataDir]);
    fs.rmSync(dataDir, { recursive: true, force: true });
    stack.dispose();
  }
});
