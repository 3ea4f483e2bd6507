/**
 * ProvisionedThroughputEndpoint end to end with the real Pulumi CLI against the plane: preview, up, a quiet second
 * preview, an in-place resize from stack config, drift from an out-of-band change with the official SDK, destroy.
 */
import { startPlaneProcess, type PlaneProcess } from "../helpers/plane";
import { TestStack } from "../helpers/stack";
import { diagnosticsText, ops, sdk, step, userEndpoints } from "./serving-helpers";

let plane: PlaneProcess;
let stack: TestStack;

beforeAll(async () => {
  plane = await startPlaneProcess({ deploySeconds: 0.3 });
  // At least one config value: with none at all, the program's `new pulumi.Config().getNumber` throws inside
  // @pulumi/pulumi 3.260 (PULUMI_CONFIG is "null" and parseConfig calls Object.keys on it).
  stack = await TestStack.create({ example: "provisioned-throughput", plane, config: { gptModelUnits: "1" } });
});
afterAll(async () => {
  await stack?.destroy();
  await plane?.stop();
});

test("provisioned-throughput example: preview, up, quiet preview, resize in place, drift, destroy", async () => {
  const w = sdk(plane);

  const first = await stack.preview();
  if (first.code !== 0) console.log(diagnosticsText(first), first.stderr);
  expect(first.code).toBe(0);
  expect(ops(first)).toEqual({ "llama-pt": "create", "gpt-oss-pt": "create" });
  expect(step(first, "llama-pt").newState?.inputs?.name).toMatch(/^llama-pt-[0-9a-f]{7}$/);

  const up = await stack.up();
  expect(up.stderr + up.stdout).not.toMatch(/error/i);
  expect(up.code).toBe(0);
  const out = await stack.outputs();
  const llamaName = out.llamaEndpoint as string;
  const llama = await w.servingEndpoints.get({ name: llamaName });
  expect(llama.state).toEqual({ ready: "READY", config_update: "NOT_UPDATING" });
  expect(llama.config?.served_entities?.[0]).toMatchObject({ entity_name: "system.ai.llama_v3_3_70b_instruct", max_provisioned_throughput: 3160, min_provisioned_throughput: 0 });
  expect(llama.tags).toEqual(expect.arrayContaining([{ key: "managed-by", value: "pulumi-databricks-serving" }, { key: "team", value: "platform" }]));
  expect(llama.ai_gateway?.rate_limits).toEqual([expect.objectContaining({ calls: 100, key: "user", renewal_period: "minute" })]);
  const gpt = await w.servingEndpoints.get({ name: out.gptEndpoint as string });
  expect(gpt.config?.served_entities?.[0]).toMatchObject({ entity_name: "system.ai.gpt-oss-120b", provisioned_model_units: 1 });
  expect(out.llamaEndpointId).toBe(llama.id);

  const quiet = await stack.preview();
  expect(quiet.code).toBe(0);
  expect(quiet.changeSummary).toEqual({ same: 3 });

  // Resize from stack config: an update in place showing exactly which field changes.
  await stack.setConfig("llamaMaxTokens", "6320");
  const resize = await stack.preview();
  const s = step(resize, "llama-pt");
  expect(s.op).toBe("update");
  expect(s.replaceReasons ?? []).toEqual([]);
  expect(Object.keys(s.detailedDiff ?? {})).toEqual(["throughput.max"]);
  expect(ops(resize)["gpt-oss-pt"]).toBeUndefined(); // unchanged resources have no step in preview --json
  expect((await stack.up()).code).toBe(0);
  const resized = await w.servingEndpoints.get({ name: llamaName });
  expect(resized.config?.served_entities?.[0].max_provisioned_throughput).toBe(6320);
  expect(resized.id).toBe(llama.id); // same endpoint, not a replacement
  expect(resized.config?.config_version).toBe((llama.config?.config_version ?? 0) + 1);

  // A band that is not a multiple of the chunk size fails at preview, naming the nearest valid values.
  await stack.setConfig("llamaMaxTokens", "9000");
  const bad = await stack.preview();
  expect(bad.code).not.toBe(0);
  // The engine prints "<Kind> resource '<name>' has a problem: <path>: <reason>".
  expect(diagnosticsText(bad)).toMatch(/has a problem: throughput\.max: 9000 is not a multiple of 1580 \(the chunk size of system\.ai\.llama_v3_3_70b_instruct v3\); nearest valid: 7900 or 9480/);
  await stack.setConfig("llamaMaxTokens", "6320");

  // Out-of-band edits with the official SDK show up on refresh, and the next up puts the declaration back.
  // (The SDK's `servingEndpoints.patch` sends no body — its client only sends payloads for POST/PUT — so tags
  // are not used here.)
  await w.servingEndpoints.putAiGateway({ name: llamaName, usage_tracking_config: { enabled: true }, rate_limits: [{ calls: 5, key: "user", renewal_period: "minute" }] });
  const oob = await w.servingEndpoints.updateConfig({
    name: llamaName,
    served_entities: [{ name: "llama_v3_3_70b_instruct-3", entity_name: "system.ai.llama_v3_3_70b_instruct", entity_version: "3", min_provisioned_throughput: 0, max_provisioned_throughput: 9480 }],
  });
  await oob.wait();
  expect((await stack.refresh()).code).toBe(0);
  const drift = await stack.preview();
  const d = step(drift, "llama-pt");
  expect(d.op).toBe("update");
  expect(Object.keys(d.detailedDiff ?? {}).sort()).toEqual(["aiGateway.rateLimits[0].calls", "throughput.max"]);
  expect((await stack.up()).code).toBe(0);
  const restored = await w.servingEndpoints.get({ name: llamaName });
  expect(restored.config?.served_entities?.[0].max_provisioned_throughput).toBe(6320);
  expect(restored.ai_gateway?.rate_limits?.[0].calls).toBe(100);

  const destroy = await stack.destroy();
  expect(destroy.code).toBe(0);
  expect(await userEndpoints(w)).toEqual([]);
});
