import * as net from "node:net";
import { apiError, sleep, startTestPlane, type TestPlane } from "./harness";

/** Errors for bad input, auth, the operation rate limit, injected faults, and racing updates. */
let t: TestPlane;
beforeAll(async () => {
  t = await startTestPlane({ rateLimit: { limit: 0 } });
  // Objects for the cases that need one to exist (the route table resolves the object before the body is validated).
  expect((await t.api("POST", "/api/2.0/serving-endpoints", { name: "x" })).status).toBe(200);
  expect((await t.api("POST", "/api/2.1/unity-catalog/models", { catalog_name: "a", schema_name: "b", name: "c" })).status).toBe(200);
});
afterAll(async () => {
  await t.close();
});
afterEach(async () => {
  await t.api("DELETE", "/api/2.0/dbserve/faults");
});

describe("malformed requests", () => {
  const cases: [string, string, string, { raw?: string; body?: unknown }, number, string][] = [
    ["invalid JSON", "POST", "/api/2.0/serving-endpoints", { raw: "{not json" }, 400, "MALFORMED_REQUEST"],
    ["JSON array body", "POST", "/api/2.0/serving-endpoints", { raw: "[1,2]" }, 400, "MALFORMED_REQUEST"],
    ["JSON string body", "PUT", "/api/2.0/serving-endpoints/x/config", { raw: '"hello"' }, 400, "MALFORMED_REQUEST"],
    ["missing required name", "POST", "/api/2.0/serving-endpoints", { body: {} }, 400, "INVALID_PARAMETER_VALUE"],
    ["unknown top-level field", "POST", "/api/2.0/serving-endpoints", { body: { name: "a", colour: "red" } }, 400, "INVALID_PARAMETER_VALUE"],
    ["wrong type for name", "POST", "/api/2.0/serving-endpoints", { body: { name: 42 } }, 400, "MALFORMED_REQUEST"],
    ["wrong type nested", "POST", "/api/2.0/serving-endpoints", { body: { name: "a", config: { served_entities: "x" } } }, 400, "MALFORMED_REQUEST"],
    ["bad enum", "POST", "/api/2.0/serving-endpoints", { body: { name: "a", config: { served_entities: [{ entity_name: "a.b.c", entity_version: "1", workload_type: "TPU" }] } } }, 400, "INVALID_PARAMETER_VALUE"],
    ["non-integer percentage", "POST", "/api/2.0/serving-endpoints", { body: { name: "a", config: { traffic_config: { routes: [{ served_entity_name: "x", traffic_percentage: 50.5 }] } } } }, 400, "MALFORMED_REQUEST"],
    ["null body field", "PUT", "/api/2.0/serving-endpoints/x/ai-gateway", { body: { rate_limits: null } }, 400, "MALFORMED_REQUEST"],
    ["bad UC name", "POST", "/api/2.1/unity-catalog/models", { body: { catalog_name: "a.b", schema_name: "s", name: "n" } }, 400, "INVALID_PARAMETER_VALUE"],
    ["bad max_results", "GET", "/api/2.1/unity-catalog/models?max_results=abc", {}, 400, "INVALID_PARAMETER_VALUE"],
    ["bad include_aliases", "GET", "/api/2.1/unity-catalog/models/system.ai.dbrx_instruct?include_aliases=maybe", {}, 400, "INVALID_PARAMETER_VALUE"],
    ["bad alias version type", "PUT", "/api/2.1/unity-catalog/models/a.b.c/aliases/x", { body: { version_num: "one" } }, 400, "MALFORMED_REQUEST"],
    ["bad fault rule", "POST", "/api/2.0/dbserve/faults", { body: { kind: "explode" } }, 400, "INVALID_PARAMETER_VALUE"],
    ["unknown route", "GET", "/api/2.0/no-such-thing", {}, 404, "ENDPOINT_NOT_FOUND"],
    ["unsupported method", "DELETE", "/api/2.1/unity-catalog/models", {}, 404, "ENDPOINT_NOT_FOUND"],
  ];
  test.each(cases)("%s", async (_name, method, route, input, status, code) => {
    const r = await t.api(method, route, input.body, { raw: input.raw });
    expect([r.status, r.body.error_code]).toEqual([status, code]);
    expect(typeof r.body.message).toBe("string");
  });

  test("auth: no token, wrong scheme and a bad token are 401 UNAUTHENTICATED; health needs none", async () => {
    const variants: Record<string, string>[] = [{}, { Authorization: "Basic abc" }, { Authorization: "Bearer dapinope" }];
    for (const headers of variants) {
      const res = await fetch(`${t.url}/api/2.0/serving-endpoints`, { headers });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error_code: string }).error_code).toBe("UNAUTHENTICATED");
    }
    expect((await fetch(`${t.url}/api/2.0/dbserve/health`)).status).toBe(200);
  });

  test("oversized bodies are refused without a 500", async () => {
    // The plane answers 413 as soon as the limit is crossed; the client may still be writing and see a reset instead.
    const r = await t.api("POST", "/api/2.0/serving-endpoints", undefined, { raw: `{"name":"${"x".repeat(17 * 1024 * 1024)}"}` }).catch(() => undefined);
    if (r) expect([r.status, r.body.error_code]).toEqual([413, "REQUEST_LIMIT_EXCEEDED"]);
    expect((await t.api("GET", "/api/2.0/serving-endpoints")).status).toBe(200);
  });
});

describe("operation rate limit", () => {
  test("429 REQUEST_LIMIT_EXCEEDED with Retry-After once the window is full; reads are not counted", async () => {
    await t.api("PUT", "/api/2.0/dbserve/rate-limit", { limit: 3, window_seconds: 2 });
    try {
      for (let i = 0; i < 3; i++) expect((await t.api("POST", "/api/2.0/serving-endpoints", { name: `rl${i}` })).status).toBe(200);
      expect((await t.api("GET", "/api/2.0/serving-endpoints/rl0")).status).toBe(200);
      const limited = await t.api("PATCH", "/api/2.0/serving-endpoints/rl0/tags", { add_tags: [{ key: "k" }] });
      expect([limited.status, limited.body.error_code]).toEqual([429, "REQUEST_LIMIT_EXCEEDED"]);
      const retryAfter = Number(limited.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(2);
      await sleep(retryAfter * 1000 + 50);
      expect((await t.api("PATCH", "/api/2.0/serving-endpoints/rl0/tags", { add_tags: [{ key: "k" }] })).status).toBe(200);
    } finally {
      await t.api("PUT", "/api/2.0/dbserve/rate-limit", { limit: 0 });
    }
  });
});

describe("injected faults", () => {
  test("error 500 and 503 on a route pattern, limited by times", async () => {
    await t.api("POST", "/api/2.0/dbserve/faults", { kind: "error", status: 503, route: "/api/2.0/serving-endpoints/*", method: "GET", times: 1 });
    const r = await t.api("GET", "/api/2.0/serving-endpoints/databricks-gte-large-en");
    expect([r.status, r.body.error_code]).toEqual([503, "TEMPORARILY_UNAVAILABLE"]);
    expect((await t.api("GET", "/api/2.0/serving-endpoints/databricks-gte-large-en")).status).toBe(200);
    await t.api("POST", "/api/2.0/dbserve/faults", { kind: "error", status: 500, route: "/api/2.1/unity-catalog/*" });
    const e = await apiError(t.w.registeredModels.get({ full_name: "system.ai.dbrx_instruct" }));
    expect([e.statusCode, e.errorCode]).toEqual([500, "INTERNAL_ERROR"]);
    // Other routes and the plane's own routes are unaffected.
    expect((await t.api("GET", "/api/2.0/serving-endpoints")).status).toBe(200);
    expect((await t.api("GET", "/api/2.0/dbserve/faults")).status).toBe(200);
  });

  test("probability 0 never fires", async () => {
    await t.api("POST", "/api/2.0/dbserve/faults", { kind: "error", status: 500, route: "*", probability: 0 });
    for (let i = 0; i < 5; i++) expect((await t.api("GET", "/api/2.0/serving-endpoints")).status).toBe(200);
  });

  test("latency delays the answer", async () => {
    await t.api("POST", "/api/2.0/dbserve/faults", { kind: "latency", latency_ms: 400, route: "/api/2.0/serving-endpoints" });
    const t0 = Date.now();
    expect((await t.api("GET", "/api/2.0/serving-endpoints")).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(380);
  });

  test("drop destroys the connection without an answer", async () => {
    await t.api("POST", "/api/2.0/dbserve/faults", { kind: "drop", route: "/api/2.0/serving-endpoints" });
    const port = Number(new URL(t.url).port);
    const outcome = await new Promise<string>((resolve) => {
      const sock = net.connect(port, "127.0.0.1", () => {
        sock.write(`GET /api/2.0/serving-endpoints HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t.token}\r\n\r\n`);
      });
      let data = "";
      sock.on("data", (d) => (data += d.toString()));
      sock.on("close", () => resolve(data === "" ? "closed-without-answer" : data));
      sock.on("error", () => resolve("closed-without-answer"));
    });
    expect(outcome).toBe("closed-without-answer");
    await expect(fetch(`${t.url}/api/2.0/serving-endpoints`, { headers: { Authorization: `Bearer ${t.token}` } })).rejects.toThrow();
  });

  test("deployment failure: UPDATE_FAILED with the message; the SDK waiter fails; a failed update keeps the old config", async () => {
    await t.api("POST", "/api/2.0/dbserve/faults", { kind: "deployment_failure", endpoint: "fails*", message: "Container build failed: missing requirements.txt", times: 1 });
    const waiter = await t.w.servingEndpoints.create({ name: "fails", config: { name: "fails", served_entities: [{ entity_name: "system.ai.gpt-oss-20b", entity_version: "1", provisioned_model_units: 10 }] } } as never);
    await expect(waiter.wait()).rejects.toThrow(/UPDATE_FAILED/);
    const failed = await t.w.servingEndpoints.get({ name: "fails" });
    expect(failed.state).toEqual({ ready: "NOT_READY", config_update: "UPDATE_FAILED" });
    expect(failed.config!.served_entities![0].state).toEqual({ deployment: "DEPLOYMENT_FAILED", deployment_state_message: "Container build failed: missing requirements.txt" });

    // Retry succeeds (the rule fired once), then a failing update leaves the working config serving.
    const ok = await (await t.w.servingEndpoints.updateConfig({ name: "fails", served_entities: [{ entity_name: "system.ai.gpt-oss-20b", entity_version: "1", provisioned_model_units: 10 }] })).wait();
    expect(ok.state).toEqual({ ready: "READY", config_update: "NOT_UPDATING" });
    await t.api("POST", "/api/2.0/dbserve/faults", { kind: "deployment_failure", route: "/api/2.0/serving-endpoints/fails/config", message: "Out of capacity", times: 1 });
    await expect(
      (await t.w.servingEndpoints.updateConfig({ name: "fails", served_entities: [{ entity_name: "system.ai.gpt-oss-20b", entity_version: "1", provisioned_model_units: 20 }] })).wait(),
    ).rejects.toThrow(/UPDATE_FAILED/);
    const after = await t.w.servingEndpoints.get({ name: "fails" });
    expect(after.state).toEqual({ ready: "READY", config_update: "UPDATE_FAILED" });
    expect(after.config!.served_entities![0].provisioned_model_units).toBe(10);
    expect(after.pending_config!.served_entities![0].state!.deployment_state_message).toBe("Out of capacity");
  });

  test("faults can be set at start", async () => {
    const p = await startTestPlane({ faults: [{ kind: "error", status: 503, route: "/api/2.0/serving-endpoints", probability: 1 }] });
    try {
      expect((await p.api("GET", "/api/2.0/serving-endpoints")).status).toBe(503);
    } finally {
      await p.close();
    }
  });
});

describe("concurrency", () => {
  test("two config updates racing: exactly one wins, the other gets 409", async () => {
    await (await t.w.servingEndpoints.create({ name: "race", config: { name: "race", served_entities: [{ entity_name: "system.ai.gpt-oss-20b", entity_version: "1", provisioned_model_units: 10 }] } } as never)).wait();
    for (let round = 0; round < 3; round++) {
      const body = (units: number) => ({ served_entities: [{ entity_name: "system.ai.gpt-oss-20b", entity_version: "1", provisioned_model_units: units }] });
      const results = await Promise.all([t.api("PUT", "/api/2.0/serving-endpoints/race/config", body(20)), t.api("PUT", "/api/2.0/serving-endpoints/race/config", body(30))]);
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 409]);
      expect(results.find((r) => r.status === 409)!.body.error_code).toBe("RESOURCE_CONFLICT");
      await sleep(300);
    }
  });

  test("two creates racing for one name: one 200, one 409", async () => {
    const results = await Promise.all([t.api("POST", "/api/2.0/serving-endpoints", { name: "twin" }), t.api("POST", "/api/2.0/serving-endpoints", { name: "twin" })]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
  });
});
