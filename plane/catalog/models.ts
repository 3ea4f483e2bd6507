import { randomUUID } from "node:crypto";
import type * as catalog from "@databricks/sdk-experimental/dist/apis/catalog/model";
import type { PlaneContext } from "../context";
import type { RequestContext } from "../router";
import { invalidParameter, notFound, permissionDenied, quote, ucAlreadyExists } from "../errors";
import { CONTROL_ANY, parseBody, queryBool, queryInt } from "../validate";
import { CreateRegisteredModelBody, SetAliasBody, UpdateModelVersionBody, UpdateRegisteredModelBody } from "./schemas";
import { FOUNDATION_MODELS, SYSTEM_CATALOG, SYSTEM_SCHEMA, foundationFullName } from "./foundation";
import { modelLevels } from "./access";
import {
  aliasesOf,
  deleteAlias as deleteAliasRow,
  deleteModel,
  deleteVersion,
  getAlias as getAliasRow,
  getModel,
  getVersion,
  listModels,
  listVersions,
  putModel,
  putVersion,
  renameModel,
  setAlias as setAliasRow,
  type StoredModel,
  type StoredModelVersion,
} from "./store";

/** The Unity Catalog registered-model routes (`/api/2.1/unity-catalog/models`): models, versions, aliases. */
export type RegisteredModelInfo = catalog.RegisteredModelInfo;

/** UC identifiers are case-insensitive and stored in lower case, so a client that sends "Bot" reads back "bot". */
export function normaliseIdentifier(kind: string, raw: string): string {
  const v = raw.trim().toLowerCase();
  if (v === "") throw invalidParameter(`${kind} must not be empty.`);
  if (/[.\s/]/.test(v) || CONTROL_ANY.test(v)) throw invalidParameter(`Invalid ${kind} ${quote(raw)}: names cannot contain '.', '/', spaces or control characters.`);
  if (v.length > 255) throw invalidParameter(`Invalid ${kind} ${quote(raw)}: at most 255 characters.`);
  return v;
}

/** `<catalog>.<schema>.<model>`, each part a valid identifier, in lower case. */
export function splitFullName(fullName: string): { catalog: string; schema: string; name: string; fullName: string } {
  const parts = fullName.split(".");
  if (parts.length !== 3) throw invalidParameter(`Invalid registered model full name ${quote(fullName)}: expected <catalog>.<schema>.<model>.`);
  const [c, s, n] = [normaliseIdentifier("catalog_name", parts[0]), normaliseIdentifier("schema_name", parts[1]), normaliseIdentifier("name", parts[2])];
  return { catalog: c, schema: s, name: n, fullName: `${c}.${s}.${n}` };
}

export function assertWritable(catalogName: string | undefined, what: string): void {
  if (catalogName === SYSTEM_CATALOG) throw permissionDenied(`The '${SYSTEM_CATALOG}' catalog is read-only: cannot ${what}.`);
}

/** The UC shape: plane-internal fields (MLflow tags, the version high-water mark) stay inside. */
export function modelView(plane: PlaneContext, m: StoredModel, includeAliases: boolean): RegisteredModelInfo {
  const { mlflow_tags: _t, last_version: _l, ...out } = m;
  if (includeAliases) out.aliases = aliasViews(plane, m);
  return out;
}

function aliasViews(plane: PlaneContext, m: StoredModel, version?: number): catalog.RegisteredModelAlias[] {
  return aliasesOf(plane.db, m.full_name!, version).map((r) => ({
    alias_name: r.alias,
    version_num: r.version,
    catalog_name: m.catalog_name,
    schema_name: m.schema_name,
    model_name: m.name,
  }));
}

/** The UC shape of a version: no MLflow-only fields. */
export function versionView(plane: PlaneContext, m: StoredModel, v: StoredModelVersion, includeAliases: boolean): catalog.ModelVersionInfo {
  const { status_message: _sm, description_tags: _t, ...rest } = v;
  const out: catalog.ModelVersionInfo = { ...rest };
  if (includeAliases) out.aliases = aliasViews(plane, m, v.version);
  return out;
}

export function parseVersion(raw: string | number): number {
  const s = String(raw);
  if (!/^\d{1,9}$/.test(s) || Number(s) < 1) throw invalidParameter(`Invalid model version ${quote(s)}: expected a positive integer.`);
  return Number(s);
}

export function requireVersion(plane: PlaneContext, m: StoredModel, version: number): StoredModelVersion {
  const v = getVersion(plane.db, m.full_name!, version);
  if (!v) throw notFound(`Model version ${version} of registered model '${m.full_name}' does not exist.`);
  return v;
}

function validAlias(raw: string): string {
  const a = raw.toLowerCase();
  if (!/^[a-z_][a-z0-9_-]{0,254}$/.test(a)) throw invalidParameter(`Invalid alias ${quote(raw)}: use letters, digits, '_' or '-', not starting with a digit.`);
  if (/^v\d+$/.test(a) || a === "latest") throw invalidParameter(`Alias ${quote(raw)} is reserved.`);
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
  throw invalidParameter(`Invalid page_token ${quote(token)}.`);
}

/** Create a registered model (shared by the UC and the MLflow create routes); 409 when the name is taken. */
export function insertModel(
  ctx: RequestContext,
  fullName: { catalog: string; schema: string; name: string; fullName: string },
  fields: { comment?: string; owner?: string; storage_location?: string; mlflow_tags?: StoredModel["mlflow_tags"] },
  conflict: (message: string) => Error,
): StoredModel {
  assertWritable(fullName.catalog, "create a registered model");
  if (getModel(ctx.plane.db, fullName.fullName)) throw conflict(`Registered model '${fullName.fullName}' already exists.`);
  const now = ctx.plane.now();
  const model: StoredModel = {
    catalog_name: fullName.catalog,
    schema_name: fullName.schema,
    name: fullName.name,
    full_name: fullName.fullName,
    owner: fields.owner ?? ctx.user.userName,
    storage_location: fields.storage_location ?? `dbserve://models/${fullName.fullName}`,
    metastore_id: ctx.plane.metastoreId,
    created_at: now,
    created_by: ctx.user.userName,
    updated_at: now,
    updated_by: ctx.user.userName,
    browse_only: false,
  };
  if (fields.comment !== undefined) model.comment = fields.comment;
  if (fields.mlflow_tags !== undefined && fields.mlflow_tags.length > 0) model.mlflow_tags = fields.mlflow_tags;
  putModel(ctx.plane.db, model);
  return model;
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

const target = (ctx: RequestContext) => ctx.target as StoredModel;

export function createRegisteredModel(ctx: RequestContext): RegisteredModelInfo {
  const body = parseBody(CreateRegisteredModelBody, ctx.body);
  const catalogName = normaliseIdentifier("catalog_name", body.catalog_name);
  const schemaName = normaliseIdentifier("schema_name", body.schema_name);
  const name = normaliseIdentifier("name", body.name);
  const model = insertModel(
    ctx,
    { catalog: catalogName, schema: schemaName, name, fullName: `${catalogName}.${schemaName}.${name}` },
    { comment: body.comment, owner: body.owner, storage_location: body.storage_location },
    ucAlreadyExists,
  );
  return modelView(ctx.plane, model, false);
}

/**
 * Models the caller may read: with EXECUTE (owners, admins and grantees), plus with `include_browse=true` those it
 * holds only BROWSE on, marked `browse_only`. Paging is by name, so a page may come back short, as UC's may.
 */
export function listRegisteredModels(ctx: RequestContext): catalog.ListRegisteredModelsResponse {
  const catalogName = ctx.query.get("catalog_name")?.toLowerCase();
  const schemaName = ctx.query.get("schema_name")?.toLowerCase();
  if (schemaName && !catalogName) throw invalidParameter("schema_name requires catalog_name.");
  const maxResults = queryInt(ctx.query, "max_results", 0, 1000) || 100;
  const includeBrowse = queryBool(ctx.query, "include_browse");
  const after = decodeToken(ctx.query.get("page_token"));
  const rows = listModels(ctx.plane.db, { catalog: catalogName, schema: schemaName, after, limit: maxResults + 1 });
  const page = rows.slice(0, maxResults);
  const visible: RegisteredModelInfo[] = [];
  for (const m of page) {
    const held = modelLevels(ctx.plane, m, ctx.user);
    if (held.has("EXECUTE")) visible.push(modelView(ctx.plane, m, false));
    else if (includeBrowse && held.has("BROWSE")) visible.push({ ...modelView(ctx.plane, m, false), browse_only: true });
  }
  const out: catalog.ListRegisteredModelsResponse = { registered_models: visible };
  if (rows.length > maxResults) out.next_page_token = encodeToken(page[page.length - 1].full_name!);
  return out;
}

export function getRegisteredModel(ctx: RequestContext): RegisteredModelInfo {
  return modelView(ctx.plane, target(ctx), queryBool(ctx.query, "include_aliases"));
}

export function updateRegisteredModel(ctx: RequestContext): RegisteredModelInfo {
  const body = parseBody(UpdateRegisteredModelBody, ctx.body);
  const m = target(ctx);
  assertWritable(m.catalog_name, "update a registered model");
  const next: StoredModel = { ...m, updated_at: ctx.plane.now(), updated_by: ctx.user.userName };
  if (body.comment !== undefined) next.comment = body.comment;
  if (body.owner !== undefined) {
    if (body.owner.trim() === "") throw invalidParameter("owner must not be empty.");
    next.owner = body.owner;
  }
  if (body.new_name !== undefined) {
    const newName = normaliseIdentifier("new_name", body.new_name);
    const newFull = `${m.catalog_name}.${m.schema_name}.${newName}`;
    if (newFull !== m.full_name) {
      if (getModel(ctx.plane.db, newFull)) throw ucAlreadyExists(`Registered model '${newFull}' already exists.`);
      next.name = newName;
      next.full_name = newFull;
      renameModel(ctx.plane.db, m.full_name!, next);
      return modelView(ctx.plane, next, false);
    }
  }
  putModel(ctx.plane.db, next);
  return modelView(ctx.plane, next, false);
}

export function deleteRegisteredModel(ctx: RequestContext): Record<string, never> {
  const m = target(ctx);
  assertWritable(m.catalog_name, "delete a registered model");
  deleteModel(ctx.plane.db, m.full_name!);
  return {};
}

export function listModelVersions(ctx: RequestContext): catalog.ListModelVersionsResponse {
  const m = target(ctx);
  const maxResults = queryInt(ctx.query, "max_results", 0, 1000) || 100;
  const after = decodeToken(ctx.query.get("page_token"));
  const afterNum = after === undefined ? 0 : Number(after);
  if (!Number.isInteger(afterNum)) throw invalidParameter(`Invalid page_token ${quote(ctx.query.get("page_token"))}.`);
  const rows = listVersions(ctx.plane.db, m.full_name!, afterNum, maxResults + 1);
  const page = rows.slice(0, maxResults).map((v) => versionView(ctx.plane, m, v, false));
  const out: catalog.ListModelVersionsResponse = { model_versions: page };
  if (rows.length > maxResults) out.next_page_token = encodeToken(String(page[page.length - 1].version));
  return out;
}

export function getModelVersion(ctx: RequestContext): catalog.ModelVersionInfo {
  const m = target(ctx);
  const v = requireVersion(ctx.plane, m, parseVersion(ctx.params.version));
  return versionView(ctx.plane, m, v, queryBool(ctx.query, "include_aliases"));
}

/** The real service only lets the comment change; other fields in the body are ignored. */
export function updateModelVersion(ctx: RequestContext): catalog.ModelVersionInfo {
  const body = parseBody(UpdateModelVersionBody, ctx.body);
  const m = target(ctx);
  const v = requireVersion(ctx.plane, m, parseVersion(ctx.params.version));
  assertWritable(m.catalog_name, "update a model version");
  const next: StoredModelVersion = { ...v, updated_at: ctx.plane.now(), updated_by: ctx.user.userName };
  if (body.comment !== undefined) next.comment = body.comment;
  putVersion(ctx.plane.db, m.full_name!, next);
  return versionView(ctx.plane, m, next, false);
}

export function deleteModelVersion(ctx: RequestContext): Record<string, never> {
  const m = target(ctx);
  const version = parseVersion(ctx.params.version);
  requireVersion(ctx.plane, m, version);
  assertWritable(m.catalog_name, "delete a model version");
  deleteVersion(ctx.plane.db, m.full_name!, version);
  return {};
}

export function setModelAlias(ctx: RequestContext): catalog.RegisteredModelAlias {
  const body = parseBody(SetAliasBody, ctx.body);
  const alias = validAlias(ctx.params.alias);
  const m = target(ctx);
  assertWritable(m.catalog_name, "set an alias");
  requireVersion(ctx.plane, m, body.version_num);
  setAliasRow(ctx.plane.db, m.full_name!, alias, body.version_num);
  return { alias_name: alias, version_num: body.version_num, catalog_name: m.catalog_name, schema_name: m.schema_name, model_name: m.name };
}

export function getModelAlias(ctx: RequestContext): catalog.ModelVersionInfo {
  const m = target(ctx);
  const alias = ctx.params.alias.toLowerCase();
  const version = getAliasRow(ctx.plane.db, m.full_name!, alias);
  if (version === undefined) throw notFound(`Alias ${quote(alias)} of registered model '${m.full_name}' does not exist.`);
  return versionView(ctx.plane, m, requireVersion(ctx.plane, m, version), queryBool(ctx.query, "include_aliases"));
}

export function deleteModelAlias(ctx: RequestContext): Record<string, never> {
  const m = target(ctx);
  const alias = ctx.params.alias.toLowerCase();
  assertWritable(m.catalog_name, "delete an alias");
  if (!deleteAliasRow(ctx.plane.db, m.full_name!, alias)) throw notFound(`Alias ${quote(alias)} of registered model '${m.full_name}' does not exist.`);
  return {};
}
