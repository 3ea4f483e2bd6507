import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import Database from "better-sqlite3";
import fc from "fast-check";
import type { RouteRow } from "../../plane/router";
import { startTestPlane, type TestPlane } from "./harness";
import { buildFixture, call, makeUsers, routeKey, sampleFor, writeRoutes, type Fixture, type Principals, type SampleRequest, type Tokens } from "./route-samples";

/**
 * The plane's fuzzer (fast-check): for every write route of the route table, its valid request (tests/plane/
 * route-samples.ts) mutated — values replaced by other types, nulls, huge strings, long arrays, deep nesting, unicode,
 * numbers at the edges; prototype keys added; keys deleted; bad JSON, stray bytes, a wrong content type, an empty body;
 * odd path parameters; oversized headers — sent as the admin, the owner or a stranger. For every answer:
 * no 5xx; every 4xx in the error model with a bounded message; a refused request changes nothing in the database; a
 * created object can be read back; and the plane is healthy afterwards.
 *
 * Seeded and bounded for CI (DBSERVE_FUZZ_RUNS, default 2000, capped at DBSERVE_FUZZ_SECONDS, default 50; the seed is
 * DBSERVE_FUZZ_SEED). Counts are printed.
 */
const RUNS = Number(process.env.DBSERVE_FUZZ_RUNS ?? 2000);
const SEED = Number(process.env.DBSERVE_FUZZ_SEED ?? 9009);
/**
 * A time cap keeps the CI run under a minute on a machine shared with other suites: cases stop being generated after
 * it (the sequence is the seeded one, cut short) and the count says how far it got. DBSERVE_FUZZ_SECONDS=0 removes the
 * cap; a run given DBSERVE_FUZZ_RUNS has none unless DBSERVE_FUZZ_SECONDS says so.
 */
const SECONDS = Number(process.env.DBSERVE_FUZZ_SECONDS ?? (process.env.DBSERVE_FUZZ_RUNS ? 0 : 50));
/** Fewer cases than this is no evidence: fail rather than pass on a starved machine. */
const MIN_CASES = Math.min(RUNS, 300);

const PROTO_KEYS = ["__proto__", "constructor", "prototype", "toString", "valueOf", "hasOwnProperty", "__defineGetter__", "then"];
const nest = (depth: number): unknown => (depth === 0 ? "deep" : { a: [nest(depth - 1)] });

const edgeNumber = fc.constantFrom(0, -0, -1, 1, 0.5, -0.5, 2 ** 31 - 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 - 1, 2 ** 53 + 2, -(2 ** 53) - 2, 1e308, -1e308, 5e-324, 1e21);
const weirdString = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 30 }),
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.constantFrom("", " ", "\u0000", "a\nb", "tab\there", "\u202eevil", "💥🔥", "'; DROP TABLE endpoints; --", "../../etc/passwd", "%00", "*", "system.ai.x", "a.b.c", "null", "NaN"),
);
/** Objects with prototype keys as own properties (as JSON.parse makes them). */
const protoObject = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...PROTO_KEYS), fc.string({ maxLength: 8 })), fc.jsonValue({ maxDepth: 1 })), { maxLength: 3 })
  .map((entries) => Object.fromEntries(entries));
const weird: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  edgeNumber,
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  weirdString,
  fc.constant("x".repeat(70_000)),
  fc.constant("y".repeat(300)),
  fc.constant(Array.from({ length: 1500 }, (_, i) => i)),
  fc.constant(Array.from({ length: 60 }, () => ({ key: "k", value: "v" }))),
  fc.constant(nest(40)),
  fc.jsonValue({ maxDepth: 3 }),
  protoObject,
);

type Step = { kind: "set"; at: number; value: unknown } | { kind: "add"; at: number; key: string; value: unknown } | { kind: "delete"; at: number };
type Mutation =
  | { kind: "valid" }
  | Step
  | { kind: "multi"; steps: Step[] }
  | { kind: "truncate"; at: number }
  | { kind: "raw"; text: string }
  | { kind: "bytes"; bytes: Uint8Array }
  | { kind: "empty" }
  | { kind: "contentType"; type: string }
  | { kind: "param"; at: number; value: string }
  | { kind: "bigHeader"; size: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("set" as const), at: fc.nat(), value: weird }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("add" as const), at: fc.nat(), key: fc.oneof(fc.constantFrom(...PROTO_KEYS), fc.string({ maxLength: 12 })), value: weird }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("delete" as const), at: fc.nat() }) },
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: "valid" as const }) },
  { weight: 10, arbitrary: step },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("multi" as const), steps: fc.array(step, { minLength: 2, maxLength: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("raw" as const),
      text: fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom("[]", "null", "1", '"s"', "{", "{}}", '{"a":1,}', "\uFEFF{}", "{'a':1}", "[".repeat(5000)), fc.jsonValue().map((v) => JSON.stringify(v))),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("bytes" as const), bytes: fc.uint8Array({ maxLength: 64 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: "empty" as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("contentType" as const),
      type: fc.constantFrom("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "application/json; charset=latin1"),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("param" as const), at: fc.nat(), value: fc.oneof(weirdString, fc.constant("z".repeat(12_000))) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("bigHeader" as const), size: fc.integer({ min: 17_000, max: 40_000 }) }) },
);

/** Every location in a JSON value: [] is the root. */
function locations(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...locations(x, [...at, i])));
  else if (v !== null && typeof v === "object") for (const [k, x] of Object.entries(v)) out.push(...locations(x, [...at, k]));
  return out;
}

function applyStep(body: unknown, s: Step): unknown {
  const locs = locations(body);
  const loc = locs[s.at % locs.length];
  const clone = JSON.parse(JSON.stringify(body ?? null)) as unknown;
  if (loc.length === 0) {
    if (s.kind === "set") return s.value;
    if (s.kind === "add" && clone !== null && typeof clone === "object" && !Array.isArray(clone)) {
      Object.defineProperty(clone, s.key, { value: s.value, enumerable: true, writable: true, configurable: true });
    }
    return s.kind === "delete" ? undefined : clone;
  }
  let parent = clone as Record<string | number, unknown>;
  for (const k of loc.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  const last = loc[loc.length - 1];
  if (s.kind === "set") Object.defineProperty(parent, last, { value: s.value, enumerable: true, writable: true, configurable: true });
  else if (s.kind === "delete") {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else {
    const target = parent[last];
    if (target !== null && typeof target === "object" && !Array.isArray(target)) {
      Object.defineProperty(target, s.key, { value: s.value, enumerable: true, writable: true, configurable: true });
    } else Object.defineProperty(parent, last, { value: Object.fromEntries([[s.key, s.value]]), enumerable: true, writable: true, configurable: true });
  }
  return clone;
}

interface Built {
  path: string;
  payload?: string | Uint8Array;
  headers: Record<string, string>;
}

function build(row: RouteRow, req: SampleRequest, m: Mutation): Built {
  const headers: Record<string, string> = {};
  let body: unknown = req.body;
  let payload: string | Uint8Array | undefined = req.raw ?? (body === undefined ? undefined : JSON.stringify(body));
  let p = req.path;
  switch (m.kind) {
    case "set":
    case "add":
    case "delete":
      body = applyStep(body ?? {}, m);
      payload = body === undefined ? "" : JSON.stringify(body);
      break;
    case "multi":
      body = m.steps.reduce<unknown>((b, s) => applyStep(b ?? {}, s), body ?? {});
      payload = body === undefined ? "" : JSON.stringify(body);
      break;
    case "truncate": {
      const text = JSON.stringify(body ?? {});
      payload = text.slice(0, m.at % Math.max(1, text.length));
      break;
    }
    case "raw":
      payload = m.text;
      break;
    case "bytes":
      payload = m.bytes;
      break;
    case "empty":
      payload = "";
      break;
    case "contentType":
      headers["Content-Type"] = m.type;
      if (m.type.includes("urlencoded")) payload = "name=x&config=y";
      break;
    case "param": {
      const [pathname, query] = p.split("?");
      const segs = pathname.split("/");
      const pattern = row.path.split("/");
      const idx = pattern.map((s, i) => (s.startsWith(":") || s.startsWith("*") ? i : -1)).filter((i) => i >= 0);
      if (idx.length > 0) {
        segs[idx[m.at % idx.length]] = encodeURIComponent(m.value);
        p = segs.join("/") + (query !== undefined ? `?${query}` : "");
      }
      break;
    }
    case "bigHeader":
      headers["X-Padding"] = "p".repeat(m.size);
      break;
  }
  if (payload !== undefined && !("Content-Type" in headers)) headers["Content-Type"] = req.raw !== undefined ? "application/octet-stream" : "application/json";
  return { path: p, payload, headers };
}

/**
 * Did anything commit? SQLite's `data_version` changes on this (read-only) connection whenever another connection
 * commits, so an unchanged value proves a refused request wrote nothing at all, at O(1) however large the database
 * grows.
 */
function commitWatcher(dataDir: string) {
  const db = new Database(path.join(dataDir, "plane.db"), { readonly: true, fileMustExist: true });
  const version = db.prepare("PRAGMA data_version").pluck();
  return { version: () => version.get() as number, close: () => db.close() };
}

/**
 * A digest of every table but the query path's usage and inference tables, which record refused queries too (as a
 * workspace's do): for query routes, "a refused request changes nothing" means nothing else.
 */
function digester(dataDir: string, except: readonly string[]) {
  const db = new Database(path.join(dataDir, "plane.db"), { readonly: true, fileMustExist: true });
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[])
    .map((r) => r.name)
    .filter((n) => !except.includes(n));
  return {
    digest(): string {
      const h = createHash("sha256");
      for (const name of tables) {
        h.update(name);
        for (const row of db.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).iterate()) h.update(JSON.stringify(row));
      }
      return h.digest("hex");
    },
    close: () => db.close(),
  };
}

/** Where a created object can be read back, by create route. */
const READ_BACK: Record<string, (body: Record<string, unknown>) => string> = {
  "POST /api/2.0/serving-endpoints": (b) => `/api/2.0/serving-endpoints/${encodeURIComponent(String(b.name))}`,
  "POST /api/2.0/serving-endpoints/pt": (b) => `/api/2.0/serving-endpoints/${encodeURIComponent(String(b.name))}`,
  "POST /api/2.1/unity-catalog/models": (b) => `/api/2.1/unity-catalog/models/${encodeURIComponent(String(b.full_name))}`,
  "POST /api/2.0/mlflow/unity-catalog/registered-models/create": (b) =>
    `/api/2.0/mlflow/unity-catalog/registered-models/get?name=${encodeURIComponent(String((b.registered_model as Record<string, unknown>).name))}`,
  "POST /api/2.0/mlflow/unity-catalog/model-versions/create": (b) => {
    const v = b.model_version as Record<string, unknown>;
    return `/api/2.0/mlflow/unity-catalog/model-versions/get?name=${encodeURIComponent(String(v.name))}&version=${v.version}`;
  },
};

let t: TestPlane;
let users: Principals;
let tokens: Tokens;

/** On tmpfs when the machine has one: thousands of committed (fsynced) writes cost disk time, not plane time. */
const fuzzDir = fs.existsSync("/dev/shm") ? fs.mkdtempSync("/dev/shm/dbserve-fuzz-") : undefined;

beforeAll(async () => {
  t = await startTestPlane({ deploySeconds: 0, rateLimit: { limit: 0 }, dataDir: fuzzDir });
  ({ users, tokens } = await makeUsers(t, "fuzz"));
});
afterAll(async () => {
  await t.close();
  if (fuzzDir) fs.rmSync(fuzzDir, { recursive: true, force: true });
});

test(`fuzz: up to ${RUNS} mutated requests over every write route; no 5xx, the error model on every 4xx, nothing half-written`, async () => {
  const routes = writeRoutes();
  const all = ["endpoint", "model", "custom", "embed", "fault", "login"] as const;
  let fixture: Fixture = await buildFixture(t, [...all], users, tokens);
  let sinceRebuild = 0;
  const db = commitWatcher(t.dataDir);
  const queryTables = digester(t.dataDir, ["query_usage", "inference_log"]);
  const byStatus = new Map<number, number>();
  const byRoute = new Map<string, number>();
  const byMutation = new Map<string, number>();
  let cases = 0;
  let lastAccepted = false;
  const started = Date.now();

  const property = fc.asyncProperty(
    fc.constantFrom(...routes),
    mutation,
    fc.constantFrom<"admin" | "owner" | "stranger">("admin", "admin", "admin", "admin", "owner", "stranger"),
    fc.nat(),
    async (row, m, who, n) => {
      cases++;
      if (sinceRebuild++ >= 150) {
        fixture = await buildFixture(t, [...all], users, tokens);
        sinceRebuild = 0;
      }
      const fx: Fixture = { ...fixture, uniq: `${fixture.uniq}-${n.toString(36)}-${cases}` };
      const req = sampleFor(row).request(fx);
      const b = build(row, req, m);
      const token = who === "admin" ? t.token : tokens[who];
      // Deployments started by an accepted request settle on zero-delay timers: let them run before taking the "before" state.
      if (lastAccepted) await new Promise((r) => setTimeout(r, 0));
      lastAccepted = false;
      const before = db.version();
      const beforeDigest = row.async ? queryTables.digest() : "";
      let res: Response;
      try {
        res = await fetch(`${t.url}${b.path}`, {
          method: row.method,
          headers: { ...b.headers, Authorization: `Bearer ${token}` },
          body: b.payload as string | undefined,
          signal: AbortSignal.timeout(15_000),
        });
      } catch (err) {
        throw new Error(`${row.method} ${b.path.slice(0, 200)} (${m.kind}): no answer: ${(err as Error).message}`, { cause: err });
      }
      const text = await res.text();

      const key = routeKey(row);
      byStatus.set(res.status, (byStatus.get(res.status) ?? 0) + 1);
      byRoute.set(key, (byRoute.get(key) ?? 0) + 1);
      byMutation.set(m.kind, (byMutation.get(m.kind) ?? 0) + 1);
      const what = `${row.method} ${b.path.slice(0, 120)} as ${who} (${m.kind}) → ${res.status} ${text.slice(0, 300)}`;
      if (res.status >= 500) throw new Error(`5xx: ${what}`);
      let body: Record<string, unknown>;
      if (res.status < 300 && (res.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
        // A streamed answer: Server-Sent Events ending in [DONE].
        if (!text.trimEnd().endsWith("data: [DONE]")) throw new Error(`a stream without [DONE]: ${what}`);
        return;
      }
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        throw new Error(`not JSON: ${what}`);
      }
      if (res.status >= 400) {
        if (typeof body.error_code !== "string" || !/^[A-Z_]+$/.test(body.error_code) || typeof body.message !== "string") throw new Error(`not the error model: ${what}`);
        if ((body.message as string).length > 1024) throw new Error(`unbounded error message (${(body.message as string).length} chars): ${what.slice(0, 200)}`);
        if (res.headers.get("x-databricks-org-id") !== t.workspaceId) throw new Error(`no org id header: ${what}`);
        if (row.async ? queryTables.digest() !== beforeDigest : db.version() !== before) throw new Error(`a refused request committed a change: ${what}`);
        return;
      }
      // Accepted: a created object reads back whole; state-changing admin settings are put back.
      lastAccepted = true;
      const readBack = READ_BACK[key];
      if (readBack) {
        const back = await call(t, "GET", { path: readBack(body) }, t.token);
        if (back.status !== 200) throw new Error(`created but not readable (${back.status} ${back.text.slice(0, 200)}): ${what}`);
      }
      if (key === "POST /api/2.0/dbserve/faults") await t.api("DELETE", "/api/2.0/dbserve/faults");
      if (key === "PUT /api/2.0/dbserve/rate-limit") await t.api("PUT", "/api/2.0/dbserve/rate-limit", { limit: 0 });
      const gone = key === "DELETE /api/2.0/serving-endpoints/:name" || key === "DELETE /api/2.1/unity-catalog/models/:full_name";
      if (gone || (key === "PATCH /api/2.1/unity-catalog/models/:full_name" && body.full_name !== fixture.model)) {
        fixture = await buildFixture(t, [...all], users, tokens);
        sinceRebuild = 0;
      }
    },
  );
  try {
    await fc.assert(property, {
      numRuns: RUNS,
      seed: SEED,
      endOnFailure: true,
      ...(SECONDS > 0 ? { interruptAfterTimeLimit: SECONDS * 1000, markInterruptAsFailure: false } : {}),
    });
  } finally {
    db.close();
    queryTables.close();
    const seconds = (Date.now() - started) / 1000;
    const classes = [...byStatus.entries()].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}:${n}`).join(" ");
    process.stdout.write(
 `fuzz: ${cases} cases over ${routes.length} write routes in ${seconds.toFixed(1)} s (seed ${SEED}${cases < RUNS ? `; stopped at the ${SECONDS} s cap` : ""}); statuses ${classes}\n` +
        `fuzz: mutations ${[...byMutation.entries()].map(([k, n]) => `${k}:${n}`).join(" ")}\n` +
        `fuzz: per route min ${Math.min(...byRoute.values())}, max ${Math.max(...byRoute.values())}\n`,
    );
  }

  expect(cases).toBeGreaterThanOrEqual(MIN_CASES);

  // Healthy afterwards: health answers, the SDK lists endpoints, and a valid create still works.
  expect((await call(t, "GET", { path: "/api/2.0/dbserve/health" }, undefined)).status).toBe(200);
  const listed: string[] = [];
  for await (const e of t.w.servingEndpoints.list()) listed.push(e.name!);
  expect(listed.length).toBeGreaterThan(0);
  // The commit watcher the half-written check relies on does see commits.
  const watcher = commitWatcher(t.dataDir);
  const v0 = watcher.version();
  expect((await t.api("POST", "/api/2.0/serving-endpoints", { name: "after-fuzz" })).status).toBe(200);
  expect(watcher.version()).not.toBe(v0);
  const v1 = watcher.version();
  expect((await t.api("POST", "/api/2.0/serving-endpoints", { name: "after-fuzz" })).status).toBe(409);
  expect(watcher.version()).toBe(v1);
  watcher.close();
});
