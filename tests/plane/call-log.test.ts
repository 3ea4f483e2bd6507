import { CallLog } from "../../plane/calls";
import { freshDir, startTestPlane, type TestPlane } from "./harness";
import * as fs from "node:fs";

/** The call log (`GET|DELETE /api/2.0/dbserve/calls`) and the workspace identity (`x-databricks-org-id`). */
describe("call log", () => {
  let t: TestPlane;
  let bob: string;
  beforeAll(async () => {
    t = await startTestPlane({ rateLimit: { limit: 0 } });
    bob = (await t.api("POST", "/api/2.0/dbserve/users", { user_name: "bob@example.com" })).body.token as string;
  });
  afterAll(async () => {
    await t.close();
  });

  test("records every request but the control routes' with seq, method, path, status, user and ms", async () => {
    await t.api("DELETE", "/api/2.0/dbserve/calls");
    const start = (await t.api("GET", "/api/2.0/dbserve/calls")).body.next_seq as number;
    await t.api("POST", "/api/2.0/serving-endpoints", { name: "logged" });
    await t.api("GET", "/api/2.0/serving-endpoints/logged?x=1");
    await t.api("GET", "/api/2.0/serving-endpoints/missing");
    await t.api("DELETE", "/api/2.0/serving-endpoints/logged", undefined, { token: bob });
    await t.api("GET", "/api/2.0/serving-endpoints", undefined, { token: "" });
    await t.api("GET", "/api/2.0/dbserve/health");
    const r = await t.api("GET", `/api/2.0/dbserve/calls?since=${start}`);
    const calls = r.body.calls as { seq: number; method: string; path: string; status: number; user: string | null; ms: number }[];
    expect(calls.map((c) => [c.method, c.path, c.status, c.user])).toEqual([
      ["POST", "/api/2.0/serving-endpoints", 200, "admin@dbserve.local"],
      ["GET", "/api/2.0/serving-endpoints/logged", 200, "admin@dbserve.local"],
      ["GET", "/api/2.0/serving-endpoints/missing", 404, "admin@dbserve.local"],
      ["DELETE", "/api/2.0/serving-endpoints/logged", 403, "bob@example.com"],
      ["GET", "/api/2.0/serving-endpoints", 401, null],
    ]);
    expect(calls.map((c) => c.seq)).toEqual([start, start + 1, start + 2, start + 3, start + 4]);
    for (const c of calls) expect(c.ms).toBeGreaterThanOrEqual(0);
    expect(r.body.next_seq).toBe(start + 5);
    // A create names its object in the body: the call log says which.
    expect(calls[0]).toMatchObject({ target: "logged" });
    expect(calls[1]).not.toHaveProperty("target");
    // `since` is the next_seq of the previous read: nothing is seen twice.
    const again = await t.api("GET", `/api/2.0/dbserve/calls?since=${r.body.next_seq}`);
    expect(again.body.calls).toEqual([]);
  });

  test("faults are recorded with the call they shaped; DELETE clears, and sequence numbers keep growing", async () => {
    await t.api("POST", "/api/2.0/dbserve/faults", { kind: "error", status: 503, route: "/api/2.0/serving-endpoints", method: "GET", times: 1 });
    await t.api("GET", "/api/2.0/serving-endpoints");
    const before = (await t.api("GET", "/api/2.0/dbserve/calls")).body as { calls: { status: number; fault?: string }[]; next_seq: number };
    expect(before.calls[before.calls.length - 1]).toMatchObject({ status: 503, fault: "error" });
    expect((await t.api("DELETE", "/api/2.0/dbserve/calls")).status).toBe(200);
    expect((await t.api("GET", "/api/2.0/dbserve/calls")).body.calls).toEqual([]);
    await t.api("GET", "/api/2.0/serving-endpoints");
    const after = (await t.api("GET", "/api/2.0/dbserve/calls")).body.calls as { seq: number }[];
    expect(after).toHaveLength(1);
    expect(after[0].seq).toBe(before.next_seq);
  });

  test("`target`: the object named in the body or query where the path does not", async () => {
    const { next_seq } = (await t.api("GET", "/api/2.0/dbserve/calls")).body as { next_seq: number };
    await t.api("POST", "/api/2.0/mlflow/unity-catalog/registered-models/create", { name: "main.calls.m" });
    await t.api("GET", "/api/2.0/mlflow/unity-catalog/registered-models/get?name=main.calls.m");
    await t.api("POST", "/api/2.1/unity-catalog/models", { catalog_name: "main", schema_name: "calls", name: "uc" });
    await t.api("POST", "/serving-endpoints/chat/completions", { model: "databricks-gte-large-en", input: "x" });
    const calls = (await t.api("GET", `/api/2.0/dbserve/calls?since=${next_seq}`)).body.calls as { target?: string }[];
    expect(calls.map((c) => c.target)).toEqual(["main.calls.m", "main.calls.m", "uc", "databricks-gte-large-en"]);
  });

  test("the artifact store and the Geo setting are workspace features: recorded; the control routes are not", async () => {
    const { next_seq } = (await t.api("GET", "/api/2.0/dbserve/calls")).body as { next_seq: number };
    await t.api("POST", "/api/2.0/mlflow/unity-catalog/model-versions/create", { name: "main.calls.m", source: "/local" });
    await fetch(`${t.url}/api/2.0/dbserve/artifacts/main.calls.m/1/MLmodel`, { method: "PUT", headers: { Authorization: `Bearer ${t.token}` }, body: "x" });
    await t.api("PATCH", "/api/2.0/dbserve/workspace-geo", { cross_geo_processing: false });
    await t.api("GET", "/api/2.0/dbserve/faults");
    await t.api("GET", "/api/2.0/dbserve/rate-limit");
    const calls = (await t.api("GET", `/api/2.0/dbserve/calls?since=${next_seq}`)).body.calls as { method: string; path: string }[];
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      "POST /api/2.0/mlflow/unity-catalog/model-versions/create",
      "PUT /api/2.0/dbserve/artifacts/main.calls.m/1/MLmodel",
      "PATCH /api/2.0/dbserve/workspace-geo",
    ]);
  });

  test("admin only", async () => {
    expect((await t.api("GET", "/api/2.0/dbserve/calls", undefined, { token: bob })).status).toBe(403);
    expect((await t.api("DELETE", "/api/2.0/dbserve/calls", undefined, { token: bob })).status).toBe(403);
  });

  test("the ring is bounded: the oldest calls go first", () => {
    const log = new CallLog(3);
    for (let i = 0; i < 5; i++) log.record({ method: "GET", path: `/p${i}`, status: 200, user: null, ms: 0 });
    const { calls, next_seq } = log.since(0);
    expect(calls.map((c) => [c.seq, c.path])).toEqual([
      [3, "/p2"],
      [4, "/p3"],
      [5, "/p4"],
    ]);
    expect(next_seq).toBe(6);
  });
});

describe("workspace identity", () => {
  test("a stable 16-digit workspace id per data directory, on every response and in health", async () => {
    const dir = freshDir("orgid");
    let t = await startTestPlane({ dataDir: dir });
    try {
      const id = t.workspaceId;
      expect(id).toMatch(/^[1-9]\d{15}$/);
      expect(Number(id)).toBeLessThanOrEqual(Number.MAX_SAFE_INTEGER);
      const health = await t.api("GET", "/api/2.0/dbserve/health", undefined, { token: "" });
      expect(health.body.workspace_id).toBe(id);
      for (const r of [
        health,
        await t.api("GET", "/api/2.0/serving-endpoints"),
        await t.api("GET", "/api/2.0/serving-endpoints/none"),
        await t.api("GET", "/api/2.0/no-such-route"),
        await t.api("GET", "/api/2.0/serving-endpoints", undefined, { token: "" }),
        await t.api("POST", "/api/2.0/serving-endpoints", undefined, { raw: "{" }),
      ]) {
        expect(r.headers.get("x-databricks-org-id")).toBe(id);
      }
      await t.close();
      t = await startTestPlane({ dataDir: dir });
      expect(t.workspaceId).toBe(id);
      expect((await t.api("GET", "/api/2.0/dbserve/health")).body.workspace_id).toBe(id);
    } finally {
      await t.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("another data directory is another workspace", async () => {
    const a = await startTestPlane();
    const b = await startTestPlane();
    try {
      expect(a.workspaceId).not.toBe(b.workspaceId);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
