/**
 * ServingEndpoint with an external model (key as a Pulumi secret) and PayPerTokenGateway, end to end with the real
 * Pulumi CLI against one plane. The two stacks run side by side to keep the suite short.
 */
import { startPlaneProcess, type PlaneProcess } from "../helpers/plane";
import { TestStack } from "../helpers/stack";
import { ops, sdk, step, userEndpoints } from "./serving-helpers";

const KEY1 = "sk-test-1f2e3d4c5b6a7980";
const KEY2 = "sk-test-rotated-0a9b8c7d6e";
const PPT = "databricks-meta-llama-3-3-70b-instruct";
let plane: PlaneProcess;
const stacks: TestStack[] = [];

beforeAll(async () => {
  plane = await startPlaneProcess({ deploySeconds: 0.3 });
});
afterAll(async () => {
  for (const s of stacks) await s.destroy();
  await plane?.stop();
});

async function externalModelFlow(): Promise<void> {
  const w = sdk(plane);
  const stack = await TestStack.create({ example: "external-model", plane, config: { callsPerMinute: "60" }, secrets: { openaiApiKey: KEY1 } });
  stacks.push(stack);
  const first = await stack.preview();
  expect(ops(first)).toEqual({ chat: "create" });
  // The key is a secret in the plan too.
  expect(JSON.stringify(first.steps)).not.toContain(KEY1);

  const up = await stack.up();
  if (up.code !== 0) console.log(up.stdout, up.stderr);
  expect(up.code).toBe(0);
  const name = (await stack.outputs()).endpointName as string;
  const ep = await w.servingEndpoints.get({ name });
  expect(ep.config?.served_entities?.[0].external_model).toMatchObject({ name: "gpt-4o-mini", provider: "openai", task: "llm/v1/chat" });
  expect(JSON.stringify(ep)).not.toContain(KEY1); // write-only on the server too
  expect(ep.ai_gateway?.rate_limits).toEqual([expect.objectContaining({ calls: 60, key: "user" })]);

  const quiet = await stack.preview();
  expect(quiet.changeSummary).toEqual({ same: 2 });
  let state = await stack.exportState();
  expect(state.text).not.toContain(KEY1);

  // Gateway rate limit: in place, one field.
  await stack.setConfig("callsPerMinute", "120");
  const change = await stack.preview();
  expect(step(change, "chat").op).toBe("update");
  expect(Object.keys(step(change, "chat").detailedDiff ?? {})).toEqual(["aiGateway.rateLimits[0].calls"]);
  expect((await stack.up()).code).toBe(0);
  expect((await w.servingEndpoints.get({ name })).ai_gateway?.rate_limits?.[0].calls).toBe(120);

  // Out of band with the official SDK: the guardrail is dropped; refresh sees it and up puts it back.
  await w.servingEndpoints.putAiGateway({ name, usage_tracking_config: { enabled: true }, rate_limits: [{ calls: 120, key: "user", renewal_period: "minute" }] });
  expect((await stack.refresh()).code).toBe(0);
  const drift = await stack.preview();
  expect(step(drift, "chat").op).toBe("update");
  expect(Object.keys(step(drift, "chat").detailedDiff ?? {}).filter((k) => k.startsWith("aiGateway"))).toEqual(["aiGateway.guardrails"]);
  expect((await stack.exportState()).text).not.toContain(KEY1);

  // Rotating the key is a change the server cannot show (it never returns it): the hash notices, update in place.
  await stack.setConfig("openaiApiKey", KEY2, { secret: true });
  const rotate = await stack.preview();
  expect(step(rotate, "chat").op).toBe("update");
  expect(step(rotate, "chat").replaceReasons ?? []).toEqual([]);
  const before = (await w.servingEndpoints.get({ name })).config?.config_version ?? 0;
  expect((await stack.up()).code).toBe(0);
  const after = await w.servingEndpoints.get({ name });
  expect(after.config?.config_version).toBe(before + 1);
  expect(after.id).toBe(ep.id);
  state = await stack.exportState();
  expect(state.text).not.toContain(KEY1);
  expect(state.text).not.toContain(KEY2);

  expect((await stack.destroy()).code).toBe(0);
  expect(await userEndpoints(w)).toEqual([]);
}

async function payPerTokenFlow(): Promise<void> {
  const w = sdk(plane);
  const original = await w.servingEndpoints.get({ name: PPT });
  const stack = await TestStack.create({ example: "pay-per-token-gateway", plane, config: { callsPerUser: "20" } });
  stacks.push(stack);
  const first = await stack.preview();
  expect(ops(first)).toEqual({ "llama-gateway": "create" });

  const up = await stack.up();
  if (up.code !== 0) console.log(up.stdout, up.stderr);
  expect(up.code).toBe(0);
  const out = await stack.outputs();
  expect(out.chatEndpoints).toEqual(expect.arrayContaining([PPT, "databricks-claude-sonnet-4"]));
  expect(out.chatEndpoints).not.toContain("databricks-gte-large-en");
  expect(out.llamaChunkSize).toBe(1580);
  let ep = await w.servingEndpoints.get({ name: PPT });
  expect(ep.ai_gateway?.rate_limits?.map((r) => [r.key, r.calls]).sort()).toEqual([["endpoint", 1000], ["user", 20]]);
  expect(ep.ai_gateway?.usage_tracking_config).toEqual({ enabled: true });
  expect(ep.tags).toEqual(expect.arrayContaining([{ key: "team", value: "platform" }, { key: "budget", value: "genai-shared" }]));

  const quiet = await stack.preview();
  expect(quiet.changeSummary).toEqual({ same: 2 });

  // Someone loosens the limit with the official SDK: refresh sees it.
  await w.servingEndpoints.putAiGateway({ name: PPT, usage_tracking_config: { enabled: true }, rate_limits: [{ calls: 1000, key: "endpoint", renewal_period: "minute" }, { calls: 500, key: "user", renewal_period: "minute" }], guardrails: ep.ai_gateway?.guardrails });
  expect((await stack.refresh()).code).toBe(0);
  const drift = await stack.preview();
  expect(step(drift, "llama-gateway").op).toBe("update");
  expect(Object.keys(step(drift, "llama-gateway").detailedDiff ?? {})).toEqual(["aiGateway.rateLimits[1].calls"]);

  // Raise the per-user limit in place (and so also undo the drift).
  await stack.setConfig("callsPerUser", "50");
  const change = await stack.preview();
  expect(step(change, "llama-gateway").op).toBe("update");
  expect((await stack.up()).code).toBe(0);
  ep = await w.servingEndpoints.get({ name: PPT });
  expect(ep.ai_gateway?.rate_limits?.find((r) => r.key === "user")?.calls).toBe(50);

  // Destroy hands the endpoint back as it was: it still exists, with its original gateway and tags.
  expect((await stack.destroy()).code).toBe(0);
  const restored = await w.servingEndpoints.get({ name: PPT });
  expect(restored.id).toBe(original.id);
  expect(restored.ai_gateway ?? {}).toEqual(original.ai_gateway ?? {});
  expect(restored.tags ?? []).toEqual(original.tags ?? []);
}

test("external-model and pay-per-token-gateway examples, side by side", async () => {
  await Promise.all([externalModelFlow(), payPerTokenFlow()]);
});
