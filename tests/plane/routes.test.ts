import * as fs from "node:fs";
import * as path from "node:path";
import { ROUTES } from "../../plane/routes";
import { OBJECT_TYPES } from "../../plane/authz";
import { README, withGeneratedSections } from "../../plane/readme";
import { routeKey } from "./route-samples";

/**
 * The route table (plane/routes.ts) is the one place routes are declared: plane/README.md prints it, each handler is a
 * named function of its API's module, every object rule names a level its object type knows, and each database table
 * is touched only by the module that owns it.
 */
const PLANE = path.resolve(__dirname, "../../plane");

test("plane/README.md prints the route table and the limits as generated (run `npx ts-node --transpile-only plane/readme.ts`)", () => {
  const text = fs.readFileSync(README, "utf8");
  expect(text).toBe(withGeneratedSections(text));
});

test("one row per method and path; handlers are named functions; only query routes are async, and they count no operations", () => {
  const keys = ROUTES.map(routeKey);
  expect(new Set(keys).size).toBe(keys.length);
  for (const r of ROUTES) expect(r.handler.name).toMatch(/^[a-z][A-Za-z]+$/);
  for (const r of ROUTES.filter((x) => x.async)) {
    expect([routeKey(r), r.operation ?? false]).toEqual([routeKey(r), false]);
    expect(r.path.startsWith("/serving-endpoints/")).toBe(true);
  }
});

test("object rules require levels their object type knows, from fields the route has", () => {
  for (const r of ROUTES) {
    if (r.access.kind !== "object") continue;
    const levels = OBJECT_TYPES[r.access.type].levels;
    expect([routeKey(r), levels.includes(r.access.level)]).toEqual([routeKey(r), true]);
    if (r.access.when) expect(levels).toContain(r.access.when.level);
    if (r.access.ref.in === "path") expect(r.path).toContain(`:${r.access.ref.field}`);
  }
});

test("plane routes: the plane's own routes sit under /api/2.0/dbserve/; everything else is a Databricks route", () => {
  const own = ROUTES.filter((r) => r.path.startsWith("/api/2.0/dbserve/"));
  expect(own.length).toBeGreaterThan(10);
  // Without a token: health, and the Serving page's shell, files and sign-in (plane/ui/: the shell holds no data).
  expect(ROUTES.filter((r) => r.access.kind === "none").map(routeKey)).toEqual([
    "GET /api/2.0/dbserve/health",
    "GET /",
    "GET /login",
    "GET /ml/endpoints",
    "GET /ml/endpoints/:name",
    "GET /ml/models",
    "GET /ml/models/:full_name",
    "GET /ui/assets/*file",
    "POST /api/2.0/dbserve/ui/session",
    "DELETE /api/2.0/dbserve/ui/session",
  ]);
  // Control routes (never faulted, not logged) are the plane's own; the workspace stand-ins among them are not control.
  for (const r of ROUTES.filter((x) => x.control)) expect(r.path.startsWith("/api/2.0/dbserve/")).toBe(true);
  expect(ROUTES.filter((r) => r.path.startsWith("/api/2.0/dbserve/") && !r.control).map((r) => r.path.split("/")[4])).toEqual([
    "workspace-geo",
    "workspace-geo",
    "artifacts",
    "artifacts",
    "artifacts",
    "serving-endpoints",
    "serving-endpoints",
    "usage",
    "inference-log",
    "ui",
    "ui",
    "ui",
  ]);
});

/** Which module owns which table: only it may have SQL naming the table. */
const OWNERS: Record<string, string> = {
  meta: "store.ts",
  users: "auth.ts",
  faults: "faults.ts",
  operations: "ratelimit.ts",
  endpoints: "serving/records.ts",
  endpoint_acls: "serving/permissions.ts",
  registered_models: "catalog/store.ts",
  model_versions: "catalog/store.ts",
  model_aliases: "catalog/store.ts",
  artifacts: "catalog/store.ts",
  model_grants: "catalog/store.ts",
  external_credentials: "query/secrets-store.ts",
  query_usage: "query/usage-store.ts",
  inference_log: "query/usage-store.ts",
  ui_sessions: "ui/session.ts",
};

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith(".ts") ? [p] : [];
  });
}

test("storage goes through each API's accessors: no SQL against another module's tables", () => {
  const violations: string[] = [];
  const sqlTable = /\b(?:FROM|INTO|UPDATE|JOIN|TABLE(?: IF NOT EXISTS)?)\s+"?(\w+)"?/g;
  for (const file of sources(PLANE)) {
    const rel = path.relative(PLANE, file);
    const text = fs.readFileSync(file, "utf8");
    for (const m of text.matchAll(sqlTable)) {
      const table = m[1];
      if (!(table in OWNERS)) continue;
      if (OWNERS[table] !== rel) violations.push(`${rel} uses table ${table} (owned by ${OWNERS[table]})`);
    }
    // Table names built at run time must stay inside their owner, too.
    if (/DELETE FROM \$\{|UPDATE \$\{/.test(text) && rel !== "catalog/store.ts") violations.push(`${rel} builds SQL table names`);
  }
  expect(violations).toEqual([]);
  // Every table the plane creates has an owner here.
  const created = sources(PLANE).flatMap((f) => [...fs.readFileSync(f, "utf8").matchAll(/CREATE TABLE IF NOT EXISTS (\w+)/g)].map((m) => m[1]));
  expect(created.sort()).toEqual(Object.keys(OWNERS).sort());
});
