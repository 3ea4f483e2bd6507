import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { DB } from "./store";
import { unauthenticated } from "./errors";

/** The plane's principals: the admin (the data directory's token) and users made with `POST /api/2.0/dbserve/users`. */
export const AUTH_SCHEMA =
  "CREATE TABLE IF NOT EXISTS users (user_name TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, is_admin INTEGER NOT NULL, created_at INTEGER NOT NULL);";

export interface User {
  userName: string;
  isAdmin: boolean;
}

/** The anonymous caller of unauthenticated routes (health). */
export const ANONYMOUS: User = { userName: "anonymous", isAdmin: false };
export const ADMIN_USER_NAME = "admin@dbserve.local";

/** Tokens look like Databricks PATs so clients that sniff the prefix are satisfied. */
export function newToken(): string {
  return "dapi" + randomBytes(16).toString("hex");
}

/** Only hashes are stored in the DB: the admin token's canonical copy is the 0600 `<data>/token` file. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function registerUser(db: DB, userName: string, token: string, isAdmin: boolean): void {
  db.prepare(
    "INSERT INTO users (user_name, token_hash, is_admin, created_at) VALUES (?, ?, ?, ?) " +
      "ON CONFLICT(user_name) DO UPDATE SET token_hash = excluded.token_hash, is_admin = excluded.is_admin",
  ).run(userName, hashToken(token), isAdmin ? 1 : 0, Date.now());
}

export function userExists(db: DB, userName: string): boolean {
  return db.prepare("SELECT 1 FROM users WHERE user_name = ?").get(userName) !== undefined;
}

export function listUsers(db: DB): { user_name: string; admin: boolean }[] {
  const rows = db.prepare("SELECT user_name, is_admin FROM users ORDER BY user_name").all() as { user_name: string; is_admin: number }[];
  return rows.map((r) => ({ user_name: r.user_name, admin: r.is_admin === 1 }));
}

/** The bearer token of a request, if it sent one in the `Authorization: Bearer …` form. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers["authorization"];
  if (typeof header !== "string") return undefined;
  return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
}

/** The user whose current token has this hash (a rotated token no longer matches its old hash). */
export function userByTokenHash(db: DB, tokenHash: string): User | undefined {
  const wanted = Buffer.from(tokenHash, "hex");
  const row = db.prepare("SELECT user_name, token_hash, is_admin FROM users WHERE token_hash = ?").get(wanted.toString("hex")) as
    | { user_name: string; token_hash: string; is_admin: number }
    | undefined;
  // The lookup is by hash already; the constant-time compare keeps the check honest if the query ever changes.
  if (!row || !timingSafeEqual(Buffer.from(row.token_hash, "hex"), wanted)) return undefined;
  return { userName: row.user_name, isAdmin: row.is_admin === 1 };
}

export function authenticate(db: DB, req: IncomingMessage): User {
  const header = req.headers["authorization"];
  if (typeof header !== "string" || header.trim() === "") {
    throw unauthenticated("Credential was not sent or was of an unsupported type for this API.");
  }
  const token = bearerToken(req);
  if (token === undefined) throw unauthenticated("Credential was not sent or was of an unsupported type for this API.");
  const user = userByTokenHash(db, hashToken(token));
  if (!user) throw unauthenticated("Invalid access token.");
  return user;
}
