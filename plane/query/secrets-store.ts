/**
 * Credentials of external models. The API takes them as `*_plaintext` fields (or `{{secrets/scope/key}}` references)
 * and never returns them: the endpoint record keeps the stripped config, and this module keeps what the plane needs to
 * call the provider, keyed by endpoint id, config version and served entity. Only the query path reads it; no route
 * returns it. Rows go with their endpoint.
 */
import type { DB } from "../store";

/** Created at plane start (plane/index.ts), so no request transaction ever holds the DDL. */
export const CREDENTIALS_SCHEMA = `CREATE TABLE IF NOT EXISTS external_credentials (
  endpoint_id TEXT NOT NULL, config_version INTEGER NOT NULL, entity_name TEXT NOT NULL, doc TEXT NOT NULL,
  PRIMARY KEY (endpoint_id, config_version, entity_name));`;

const ready = new WeakSet<DB>();
function ensure(db: DB): void {
  if (ready.has(db)) return;
  db.exec(CREDENTIALS_SCHEMA);
  ready.add(db);
}

/** Every `*_plaintext` leaf of an external-model config, by its dotted path (`openai_config.openai_api_key_plaintext`). */
export function plaintextLeaves(value: unknown, prefix = ""): Record<string, string> {
  const out: Record<string, string> = {};
  if (value && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const path = prefix ? `${prefix}.${k}` : k;
      if (k.endsWith("_plaintext") && typeof v === "string") out[path] = v;
      else Object.assign(out, plaintextLeaves(v, path));
    }
  }
  return out;
}

/** Keep the credentials of a config's external models (called where a config version starts deploying). */
export function saveExternalCredentials(db: DB, endpointId: string, configVersion: number, entities: readonly { name: string; external_model: unknown }[]): void {
  ensure(db);
  const put = db.prepare(
    "INSERT INTO external_credentials (endpoint_id, config_version, entity_name, doc) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET doc = excluded.doc",
  );
  for (const e of entities) put.run(endpointId, configVersion, e.name, JSON.stringify(plaintextLeaves(e.external_model)));
}

export function loadExternalCredentials(db: DB, endpointId: string, configVersion: number, entityName: string): Record<string, string> {
  ensure(db);
  const row = db.prepare("SELECT doc FROM external_credentials WHERE endpoint_id = ? AND config_version = ? AND entity_name = ?").get(endpointId, configVersion, entityName) as
    | { doc: string }
    | undefined;
  return row ? (JSON.parse(row.doc) as Record<string, string>) : {};
}

export function deleteExternalCredentials(db: DB, endpointId: string): void {
  ensure(db);
  db.prepare("DELETE FROM external_credentials WHERE endpoint_id = ?").run(endpointId);
}
