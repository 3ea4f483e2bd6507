import * as http from "node:http";
import { AddressInfo } from "node:net";
import { z } from "zod";
import { backoffDelay } from "../../provider/client/backoff";
import { DatabricksApiError, redact } from "../../provider/client/errors";
import { ApiClient } from "../../provider/client/http";
import { UNKNOWN } from "../../provider/engine/unknown";
import { formatPath, parseInputs } from "../../provider/engine/validate";

describe("parseInputs", () => {
  const schema = z.object({ name: z.string().min(1), size: z.enum(["Small", "Medium", "Large"]), items: z.array(z.object({ v: z.number() })) }).strict();

  it("reports every problem at once with its path and what would be valid", () => {
    const { value, failures } = parseInputs(schema, { name: "", size: "Huge", items: [{ v: 1 }, { v: "x" }], extra: 1 });
    expect(value).toBeUndefined();
    const byPath = Object.fromEntries(failures.map((f) => [f.property, f.reason]));
    expect(Object.keys(byPath).sort()).toEqual(["(inputs)", "items[1].v", "name", "size"].sort());
    expect(byPath["size"]).toBe('got "Huge"; valid values: "Small", "Medium", "Large"');
    expect(byPath["items[1].v"]).toBe('got "x"; expected number');
    expect(byPath["(inputs)"]).toContain('"extra"');
  });

  it("never rejects values that are unknown during preview, and withholds the value", () => {
    const { value, failures } = parseInputs(schema, { name: UNKNOWN, size: UNKNOWN, items: UNKNOWN });
    expect(failures).toEqual([]);
    expect(value).toBeUndefined();
  });

  it("still reports known problems beside unknown values", () => {
    const { failures } = parseInputs(schema, { name: UNKNOWN, size: "Tiny", items: [] });
    expect(failures.map((f) => f.property)).toEqual(["size"]);
  });

  it("returns the parsed value when everything is known and valid", () => {
    expect(parseInputs(schema, { name: "a", size: "Small", items: [] })).toMatchObject({ value: { name: "a", size: "Small", items: [] }, failures: [] });
  });

  it("ignores output placeholders (unknown or undefined keys the schema does not declare)", () => {
    const { value, failures, input } = parseInputs(schema, { name: "a", size: "Small", items: [], fullName: UNKNOWN, createdAt: undefined });
    expect(failures).toEqual([]);
    expect(value).toEqual({ name: "a", size: "Small", items: [] });
    expect(input).toEqual({ name: "a", size: "Small", items: [] });
    // A declared-but-unknown key is still a real unknown: the value is withheld.
    expect(parseInputs(schema, { name: UNKNOWN, size: "Small", items: [] }).value).toBeUndefined();
  });

  it("formats paths the way programs write them", () => {
    expect(formatPath(["servedEntities", 1, "entityVersion"])).toBe("servedEntities[1].entityVersion");
  });
});

describe("backoffDelay", () => {
  it("grows exponentially up to the cap, with jitter in the upper half", () => {
    const opts = { initialMs: 100, maxMs: 1000 };
    expect(backoffDelay(0, opts, () => 0)).toBe(50);
    expect(backoffDelay(0, opts, () => 1)).toBe(100);
    expect(backoffDelay(3, opts, () => 1)).toBe(800);
    expect(backoffDelay(10, opts, () => 1)).toBe(1000);
    expect(backoffDelay(10, opts, () => 0)).toBe(500);
  });
});

describe("redact", () => {
  it("removes bearer tokens and PATs", () => {
    expect(redact("Authorization: Bearer abc.def-123 failed")).toBe("Authorization: Bearer [redacted] failed");
    expect(redact("token dapi0123456789abcdef leaked")).toBe("token [redacted-token] leaked");
  });
});

describe("ApiClient retries", () => {
  let server: http.Server;
  let host: string;
  let answers: ((res: http.ServerResponse) => void)[];
  let seen: { method?: string; auth?: string; at: number }[];

  beforeEach(async () => {
    answers = [];
    seen = [];
    server = http.createServer((req, res) => {
      seen.push({ method: req.method, auth: req.headers.authorization, at: Date.now() });
      const answer = answers.shift();
      if (answer) answer(res);
      else res.end("{}");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  const client = () => new ApiClient({ host, authenticate: async (h) => h.set("Authorization", "Bearer secret-token"), retryBudgetMs: 10_000 });
  const json = (status: number, body: unknown, headers: Record<string, string> = {}) => (res: http.ServerResponse) => {
    res.writeHead(status, { "Content-Type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  };

  it("honours Retry-After on 429 and then succeeds", async () => {
    answers.push(json(429, { error_code: "REQUEST_LIMIT_EXCEEDED", message: "slow down" }, { "Retry-After": "1" }));
    answers.push(json(200, { ok: true }));
    await expect(client().get("/x")).resolves.toEqual({ ok: true });
    expect(seen).toHaveLength(2);
    expect(seen[1].at - seen[0].at).toBeGreaterThanOrEqual(950);
    expect(seen[1].auth).toBe("Bearer secret-token");
  });

  it("retries 503 with backoff", async () => {
    answers.push(json(503, { error_code: "TEMPORARILY_UNAVAILABLE", message: "busy" }));
    answers.push(json(503, { error_code: "TEMPORARILY_UNAVAILABLE", message: "busy" }));
    answers.push(json(200, { n: 3 }));
    await expect(client().post("/x", {})).resolves.toEqual({ n: 3 });
    expect(seen.map((s) => s.method)).toEqual(["POST", "POST", "POST"]);
  });

  it("retries a dropped connection", async () => {
    answers.push((res) => res.socket?.destroy());
    answers.push(json(200, { back: true }));
    await expect(client().get("/x")).resolves.toEqual({ back: true });
  });

  it("raises typed errors for 4xx without retrying, and without the token in the message", async () => {
    answers.push(json(404, { error_code: "RESOURCE_DOES_NOT_EXIST", message: "Endpoint with name 'x' does not exist." }));
    const err = await client().get("/api/2.0/serving-endpoints/x").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabricksApiError);
    expect((err as DatabricksApiError).isNotFound).toBe(true);
    expect((err as DatabricksApiError).message).toBe("GET /api/2.0/serving-endpoints/x failed: 404 RESOURCE_DOES_NOT_EXIST: Endpoint with name 'x' does not exist.");
    expect(String(err)).not.toContain("secret-token");
    expect(seen).toHaveLength(1);
  });
});
