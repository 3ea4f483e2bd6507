/**
 * ServingEndpoint with a custom Unity Catalog model (two versions, 80/20 then 100/0) and EndpointPermissions, end to
 * end with the real Pulumi CLI against the plane; the secret environment variable never reaches state in plaintext.
 */
import { startPlaneProcess, type PlaneProcess } from "../helpers/plane";
import { TestStack } from "../helpers/stack";
import { ops, sdk, step, userEndpoints } from "./serving-helpers";

const SECRET = "fs-token-4f7d1c9e2b";
let plane: PlaneProcess;
let stack: TestStack;

beforeAll(async () => {
  plane = await startPlaneProcess({ deploySeconds: 0.3 });
  stack = await TestStack.create({ example: "custom-model-endpoint", plane, config: { v1TrafficPercent: "80" }, secrets: { featureStoreToken: SECRET } });
});
afterAll(async () => {
  await stack?.destroy();
  await plane?.stop();
});

const routes = (ep: { config?: { traffic_config?: { routes?: { served_entity_name?: string; traffic_percentage: number }[] } } }) =>
  Object.fromEntries((ep.config?.traffic_config?.routes ?? []).map((r) => [r.served_entity_name, r.traffic_percentage]));

test("custom-model-endpoint example: 80/20 split, quiet preview, shift to 100/0 in place, drift, ACL, no plaintext secret, destroy", async () => {
  const w = sdk(plane);
  const first = await stack.preview();
  expect(first.code).toBe(0);
  expect(ops(first)).toEqual({ churn: "create", "churn-v1": "create", "churn-v2": "create", "churn-acl": "create" });

  const up = await stack.up();
  if (up.code !== 0) console.log(up.stdout, up.stderr);
  expect(up.code).toBe(0);
  const out = await stack.outputs();
  const name = out.endpointName as string;
  expect(name).toMatch(/^churn-[0-9a-f]{7}$/);
  const ep = await w.servingEndpoints.get({ name });
  expect(ep.state).toEqual({ ready: "READY", config_update: "NOT_UPDATING" });
  expect(routes(ep)).toEqual({ baseline: 80, challenger: 20 });
  expect(ep.config?.served_entities?.map((e) => [e.name, e.entity_version]).sort()).toEqual([["baseline", "1"], ["challenger", "2"]]);
  const acl = await w.servingEndpoints.getPermissions({ serving_endpoint_id: out.endpointId as string });
  expect(acl.access_control_list).toEqual(expect.arrayContaining([expect.objectContaining({ group_name: "users", all_permissions: expect.arrayContaining([{ permission_level: "CAN_QUERY", inherited: false }]) })]));

  // Entity order as the server returns it (it reverses ours) and server defaults are not a diff.
  const quiet = await stack.preview();
  expect(quiet.changeSummary).toEqual({ same: 6 });

  // The exported state holds the secret only encrypted (and as a hash in outputs), never in plaintext.
  const state = await stack.exportState();
  expect(state.text).not.toContain(SECRET);
  expect(state.text).toContain("sha256:");

  // Traffic shift: an update in place, showing the two percentages.
  await stack.setConfig("v1TrafficPercent", "100");
  const shift = await stack.preview();
  const s = step(shift, "churn");
  expect(s.op).toBe("update");
  expect(Object.keys(s.detailedDiff ?? {}).sort()).toEqual(["traffic[0].trafficPercentage", "traffic[1].trafficPercentage"]);
  expect((await stack.up()).code).toBe(0);
  const shifted = await w.servingEndpoints.get({ name });
  expect(routes(shifted)).toEqual({ baseline: 100, challenger: 0 });
  expect(shifted.id).toBe(ep.id);

  // Out of band with the official SDK: someone moves traffic to 50/50; refresh shows it, up restores 100/0.
  const served = shifted.config!.served_entities!.map((e) => ({ name: e.name, entity_name: e.entity_name, entity_version: e.entity_version, workload_size: e.workload_size, scale_to_zero_enabled: e.scale_to_zero_enabled, environment_vars: e.environment_vars }));
  await (await w.servingEndpoints.updateConfig({ name, served_entities: served, traffic_config: { routes: [{ served_entity_name: "baseline", traffic_percentage: 50 }, { served_entity_name: "challenger", traffic_percentage: 50 }] } })).wait();
  expect((await stack.refresh()).code).toBe(0);
  const drift = await stack.preview();
  expect(step(drift, "churn").op).toBe("update");
  // After a refresh the state's inputs hold environment variables as hashes (read cannot return secrets in
  // plaintext), so the engine's own input diff also lists them; the provider's diff compares hashes.
  const driftKeys = Object.keys(step(drift, "churn").detailedDiff ?? {}).filter((k) => !k.includes(".environmentVars."));
  expect(driftKeys.sort()).toEqual(["traffic[0].trafficPercentage", "traffic[1].trafficPercentage"]);
  expect((await stack.exportState()).text).not.toContain(SECRET);
  expect((await stack.up()).code).toBe(0);
  expect(routes(await w.servingEndpoints.get({ name }))).toEqual({ baseline: 100, challenger: 0 });

  expect((await stack.destroy()).code).toBe(0);
  expect(await userEndpoints(w)).toEqual([]);
});
