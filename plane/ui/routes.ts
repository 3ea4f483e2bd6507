import { z } from "zod";
import { bearerToken, hashToken, userByTokenHash } from "../auth";
import { PlaneError, unauthenticated } from "../errors";
import { Reply, type RequestContext, type Router } from "../router";
import { parseBody } from "../validate";
import type { ServingDeps } from "../serving/access";
import { assets } from "./assets";
import {
  LOGIN_CODE_TTL_SECONDS,
  clearedCookie,
  createLoginCode,
  endSession,
  fromOwnPage,
  openSession,
  redeemLoginCode,
  sessionCookie,
  sessionIdOf,
} from "./session";

/**
 * The Serving page's routes, all in this one table: the page shell at the service's own paths, its static files,
 * and sign-in/out. Everything the page shows comes from the same REST routes official clients use (usage from the
 * usage table's route, counters from /metrics), with the caller's own permissions.
 */
type Auth = "none" | "user";
export interface UiRoute {
  method: "GET" | "POST" | "DELETE";
  path: string;
  auth: Auth;
  /** Who may call it, in words (for the route table in plane/README.md). */
  access: string;
  handler: (ctx: RequestContext, deps: ServingDeps) => unknown;
}

/** No inline script or style, no other origin: the page works offline and an injected string cannot run. */
const PAGE_HEADERS: Record<string, string> = {
  "Content-Security-Policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
};

function sendAsset(ctx: RequestContext, name: string): Reply {
  const asset = assets().get(name);
  if (!asset) throw new PlaneError(404, "ENDPOINT_NOT_FOUND", `No asset '${name}'.`);
  // Revalidated on every load (no-cache), answered 304 when unchanged: fresh after an upgrade, cheap otherwise.
  const headers = { ...PAGE_HEADERS, "Content-Type": asset.contentType, "Cache-Control": "no-cache", ETag: asset.etag };
  if (ctx.req.headers["if-none-match"] === asset.etag) return new Reply(304, undefined, headers, Buffer.alloc(0));
  return new Reply(200, undefined, headers, asset.bytes);
}

const page = (ctx: RequestContext) => sendAsset(ctx, "index.html");

const SignInBody = z.union([z.strictObject({ code: z.string().min(1).max(200) }), z.strictObject({ token: z.string().min(1).max(200) })]);

function requireOwnPage(ctx: RequestContext): void {
  if (!fromOwnPage(ctx.req)) throw new PlaneError(403, "PERMISSION_DENIED", "Sign-in and sign-out are only accepted from the plane's own page.");
}

function signIn(ctx: RequestContext, deps: ServingDeps): Reply {
  requireOwnPage(ctx);
  const body = parseBody(SignInBody, ctx.body);
  const { db } = deps.plane;
  const tokenHash = "code" in body ? redeemLoginCode(db, body.code, deps.plane.now()) : hashToken(body.token);
  const user = tokenHash === undefined ? undefined : userByTokenHash(db, tokenHash);
  if (tokenHash === undefined || !user) {
    throw unauthenticated("code" in body ? "This sign-in link was already used or has expired; run dbserve ui for a new one." : "Invalid access token.");
  }
  const sid = openSession(db, tokenHash, deps.plane.now());
  return new Reply(200, { user_name: user.userName, admin: user.isAdmin }, { "Set-Cookie": sessionCookie(ctx.req, sid), "Cache-Control": "no-store" });
}

function signOut(ctx: RequestContext, deps: ServingDeps): Reply {
  requireOwnPage(ctx);
  const sid = sessionIdOf(ctx.req);
  if (sid !== undefined) endSession(deps.plane.db, sid);
  return new Reply(200, {}, { "Set-Cookie": clearedCookie(ctx.req) });
}

/** A one-time sign-in link for the caller; made with a token (that is what `dbserve ui` holds), never from a cookie. */
function loginLink(ctx: RequestContext, deps: ServingDeps) {
  parseBody(z.strictObject({}), ctx.body);
  const token = bearerToken(ctx.req);
  if (token === undefined) throw new PlaneError(403, "PERMISSION_DENIED", "Sign-in links are created with an access token, not from a browser session.");
  const code = createLoginCode(deps.plane.db, hashToken(token), deps.plane.now());
  return { url: `${deps.plane.baseUrl()}/login#code=${code}`, expires_in_seconds: LOGIN_CODE_TTL_SECONDS };
}

function asset(ctx: RequestContext): Reply {
  return sendAsset(ctx, ctx.params.file);
}

const UI = "/api/2.0/dbserve/ui";
export const UI_ROUTES: readonly UiRoute[] = [
  { method: "GET", path: "/", auth: "none", access: "anyone (no data)", handler: page },
  { method: "GET", path: "/login", auth: "none", access: "anyone (no data)", handler: page },
  { method: "GET", path: "/ml/endpoints", auth: "none", access: "anyone (no data)", handler: page },
  { method: "GET", path: "/ml/endpoints/:name", auth: "none", access: "anyone (no data)", handler: page },
  { method: "GET", path: "/ml/models", auth: "none", access: "anyone (no data)", handler: page },
  { method: "GET", path: "/ml/models/:full_name", auth: "none", access: "anyone (no data)", handler: page },
  { method: "GET", path: "/ui/assets/*file", auth: "none", access: "anyone (static files)", handler: asset },
  { method: "POST", path: `${UI}/session`, auth: "none", access: "a valid login code or token, from the page", handler: signIn },
  { method: "DELETE", path: `${UI}/session`, auth: "none", access: "the page", handler: signOut },
  { method: "POST", path: `${UI}/login-links`, auth: "user", access: "any token (the link signs in as its user)", handler: loginLink },
];

export function registerUiRoutes(router: Router, deps: ServingDeps): void {
  for (const r of UI_ROUTES) router.add(r.method, r.path, (ctx) => r.handler(ctx, deps), { auth: r.auth });
}
