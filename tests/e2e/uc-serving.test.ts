/**
 * examples/fine-tuned-model through the real Pulumi CLI against a plane: register → version (uploaded from the
 * example's files) → alias @champion → endpoint serving @champion's version; promote v2 through stack config (the
 * alias moves in place and the endpoint follows in the same `up`, after the alias); destroy in dependency order.
 * The example's model files name Llama 3.3 70B as their base, so the fine-tune is served with provisioned
 * throughput in bands of that architecture's chunk size.
 */
import { WorkspaceClient } from "@databricks/sdk-experimental";
import { startPlaneProcess, PlaneProcess } from "../helpers/plane";
import { stepsFor, TestStack } from "../helpers/stack";

describe("examples/fine-tuned-model: serve @champion and promote v2", () => {
  let plane: PlaneProcess;
  let stack: TestStack;
  let ws: WorkspaceClient;

  beforeAll(async () => {
    plane = await startPlaneProcess();
    stack = await TestStack.create({ example: "fine-tuned-model", plane });
    ws = new WorkspaceClient({ host: plane.url, token: plane.token, authType: "pat" });
  });
  afterAll(async () => {
    await plane?.stop();
    stack?.dispose();
  });

  const servedVersions = async (name: string) => {
    const ep = await ws.servingEndpoints.get({ name });
    return (ep.config?.served_entities ?? []).map((e) => `${e.entity_name}@${e.entity_version}`);
  };

  it("registers both versions, points @champion at v1 and serves it", async () => {
    const up = await stack.up();
    expect(up.stdout + up.stderr).not.toMatch(/error:/);
    expect(up.code).toBe(0);
    const out = await stack.outputs();
    expect(out).toMatchObject({ registeredModel: "main.genai.support_bot_ft", championVersion: 1, workspaceGeo: "EU Data Boundary" });
    expect(await servedVersions(String(out.endpointName))).toEqual(["main.genai.support_bot_ft@1"]);
    const statuses: string[] = [];
    for await (const v of ws.modelVersions.list({ full_name: "main.genai.support_bot_ft" })) statuses.push(`${v.version}:${v.status}`);
    expect(statuses.sort()).toEqual(["1:READY", "2:READY"]);
  });

  it("promotes v2 via stack config: the preview already shows the endpoint's new version", async () => {
    await stack.setConfig("champion", "2");
    const preview = await stack.preview();
    expect(preview.code).toBe(0);
    const [alias] = stepsFor(preview, "ModelAlias");
    expect(alias.op).toBe("update");
    expect(alias.diffReasons).toEqual(["version"]);
    const [endpoint] = stepsFor(preview, "ProvisionedThroughputEndpoint");
    expect(endpoint.op).toBe("update");
    expect(endpoint.diffReasons).toContain("entity");
    expect(JSON.stringify(endpoint.newState?.inputs?.entity)).toContain('"version":"2"');
    expect(stepsFor(preview, "ModelVersion").filter((s) => s.op !== "same")).toEqual([]);
  });

  it("moves the alias, then updates the endpoint, in one up", async () => {
    const up = await stack.up();
    expect(up.code).toBe(0);
    // Progress lines come in execution order: the endpoint update starts only after the alias has moved.
    const lines = up.stdout.split("\n");
    const aliasDone = lines.findIndex((l) => /ModelAlias champion updated/.test(l));
    const endpointStart = lines.findIndex((l) => /ProvisionedThroughputEndpoint support-bot updating/.test(l));
    expect(aliasDone).toBeGreaterThanOrEqual(0);
    expect(endpointStart).toBeGreaterThan(aliasDone);
    const out = await stack.outputs();
    expect(out.championVersion).toBe(2);
    expect(await servedVersions(String(out.endpointName))).toEqual(["main.genai.support_bot_ft@2"]);
    const alias = await ws.registeredModels.get({ full_name: "main.genai.support_bot_ft", include_aliases: true });
    expect(alias.aliases).toEqual([expect.objectContaining({ alias_name: "champion", version_num: 2 })]);
  });

  it("destroys endpoint, alias, versions and model in dependency order", async () => {
    const out = await stack.outputs();
    const destroy = await stack.destroy();
    expect(destroy.stdout + destroy.stderr).not.toMatch(/refusing to delete/);
    expect(destroy.code).toBe(0);
    await expect(ws.servingEndpoints.get({ name: String(out.endpointName) })).rejects.toThrow(/does not exist/);
    await expect(ws.registeredModels.get({ full_name: "main.genai.support_bot_ft" })).rejects.toThrow(/does not exist/);
    expect(await stack.managedResources()).toEqual([]);
  });
});
