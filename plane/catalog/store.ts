import type * as catalog from "@databricks/sdk-experimental/dist/apis/catalog/model";
import type { DB } from "../store";
import { getMeta } from "../store";

/**
 * Storage of the model registry: registered models, their versions, aliases, artifacts and Unity Catalog grants.
 * This module owns these tables; the UC routes, the MLflow UC routes, the artifact store and the serving API all go
 * through these accessors. Names are stored in lower case (UC identifiers are case-insensitive).
 */
export const CATALOG_SCHEMA = `
CREATE TABLE IF NOT EXISTS registered_models (full_name TEXT PRIMARY KEY, catalog_name TEXT NOT NULL, schema_name TEXT NOT NULL, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS model_versions (model TEXT NOT NULL, version INTEGER NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (model, version));
CREATE TABLE IF NOT EXISTS model_aliases (model TEXT NOT NULL, alias TEXT NOT NULL, version INTEGER NOT NULL, PRIMARY KEY (model, alias));
CREATE TABLE IF NOT EXISTS artifacts (model TEXT NOT NULL, version INTEGER NOT NULL, path TEXT NOT NULL, bytes BLOB NOT NULL, PRIMARY KEY (model, version, path));
CREATE TABLE IF NOT EXISTS model_grants (model TEXT NOT NULL, principal TEXT NOT NULL, privileges TEXT NOT NULL, PRIMARY KEY (model, principal));
`;

export interface Tag {
  key: string;
  value?: string;
}

/** The stored model: the UC shape plus plane-internal fields the UC views leave out. */
export interface StoredModel extends catalog.RegisteredModelInfo {
  /** MLflow registry tags (the UC model API has none; MLflow's registered-models routes read and set them). */
  mlflow_tags?: Tag[];
  /** The highest version number ever issued: numbers are never reused, even after deletes. */
  last_version?: number;
}

export type ModelVersionStatus = NonNullable<catalog.ModelVersionInfo["status"]>;

/** The stored version carries a status message the UC shape lacks but the MLflow shape reports, and MLflow tags. */
export interface StoredModelVersion extends catalog.ModelVersionInfo {
  version: number;
  status: ModelVersionStatus;
  status_message?: string;
  description_tags?: Tag[];
}

const lc = (s: string) => s.toLowerCase();

// Registered models.

export function getModel(db: DB, fullName: string): StoredModel | undefined {
  const row = db.prepare("SELECT doc FROM registered_models WHERE full_name = ?").get(lc(fullName)) as { doc: string } | undefined;
  return row ? (JSON.parse(row.doc) as StoredModel) : undefined;
}

export function putModel(db: DB, m: StoredModel): void {
  db.prepare(
    "INSERT INTO registered_models (full_name, catalog_name, schema_name, doc) VALUES (?, ?, ?, ?) ON CONFLICT(full_name) DO UPDATE SET doc = excluded.doc",
  ).run(m.full_name, m.catalog_name, m.schema_name, JSON.stringify(m));
}

export function listModels(db: DB, filter: { catalog?: string; schema?: string; after?: string; limit: number }): StoredModel[] {
  const where: string[] = [];
  const args: (string | number)[] = [];
  const and = (clause: string, arg: string) => {
    where.push(clause);
    args.push(arg);
  };
  if (filter.catalog) and("catalog_name = ?", filter.catalog);
  if (filter.schema) and("schema_name = ?", filter.schema);
  if (filter.after !== undefined) and("full_name > ?", filter.after);
  const sql = `SELECT doc FROM registered_models ${where.length ? "WHERE " + where.join(" AND ") : ""} ORDER BY full_name LIMIT ?`;
  return (db.prepare(sql).all(...args, filter.limit) as { doc: string }[]).map((r) => JSON.parse(r.doc) as StoredModel);
}

/** Delete a model and everything that belongs to it: versions, aliases, artifacts, grants. */
export function deleteModel(db: DB, fullName: string): void {
  const name = lc(fullName);
  for (const table of ["model_aliases", "artifacts", "model_versions", "model_grants"]) {
    db.prepare(`DELETE FROM ${table} WHERE model = ?`).run(name);
  }
  db.prepare("DELETE FROM registered_models WHERE full_name = ?").run(name);
}

/** Rename: the model's versions, aliases, artifacts and grants follow it. `next` is the renamed document. */
export function renameModel(db: DB, oldFullName: string, next: StoredModel): void {
  const oldName = lc(oldFullName);
  db.prepare("DELETE FROM registered_models WHERE full_name = ?").run(oldName);
  for (const table of ["model_versions", "model_aliases", "artifacts", "model_grants"]) {
    db.prepare(`UPDATE ${table} SET model = ? WHERE model = ?`).run(next.full_name, oldName);
  }
  for (const v of listVersions(db, next.full_name!, 0, Number.MAX_SAFE_INTEGER)) putVersion(db, next.full_name!, { ...v, model_name: next.name });
  putModel(db, next);
}

// Versions.

export function getVersion(db: DB, fullName: string, version: number): StoredModelVersion | undefined {
  const row = db.prepare("SELECT doc FROM model_versions WHERE model = ? AND version = ?").get(lc(fullName), version) as { doc: string } | undefined;
  return row ? (JSON.parse(row.doc) as StoredModelVersion) : undefined;
}

export function putVersion(db: DB, fullName: string, v: StoredModelVersion): void {
  db.prepare("INSERT INTO model_versions (model, version, doc) VALUES (?, ?, ?) ON CONFLICT(model, version) DO UPDATE SET doc = excluded.doc").run(
    lc(fullName),
    v.version,
    JSON.stringify(v),
  );
}

export function listVersions(db: DB, fullName: string, afterVersion: number, limit: number): StoredModelVersion[] {
  return (
    db.prepare("SELECT doc FROM model_versions WHERE model = ? AND version > ? ORDER BY version LIMIT ?").all(lc(fullName), afterVersion, limit) as {
      doc: string;
    }[]
  ).map((r) => JSON.parse(r.doc) as StoredModelVersion);
}

export function latestReadyVersion(db: DB, fullName: string): number | undefined {
  const row = db
    .prepare("SELECT MAX(version) AS v FROM model_versions WHERE model = ? AND json_extract(doc, '$.status') = 'READY'")
    .get(lc(fullName)) as { v: number | null };
  return row.v ?? undefined;
}

/** The next version number of a model (one more than any ever issued); the caller stores it on the model. */
export function nextVersionNumber(db: DB, m: StoredModel): number {
  const row = db.prepare("SELECT MAX(version) AS v FROM model_versions WHERE model = ?").get(m.full_name) as { v: number | null };
  // Data dirs from before `last_version` kept the high-water mark in meta.
  const legacy = Number(getMeta(db, `version-hwm:${m.full_name}`) ?? "0");
  return Math.max(row.v ?? 0, m.last_version ?? 0, legacy) + 1;
}

/** Delete a version with its aliases and artifacts. */
export function deleteVersion(db: DB, fullName: string, version: number): void {
  for (const table of ["model_aliases", "artifacts", "model_versions"]) {
    db.prepare(`DELETE FROM ${table} WHERE model = ? AND version = ?`).run(lc(fullName), version);
  }
}

// Aliases.

export function aliasesOf(db: DB, fullName: string, version?: number): { alias: string; version: number }[] {
  return (
    version === undefined
      ? db.prepare("SELECT alias, version FROM model_aliases WHERE model = ? ORDER BY alias").all(lc(fullName))
      : db.prepare("SELECT alias, version FROM model_aliases WHERE model = ? AND version = ? ORDER BY alias").all(lc(fullName), version)
  ) as { alias: string; version: number }[];
}

export function getAlias(db: DB, fullName: string, alias: string): number | undefined {
  const row = db.prepare("SELECT version FROM model_aliases WHERE model = ? AND alias = ?").get(lc(fullName), alias) as { version: number } | undefined;
  return row?.version;
}

export function setAlias(db: DB, fullName: string, alias: string, version: number): void {
  db.prepare("INSERT INTO model_aliases (model, alias, version) VALUES (?, ?, ?) ON CONFLICT(model, alias) DO UPDATE SET version = excluded.version").run(
    lc(fullName),
    alias,
    version,
  );
}

/** True when the alias existed. */
export function deleteAlias(db: DB, fullName: string, alias: string): boolean {
  return db.prepare("DELETE FROM model_aliases WHERE model = ? AND alias = ?").run(lc(fullName), alias).changes > 0;
}

// Artifacts.

export function putArtifact(db: DB, fullName: string, version: number, path: string, bytes: Buffer): void {
  db.prepare("INSERT INTO artifacts (model, version, path, bytes) VALUES (?, ?, ?, ?) ON CONFLICT(model, version, path) DO UPDATE SET bytes = excluded.bytes").run(
    lc(fullName),
    version,
    path,
    bytes,
  );
}

export function getArtifact(db: DB, fullName: string, version: number, path: string): Buffer | undefined {
  const row = db.prepare("SELECT bytes FROM artifacts WHERE model = ? AND version = ? AND path = ?").get(lc(fullName), version, path) as
    | { bytes: Buffer }
    | undefined;
  return row ? Buffer.from(row.bytes) : undefined;
}

export function listArtifacts(db: DB, fullName: string, version: number): { path: string; size: number }[] {
  return db.prepare("SELECT path, length(bytes) AS size FROM artifacts WHERE model = ? AND version = ? ORDER BY path").all(lc(fullName), version) as {
    path: string;
    size: number;
  }[];
}

// Unity Catalog grants on registered models (securable type FUNCTION).

export function getGrants(db: DB, fullName: string): Map<string, string[]> {
  const rows = db.prepare("SELECT principal, privileges FROM model_grants WHERE model = ? ORDER BY principal").all(lc(fullName)) as {
    principal: string;
    privileges: string;
  }[];
  return new Map(rows.map((r) => [r.principal, JSON.parse(r.privileges) as string[]]));
}

export function setGrant(db: DB, fullName: string, principal: string, privileges: string[]): void {
  if (privileges.length === 0) {
    db.prepare("DELETE FROM model_grants WHERE model = ? AND principal = ?").run(lc(fullName), principal);
    return;
  }
  db.prepare("INSERT INTO model_grants (model, principal, privileges) VALUES (?, ?, ?) ON CONFLICT(model, principal) DO UPDATE SET privileges = excluded.privileges").run(
    lc(fullName),
    principal,
    JSON.stringify(privileges),
  );
}
