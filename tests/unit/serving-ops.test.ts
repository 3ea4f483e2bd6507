/** endpoint-ops and wait against a scripted HTTP server: 409 conflicts, failed deployments, timeouts. */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { ApiClient } from "../../provider/client/http";
import { converge, type DesiredEndpoint } from "../../provider/serving/endpoint-ops";
import { DeploymentFailed, WaitTimedOut, waitForEndpoint } from "../../provider/serving/wait";
import type { WireEndpoint } from "../../provider/serving/wire";

type Handler = (method: string, url: string, body: string) => { status: number; json: unknown };

async function server(handler: Handler): Promise<{ client: ApiClient; calls: string[]; close: () => Promise<void> }> {
  const calls: string[] = [];
  const srv = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      calls.push(`${req.method} ${req.url}`);
      const r = handler(req.method as string, req.url as string, body);
      res.writeHead(r.status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(r.json));
    });
  });
  await new Promise<void>((ok) => srv.listen(0, "127.0.0.1", ok));
  const { port } = srv.address() as AddressInfo;
  const client = new ApiClient({ host: `http://127.0.0.1:${port}`, authenticate: async () => undefined, retryBudgetMs: 5000 });
  return { client, calls, close: () => new Promise((ok) => srv.close(() => ok())) };
}

const entity = { name: "a", entity_name: "main.default.m", entity_version: "1", workload_size: "Small" };
const desired: DesiredEndpoint = { name: "ep", route: "regular", servedEntities: [{ ...entity, entity_version: "2" }], traffic: { routes: [{ served_entity_name: "a", traffic_percentage: 100 }] }, aiGateway: {} };
type Update = NonNullable<WireEndpoint["state"]>["config_update"];
const endpoint = (update: Update, version: string, ready: "READY" | "NOT_READY" = "READY"): WireEndpoint => ({
  name: "ep",
  id: "id",
  state: { config_update: update, ready },
  config: { served_entities: [{ ...entity, entity_version: version }], traffic_config: { routes: [{ served_entity_name: "a", traffic_percentage: 100 }] } },
  tags: [{ key: "managed-by", value: "pulumi-databricks-serving" }],
});

test("a 409 RESOURCE_CONFLICT on PUT config waits for the running update, then retries", async () => {
  let puts = 0;
  let gets = 0;
  const s = await server((method) => {
    if (method === "PUT") {
      puts++;
      return puts === 1 ? { status: 409, json: { error_code: "RESOURCE_CONFLICT", message: "update in progress" } } : { status: 200, json: endpoint("IN_PROGRESS", "1") };
    }
    gets++;
    // First GETs: someone else's update still running; then ours is applied.
    if (puts < 2) return { status: 200, json: gets < 3 ? endpoint("IN_PROGRESS", "1") : endpoint("NOT_UPDATING", "1") };
    return { status: 200, json: endpoint("NOT_UPDATING", "2") };
  });
  try {
    const ep = await converge(s.client, desired, endpoint("NOT_UPDATING", "1"), { timeoutMs: 10_000, forceConfig: false, initialMs: 5 });
    expect(puts).toBe(2);
    expect(ep.config?.served_entities?.[0].entity_version).toBe("2");
    expect(s.calls.filter((c) => c.startsWith("PUT"))).toEqual(["PUT /api/2.0/serving-endpoints/ep/config", "PUT /api/2.0/serving-endpoints/ep/config"]);
  } finally {
    await s.close();
  }
});

test("a failed deployment fails with the server's own message", async () => {
  const failed = {
    ...endpoint("UPDATE_FAILED", "1"),
    pending_config: { served_entities: [{ name: "a", state: { deployment: "DEPLOYMENT_FAILED", deployment_state_message: "Container exited: OOM" } }] },
  } satisfies WireEndpoint;
  const s = await server(() => ({ status: 200, json: failed }));
  try {
    const err = await waitForEndpoint(s.client, "ep", { timeoutMs: 1000, ready: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeploymentFailed);
    expect((err as Error).message).toBe("serving endpoint ep: deployment failed: a: Container exited: OOM");
  } finally {
    await s.close();
  }
});

test("waiting gives up after the timeout, saying how to continue", async () => {
  const s = await server(() => ({ status: 200, json: endpoint("IN_PROGRESS", "1", "NOT_READY") }));
  try {
    const started = Date.now();
    const err = await waitForEndpoint(s.client, "ep", { timeoutMs: 600, ready: true, initialMs: 20, maxMs: 100 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitTimedOut);
    expect((err as Error).message).toMatch(/not ready after 1 s .*waitTimeoutSeconds/);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(s.calls.length).toBeGreaterThan(2); // it polled, with growing delays
  } finally {
    await s.close();
  }
});
