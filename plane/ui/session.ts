import { createHash, randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { userByTokenHash, type User } from "../auth";
import { unauthenticated } from "../errors";
import type { DB } from "../store";

/**
 * Browser sessions for the Serving page. A browser never holds the API token: it trades a one-time login code (from
 * `dbserve ui`) or a pasted token for an HttpOnly, SameSite=Strict cookie, and the page then calls the plane's REST
 * routes with that cookie. Bearer tokens keep working unchanged, and win when both are sent.
 *
 * A session stands for the token it was opened with (by hash): rotating or removing that token ends its sessions.
 * Only hashes of codes and session ids are stored, like tokens.
 *
 * Cross-site use: SameSite does not separate ports, so any page served from 127.0.0.1 would be "same-site". A cookie
 * therefore only counts on requests that also carry the `X-Dbserve-UI` header, which a page of another origin cannot
 * send without a CORS preflight that the plane never grants; an `Origin` other than the request's own, or a
 * `Sec-Fetch-Site` other than same-origin, is refused too (for sign-in and sign-out as well).
 */
export const SESSION_TTL_SECONDS = 12 * 60 * 60;
export const LOGIN_CODE_TTL_SECONDS = 5 * 60;
export const UI_HEADER = "x-dbserve-ui";

type Kind = "session" | "code";

function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/** This module's table (created at start with the plane's other schemas; only this module names it). */
export const SESSIONS_SCHEMA =
  "CREATE TABLE IF NOT EXISTS ui_sessions (id_hash TEXT PRIMARY KEY, kind TEXT NOT NULL, token_hash TEXT NOT NULL, expires_at INTEGER NOT NULL);";

function issue(db: DB, kind: Kind, tokenHash: string, ttlSeconds: number, now: number): string {
  const secret = randomBytes(32).toString("base64url");
  db.transaction(() => {
    db.prepare("DELETE FROM ui_sessions WHERE expires_at <= ?").run(now);
    db.prepare("INSERT INTO ui_sessions (id_hash, kind, token_hash, expires_at) VALUES (?, ?, ?, ?)").run(sha256(secret), kind, tokenHash, now + ttlSeconds * 1000);
  })();
  return secret;
}

/** A single-use login code for the holder of the token with this hash. */
export function createLoginCode(db: DB, tokenHash: string, now: number): string {
  return issue(db, "code", tokenHash, LOGIN_CODE_TTL_SECONDS, now);
}

/** Redeem a login code: it is deleted in the same transaction, so a second use (or a replay) finds nothing. */
export function redeemLoginCode(db: DB, code: string, now: number): string | undefined {
  return db.transaction(() => {
    const id = sha256(code);
    const row = db.prepare("SELECT token_hash, expires_at FROM ui_sessions WHERE id_hash = ? AND kind = 'code'").get(id) as
      | { token_hash: string; expires_at: number }
      | undefined;
    if (!row) return undefined;
    db.prepare("DELETE FROM ui_sessions WHERE id_hash = ?").run(id);
    return row.expires_at > now ? row.token_hash : undefined;
  })();
}

export function openSession(db: DB, tokenHash: string, now: number): string {
  return issue(db, "session", tokenHash, SESSION_TTL_SECONDS, now);
}

export function endSession(db: DB, sessionId: string): void {
  db.prepare("DELETE FROM ui_sessions WHERE id_hash = ? AND kind = 'session'").run(sha256(sessionId));
}

/** Cookies are not separated by port; naming the cookie after the port keeps two planes on one host apart. */
export function cookieName(req: IncomingMessage): string {
  return `dbserve_session_${req.socket.localPort ?? 0}`;
}

export function sessionCookie(req: IncomingMessage, sessionId: string): string {
  return `${cookieName(req)}=${sessionId}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_TTL_SECONDS}`;
}

export function clearedCookie(req: IncomingMessage): string {
  return `${cookieName(req)}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
}

export function sessionIdOf(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (typeof header !== "string") return undefined;
  const name = cookieName(req);
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return value === "" ? undefined : value;
    }
  }
  return undefined;
}

/**
 * Not sent by another site's page: a browser names the page's origin in `Origin` (on every cross-origin request and on
 * same-origin POST/DELETE) and says where the request comes from in `Sec-Fetch-Site`; either one pointing elsewhere
 * (another port counts: "same-site") refuses. Clients other than browsers send neither.
 */
export function notCrossSite(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${req.headers.host ?? ""}`) return false;
  const site = req.headers["sec-fetch-site"];
  return site === undefined || site === "same-origin" || site === "none";
}

/** A cookie-authenticated call from the plane's own page: the UI header is set and nothing says another site sent it. */
export function fromOwnPage(req: IncomingMessage): boolean {
  return req.headers[UI_HEADER] === "1" && notCrossSite(req);
}

/**
 * The hook the request pipeline calls before bearer authentication: the session's user, or undefined when the
 * request sends a bearer token or no session cookie (bearer authentication then decides). A cookie that is stale,
 * or sent without the UI header, is refused rather than silently ignored, so the page can tell the user why.
 */
export function sessionUser(db: DB, req: IncomingMessage, now: number = Date.now()): User | undefined {
  if (req.headers.authorization !== undefined) return undefined;
  const sid = sessionIdOf(req);
  if (sid === undefined) return undefined;
  if (!fromOwnPage(req)) {
    throw unauthenticated("A browser session is only accepted from the plane's own page (the X-Dbserve-UI header is missing or the Origin differs).");
  }
  const row = db.prepare("SELECT token_hash, expires_at FROM ui_sessions WHERE id_hash = ? AND kind = 'session'").get(sha256(sid)) as
    | { token_hash: string; expires_at: number }
    | undefined;
  const user = row && row.expires_at > now ? userByTokenHash(db, row.token_hash) : undefined;
  if (!user) throw unauthenticated("The browser session has expired or was signed out; sign in again (dbserve ui prints a sign-in link).");
  return user;
}
