import type { Access, RouteRow } from "../../plane/router";
import { startTestPlane, type TestPlane } from "./harness";
import { ROUTES, buildFixture, call, makeUsers, routeKey, sampleFor, SAMPLES, type Fixture, type Principals, type Tokens } from "./route-samples";

/**
 * The authorization matrix: every route of the plane's route table × {admin, owner, CAN_MANAGE, CAN_QUERY, CAN_VIEW,
 * no grant, no token} → the expected status, computed from the table's access rule and the holdings below (written
 * here independently of the plane's code), and checked against the plane with a valid request for each route.
 *
 * Holdings per principal: on a serving endpoint the levels of its ACL; on a registered model the UC privileges it was
 * granted (MANAGE ⊇ EXECUTE ⊇ BROWSE; APPLY_TAG with MANAGE only). The owner created both objects.
 */
type Principal = "admin" | "owner" | "manager" | "querier" | "viewer" | "stranger" | "anonymous";
const PRINCIPALS: Principal[] = ["admin", "owner", "manager", "querier", "viewer", "stranger", "anonymous"];

const HOLDS: Record<Exclude<Principal, "admin" | "owner" | "anonymous">, Record<"serving-endpoint" | "registered-model", string[]>> = {
  manager: { "serving-endpoint": ["CAN_VIEW", "CAN_QUERY", "CAN_MANAGE"], "registered-model": ["BROWSE", "EXECUTE", "APPLY_TAG", "MANAGE"] },
  querier: { "serving-endpoint": ["CAN_VIEW", "CAN_QUERY"], "registered-model": ["BROWSE", "EXECUTE"] },
  viewer: { "serving-endpoint": ["CAN_VIEW"], "registered-model": ["BROWSE"] },
  stranger: { "serving-endpoint": [], "registered-model": [] },
};

function expected(access: Access, who: Principal, body: unknown): number {
  if (access.kind === "none") return 200;
  if (who === "anonymous") return 401;
  if (access.kind === "user") return 200;
  if (access.kind === "admin") return who === "admin" ? 200 : 403;
  if (who === "admin" || who === "owner") return 200;
  const w = access.when;
  const level = w && (body as Record<string, unknown> | undefined)?.[w.field] === w.equals ? w.level : access.level;
  return HOLDS[who][access.type].includes(level) ? 200 : 403;
}

let t: TestPlane;
let users: Principals;
let tokens: Tokens;
let shared: Fixture;
const results: string[] = [];

beforeAll(async () => {
  t = await startTestPlane({ deploySeconds: 0, rateLimit: { limit: 0 } });
  ({ users, tokens } = await makeUsers(t, "matrix"));
  shared = await buildFixture(t, ["endpoint", "model", "custom", "embed", "fault"], users, tokens);
});
afterAll(async () => {
  await t.close();
});

test("every route of the table has a sample request, and no sample is left over", () => {
  const keys = ROUTES.map(routeKey);
  expect(new Set(keys).size).toBe(keys.length);
  expect(Object.keys(SAMPLES).sort()).toEqual([...keys].sort());
});

const tokenOf = (who: Principal) => (who === "admin" ? t.token : who === "anonymous" ? undefined : tokens[who]);

describe.each(ROUTES.map((r) => [routeKey(r), r] as [string, RouteRow]))("%s", (_key, row) => {
  test.each(PRINCIPALS)("as %s", async (who) => {
    const sample = sampleFor(row);
    const fx = sample.mutates ? await buildFixture(t, sample.needs, users, tokens) : shared;
    const req = sample.request(fx);
    const want = expected(row.access, who, req.body);
    const res = await call(t, row.method, req, tokenOf(who));
    results.push(`${routeKey(row)} ${who} ${res.status}`);
    if (res.status !== want) throw new Error(`${row.method} ${req.path} as ${who}: expected ${want}, got ${res.status} ${res.text.slice(0, 300)}`);
    if (want !== 200) {
      expect(res.body.error_code).toBe(want === 401 ? "UNAUTHENTICATED" : "PERMISSION_DENIED");
      expect(typeof res.body.message).toBe("string");
    }
  });
});

test("matrix size", () => {
  // Printed for the notes: routes × principals.
  process.stdout.write(`authorization matrix: ${ROUTES.length} routes × ${PRINCIPALS.length} principals = ${results.length} cells checked\n`);
  expect(results.length).toBe(ROUTES.length * PRINCIPALS.length);
});
