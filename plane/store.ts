import Database from "better-sqlite3";

/**
 * Durable storage. SQLite in WAL mode with synchronous=FULL: the server runs each request in one transaction that is
 * committed (and fsynced) before the response is written, so a crash or kill -9 loses no acknowledged write, and a
 * request that fails leaves nothing half-written. Each API module owns its tables (and declares them); this module
 * owns only `meta`, a small key-value table for workspace-wide settings.
 */
export type DB = Database.Database;

const META_SCHEMA = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);";

export function openStore(file: string, schemas: readonly string[]): DB {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  db.exec(META_SCHEMA);
  for (const schema of schemas) db.exec(schema);
  return db;
}

export function getMeta(db: DB, key: string): string | undefined {
  const row = db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | undefined;
  return row?.value;
}

export function setMeta(db: DB, key: string, value: string): void {
  db.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(key, value);
}
