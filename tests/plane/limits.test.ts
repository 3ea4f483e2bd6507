import * as net from "node:net";
import * as path from "node:path";
import Database from "better-sqlite3";
import { LIMITS } from "../../plane/limits";
import { bodyModeOf } from "../../plane/router";
import { startTestPlane, type TestPlane } from "./harness";
import { ROUTES, buildFixture, call, makeUsers, routeKey, sampleFor } from "./route-samples";

/**
 * Input limits (issue 9 items 4, 5, 6): a required body is never read as "replace with nothing", every accepted map
 * key is kept, sizes and control characters are bounded, echoed values are capped, and oversized headers and bodies are
 * answered in the error model.
 */
let t: TestPlane;
const PMU = { entity_name: "system.ai.gpt-oss-20b", entity_version: "1", provisioned_model_units: 10 };

beforeAll(async () => {
  t = await startTestPlane({ rateLimit: { limit: 0 }, deploySeconds: 0 });
  expect((await t.api("POST", "/api/2.0/serving-endpoints", { name: "guarded", config: { served_entities: [PMU] } })).status).toBe(200);
  expect((await t.api("PUT", "/api/2.0/serving-endpoints/guarded/ai-gateway", { usage_tracking_config: { enabled: true } })).status).toBe(200);
  expect((await t.api("POST", "/api/2.0/dbserve/users", { user_name: "bob@example.com" })).status).toBe(200);
  expect((await t.api("POST", "/api/2.1/unity-catalog/models", { catalog_name: "main", schema_name: "lim", name: "m" })).status).toBe(200);
});
afterAll(async () => {
  await t.close();
});

const endpointId = async () => (await t.api("GET", "/api/2.0/serving-endpoints/guarded")).body.id as string;

describe("an empty body on PUT is a 400, never a wipe (item 4)", () => {
  test.each([
    ["PUT", "/api/2.0/serving-endpoints/guarded/ai-gateway"],
    ["PUT", "/api/2.0/serving-endpoints/guarded/rate-limits"],
    ["PUT", "/api/2.0/serving-endpoints/guarded/config"],
    ["PUT", "/api/2.0/serving-endpoints/pt/guarded/config"],
    ["PUT", "/api/2.1/unity-catalog/models/main.lim.m/aliases/a"],
    ["POST", "/api/2.0/serving-endpoints"],
  ])("%s %s with no body", async (method, route) => {
    const before = await t.api("GET", "/api/2.0/serving-endpoints/guarded");
    for (const raw of ["", "   \n"]) {
      const r = await t.api(method, route, undefined, { raw });
      expect([r.status, r.body.error_code]).toEqual([400, "MALFORMED_REQUEST"]);
    }
    const after = await t.api("GET", "/api/2.0/serving-endpoints/guarded");
    expect(after.body.ai_gateway).toEqual(before.body.ai_gateway);
    expect(after.body.config).toEqual(before.body.config);
  });

  test("permissions: PUT with no body, or without access_control_list, is a 400 and every grant stays", async () => {
    const id = await endpointId();
    const route = `/api/2.0/permissions/serving-endpoints/${id}`;
    expect((await t.api("PATCH", route, { access_control_list: [{ user_name: "bob@example.com", permission_level: "CAN_QUERY" }] })).status).toBe(200);
    const before = await t.api("GET", route);
    expect((await t.api("PUT", route, undefined, { raw: "" })).status).toBe(400);
    expect((await t.api("PUT", route, {})).status).toBe(400);
    expect((await t.api("GET", route)).body).toEqual(before.body);
    // An empty PATCH (how the JS SDK sends PATCH) changes nothing; a deliberate empty list clears direct grants.
    expect((await t.api("PATCH", route, undefined, { raw: "" })).status).toBe(200);
    expect((await t.api("GET", route)).body).toEqual(before.body);
    const cleared = await t.api("PUT", route, { access_control_list: [] });
    expect(cleared.status).toBe(200);
    expect((cleared.body.access_control_list as { all_permissions: { inherited: boolean }[] }[]).every((e) => e.all_permissions.every((p) => p.inherited))).toBe(true);
  });

  test("every route that needs a body, from the route table: an empty one is a 400 and commits nothing", async () => {
    const { users, tokens } = await makeUsers(t, "empty");
    const db = new Database(path.join(t.dataDir, "plane.db"), { readonly: true });
    const version = db.prepare("PRAGMA data_version").pluck();
    const needing = ROUTES.filter((r) => ["json", "payload"].includes(bodyModeOf(r)));
    expect(needing.length).toBeGreaterThan(20);
    try {
      for (const row of needing) {
        const sample = sampleFor(row);
        const fx = await buildFixture(t, sample.needs, users, tokens);
        const before = version.get();
        const r = await call(t, row.method, { path: sample.request(fx).path, raw: "" }, t.token, { "Content-Type": "application/json" });
        expect([routeKey(row), r.status, r.body.error_code]).toEqual([routeKey(row), 400, "MALFORMED_REQUEST"]);
        expect([routeKey(row), version.get()]).toEqual([routeKey(row), before]);
      }
    } finally {
      db.close();
    }
  });

  test("AI gateway: `{}` removes it deliberately", async () => {
    expect((await t.api("PUT", "/api/2.0/serving-endpoints/guarded/ai-gateway", {})).status).toBe(200);
    expect((await t.api("GET", "/api/2.0/serving-endpoints/guarded")).body.ai_gateway).toBeUndefined();
  });
});

describe("every accepted map key is kept (item 5)", () => {
  test("environment variables named __proto__, constructor and toString are stored and returned", async () => {
    const env = JSON.parse('{"__proto__": "p", "constructor": "c", "toString": "t", "PLAIN": "v"}') as Record<string, string>;
    const r = await t.api("POST", "/api/2.0/serving-endpoints", {
      name: "proto-env",
      config: { served_entities: [{ entity_name: "system.ai.gpt-oss-20b", entity_version: "1", provisioned_model_units: 10, environment_vars: env }] },
    });
    expect(r.status).toBe(200);
    const res = await fetch(`${t.url}/api/2.0/serving-endpoints/proto-env`, { headers: { Authorization: `Bearer ${t.token}` } });
    const text = await res.text();
    const got = JSON.parse(text).config.served_entities[0].environment_vars as Record<string, string>;
    expect(Object.keys(got).sort()).toEqual(["PLAIN", "__proto__", "constructor", "toString"]);
    expect(Object.getOwnPropertyDescriptor(got, "__proto__")?.value).toBe("p");
  });

  test("a name that is not an environment variable name is refused with 400, not dropped", async () => {
    const r = await t.api("POST", "/api/2.0/serving-endpoints", {
      name: "bad-env",
      config: { served_entities: [{ ...PMU, environment_vars: { "1BAD": "x" } }] },
    });
    expect([r.status, r.body.error_code]).toEqual([400, "INVALID_PARAMETER_VALUE"]);
    expect(String(r.body.message)).toMatch(/environment variable name/);
  });

  test("prototype keys in strict objects are refused as unknown fields", async () => {
    const r = await t.api("PUT", "/api/2.0/serving-endpoints/guarded/ai-gateway", undefined, { raw: '{"__proto__": {"usage_tracking_config": {"enabled": true}}}' });
    expect([r.status, r.body.error_code]).toEqual([400, "INVALID_PARAMETER_VALUE"]);
    expect(String(r.body.message)).toMatch(/__proto__/);
  });
});

describe("sizes, control characters and echoes (item 6)", () => {
  const big = "x".repeat(100_000);
  const cases: [string, string, string, unknown, RegExp][] = [
    ["comment", "POST", "/api/2.1/unity-catalog/models", { catalog_name: "main", schema_name: "lim", name: "c1", comment: "c".repeat(LIMITS.text.value + 1) }, /comment/],
    ["owner", "PATCH", "/api/2.1/unity-catalog/models/main.lim.m", { owner: big }, /owner/],
    ["keyword", "PUT", "/api/2.0/serving-endpoints/guarded/ai-gateway", { guardrails: { input: { invalid_keywords: [big] } } }, /invalid_keywords/],
    ["keywords", "PUT", "/api/2.0/serving-endpoints/guarded/ai-gateway", { guardrails: { input: { invalid_keywords: Array.from({ length: 101 }, (_, i) => `k${i}`) } } }, /invalid_keywords/],
    ["email", "PATCH", "/api/2.0/serving-endpoints/guarded/notifications", { email_notifications: { on_update_failure: [`${big}@example.com`] } }, /on_update_failure/],
    ["emails 50,000", "PATCH", "/api/2.0/serving-endpoints/guarded/notifications", { email_notifications: { on_update_failure: Array.from({ length: 50_000 }, () => "a@b.c") } }, /on_update_failure/],
    ["tag value", "PATCH", "/api/2.0/serving-endpoints/guarded/tags", { add_tags: [{ key: "k", value: big }] }, /add_tags/],
    ["tags 50,000", "PATCH", "/api/2.0/serving-endpoints/guarded/tags", { add_tags: Array.from({ length: 50_000 }, (_, i) => ({ key: `k${i}` })) }, /add_tags/],
    ["env value", "PUT", "/api/2.0/serving-endpoints/guarded/config", { served_entities: [{ ...PMU, environment_vars: { A: "v".repeat(LIMITS.envValue.value + 1) } }] }, /environment_vars/],
    ["control char in a comment", "POST", "/api/2.1/unity-catalog/models", { catalog_name: "main", schema_name: "lim", name: "c2", comment: "bell\u0007" }, /comment/],
    ["control char in an owner", "PATCH", "/api/2.1/unity-catalog/models/main.lim.m", { owner: "eve\u0000@example.com" }, /owner/],
    ["newline in a tag key", "PATCH", "/api/2.0/serving-endpoints/guarded/tags", { add_tags: [{ key: "a\nb" }] }, /add_tags/],
    ["control char in an env value", "PUT", "/api/2.0/serving-endpoints/guarded/config", { served_entities: [{ ...PMU, environment_vars: { A: "\u001b[31m" } }] }, /environment_vars/],
    ["control char in a field name", "PUT", "/api/2.0/serving-endpoints/guarded/ai-gateway", { ["usage\u0000"]: 1 }, /field name/],
    ["nesting", "PUT", "/api/2.0/serving-endpoints/guarded/ai-gateway", JSON.parse(`${'{"a":'.repeat(40)}1${"}".repeat(40)}`), /nested deeper/],
  ];
  test.each(cases)("%s: 400 naming the field, the value not echoed in full", async (_name, method, route, body, field) => {
    const before = await t.api("GET", "/api/2.0/serving-endpoints/guarded");
    const r = await t.api(method, route, body);
    expect(r.status).toBe(400);
    expect(typeof r.body.error_code).toBe("string");
    expect(String(r.body.message).length).toBeLessThanOrEqual(LIMITS.errorMessage.value);
    expect(String(r.body.message)).toMatch(field);
    expect(String(r.body.message)).not.toContain("x".repeat(LIMITS.echo.value + 1));
    const after = await t.api("GET", "/api/2.0/serving-endpoints/guarded");
    expect({ ...after.body, last_updated_timestamp: 0, state: 0 }).toEqual({ ...before.body, last_updated_timestamp: 0, state: 0 });
  });

  test("a long unknown value is quoted short in the error", async () => {
    const r = await t.api("PUT", "/api/2.0/serving-endpoints/guarded/config", { served_entities: [{ ...PMU, workload_type: big }] });
    expect(r.status).toBe(400);
    expect(String(r.body.message).length).toBeLessThan(400);
    expect(String(r.body.message)).toMatch(/100000 characters/);
  });

  test("oversized headers: 431 in the error model, with the workspace id", async () => {
    const res = await fetch(`${t.url}/api/2.0/serving-endpoints`, { headers: { Authorization: `Bearer ${t.token}`, "X-Big": "h".repeat(LIMITS.headerBytes.value + 10) } });
    expect(res.status).toBe(431);
    expect(await res.json()).toEqual({ error_code: "REQUEST_LIMIT_EXCEEDED", message: `Request headers exceed ${LIMITS.headerBytes.value} bytes.` });
    expect(res.headers.get("x-databricks-org-id")).toBe(t.workspaceId);
  });

  test("a malformed request line: 400 in the error model", async () => {
    const port = Number(new URL(t.url).port);
    const text = await new Promise<string>((resolve) => {
      const sock = net.connect(port, "127.0.0.1", () => sock.write("NOT-HTTP\r\n\r\n"));
      let data = "";
      sock.on("data", (d) => (data += d.toString()));
      sock.on("close", () => resolve(data));
      sock.on("error", () => resolve(data));
    });
    expect(text).toMatch(/^HTTP\/1\.1 400/);
    expect(JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4))).toMatchObject({ error_code: "MALFORMED_REQUEST" });
  });

  test("a control-plane body over 1 MiB: 413 before it is read", async () => {
    const r = await t.api("PATCH", "/api/2.0/serving-endpoints/guarded/tags", undefined, { raw: JSON.stringify({ add_tags: [{ key: "k", value: "v".repeat(LIMITS.jsonBodyBytes.value) }] }) }).catch(() => undefined);
    if (r) expect([r.status, r.body.error_code]).toEqual([413, "REQUEST_LIMIT_EXCEEDED"]);
    expect((await t.api("GET", "/api/2.0/serving-endpoints/guarded")).status).toBe(200);
  });

  test("query payloads keep the serving limit and accept the users' text as is", async () => {
    const r = await t.api("POST", "/serving-endpoints/guarded/invocations", { messages: [{ role: "user", content: `${"long prompt ".repeat(20_000)}\u0007` }] });
    expect(r.status).toBe(200);
  });
});
