/**
 * The AI gateway enforced on queries: rate limits (calls and tokens, per key), guardrails (PII BLOCK/MASK on input and
 * output, safety, keywords, topics), usage and inference tables, fallbacks across external entities, the traffic
 * split, /metrics and /openapi, and who may read what.
 */
import { startTestPlane, type TestPlane } from "../plane/harness";
import { startUpstream, type Upstream } from "./upstream";
import { createCustom, createEndpoint, createPt, externalEntity, waitReady } from "./helpers";

let t: TestPlane;
let alice: string;
let a: Upstream;
let b: Upstream;

beforeAll(async () => {
  t = await startTestPlane({ rateLimit: { limit: 0 } });
  alice = String((await t.api("POST", "/api/2.0/dbserve/users", { user_name: "alice@example.com" })).body.token);
  a = await startUpstream({ reply: "from A" });
  b = await startUpstream({ reply: "from B" });
});
afterAll(async () => {
  await t?.close();
  await a?.close();
  await b?.close();
});

const ask = (name: string, content: string, opts: { token?: string; extra?: Record<string, unknown> } = {}) =>
  t.api("POST", `/serving-endpoints/${name}/invocations`, { messages: [{ role: "user", content }], ...(opts.extra ?? {}) }, { token: opts.token });

async function grant(name: string, level: string, user = "alice@example.com"): Promise<void> {
  const id = (await t.api("GET", `/api/2.0/serving-endpoints/${name}`)).body.id;
  await t.api("PATCH", `/api/2.0/permissions/serving-endpoints/${id}`, { access_control_list: [{ user_name: user, permission_level: level }] });
}

async function gateway(name: string, g: Record<string, unknown>): Promise<void> {
  const r = await t.api("PUT", `/api/2.0/serving-endpoints/${name}/ai-gateway`, g);
  expect(r.status).toBe(200);
}

describe("rate limits", () => {
  test("calls per user per minute: the third call is 429 REQUEST_LIMIT_EXCEEDED with Retry-After; another user has their own budget", async () => {
    await createPt(t, "rl-user");
    await grant("rl-user", "CAN_QUERY");
    await gateway("rl-user", { rate_limits: [{ calls: 2, key: "user", renewal_period: "minute" }] });
    expect((await ask("rl-user", "one")).status).toBe(200);
    expect((await ask("rl-user", "two")).status).toBe(200);
    const third = await ask("rl-user", "three");
    expect([third.status, third.body.error_code]).toEqual([429, "REQUEST_LIMIT_EXCEEDED"]);
    const retry = Number(third.headers.get("retry-after"));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(60);
    expect((await ask("rl-user", "mine", { token: alice })).status).toBe(200);
  });

  test("a limit naming a user replaces the default per-user limit; endpoint and group limits are shared", async () => {
    await createPt(t, "rl-mixed");
    await grant("rl-mixed", "CAN_QUERY");
    await gateway("rl-mixed", {
      rate_limits: [
        { calls: 5, key: "user", renewal_period: "minute" },
        { calls: 1, key: "user", principal: "alice@example.com", renewal_period: "minute" },
        { calls: 4, key: "user_group", principal: "users", renewal_period: "minute" },
      ],
    });
    expect((await ask("rl-mixed", "a", { token: alice })).status).toBe(200);
    expect((await ask("rl-mixed", "a", { token: alice })).status).toBe(429);
    // The admin has the default 5, but the users group (everyone) shares 4, one of which alice used.
    const admin = [];
    for (let i = 0; i < 4; i++) admin.push((await ask("rl-mixed", `x${i}`)).status);
    expect(admin).toEqual([200, 200, 200, 429]);
  });

  test("tokens per minute: a call is admitted while the window holds fewer tokens than the limit", async () => {
    await createPt(t, "rl-tokens");
    await gateway("rl-tokens", { rate_limits: [{ tokens: 30, key: "endpoint", renewal_period: "minute" }] });
    const first = await ask("rl-tokens", "a question long enough to use a number of tokens in its prompt and answer");
    expect(first.status).toBe(200);
    expect((first.body.usage as { total_tokens: number }).total_tokens).toBeGreaterThanOrEqual(30);
    const second = await ask("rl-tokens", "again");
    expect(second.status).toBe(429);
    expect(String(second.body.message)).toMatch(/30 tokens/);
  });

  test("a service principal's limit applies to that principal only", async () => {
    const sp = "6b2a7f0e-3c1d-4e5f-8a9b-0c1d2e3f4a5b";
    const spToken = String((await t.api("POST", "/api/2.0/dbserve/users", { user_name: sp })).body.token);
    await createPt(t, "rl-sp");
    await grant("rl-sp", "CAN_QUERY", sp);
    await gateway("rl-sp", { rate_limits: [{ calls: 1, key: "service_principal", principal: sp, renewal_period: "minute" }] });
    expect((await ask("rl-sp", "a", { token: spToken })).status).toBe(200);
    expect((await ask("rl-sp", "b", { token: spToken })).status).toBe(429);
    expect((await ask("rl-sp", "c")).status).toBe(200);
    expect((await ask("rl-sp", "d")).status).toBe(200);
  });

  test("calls: 0 is no limit, as the service reads it (TF #5362); the legacy endpoint rate limits apply too", async () => {
    await createPt(t, "rl-zero");
    await gateway("rl-zero", { rate_limits: [{ calls: 0, key: "endpoint", renewal_period: "minute" }, { tokens: 0, key: "user", renewal_period: "minute" }] });
    for (let i = 0; i < 5; i++) expect((await ask("rl-zero", `hi ${i}`)).status).toBe(200);
    await createCustom(t, "rl-legacy", "main.rl.legacy");
    expect((await t.api("PUT", "/api/2.0/serving-endpoints/rl-legacy/rate-limits", { rate_limits: [{ calls: 1, key: "endpoint", renewal_period: "minute" }] })).status).toBe(200);
    const rows = { dataframe_records: [{ x: 1 }] };
    expect((await t.api("POST", "/serving-endpoints/rl-legacy/invocations", rows)).status).toBe(200);
    expect((await t.api("POST", "/serving-endpoints/rl-legacy/invocations", rows)).status).toBe(429);
  });
});

describe("guardrails", () => {
  beforeAll(async () => {
    await createPt(t, "guarded");
  });

  test("PII BLOCK on input refuses a prompt with an e-mail address, without echoing it", async () => {
    await gateway("guarded", { guardrails: { input: { pii: { behavior: "BLOCK" } } } });
    const r = await ask("guarded", "Please write to jane.doe@example.com about the invoice");
    expect([r.status, r.body.error_code]).toEqual([400, "BAD_REQUEST"]);
    expect(String(r.body.message)).toMatch(/Input guardrail.*EMAIL_ADDRESS/);
    expect(JSON.stringify(r.body)).not.toContain("jane.doe");
    expect((await ask("guarded", "No personal data here")).status).toBe(200);
  });

  test("PII MASK on input: the model sees the masked prompt", async () => {
    await gateway("guarded", { guardrails: { input: { pii: { behavior: "MASK" } } } });
    const r = await ask("guarded", "Call 555-123-4567 or card 4111 1111 1111 1111");
    expect(r.status).toBe(200);
    const content = (r.body.choices as { message: { content: string } }[])[0].message.content;
    expect(content).toBe("You asked: Call [PHONE_NUMBER] or card [CREDIT_CARD]");
  });

  test("PII on output: MASK rewrites the answer (streamed too), BLOCK refuses it", async () => {
    await gateway("guarded", { guardrails: { output: { pii: { behavior: "MASK" } } } });
    const r = await ask("guarded", "my address is bob@example.org");
    expect((r.body.choices as { message: { content: string } }[])[0].message.content).toBe("You asked: my address is [EMAIL_ADDRESS]");
    const res = await fetch(`${t.url}/serving-endpoints/guarded/invocations`, {
      method: "POST",
      headers: { Authorization: `Bearer ${t.token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ messages: [{ role: "user", content: "my address is bob@example.org" }], stream: true }),
    });
    const sse = await res.text();
    expect(sse).not.toContain("bob@example.org");
    expect(sse).toContain("[EMAIL_ADDRESS]");
    await gateway("guarded", { guardrails: { output: { pii: { behavior: "BLOCK" } } } });
    const blocked = await ask("guarded", "my address is bob@example.org");
    expect([blocked.status, String(blocked.body.message)]).toEqual([400, expect.stringMatching(/Output guardrail/)]);
  });

  test("safety, invalid keywords and valid topics", async () => {
    await gateway("guarded", { guardrails: { input: { safety: true, invalid_keywords: ["Project Nightjar"], valid_topics: ["model serving", "databricks"] } } });
    expect((await ask("guarded", "How to make a bomb at home for model serving")).status).toBe(400);
    expect(String((await ask("guarded", "status of project nightjar in databricks")).body.message)).toMatch(/invalid keyword/);
    expect(String((await ask("guarded", "Give me a pasta recipe")).body.message)).toMatch(/allowed topics/);
    expect((await ask("guarded", "How does model serving scale?")).status).toBe(200);
  });

  test("embeddings inputs are masked before they are embedded", async () => {
    const ppt = "databricks-gte-large-en";
    const original = (await t.api("GET", `/api/2.0/serving-endpoints/${ppt}`)).body.ai_gateway ?? {};
    await gateway(ppt, { guardrails: { input: { pii: { behavior: "MASK" } } } });
    const masked = await t.api("POST", "/serving-endpoints/embeddings", { model: ppt, input: ["mail x@y.com"], encoding_format: "float" });
    const plain = await t.api("POST", "/serving-endpoints/embeddings", { model: ppt, input: ["mail [EMAIL_ADDRESS]"], encoding_format: "float" });
    expect((masked.body.data as { embedding: number[] }[])[0].embedding).toEqual((plain.body.data as { embedding: number[] }[])[0].embedding);
    await gateway(ppt, original as Record<string, unknown>);
  });
});

describe("usage and inference tables", () => {
  test("every query, refusals included, lands in both tables; payloads are stored masked; only managers read them", async () => {
    await createPt(t, "tracked");
    await grant("tracked", "CAN_QUERY");
    await gateway("tracked", {
      usage_tracking_config: { enabled: true },
      inference_table_config: { enabled: true, catalog_name: "main", schema_name: "logs", table_name_prefix: "tracked" },
      rate_limits: [{ calls: 3, key: "endpoint", renewal_period: "minute" }],
      guardrails: { input: { pii: { behavior: "BLOCK" } } },
    });
    const ok = await ask("tracked", "What is serving?", { extra: { client_request_id: "req-1", usage_context: { team: "search" } } });
    expect(ok.status).toBe(200);
    expect((await ask("tracked", "mail me at z@example.com", { token: alice })).status).toBe(400);
    expect((await ask("tracked", "third")).status).toBe(200);
    expect((await ask("tracked", "fourth")).status).toBe(429);

    const usage = await t.api("GET", "/api/2.0/dbserve/serving-endpoints/tracked/usage");
    const rows = usage.body.rows as Record<string, unknown>[];
    expect(rows.map((r) => [r.status_code, r.requester])).toEqual([
      [200, "admin@dbserve.local"],
      [400, "alice@example.com"],
      [200, "admin@dbserve.local"],
      [429, "admin@dbserve.local"],
    ]);
    expect(rows[0]).toMatchObject({ client_request_id: "req-1", usage_context: { team: "search" }, request_streaming: false, served_entity_name: "llama_v3_3_70b_instruct-3" });
    const u0 = (ok.body.usage as { prompt_tokens: number; completion_tokens: number });
    expect([rows[0].input_token_count, rows[0].output_token_count]).toEqual([u0.prompt_tokens, u0.completion_tokens]);

    const log = await t.api("GET", "/api/2.0/dbserve/serving-endpoints/tracked/inference-log");
    const inf = log.body.rows as Record<string, unknown>[];
    expect(inf).toHaveLength(4);
    expect(inf.every((r) => r.table_name === "main.logs.tracked_payload")).toBe(true);
    expect(JSON.parse(String(inf[0].request))).toEqual({ messages: [{ role: "user", content: "What is serving?" }] });
    expect(JSON.parse(String(inf[0].response)).choices[0].message.content).toBe("You asked: What is serving?");
    expect(String(inf[1].request)).toContain("[EMAIL_ADDRESS]");
    expect(String(inf[1].request)).not.toContain("z@example.com");
    expect(JSON.parse(String(inf[3].response)).error_code).toBe("REQUEST_LIMIT_EXCEEDED");
    expect(inf.every((r) => Number(r.execution_duration_ms) >= 0)).toBe(true);

    // Paging, and who may read.
    const page = await t.api("GET", "/api/2.0/dbserve/serving-endpoints/tracked/usage?max_results=3");
    expect((page.body.rows as unknown[]).length).toBe(3);
    const next = await t.api("GET", `/api/2.0/dbserve/serving-endpoints/tracked/usage?max_results=3&page_token=${String(page.body.next_page_token)}`);
    expect((next.body.rows as unknown[]).length).toBe(1);
    expect((await t.api("GET", "/api/2.0/dbserve/serving-endpoints/tracked/usage", undefined, { token: alice })).status).toBe(403);
    expect((await t.api("GET", "/api/2.0/dbserve/usage", undefined, { token: alice })).status).toBe(403);
    expect(((await t.api("GET", "/api/2.0/dbserve/usage")).body.rows as unknown[]).length).toBeGreaterThanOrEqual(4);
  });
});

describe("external models: fallbacks and traffic", () => {
  test("with fallback_config, a provider outage (503) or rate limit (429) moves the query to the next external entity", async () => {
    await createEndpoint(t, {
      name: "ext-fallback",
      config: {
        served_entities: [externalEntity("primary", a.url, "sk-a"), externalEntity("backup", b.url, "sk-b")],
        traffic_config: { routes: [{ served_entity_name: "primary", traffic_percentage: 100 }, { served_entity_name: "backup", traffic_percentage: 0 }] },
      },
      ai_gateway: { fallback_config: { enabled: true } },
    });
    a.failNext(503);
    const r = await ask("ext-fallback", "hi");
    expect(r.status).toBe(200);
    expect((r.body.choices as { message: { content: string } }[])[0].message.content).toBe("from B");
    expect(r.headers.get("x-dbserve-served-entity")).toBe("backup");
    expect(b.received[b.received.length - 1].headers.authorization).toBe("Bearer sk-b");
    a.failNext(429);
    expect((await ask("ext-fallback", "hi")).status).toBe(200);
    // A client error is not an outage: no fallback.
    a.failNext(400);
    expect((await ask("ext-fallback", "hi")).status).toBe(400);
    // Without fallbacks the outage reaches the caller.
    await gateway("ext-fallback", { fallback_config: { enabled: false } });
    a.failNext(503);
    const down = await ask("ext-fallback", "hi");
    expect([down.status, down.body.error_code]).toEqual([503, "TEMPORARILY_UNAVAILABLE"]);
  });

  test("output guardrails on an external stream: read whole, masked, then streamed", async () => {
    const c = await startUpstream({ reply: "Write to ops@example.com for access." });
    try {
      await createEndpoint(t, { name: "ext-masked", config: { served_entities: [externalEntity("m", c.url, "sk-c")] }, ai_gateway: { guardrails: { output: { pii: { behavior: "MASK" } } } } });
      const res = await fetch(`${t.url}/serving-endpoints/ext-masked/invocations`, {
        method: "POST",
        headers: { Authorization: `Bearer ${t.token}`, "Content-Type": "application/json" },
        body: JSON.stringify({ messages: [{ role: "user", content: "who do I ask?" }], stream: true }),
      });
      expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
      const text = (await res.text())
        .split("\n")
        .filter((l) => l.startsWith("data: {"))
        .map((l) => (JSON.parse(l.slice(6)) as { choices: { delta?: { content?: string } }[] }).choices[0]?.delta?.content ?? "")
        .join("");
      expect(text).toBe("Write to [EMAIL_ADDRESS] for access.");
    } finally {
      await c.close();
    }
  });

  test("a secret reference cannot be resolved by the plane: 400 asking for the plaintext form", async () => {
    await createEndpoint(t, { name: "ext-ref", config: { served_entities: [{ name: "e", external_model: { name: "m", provider: "openai", task: "llm/v1/chat", openai_config: { openai_api_key: "{{secrets/scope/key}}", openai_api_base: a.url } } }] } });
    const r = await ask("ext-ref", "hi");
    expect(r.status).toBe(400);
    expect(String(r.body.message)).toMatch(/openai_api_key_plaintext/);
  });

  test("the traffic split is honoured exactly; served-models/{entity}/invocations picks one entity", async () => {
    await t.api("POST", "/api/2.1/unity-catalog/models", { catalog_name: "main", schema_name: "ab", name: "m" });
    await createCustom(t, "split-src", "main.ab.src");
    const { readyVersion } = await import("../plane/harness");
    await readyVersion(t, "main.ab.m");
    await readyVersion(t, "main.ab.m");
    await createEndpoint(t, {
      name: "split",
      config: {
        served_entities: [
          { name: "champion", entity_name: "main.ab.m", entity_version: "1", workload_size: "Small", scale_to_zero_enabled: true },
          { name: "challenger", entity_name: "main.ab.m", entity_version: "2", workload_size: "Small", scale_to_zero_enabled: true },
        ],
        traffic_config: { routes: [{ served_entity_name: "champion", traffic_percentage: 80 }, { served_entity_name: "challenger", traffic_percentage: 20 }] },
      },
    });
    const seen: Record<string, number> = {};
    for (let i = 0; i < 20; i++) {
      const r = await t.api("POST", "/serving-endpoints/split/invocations", { dataframe_split: { columns: ["a", "b"], data: [[1, 2], [3, "xy"]] } });
      expect(r.body).toEqual({ predictions: [3, 5] });
      const e = r.headers.get("x-dbserve-served-entity")!;
      seen[e] = (seen[e] ?? 0) + 1;
    }
    expect(seen).toEqual({ champion: 16, challenger: 4 });
    for (let i = 0; i < 3; i++) {
      const r = await t.api("POST", "/serving-endpoints/split/served-models/challenger/invocations", { instances: [[1, 1]] });
      expect(r.headers.get("x-dbserve-served-entity")).toBe("challenger");
    }
    expect((await t.api("POST", "/serving-endpoints/split/served-models/nope/invocations", { instances: [1] })).status).toBe(400);
  });
});

describe("/metrics and /openapi", () => {
  test("metrics count what happened, per served entity, in Prometheus text", async () => {
    const r = await fetch(`${t.url}/api/2.0/serving-endpoints/split/metrics`, { headers: { Authorization: `Bearer ${t.token}` } });
    expect(r.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await r.text();
    expect(text).toContain('request_count_total{endpoint_name="split",served_entity_name="champion"} 16');
    expect(text).toContain('request_count_total{endpoint_name="split",served_entity_name="challenger"} 7');
    // The query naming an entity that does not exist was refused before any entity served it.
    expect(text).toContain('request_4xx_count_total{endpoint_name="split",served_entity_name=""} 1');
    expect(text).toContain('request_4xx_count_total{endpoint_name="split",served_entity_name="champion"} 0');
    expect(text).toMatch(/^# TYPE request_latency_ms histogram$/m);
    expect(text).toContain('request_latency_ms_bucket{endpoint_name="split",served_entity_name="champion",le="+Inf"} 16');
    // Every sample line is `name{labels} value`.
    for (const line of text.split("\n").filter((l) => l && !l.startsWith("#"))) expect(line).toMatch(/^[a-z_0-9]+\{[^}]*\} [0-9.e+-]+$/);
  });

  test("openapi describes the endpoint's invocations by what its entities take", async () => {
    const custom = await t.api("GET", "/api/2.0/serving-endpoints/split/openapi");
    expect(custom.body.openapi).toBe("3.1.0");
    expect(Object.keys(custom.body.paths as object).sort()).toEqual(["/invocations", "/served-models/challenger/invocations", "/served-models/champion/invocations"]);
    expect(JSON.stringify(custom.body)).toContain("dataframe_split");
    const chat = await t.api("GET", "/api/2.0/serving-endpoints/guarded/openapi");
    expect(JSON.stringify(chat.body)).toContain("messages");
    expect(JSON.stringify(chat.body)).toContain("text/event-stream");
  });

  test("who may: CAN_VIEW reads metrics; openapi and queries need CAN_QUERY", async () => {
    await grant("split", "CAN_VIEW");
    expect((await t.api("GET", "/api/2.0/serving-endpoints/split/metrics", undefined, { token: alice })).status).toBe(200);
    expect((await t.api("GET", "/api/2.0/serving-endpoints/split/openapi", undefined, { token: alice })).status).toBe(403);
    expect((await t.api("POST", "/serving-endpoints/split/invocations", { instances: [1] }, { token: alice })).status).toBe(403);
    await grant("split", "CAN_QUERY");
    expect((await t.api("POST", "/serving-endpoints/split/invocations", { instances: [1] }, { token: alice })).status).toBe(200);
  });
});

test("an endpoint still deploying is not queried", async () => {
  const r = await t.api("POST", "/api/2.0/serving-endpoints", { name: "slow", config: { served_entities: [{ entity_name: "system.ai.llama_v3_3_70b_instruct", entity_version: "3", max_provisioned_throughput: 1580 }] } });
  expect(r.status).toBe(200);
  const q = await ask("slow", "hi");
  expect(q.status).toBe(400);
  await waitReady(t, "slow");
  expect((await ask("slow", "hi")).status).toBe(200);
});
