import { kind as endpoint, type ServingEndpointInputs, type ServingEndpointOutputs } from "../../provider/resources/serving-endpoint";
import { kind as pt, type PtEndpointInputs, type PtEndpointOutputs } from "../../provider/resources/provisioned-throughput-endpoint";
import { configDiffers, type DesiredEndpoint } from "../../provider/serving/endpoint-ops";
import { desiredOf } from "../../provider/resources/serving-endpoint";
import { diffByRules, withCommonOutputs } from "../../provider/engine/plan";
import type { ResourceKind } from "../../provider/engine/kind";
import { startPlaneProcess, type PlaneProcess } from "../helpers/plane";

/** The engine-facing diff of a kind, as dispatch runs it (the generic, rules-driven one). */
const diffOf = <I extends object, O extends object>(k: ResourceKind<I, O>) => (_id: string, olds: object, news: object) =>
  Promise.resolve(diffByRules(withCommonOutputs(k.spec), olds as Record<string, unknown>, news as Record<string, unknown>));
const endpointDiff = diffOf(endpoint);
const ptDiff = diffOf(pt);

// check reads the server for what is new in a declaration (model versions, ownership): a plane answers.
let plane: PlaneProcess;
beforeAll(async () => {
  plane = await startPlaneProcess();
  process.env.DATABRICKS_HOST = plane.url;
  process.env.DATABRICKS_TOKEN = plane.token;
});
afterAll(async () => {
  delete process.env.DATABRICKS_HOST;
  delete process.env.DATABRICKS_TOKEN;
  await plane?.stop();
});

async function checked(news: Record<string, unknown>): Promise<ServingEndpointInputs> {
  const out = await endpoint.check(undefined, { logicalName: "ep", nameSeed: "p/s", ...news });
  expect(out.failures).toEqual([]);
  return out.inputs;
}

/** Outputs as create would store them for these inputs. */
const outputsOf = async (inputs: ServingEndpointInputs): Promise<ServingEndpointOutputs> => ({ ...inputs, endpointId: "id1" }) as ServingEndpointOutputs;

const two = (a: number) => ({
  servedEntities: [
    { name: "b", entityName: "main.default.m", entityVersion: "2", workloadSize: "Small", environmentVars: { TOKEN: "secret-1" } },
    { name: "a", entityName: "main.default.m", entityVersion: "1", workloadSize: "Small" },
  ],
  traffic: [{ servedEntityName: "b", trafficPercentage: 100 - a }, { servedEntityName: "a", trafficPercentage: a }],
});

describe("ServingEndpoint diff", () => {
  test("check fills the stable auto-name, keeps the declared entity order and sorts routes", async () => {
    const inputs = await checked(two(80));
    expect(inputs.name).toMatch(/^ep-[0-9a-f]{7}$/);
    expect(inputs.servedEntities.map((e) => e.name)).toEqual(["b", "a"]);
    expect(inputs.traffic?.map((r) => r.servedEntityName)).toEqual(["a", "b"]);
  });

  test("reordered entities and an unchanged secret are no change", async () => {
    const olds = await outputsOf(await checked(two(80)));
    const reordered = { ...two(80), servedEntities: [...two(80).servedEntities].reverse() };
    expect(await endpointDiff("x", olds, await checked(reordered))).toEqual({ changes: false });
  });

  test("a traffic shift is an in-place change; a changed secret is a change too", async () => {
    const olds = await outputsOf(await checked(two(80)));
    expect(await endpointDiff("x", olds, await checked(two(100)))).toEqual({ changes: undefined, replaces: [], deleteBeforeReplace: false });
    const rotated = two(80);
    rotated.servedEntities[0].environmentVars = { TOKEN: "secret-2" };
    expect((await endpointDiff("x", olds, await checked(rotated))).changes).toBeUndefined();
  });

  test("only provider-local inputs changing is no change", async () => {
    const olds = await outputsOf(await checked(two(80)));
    expect(await endpointDiff("x", olds, await checked({ ...two(80), waitTimeoutSeconds: 60, adopt: true }))).toEqual({ changes: false });
  });

  test("name, route optimization and external switches replace (deleting first under the same name)", async () => {
    const olds = await outputsOf(await checked(two(80)));
    expect(await endpointDiff("x", olds, await checked({ ...two(80), routeOptimized: true }))).toEqual({ changes: undefined, replaces: ["routeOptimized"], deleteBeforeReplace: true });
    expect(await endpointDiff("x", olds, await checked({ ...two(80), name: "explicit" }))).toEqual({ changes: undefined, replaces: ["name"], deleteBeforeReplace: false });
    const external = await checked({ servedEntities: [{ externalModel: { name: "gpt", provider: "openai", task: "llm/v1/chat", openaiConfig: { openaiApiKeyPlaintext: "k" } } }] });
    expect((await endpointDiff("x", olds, external)).replaces).toEqual(["servedEntities"]);
  });
});

describe("server comparison for updates", () => {
  test("server defaults and order are not differences; a new percentage is", async () => {
    const d: DesiredEndpoint = desiredOf(await checked(two(80)));
    const server = {
      config_version: 3,
      served_entities: [
        { name: "b", entity_name: "main.default.m", entity_version: "2", workload_size: "Small", workload_type: "CPU" as const, scale_to_zero_enabled: false, environment_vars: { TOKEN: "secret-1" }, state: { deployment: "DEPLOYMENT_READY" as const } },
        { name: "a", entity_name: "main.default.m", entity_version: "1", workload_size: "Small", workload_type: "CPU" as const, scale_to_zero_enabled: false },
      ],
      traffic_config: { routes: [{ served_entity_name: "b", traffic_percentage: 20 }, { served_entity_name: "a", traffic_percentage: 80 }] },
    };
    expect(configDiffers(d, server)).toBe(false);
    expect(configDiffers(desiredOf(await checked(two(100))), server)).toBe(true);
  });
});

describe("ProvisionedThroughputEndpoint diff", () => {
  const base: PtEndpointInputs = { name: "llama", entity: { name: "system.ai.llama_v3_3_70b_instruct", version: "3" }, throughput: { min: 0, max: 3160 } };
  const outs = { ...base, endpointId: "id" } as PtEndpointOutputs;
  test("resize is in place; a new name replaces", async () => {
    expect(await ptDiff("llama", outs, { ...base, throughput: { min: 0, max: 6320 } })).toEqual({ changes: undefined, replaces: [], deleteBeforeReplace: false });
    expect((await ptDiff("llama", outs, { ...base, name: "other" })).replaces).toEqual(["name"]);
    expect(await ptDiff("llama", outs, { ...base, workspaceGeo: { region: "eastus" } })).toEqual({ changes: false });
  });
});
