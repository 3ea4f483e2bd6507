/**
 * Serving resources under plane faults, with the real Pulumi CLI: a 429 storm and 503s, a deployment that fails
 * (message surfaced, state true, re-run converges), `up` killed mid-create (no duplicate, no orphan), and adoption
 * of an endpoint created outside Pulumi.
 */
import { startPlaneProcess, type PlaneProcess } from "../helpers/plane";
import { killPulumi } from "../helpers/processes";
import { TestStack } from "../helpers/stack";
import { addFault, clearFaults, planeApi, sdk } from "./serving-helpers";

let plane: PlaneProcess;
const stacks: TestStack[] = [];

beforeAll(async () => {
  plane = await startPlaneProcess({ deploySeconds: 0.3 });
});
afterAll(async () => {
  await clearFaults(plane).catch(() => undefined);
  for (const s of stacks) await s.destroy();
  await plane?.stop();
});

const LLAMA = `{ name: "system.ai.llama_v3_3_70b_instruct", version: "3" }`;
function program(prefix: string, count: number, extra = ""): string {
  return `import * as pulumi from "@pulumi/pulumi";
import * as serving from "pulumi-databricks-serving";
const cfg = new pulumi.Config();
const max = cfg.getNumber("max") ?? 1580;
export const names = [${[...Array(count).keys()].join(",")}].map((i) =>
  new serving.ProvisionedThroughputEndpoint(\`${prefix}\${i}\`, { entity: ${LLAMA}, throughput: { min: 0, max }${extra} }).name);
`;
}

async function stack(source: string, config: Record<string, string> = { max: "1580" }): Promise<TestStack> {
  const s = await TestStack.create({ program: source, plane, config });
  stacks.push(s);
  return s;
}

async function endpointsNamed(prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of sdk(plane).servingEndpoints.list()) if (e.name?.startsWith(prefix)) out.push(e.name);
  return out.sort();
}

async function stormAndFailure(): Promise<void> {
  const s = await stack(program("fault-ep", 4));
  // 429: two create/update operations per 3 s for the whole workspace; 503: five GETs answered "unavailable".
  await planeApi(plane, "PUT", "/api/2.0/dbserve/rate-limit", { limit: 2, window_seconds: 3 });
  await addFault(plane, { kind: "error", status: 503, method: "GET", route: "/api/2.0/serving-endpoints/fault-ep*", times: 5 });
  const started = Date.now();
  const up = await s.up();
  if (up.code !== 0) console.log(up.stdout, up.stderr);
  expect(up.code).toBe(0);
  // Four creates at two per 3 s cannot have finished without waiting for Retry-After.
  expect(Date.now() - started).toBeGreaterThan(3000);
  const faults = await planeApi<{ faults: unknown[] }>(plane, "GET", "/api/2.0/dbserve/faults");
  expect(faults.faults).toEqual([]); // all five 503s were served (and retried through)
  await planeApi(plane, "PUT", "/api/2.0/dbserve/rate-limit", { limit: 0 });
  const names = await endpointsNamed("fault-ep");
  expect(names).toHaveLength(4);

  // A resize whose deployment fails: the server's message surfaces, the old config keeps serving, state stays true.
  await addFault(plane, { kind: "deployment_failure", route: "/api/2.0/serving-endpoints/fault-ep*", message: "CUDA out of memory on replica 2 (injected)" });
  await s.setConfig("max", "3160");
  const failed = await s.up();
  expect(failed.code).not.toBe(0);
  expect(failed.stdout + failed.stderr).toContain("CUDA out of memory on replica 2 (injected)");
  expect(failed.stdout + failed.stderr).toContain("the previous config is still serving");
  const w = sdk(plane);
  // The engine starts no new step after the first failure, so on a loaded machine some resizes may never have been
  // sent: those endpoints were not touched. Every endpoint still serves the old config either way.
  const updates: string[] = [];
  for (const name of names) {
    const ep = await w.servingEndpoints.get({ name });
    expect(ep.config?.served_entities?.[0].max_provisioned_throughput).toBe(1580);
    updates.push(ep.state?.config_update as string);
  }
  expect(updates).toContain("UPDATE_FAILED");
  expect(updates.every((u) => u === "UPDATE_FAILED" || u === "NOT_UPDATING")).toBe(true);
  const state = await s.managedResources();
  expect(state.map((r) => (r.outputs?.throughput as { max: number }).max)).toEqual([1580, 1580, 1580, 1580]);

  // The fault is gone: the same `up` converges.
  await clearFaults(plane);
  const retry = await s.up();
  if (retry.code !== 0) console.log(retry.stdout, retry.stderr);
  expect(retry.code).toBe(0);
  for (const name of names) {
    const ep = await w.servingEndpoints.get({ name });
    expect(ep.config?.served_entities?.[0].max_provisioned_throughput).toBe(3160);
    expect(ep.state).toEqual({ ready: "READY", config_update: "NOT_UPDATING" });
  }
  expect((await s.preview()).changeSummary).toEqual({ same: 5 });
  expect((await s.destroy()).code).toBe(0);
  expect(await endpointsNamed("fault-ep")).toEqual([]);
}

async function killedMidCreate(): Promise<void> {
  const s = await stack(program("killme-ep", 1));
  // Slow GETs of this endpoint keep `up` waiting after the create, so it can be killed at the worst moment.
  const slow = await addFault(plane, { kind: "latency", latency_ms: 60000, method: "GET", route: "/api/2.0/serving-endpoints/killme-ep*" });
  const running = s.up();
  const deadline = Date.now() + 120_000;
  while ((await endpointsNamed("killme-ep")).length === 0) {
    if (Date.now() > deadline) throw new Error("the endpoint was never created");
    await new Promise((r) => setTimeout(r, 250));
  }
  // Kill the CLI and everything it started (language host, dynamic provider): nothing more gets recorded.
  expect(killPulumi()).toBe(1);
  const killed = await running;
  expect(killed.code).not.toBe(0);
  await planeApi(plane, "DELETE", `/api/2.0/dbserve/faults/${slow}`);
  // A killed CLI leaves its stack lock behind; `pulumi cancel` is how a user clears it.
  await s.must(["cancel", "--yes"]);

  const again = await s.up();
  if (again.code !== 0) console.log(again.stdout, again.stderr);
  expect(again.code).toBe(0);
  expect(await endpointsNamed("killme-ep")).toHaveLength(1); // adopted by its owner tag, not duplicated
  const state = await s.managedResources();
  expect(state.map((r) => r.id)).toEqual(await endpointsNamed("killme-ep"));
  expect((await s.destroy()).code).toBe(0);
  expect(await endpointsNamed("killme-ep")).toEqual([]); // no orphan
}

async function adoption(): Promise<void> {
  const w = sdk(plane);
  await (await w.servingEndpoints.create({
    name: "adopt-me",
    config: { name: "adopt-me", served_entities: [{ name: "llama", entity_name: "system.ai.llama_v3_3_70b_instruct", entity_version: "3", min_provisioned_throughput: 0, max_provisioned_throughput: 1580 }] },
    tags: [{ key: "owner", value: "data-team" }],
  })).wait();
  const declare = (adopt: string) => `import * as serving from "pulumi-databricks-serving";
export const id = new serving.ProvisionedThroughputEndpoint("adopted", { name: "adopt-me", entity: { ...${LLAMA}, servedEntityName: "llama" }, throughput: { min: 0, max: 3160 }, tags: { owner: "data-team" }${adopt} }).endpointId;
`;
  const s = await stack(declare(""), { note: "x" });
  const refused = await s.up();
  expect(refused.code).not.toBe(0);
  expect(refused.stdout + refused.stderr).toMatch(/already exists and was not created by pulumi-databricks-serving[\s\S]*adopt: true/);
  expect((await w.servingEndpoints.get({ name: "adopt-me" })).config?.served_entities?.[0].max_provisioned_throughput).toBe(1580);

  s.writeProgram(declare(", adopt: true"));
  const adopted = await s.up();
  if (adopted.code !== 0) console.log(adopted.stdout, adopted.stderr);
  expect(adopted.code).toBe(0);
  const ep = await w.servingEndpoints.get({ name: "adopt-me" });
  expect(ep.config?.served_entities?.[0].max_provisioned_throughput).toBe(3160);
  expect(ep.tags).toEqual(expect.arrayContaining([{ key: "managed-by", value: "pulumi-databricks-serving" }, { key: "owner", value: "data-team" }]));
  expect((await s.outputs()).id).toBe(ep.id);
  expect((await s.destroy()).code).toBe(0);
  expect(await endpointsNamed("adopt-me")).toEqual([]);
}

test("429 storm and 503s, then a failed deployment that a re-run converges", stormAndFailure);
// Sequential: the kill looks for the one `pulumi` process this worker is running.
test("up killed mid-create, then re-run: no duplicate, no orphan", killedMidCreate);
test("adoption of an endpoint created outside Pulumi needs adopt: true", adoption);
