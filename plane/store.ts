import Database from "better-sqlite3";
import * as path from "node:path";

/**
 * Durable storage. SQLite in WAL mode with synchronous=FULL: each handler runs its writes in one transaction that is
 * committed (and fsynced) before the response is written, so a crash or kill -9 loses no acknowledged write.
 * Resources are stored as JSON documents keyed by their natural identity; the schema is small on purpose.
 */
export type DB = Database.Database;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (user_name TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, is_admin INTEGER NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS registered_models (full_name TEXT PRIMARY KEY, catalog_name TEXT NOT NULL, schema_name TEXT NOT NULL, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS model_versions (model TEXT NOT NULL, version INTEGER NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (model, version));
CREATE TABLE IF NOT EXISTS model_aliases (model TEXT NOT NULL, alias TEXT NOT NULL, version INTEGER NOT NULL, PRIMARY KEY (model, alias));
CREATE TABLE IF NOT EXISTS artifacts (model TEXT NOT NULL, version INTEGER NOT NULL, path TEXT NOT NULL, bytes BLOB NOT NULL, PRIMARY KEY (model, version, path));
CREATE TABLE IF NOT EXISTS endpoints (name TEXT PRIMARY KEY, id TEXT NOT NULL UNIQUE, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS endpoint_acls (object_id TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS faults (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
`;

export function openStore(dataDir: string): DB {
  const db = new Database(path.join(dataDir, "plane.db"));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  db.exec(SCHEMA);
  return db;
}

export function getMeta(db: DB, key: string): string | undefined {
  const row = db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | undefined;
  return row?.value;
}

export function setMeta(db: DB, key: string, value: string): void {
  db.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(key, value);
}

/** Monotonic counters (e.g. model-version ids) that survive restarts. */
export function nextCounter(db: DB, key: string): number {
  const next = Number(getMeta(db, `counter:${key}`) ?? "0") + 1;
  setMeta(db, `counter:${key}`, String(next));
  return next;
}
