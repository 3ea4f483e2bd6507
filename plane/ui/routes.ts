import { z } from "zod";
import { bearerToken, hashToken, userByTokenHash } from "../auth";
import { PlaneError, unauthenticated } from "../errors";
import { Reply, type RequestContext } from "../router";
import { parseBody } from "../validate";
import { assets } from "./assets";
import {
  LOGIN_CODE_TTL_SECONDS,
  clearedCookie,
  createLoginCode,
  endSession,
  notCrossSite,
  openSession,
  redeemLoginCode,
  sessionCookie,
  sessionIdOf,
} from "./session";

/**
 * Handlers of the Serving page's rows in the plane's route table (plane/routes.ts, section "The Serving page"): the
 * page shell at the service's own paths, its static files, and sign-in/out. Everything the page shows comes from the
 * REST routes official clients use (usage from the usage table's route, counters from /metrics), with the caller's own
 * permissions.
 */

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
  if (!asset) throw new PlaneError(404, "ENDPOINT_NOT_FOUND", `No asset '${name.slice(0, 100)}'.`);
  // Revalidated on every load (no-cache), answered 304 when unchanged: fresh after an upgrade, cheap otherwise.
  const headers = { ...PAGE_HEADERS, "Content-Type": asset.contentType, "Cache-Control": "no-cache", ETag: asset.etag };
  if (ctx.req.headers["if-none-match"] === asset.etag) return new Reply(304, undefined, headers, Buffer.alloc(0));
  return new Reply(200, undefined, headers, asset.bytes);
}

/** `GET /`, `/login`, `/ml/endpoints[/{name}]`, `/ml/models[/{full_name}]`: the same shell, which holds no data. */
export function servePage(ctx: RequestContext): Reply {
  return sendAsset(ctx, "index.html");
}

/** `GET /ui/assets/{file}`: a file from the fixed table (no request path reaches the file system). */
export function serveAsset(ctx: RequestContext): Reply {
  return sendAsset(ctx, ctx.params.file);
}

const SignInBody = z.union([z.strictObject({ code: z.string().min(1).max(200) }), z.strictObject({ token: z.string().min(1).max(200) })]);

function refuseCrossSite(ctx: RequestContext): void {
  if (!notCrossSite(ctx.req)) throw new PlaneError(403, "PERMISSION_DENIED", "Sign-in and sign-out are not accepted from another site's page.");
}

/** `POST /api/2.0/dbserve/ui/session` `{code}` or `{token}`: a browser session (HttpOnly cookie) for that user. */
export function signIn(ctx: RequestContext): Reply {
  refuseCrossSite(ctx);
  const body = parseBody(SignInBody, ctx.body);
  const { db } = ctx.plane;
  const tokenHash = "code" in body ? redeemLoginCode(db, body.code, ctx.plane.now()) : hashToken(body.token);
  const user = tokenHash === undefined ? undefined : userByTokenHash(db, tokenHash);
  if (tokenHash === undefined || !user) {
    throw unauthenticated("code" in body ? "This sign-in link was already used or has expired; run dbserve ui for a new one." : "Invalid access token.");
  }
  const sid = openSession(db, tokenHash, ctx.plane.now());
  return new Reply(200, { user_name: user.userName, admin: user.isAdmin }, { "Set-Cookie": sessionCookie(ctx.req, sid), "Cache-Control": "no-store" });
}

/** `DELETE /api/2.0/dbserve/ui/session`: ends the browser's session on the server and clears its cookie. */
export function signOut(ctx: RequestContext): Reply {
  refuseCrossSite(ctx);
  const sid = sessionIdOf(ctx.req);
  if (sid !== undefined) endSession(ctx.plane.db, sid);
  return new Reply(200, {}, { "Set-Cookie": clearedCookie(ctx.req) });
}

/** `POST /api/2.0/dbserve/ui/login-links`: a one-time sign-in link for the caller; made with a token, never a cookie. */
export function issueLoginLink(ctx: RequestContext): { url: string; expires_in_seconds: number } {
  parseBody(z.strictObject({}), ctx.body);
  const token = bearerToken(ctx.req);
  if (token === undefined) throw new PlaneError(403, "PERMISSION_DENIED", "Sign-in links are created with an access token, not from a browser session.");
  const code = createLoginCode(ctx.plane.db, hashToken(token), ctx.plane.now());
  return { url: `${ctx.plane.baseUrl()}/login#code=${code}`, expires_in_seconds: LOGIN_CODE_TTL_SECONDS };
}

/** The handlers above, for tests that walk the page's rows of the route table. */
export const UI_HANDLERS: readonly ((ctx: RequestContext) => unknown)[] = [servePage, serveAsset, signIn, signOut, issueLoginLink];
