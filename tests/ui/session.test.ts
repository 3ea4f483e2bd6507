import * as fs from "node:fs";
import * as path from "node:path";
import type { IncomingMessage } from "node:http";
import { AUTH_SCHEMA, hashToken, registerUser, newToken } from "../../plane/auth";
import { openStore, type DB } from "../../plane/store";
import { LOGIN_CODE_TTL_SECONDS, SESSIONS_SCHEMA, SESSION_TTL_SECONDS, createLoginCode, openSession, redeemLoginCode, sessionUser } from "../../plane/ui/session";
import { freshDir, startTestPlane, type TestPlane } from "../plane/harness";

/**
 * Browser sessions of the Serving page (plane/ui/session.ts) through HTTP, as the page and an attacker's page would
 * send them, plus the clock-dependent rules (expiry, token rotation) against the store directly.
 */
let t: TestPlane;
let userToken: string;
const UI = { "X-Dbserve-UI": "1" };

beforeAll(async () => {
  t = await startTestPlane({ deploySeconds: 0.1, rateLimit: { limit: 0 } });
  userToken = String((await t.api("POST", "/api/2.0/dbserve/users", { user_name: "ana@example.com" })).body.token);
});
afterAll(async () => {
  await t.close();
});

async function link(token = t.token): Promise<string> {
  const res = await t.api("POST", "/api/2.0/dbserve/ui/login-links", {}, { token });
  expect(res.status).toBe(200);
  const code = /#code=([A-Za-z0-9_-]+)$/.exec(String(res.body.url))?.[1];
  expect(code).toBeDefined();
  return code!;
}

async function signIn(body: unknown, headers: Record<string, string> = UI): Promise<Response> {
  return fetch(`${t.url}/api/2.0/dbserve/ui/session`, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) });
}

function cookieOf(res: Response): string {
  const set = res.headers.get("set-cookie") ?? "";
  return set.split(";")[0];
}

const get = (path: string, headers: Record<string, string>) => fetch(`${t.url}${path}`, { headers });

describe("sign-in", () => {
  test("a login link's code opens one session: HttpOnly, SameSite=Strict, named after the port; a second use is refused", async () => {
    const code = await link();
    const res = await signIn({ code });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ user_name: "admin@dbserve.local", admin: true });
    const set = res.headers.get("set-cookie")!;
    expect(set).toMatch(new RegExp(`^dbserve_session_${t.port}=[A-Za-z0-9_-]{40,}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_TTL_SECONDS}$`));
    expect(res.headers.get("cache-control")).toBe("no-store");
    const again = await signIn({ code });
    expect(again.status).toBe(401);
    expect(await again.json()).toMatchObject({ error_code: "UNAUTHENTICATED", message: expect.stringContaining("already used or has expired") });
  });

  test("the link is made from a token and names the plane's URL; the token is not in it", async () => {
    const res = await t.api("POST", "/api/2.0/dbserve/ui/login-links", {});
    expect(res.body).toEqual({ url: expect.stringMatching(new RegExp(`^${t.url}/login#code=`)), expires_in_seconds: LOGIN_CODE_TTL_SECONDS });
    expect(String(res.body.url)).not.toContain(t.token);
    // From a browser session instead of a token: refused (a stolen cookie cannot mint links).
    const cookie = cookieOf(await signIn({ code: await link() }));
    const fromCookie = await fetch(`${t.url}/api/2.0/dbserve/ui/login-links`, { method: "POST", headers: { Cookie: cookie, ...UI, "Content-Type": "application/json" }, body: "{}" });
    expect(fromCookie.status).toBe(403);
    // Anonymous: 401 like every authenticated route.
    expect((await t.api("POST", "/api/2.0/dbserve/ui/login-links", {}, { token: "" })).status).toBe(401);
  });

  test("a pasted token signs in as its user; a wrong one, a wrong shape or another origin is refused", async () => {
    const ok = await signIn({ token: userToken });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ user_name: "ana@example.com", admin: false });
    expect((await signIn({ token: "dapi0000" })).status).toBe(401);
    for (const bad of [{}, { code: "x", token: "y" }, { token: 5 }, { code: "" }, { password: "x" }]) {
      const res = await signIn(bad);
      expect(res.status).toBe(400);
      expect(Object.keys((await res.json()) as object).sort()).toEqual(["error_code", "message"]);
    }
    // A client that is not a browser sends no Origin: accepted (the token is the credential).
    expect((await signIn({ token: userToken }, {})).status).toBe(200);
    // A page of another origin (another port included) or another site: refused, no cookie.
    const crossSite: Record<string, string>[] = [
      { ...UI, Origin: "http://127.0.0.1:1" },
      { ...UI, Origin: "https://evil.example" },
      { ...UI, Origin: "null" },
      { ...UI, "Sec-Fetch-Site": "same-site" },
      { "Sec-Fetch-Site": "cross-site" },
    ];
    for (const headers of crossSite) {
      const res = await signIn({ token: userToken }, headers);
      expect([headers, res.status]).toEqual([headers, 403]);
      expect(res.headers.get("set-cookie")).toBeNull();
    }
  });
});

describe("using a session", () => {
  let adminCookie: string;
  let userCookie: string;
  beforeAll(async () => {
    adminCookie = cookieOf(await signIn({ code: await link() }));
    userCookie = cookieOf(await signIn({ code: await link(userToken) }));
  });

  test("a cookie counts only with the page's header and the page's own origin", async () => {
    expect((await get("/api/2.0/serving-endpoints", { Cookie: adminCookie, ...UI })).status).toBe(200);
    expect((await get("/api/2.0/serving-endpoints", { Cookie: adminCookie, ...UI, Origin: t.url })).status).toBe(200);
    const noHeader = await get("/api/2.0/serving-endpoints", { Cookie: adminCookie });
    expect(noHeader.status).toBe(401);
    expect(((await noHeader.json()) as { message: string }).message).toContain("X-Dbserve-UI");
    for (const origin of ["http://127.0.0.1:1", "http://localhost", "null"]) {
      expect((await get("/api/2.0/serving-endpoints", { Cookie: adminCookie, ...UI, Origin: origin })).status).toBe(401);
    }
    expect((await get("/api/2.0/serving-endpoints", { Cookie: adminCookie, ...UI, "Sec-Fetch-Site": "same-site" })).status).toBe(401);
    expect((await get("/api/2.0/serving-endpoints", { Cookie: adminCookie, ...UI, "Sec-Fetch-Site": "same-origin" })).status).toBe(200);
  });

  test("a session acts as its user: the non-admin's cookie gets 403 on admin routes, the admin's does not", async () => {
    expect((await get("/api/2.0/dbserve/users", { Cookie: userCookie, ...UI })).status).toBe(403);
    expect((await get("/api/2.0/dbserve/users", { Cookie: adminCookie, ...UI })).status).toBe(200);
    const me = (await (await get("/api/2.0/preview/scim/v2/Me", { Cookie: userCookie, ...UI })).json()) as { userName: string };
    expect(me.userName).toBe("ana@example.com");
  });

  test("a bearer token wins over a cookie, whichever is more privileged", async () => {
    const res = await get("/api/2.0/dbserve/users", { Cookie: adminCookie, ...UI, Authorization: `Bearer ${userToken}` });
    expect(res.status).toBe(403);
    const bad = await get("/api/2.0/serving-endpoints", { Cookie: adminCookie, ...UI, Authorization: "Bearer dapi-wrong" });
    expect(bad.status).toBe(401);
  });

  test("another plane's cookie (another port) is not this plane's session", async () => {
    const value = adminCookie.split("=")[1];
    const res = await get("/api/2.0/serving-endpoints", { Cookie: `dbserve_session_1=${value}`, ...UI });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { message: string }).message).toBe("Credential was not sent or was of an unsupported type for this API.");
  });

  test("signing out clears the cookie and ends the session on the server", async () => {
    const cookie = cookieOf(await signIn({ code: await link() }));
    const out = await fetch(`${t.url}/api/2.0/dbserve/ui/session`, { method: "DELETE", headers: { Cookie: cookie, ...UI } });
    expect(out.status).toBe(200);
    expect(out.headers.get("set-cookie")).toBe(`dbserve_session_${t.port}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
    const after = await get("/api/2.0/serving-endpoints", { Cookie: cookie, ...UI });
    expect(after.status).toBe(401);
    expect(((await after.json()) as { message: string }).message).toContain("sign in again");
  });
});

describe("clock and credential rules (store level)", () => {
  let dir: string;
  let db: DB;
  const token = newToken();
  const req = (cookie: string | undefined, headers: Record<string, string> = { "x-dbserve-ui": "1" }) =>
    ({ headers: { host: "127.0.0.1:4242", ...(cookie ? { cookie } : {}), ...headers }, socket: { localPort: 4242 } }) as unknown as IncomingMessage;

  beforeAll(() => {
    dir = freshDir("ui-session");
    db = openStore(path.join(dir, "plane.db"), [AUTH_SCHEMA, SESSIONS_SCHEMA]);
    registerUser(db, "bo@example.com", token, false);
  });
  afterAll(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("a login code expires after its time to live, and is gone after one try either way", () => {
    const now = Date.now();
    const late = createLoginCode(db, hashToken(token), now);
    expect(redeemLoginCode(db, late, now + LOGIN_CODE_TTL_SECONDS * 1000 + 1)).toBeUndefined();
    expect(redeemLoginCode(db, late, now)).toBeUndefined();
    const fresh = createLoginCode(db, hashToken(token), now);
    expect(redeemLoginCode(db, fresh, now + 1000)).toBe(hashToken(token));
  });

  test("a session expires after its time to live", () => {
    const now = Date.now();
    const sid = openSession(db, hashToken(token), now);
    expect(sessionUser(db, req(`dbserve_session_4242=${sid}`), now + 1000)).toEqual({ userName: "bo@example.com", isAdmin: false });
    expect(() => sessionUser(db, req(`dbserve_session_4242=${sid}`), now + SESSION_TTL_SECONDS * 1000 + 1)).toThrow(/expired/);
  });

  test("rotating the user's token ends the sessions opened with the old one", () => {
    const now = Date.now();
    const sid = openSession(db, hashToken(token), now);
    registerUser(db, "bo@example.com", newToken(), false);
    expect(() => sessionUser(db, req(`dbserve_session_4242=${sid}`), now)).toThrow(/expired or was signed out/);
  });

  test("no cookie or a bearer header: the hook steps aside for bearer authentication", () => {
    expect(sessionUser(db, req(undefined))).toBeUndefined();
    expect(sessionUser(db, req("other=1; dbserve_session_9=abc"))).toBeUndefined();
    expect(sessionUser(db, req("dbserve_session_4242=abc", { authorization: "Bearer x" }))).toBeUndefined();
    // Even a malformed Authorization header goes to bearer authentication (which answers 401), never to the cookie.
    expect(sessionUser(db, req("dbserve_session_4242=abc", { authorization: "Basic x" }))).toBeUndefined();
  });
});
