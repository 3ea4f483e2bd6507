/**
 * Upgrading the package under an existing stack, through the real CLI: state written by the previous release
 * (0.1.0, its packed tarball in tests/fixtures/releases, installed into the program's own node_modules, so its
 * provider wrote the state) refreshes, updates and deletes with this release. The first `up` after the upgrade only
 * stamps owner markers and records the workspace: nothing is replaced and no endpoint is redeployed.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { startPlaneProcess, type PlaneProcess } from "../helpers/plane";
import { REPO } from "../helpers/paths";
import { TestStack } from "../helpers/stack";
import { planeApi, sdk } from "./serving-helpers";

const PREVIOUS = path.join(REPO, "tests/fixtures/releases/pulumi-databricks-serving-0.1.0.tgz");
const TOKEN = "tok-upgrade-7781";
const KEY = "sk-upgrade-5521";

const program = (team: string) => `
import * as pulumi from "@pulumi/pulumi";
import * as serving from "pulumi-databricks-serving";
const cfg = new pulumi.Config();
new serving.WorkspaceGeo("geo", { region: "eastus" });
const model = new serving.RegisteredModel("model", { catalog: "main", schema: "up", name: "bot", comment: "support bot" });
const v1 = new serving.ModelVersion("v1", { model: model.fullName, source: "runs:/up/model" });
new serving.ModelAlias("champion", { model: model.fullName, alias: "champion", version: v1.version });
const ep = new serving.ServingEndpoint("ep", {
  servedEntities: [{ entityName: "main.up.m", entityVersion: "1", scaleToZeroEnabled: true, environmentVars: { PLAIN: "x", TOKEN: cfg.requireSecret("token") } }],
  tags: { team: "${team}" },
});
new serving.EndpointPermissions("ep-access", { endpointId: ep.endpointId, accessControl: [{ groupName: "users", permissionLevel: "CAN_QUERY" }] });
new serving.ServingEndpoint("ext", {
  servedEntities: [{ name: "gpt", externalModel: { name: "gpt-4o-mini", provider: "openai", task: "llm/v1/chat", openaiConfig: { openaiApiKeyPlaintext: cfg.requireSecret("key") } } }],
});
new serving.ProvisionedThroughputEndpoint("pt", { entity: { name: "system.ai.llama_v3_3_70b_instruct", version: "3" }, throughput: { min: 0, max: 1580 }, tags: { team: "${team}" } });
new serving.PayPerTokenGateway("gateway", { endpoint: "databricks-gte-large-en", aiGateway: { usageTracking: true } });
`;

let plane: PlaneProcess;
beforeAll(async () => {
  plane = await startPlaneProcess({ deploySeconds: 0.2, args: ["--region", "eastus"] });
  await planeApi(plane, "POST", "/api/2.1/unity-catalog/models", { catalog_name: "main", schema_name: "up", name: "m" });
  const v = await planeApi<{ model_version: { version: string } }>(plane, "POST", "/api/2.0/mlflow/unity-catalog/model-versions/create", { name: "main.up.m", source: "runs:/r/model" });
  await planeApi(plane, "POST", "/api/2.0/mlflow/unity-catalog/model-versions/finalize", { name: "main.up.m", version: v.model_version.version });
});
afterAll(async () => {
  await plane?.stop();
});

/** Endpoint name → [id, config version]: what a redeploy or a replacement would change. */
async function endpointFacts(): Promise<Record<string, [string, number]>> {
  const out: Record<string, [string, number]> = {};
  for await (const e of sdk(plane).servingEndpoints.list()) {
    if (e.name?.startsWith("databricks-")) continue;
    const d = await sdk(plane).servingEndpoints.get({ name: e.name! });
    out[e.name!] = [d.id!, d.config?.config_version ?? 0];
  }
  return out;
}

test("state written by 0.1.0 refreshes, updates and deletes with this release, replacing and redeploying nothing", async () => {
  const stack = await TestStack.create({ program: program("a"), plane, secrets: { token: TOKEN, key: KEY }, projectName: "upgrade" });
  const installed = path.join(stack.dir, "node_modules", "pulumi-databricks-serving");
  try {
    // 0.1.0, as a user had it installed: its provider writes the state.
    fs.mkdirSync(installed, { recursive: true });
    execFileSync("tar", ["-xzf", PREVIOUS, "-C", installed, "--strip-components=1"]);
    expect(JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8")).version).toBe("0.1.0");
    const old = await stack.up();
    if (old.code !== 0) throw new Error(old.stdout);
    const before = await endpointFacts();
    expect(Object.keys(before)).toHaveLength(3);

    // The upgrade: the program now resolves this release.
    fs.rmSync(path.join(stack.dir, "node_modules"), { recursive: true, force: true });
    const plan = await stack.preview();
    expect(plan.code).toBe(0);
    const ops = plan.steps.filter((s) => s.urn.includes("dynamic")).map((s) => s.op);
    expect(ops.filter((op) => op !== "same" && op !== "update")).toEqual([]);
    const migrated = await stack.up();
    if (migrated.code !== 0) throw new Error(migrated.stdout);
    // Same endpoints, same ids, no new config version: stamping markers is not a redeploy.
    expect(await endpointFacts()).toEqual(before);
    const tags = (await sdk(plane).servingEndpoints.get({ name: Object.keys(before).find((n) => n.startsWith("ep-"))! })).tags ?? [];
    expect(tags).toEqual(expect.arrayContaining([{ key: "pulumi-owner", value: "upgrade/test/ServingEndpoint/ep" }]));

    expect((await stack.preview()).changeSummary).toEqual({ same: 10 });
    expect((await stack.refresh()).code).toBe(0);
    expect((await stack.preview()).changeSummary).toEqual({ same: 10 });
    stack.writeProgram(program("b"));
    expect((await stack.up()).code).toBe(0);
    const state = await stack.exportState();
    for (const secret of [TOKEN, KEY]) expect(state.text).not.toContain(secret);
    expect((await stack.destroy()).code).toBe(0);
    expect(await endpointFacts()).toEqual({});
  } finally {
    stack.dispose();
  }
});
