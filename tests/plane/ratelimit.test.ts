import * as fs from "node:fs";
import { freshDir, sleep, startTestPlane, type TestPlane } from "./harness";

/**
 * The workspace operation limit (issue 9 item 2): only accepted create/update operations count — a user with no
 * permissions, a bad body or a missing endpoint uses up nothing — and the window survives a restart.
 */
const PMU = { entity_name: "system.ai.gpt-oss-20b", entity_version: "1", provisioned_model_units: 10 };

describe("operation limit", () => {
  let dir: string;
  let t: TestPlane;
  let mallory: string;

  beforeAll(async () => {
    dir = freshDir("ratelimit");
    t = await startTestPlane({ dataDir: dir, deploySeconds: 0, rateLimit: { limit: 0 } });
    mallory = (await t.api("POST", "/api/2.0/dbserve/users", { user_name: "mallory@example.com" })).body.token as string;
    expect((await t.api("POST", "/api/2.0/serving-endpoints", { name: "prod" })).status).toBe(200);
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("refused requests (403, 400, 404, 409, 401) use up nothing; accepted ones count; the 429 rolls its request back", async () => {
    await t.api("PUT", "/api/2.0/dbserve/rate-limit", { limit: 3, window_seconds: 120 });
    for (let i = 0; i < 20; i++) {
      expect((await t.api("PUT", "/api/2.0/serving-endpoints/prod/ai-gateway", { usage_tracking_config: { enabled: true } }, { token: mallory })).status).toBe(403);
      expect((await t.api("PUT", "/api/2.0/serving-endpoints/prod/config", { served_entities: "nope" })).status).toBe(400);
      expect((await t.api("PATCH", "/api/2.0/serving-endpoints/nope/tags", { add_tags: [{ key: "k" }] })).status).toBe(404);
      expect((await t.api("POST", "/api/2.0/serving-endpoints", { name: "prod" })).status).toBe(409);
      expect((await t.api("POST", "/api/2.0/serving-endpoints", { name: "x" }, { token: "dapinotatoken" })).status).toBe(401);
    }
    expect((await t.api("GET", "/api/2.0/dbserve/rate-limit")).body.used).toBe(0);

    expect((await t.api("PATCH", "/api/2.0/serving-endpoints/prod/tags", { add_tags: [{ key: "a" }] })).status).toBe(200);
    expect((await t.api("POST", "/api/2.0/serving-endpoints", { name: "second" })).status).toBe(200);
    expect((await t.api("PUT", "/api/2.0/serving-endpoints/prod/config", { served_entities: [PMU] })).status).toBe(200);
    expect((await t.api("GET", "/api/2.0/dbserve/rate-limit")).body.used).toBe(3);

    const limited = await t.api("POST", "/api/2.0/serving-endpoints", { name: "third" });
    expect([limited.status, limited.body.error_code]).toEqual([429, "REQUEST_LIMIT_EXCEEDED"]);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // Rolled back with the refusal: no endpoint, no ACL.
    expect((await t.api("GET", "/api/2.0/serving-endpoints/third")).status).toBe(404);
    // Reads are never counted.
    expect((await t.api("GET", "/api/2.0/serving-endpoints/prod")).status).toBe(200);
  });

  test("the window survives a restart", async () => {
    await t.close();
    t = await startTestPlane({ dataDir: dir, deploySeconds: 0, rateLimit: { limit: 3, windowSeconds: 120 } });
    const limited = await t.api("PATCH", "/api/2.0/serving-endpoints/prod/tags", { add_tags: [{ key: "b" }] });
    expect([limited.status, limited.body.error_code]).toEqual([429, "REQUEST_LIMIT_EXCEEDED"]);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(60);
  });

  test("operations leave the window as it slides", async () => {
    await t.api("PUT", "/api/2.0/dbserve/rate-limit", { limit: 2, window_seconds: 1 });
    expect((await t.api("PATCH", "/api/2.0/serving-endpoints/prod/tags", { add_tags: [{ key: "c" }] })).status).toBe(200);
    expect((await t.api("PATCH", "/api/2.0/serving-endpoints/prod/tags", { add_tags: [{ key: "d" }] })).status).toBe(200);
    const limited = await t.api("PATCH", "/api/2.0/serving-endpoints/prod/tags", { add_tags: [{ key: "e" }] });
    expect(limited.status).toBe(429);
    await sleep(Number(limited.headers.get("retry-after")) * 1000 + 50);
    expect((await t.api("PATCH", "/api/2.0/serving-endpoints/prod/tags", { add_tags: [{ key: "e" }] })).status).toBe(200);
  });
});
