import { ROUTES } from "../../plane/routes";
import { UI_HANDLERS } from "../../plane/ui/routes";
import { assets } from "../../plane/ui/assets";
import { readyVersion, startTestPlane, type TestPlane } from "../plane/harness";

/**
 * Every row of the plane's route table that serves the Serving page (one case per row): without credentials, page and
 * asset routes answer but carry no workspace data, sign-in wants credentials, and the login-link route refuses.
 */
let t: TestPlane;
let userToken: string;
const SAMPLE: Record<string, string> = { name: "secret-endpoint", full_name: "main.hidden.secret_model", file: "app.js" };

beforeAll(async () => {
  t = await startTestPlane({ deploySeconds: 0.1, rateLimit: { limit: 0 } });
  await t.api("POST", "/api/2.1/unity-catalog/models", { catalog_name: "main", schema_name: "hidden", name: "secret_model" });
  const v = await readyVersion(t, "main.hidden.secret_model");
  const created = await t.api("POST", "/api/2.0/serving-endpoints", { name: "secret-endpoint", config: { served_entities: [{ entity_name: "main.hidden.secret_model", entity_version: v }] } });
  expect(created.status).toBe(200);
  userToken = String((await t.api("POST", "/api/2.0/dbserve/users", { user_name: "ana@example.com" })).body.token);
});
afterAll(async () => {
  await t.close();
});

const concrete = (path: string) => path.replace(/[:*](\w+)/g, (_, k: string) => encodeURIComponent(SAMPLE[k]));

const UI_ROWS = ROUTES.filter((r) => UI_HANDLERS.includes(r.handler));

test("the page's rows: ten, each with one of the page's handlers", () => {
  expect(UI_ROWS).toHaveLength(10);
});

describe.each(UI_ROWS.map((r) => [`${r.method} ${r.path}`, r] as const))("%s", (_label, route) => {
  test("an anonymous caller gets no workspace data", async () => {
    const res = await fetch(`${t.url}${concrete(route.path)}`, { method: route.method, headers: { "Content-Type": "application/json" }, body: route.method === "GET" ? undefined : "{}" });
    const text = await res.text();
    for (const secret of ["secret-endpoint\"", "secret_model", "admin@dbserve.local", "ana@example.com", t.token, userToken, "westeurope"]) {
      expect(text).not.toContain(secret);
    }
    if (route.access.kind === "user") {
      expect(res.status).toBe(401);
      expect(JSON.parse(text)).toMatchObject({ error_code: "UNAUTHENTICATED" });
    } else if (route.method === "GET") {
      expect(res.status).toBe(200);
      expect(res.headers.get("content-security-policy")).toContain("default-src 'none'; script-src 'self'");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    } else if (route.method === "POST") {
      // Sign-in with neither a code nor a token.
      expect(res.status).toBe(400);
      expect(JSON.parse(text)).toMatchObject({ error_code: "INVALID_PARAMETER_VALUE" });
    } else {
      // Sign-out without a session: nothing to end, the cookie is cleared anyway.
      expect(res.status).toBe(200);
      expect(res.headers.get("set-cookie")).toMatch(/Max-Age=0$/);
    }
  });
});

describe("page and assets", () => {
  test("every page path serves the same shell, whose scripts and styles are all served", async () => {
    const shells = await Promise.all(UI_ROWS.filter((r) => r.handler.name === "servePage").map(async (r) => (await fetch(`${t.url}${concrete(r.path)}`)).text()));
    expect(new Set(shells).size).toBe(1);
    const refs = [...shells[0].matchAll(/(?:src|href)="(\/ui\/assets\/[^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThanOrEqual(4);
    for (const ref of refs) {
      const res = await fetch(`${t.url}${ref}`);
      expect([ref, res.status]).toEqual([ref, 200]);
    }
  });

  test("every asset is served with its type and an ETag; a matching If-None-Match gets 304", async () => {
    for (const [name, asset] of assets()) {
      const res = await fetch(`${t.url}/ui/assets/${name}`);
      expect([name, res.status, res.headers.get("content-type")]).toEqual([name, 200, asset.contentType]);
      expect(Buffer.from(await res.arrayBuffer()).equals(asset.bytes)).toBe(true);
      const again = await fetch(`${t.url}/ui/assets/${name}`, { headers: { "If-None-Match": asset.etag } });
      expect(again.status).toBe(304);
    }
  });

  test("nothing outside the asset table is reachable through the asset route", async () => {
    for (const path of ["/ui/assets/..%2f..%2fpackage.json", "/ui/assets/%2e%2e/%2e%2e/package.json", "/ui/assets/../../plane.db", "/ui/assets/", "/ui/assets/tsconfig.json", "/ui/assets/vendor/uPlot.cjs.js"]) {
      const res = await fetch(`${t.url}${path}`);
      expect([path, res.status]).toEqual([path, 404]);
      expect(Object.keys((await res.json()) as object).sort()).toEqual(["error_code", "message"]);
    }
  });
});
