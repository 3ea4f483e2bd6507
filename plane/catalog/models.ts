import { randomUUID } from "node:crypto";
import type * as catalog from "@databricks/sdk-experimental/dist/apis/catalog/model";
import type { PlaneContext } from "../context";
import type { DB } from "../store";
import type { Router } from "../router";
import { invalidParameter, notFound, permissionDenied, ucAlreadyExists } from "../errors";
import { parseBody, queryBool, queryInt } from "../validate";
import { CreateRegisteredModelBody, SetAliasBody, UpdateModelVersionBody, UpdateRegisteredModelBody } from "./schemas";
import { FOUNDATION_MODELS, SYSTEM_CATALOG, SYSTEM_SCHEMA, foundationFullName } from "./foundation";

export type RegisteredModelInfo = catalog.RegisteredModelInfo;
export type ModelVersionStatus = NonNullable<catalog.ModelVersionInfo["status"]>;

/** The stored version carries a status message the UC shape lacks but the MLflow shape reports. */
export interface StoredModelVersion extends catalog.ModelVersionInfo {
  version: number;
  status: ModelVersionStatus;
  status_message?: string;
  description_tags?: { key: string; value?: string }[];
}

/** UC identifiers are case-insensitive and stored in lower case, so a client that sends "Bot" reads back "bot". */
export function normaliseIdentifier(kind: string, raw: string): string {
  const v = raw.trim().toLowerCase();
  if (v === "") throw invalidParameter(`${kind} must not be empty.`);
  if (/[.\s/]|[\x00-\x1f]/.test(v)) throw invalidParameter(`Invalid ${kind} '${raw}': names cannot contain '.', '/', spaces or control characters.`);
  if (v.length > 255) throw invalidParameter(`Invalid ${kind} '${raw}': at most 255 characters.`);
  return v;
}

export function splitFullName(fullName: string): { catalog: string; schema: string; name: string } {
  const parts = fullName.split(".");
  if (parts.length !== 3 || parts.some((p) => p === "")) {
    throw invalidParameter(`Invalid registered model full name '${fullName}': expected <catalog>.<schema>.<model>.`);
  }
  return { catalog: parts[0].toLowerCase(), schema: parts[1].toLowerCase(), name: parts[2].toLowerCase() };
}

export function getModel(db: DB, fullName: string): RegisteredModelInfo | undefined {
  const row = db.prepare("SELECT doc FROM registered_models WHERE full_name = ?").get(fullName.toLowerCase()) as { doc: string } | undefined;
  return row ? (JSON.parse(row.doc) as RegisteredModelInfo) : undefined;
}

function requireModel(db: DB, fullName: string): RegisteredModelInfo {
  const m = getModel(db, fullName);
  if (!m) throw notFound(`Registered model '${fullName}' does not exist.`);
  return m;
}

function putModel(db: DB, m: RegisteredModelInfo): void {
  db.prepare(
    "INSERT INTO registered_models (full_name, catalog_name, schema_name, doc) VALUES (?, ?, ?, ?) " +
      "ON CONFLICT(full_name) DO UPDATE SET doc = excluded.doc",
  ).run(m.full_name, m.catalog_name, m.schema_name, JSON.stringify(m));
}

export function getVersion(db: DB, fullName: string, version: number): StoredModelVersion | undefined {
  const row = db.prepare("SELECT doc FROM model_versions WHERE model = ? AND version = ?").get(fullName.toLowerCase(), version) as
    | { doc: string }
    | undefined;
  return row ? (JSON.parse(row.doc) as StoredModelVersion) : undefined;
}

export function requireVersion(db: DB, fullName: string, version: number): StoredModelVersion {
  requireModel(db, fullName);
  const v = getVersion(db, fullName, version);
  if (!v) throw notFound(`Model version ${version} of registered model '${fullName}' does not exist.`);
  return v;
}

export function putVersion(db: DB, fullName: string, v: StoredModelVersion): void {
  db.prepare("INSERT INTO model_versions (model, version, doc) VALUES (?, ?, ?) ON CONFLICT(model, version) DO UPDATE SET doc = excluded.doc").run(
    fullName.toLowerCase(),
    v.version,
    JSON.stringify(v),
  );
}

function aliasesOf(db: DB, fullName: string, version?: number): catalog.RegisteredModelAlias[] {
  const rows = (
    version === undefined
      ? db.prepare("SELECT alias, version FROM model_aliases WHERE model = ? ORDER BY alias").all(fullName)
      : db.prepare("SELECT alias, version FROM model_aliases WHERE model = ? AND version = ? ORDER BY alias").all(fullName, version)
  ) as { alias: string; version: number }[];
  const { catalog: c, schema: s, name: n } = splitFullName(fullName);
  return rows.map((r) => ({ alias_name: r.alias, version_num: r.version, catalog_name: c, schema_name: s, model_name: n }));
}

export function modelView(db: DB, m: RegisteredModelInfo, includeAliases: boolean): RegisteredModelInfo {
  const out: RegisteredModelInfo = { ...m };
  if (includeAliases) out.aliases = aliasesOf(db, m.full_name!);
  return out;
}

/** The UC shape: no MLflow-only fields. */
export function versionView(db: DB, fullName: string, v: StoredModelVersion, includeAliases: boolean): catalog.ModelVersionInfo {
  const { status_message: _sm, description_tags: _t, ...rest } = v;
  const out: catalog.ModelVersionInfo = { ...rest };
  if (includeAliases) out.aliases = aliasesOf(db, fullName, v.version);
  return out;
}

function parseVersion(raw: string): number {
  if (!/^\d+$/.test(raw)) throw invalidParameter(`Invalid model version '${raw}': expected a positive integer.`);
  const n = Number(raw);
  if (n < 1) throw invalidParameter(`Invalid model version '${raw}': expected a positive integer.`);
  return n;
}

function validAlias(raw: string): string {
  const a = raw.toLowerCase();
  if (!/^[a-z_][a-z0-9_-]{0,254}$/.test(a)) throw invalidParameter(`Invalid alias '${raw}': use letters, digits, '_' or '-', not starting with a digit.`);
  if (/^v\d+$/.test(a) || a === "latest") throw invalidParameter(`Alias '${raw}' is reserved.`);
  return a;
}

/** Paging tokens are opaque to clients; we encode the last key of the page. */
function encodeToken(key: string): string {
  return Buffer.from(JSON.stringify({ after: key })).toString("base64url");
}
function decodeToken(token: string | null): string | undefined {
  if (token === null || token === "") return undefined;
  try {
    const v = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { after?: unknown };
    if (typeof v.after === "string") return v.after;
  } catch {
    /* fall through */
  }
  throw invalidParameter(`Invalid page_token '${token}'.`);
}

function assertWritable(catalogName: string, what: string): void {
  if (catalogName === SYSTEM_CATALOG) throw permissionDenied(`The '${SYSTEM_CATALOG}' catalog is read-only: cannot ${what}.`);
}

export function deleteVersionRows(db: DB, fullName: string, version?: number): void {
  if (version === undefined) {
    db.prepare("DELETE FROM model_aliases WHERE model = ?").run(fullName);
    db.prepare("DELETE FROM artifacts WHERE model = ?").run(fullName);
    db.prepare("DELETE FROM model_versions WHERE model = ?").run(fullName);
  } else {
    db.prepare("DELETE FROM model_aliases WHERE model = ? AND version = ?").run(fullName, version);
    db.prepare("DELETE FROM artifacts WHERE model = ? AND version = ?").run(fullName, version);
    db.prepare("DELETE FROM model_versions WHERE model = ? AND version = ?").run(fullName, version);
  }
}

/** Pre-populate `system.ai` with the foundation models and their READY versions (idempotent, run at every start). */
export function seedSystemModels(plane: PlaneContext): void {
  const { db } = plane;
  const now = plane.now();
  db.transaction(() => {
    for (const spec of FOUNDATION_MODELS) {
      const fullName = foundationFullName(spec);
      if (!getModel(db, fullName)) {
        putModel(db, {
          catalog_name: SYSTEM_CATALOG,
          schema_name: SYSTEM_SCHEMA,
          name: spec.shortName,
          full_name: fullName,
          owner: "System user",
          comment: spec.description,
          storage_location: `dbserve://models/${fullName}`,
          metastore_id: plane.metastoreId,
          created_at: now,
          created_by: "System user",
          updated_at: now,
          updated_by: "System user",
          browse_only: false,
        });
      }
      for (let v = 1; v <= spec.versions; v++) {
        if (getVersion(db, fullName, v)) continue;
        putVersion(db, fullName, {
          id: randomUUID(),
          version: v,
          model_name: spec.shortName,
          catalog_name: SYSTEM_CATALOG,
          schema_name: SYSTEM_SCHEMA,
          source: `dbserve://models/${fullName}/versions/${v}`,
          storage_location: `dbserve://models/${fullName}/versions/${v}`,
          status: "READY",
          comment: `${spec.displayName} version ${v}`,
          metastore_id: plane.metastoreId,
          created_at: now,
          created_by: "System user",
          updated_at: now,
          updated_by: "System user",
        });
      }
    }
  })();
}

export function registerModelRoutes(router: Router, plane: PlaneContext): void {
  const { db } = plane;
  const base = "/api/2.1/unity-catalog/models";

  router.add("POST", base, (ctx) => {
    const body = parseBody(CreateRegisteredModelBody, ctx.body);
    const catalogName = normaliseIdentifier("catalog_name", body.catalog_name);
    const schemaName = normaliseIdentifier("schema_name", body.schema_name);
    const name = normaliseIdentifier("name", body.name);
    assertWritable(catalogName, "create a registered model");
    const fullName = `${catalogName}.${schemaName}.${name}`;
    const now = plane.now();
    const model: RegisteredModelInfo = {
      catalog_name: catalogName,
      schema_name: schemaName,
      name,
      full_name: fullName,
      owner: body.owner ?? ctx.user.userName,
      storage_location: body.storage_location ?? `dbserve://models/${fullName}`,
      metastore_id: plane.metastoreId,
      created_at: now,
      created_by: ctx.user.userName,
      updated_at: now,
      updated_by: ctx.user.userName,
      browse_only: false,
    };
    if (body.comment !== undefined) model.comment = body.comment;
    db.transaction(() => {
      if (getModel(db, fullName)) throw ucAlreadyExists(`Registered model '${fullName}' already exists.`);
      putModel(db, model);
    })();
    return modelView(db, model, false);
  });

  router.add("GET", base, (ctx) => {
    const catalogName = ctx.query.get("catalog_name")?.toLowerCase();
    const schemaName = ctx.query.get("schema_name")?.toLowerCase();
    if (schemaName && !catalogName) throw invalidParameter("schema_name requires catalog_name.");
    const max = queryInt(ctx.query, "max_results", 0, 1000) || 100;
    const after = decodeToken(ctx.query.get("page_token"));
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (catalogName) (where.push("catalog_name = ?"), args.push(catalogName));
    if (schemaName) (where.push("schema_name = ?"), args.push(schemaName));
    if (after !== undefined) (where.push("full_name > ?"), args.push(after));
    const sql = `SELECT doc FROM registered_models ${where.length ? "WHERE " + where.join(" AND ") : ""} ORDER BY full_name LIMIT ?`;
    const rows = db.prepare(sql).all(...args, max + 1) as { doc: string }[];
    const page = rows.slice(0, max).map((r) => JSON.parse(r.doc) as RegisteredModelInfo);
    const out: catalog.ListRegisteredModelsResponse = { registered_models: page };
    if (rows.length > max) out.next_page_token = encodeToken(page[page.length - 1].full_name!);
    return out;
  });

  router.add("GET", `${base}/:full_name`, (ctx) => {
    const m = requireModel(db, ctx.params.full_name);
    return modelView(db, m, queryBool(ctx.query, "include_aliases"));
  });

  router.add("PATCH", `${base}/:full_name`, (ctx) => {
    const body = parseBody(UpdateRegisteredModelBody, ctx.body);
    return db.transaction(() => {
      const m = requireModel(db, ctx.params.full_name);
      assertWritable(m.catalog_name!, "update a registered model");
      const oldFullName = m.full_name!;
      const next: RegisteredModelInfo = { ...m, updated_at: plane.now(), updated_by: ctx.user.userName };
      if (body.comment !== undefined) next.comment = body.comment;
      if (body.owner !== undefined) next.owner = body.owner;
      if (body.new_name !== undefined) {
        const newName = normaliseIdentifier("new_name", body.new_name);
        const newFull = `${m.catalog_name}.${m.schema_name}.${newName}`;
        if (newFull !== oldFullName) {
          if (getModel(db, newFull)) throw ucAlreadyExists(`Registered model '${newFull}' already exists.`);
          next.name = newName;
          next.full_name = newFull;
          // Versions, aliases and artifacts follow the model to its new name.
          db.prepare("DELETE FROM registered_models WHERE full_name = ?").run(oldFullName);
          for (const table of ["model_versions", "model_aliases", "artifacts"]) {
            db.prepare(`UPDATE ${table} SET model = ? WHERE model = ?`).run(newFull, oldFullName);
          }
          const versions = db.prepare("SELECT version, doc FROM model_versions WHERE model = ?").all(newFull) as { version: number; doc: string }[];
          for (const row of versions) {
            const v = JSON.parse(row.doc) as StoredModelVersion;
            putVersion(db, newFull, { ...v, model_name: newName });
          }
        }
      }
      putModel(db, next);
      return modelView(db, next, false);
    })();
  });

  router.add("DELETE", `${base}/:full_name`, (ctx) => {
    db.transaction(() => {
      const m = requireModel(db, ctx.params.full_name);
      assertWritable(m.catalog_name!, "delete a registered model");
      deleteVersionRows(db, m.full_name!);
      db.prepare("DELETE FROM registered_models WHERE full_name = ?").run(m.full_name);
    })();
    return {};
  });

  // Versions.
  router.add("GET", `${base}/:full_name/versions`, (ctx) => {
    const m = requireModel(db, ctx.params.full_name);
    const max = queryInt(ctx.query, "max_results", 0, 1000) || 100;
    const after = decodeToken(ctx.query.get("page_token"));
    const afterNum = after === undefined ? 0 : Number(after);
    const rows = db
      .prepare("SELECT doc FROM model_versions WHERE model = ? AND version > ? ORDER BY version LIMIT ?")
      .all(m.full_name, afterNum, max + 1) as { doc: string }[];
    const page = rows.slice(0, max).map((r) => versionView(db, m.full_name!, JSON.parse(r.doc) as StoredModelVersion, false));
    const out: catalog.ListModelVersionsResponse = { model_versions: page };
    if (rows.length > max) out.next_page_token = encodeToken(String(page[page.length - 1].version));
    return out;
  });

  router.add("GET", `${base}/:full_name/versions/:version`, (ctx) => {
    const v = requireVersion(db, ctx.params.full_name, parseVersion(ctx.params.version));
    return versionView(db, ctx.params.full_name.toLowerCase(), v, queryBool(ctx.query, "include_aliases"));
  });

  router.add("PATCH", `${base}/:full_name/versions/:version`, (ctx) => {
    const body = parseBody(UpdateModelVersionBody, ctx.body);
    const version = parseVersion(ctx.params.version);
    return db.transaction(() => {
      const v = requireVersion(db, ctx.params.full_name, version);
      const fullName = ctx.params.full_name.toLowerCase();
      assertWritable(splitFullName(fullName).catalog, "update a model version");
      // The real service only lets the comment change; other fields in the body are ignored.
      const next: StoredModelVersion = { ...v, updated_at: plane.now(), updated_by: ctx.user.userName };
      if (body.comment !== undefined) next.comment = body.comment;
      putVersion(db, fullName, next);
      return versionView(db, fullName, next, false);
    })();
  });

  router.add("DELETE", `${base}/:full_name/versions/:version`, (ctx) => {
    const version = parseVersion(ctx.params.version);
    db.transaction(() => {
      requireVersion(db, ctx.params.full_name, version);
      const fullName = ctx.params.full_name.toLowerCase();
      assertWritable(splitFullName(fullName).catalog, "delete a model version");
      deleteVersionRows(db, fullName, version);
    })();
    return {};
  });

  // Aliases.
  router.add("PUT", `${base}/:full_name/aliases/:alias`, (ctx) => {
    const body = parseBody(SetAliasBody, ctx.body);
    const alias = validAlias(ctx.params.alias);
    return db.transaction(() => {
      const m = requireModel(db, ctx.params.full_name);
      assertWritable(m.catalog_name!, "set an alias");
      requireVersion(db, m.full_name!, body.version_num);
      db.prepare(
        "INSERT INTO model_aliases (model, alias, version) VALUES (?, ?, ?) ON CONFLICT(model, alias) DO UPDATE SET version = excluded.version",
      ).run(m.full_name, alias, body.version_num);
      const out: catalog.RegisteredModelAlias = {
        alias_name: alias,
        version_num: body.version_num,
        catalog_name: m.catalog_name,
        schema_name: m.schema_name,
        model_name: m.name,
      };
      return out;
    })();
  });

  router.add("DELETE", `${base}/:full_name/aliases/:alias`, (ctx) => {
    const alias = ctx.params.alias.toLowerCase();
    db.transaction(() => {
      const m = requireModel(db, ctx.params.full_name);
      assertWritable(m.catalog_name!, "delete an alias");
      const r = db.prepare("DELETE FROM model_aliases WHERE model = ? AND alias = ?").run(m.full_name, alias);
      if (r.changes === 0) throw notFound(`Alias '${alias}' of registered model '${m.full_name}' does not exist.`);
    })();
    return {};
  });

  router.add("GET", `${base}/:full_name/aliases/:alias`, (ctx) => {
    const m = requireModel(db, ctx.params.full_name);
    const alias = ctx.params.alias.toLowerCase();
    const row = db.prepare("SELECT version FROM model_aliases WHERE model = ? AND alias = ?").get(m.full_name, alias) as
      | { version: number }
      | undefined;
    if (!row) throw notFound(`Alias '${alias}' of registered model '${m.full_name}' does not exist.`);
    const v = requireVersion(db, m.full_name!, row.version);
    return versionView(db, m.full_name!, v, queryBool(ctx.query, "include_aliases"));
  });
}
