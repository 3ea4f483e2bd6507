import { randomUUID } from "node:crypto";
import type { PlaneContext } from "../context";
import type { RequestContext } from "../router";
import { alreadyExists, invalidParameter, notFound, quote } from "../errors";
import { max } from "../limits";
import { parseBody } from "../validate";
import {
  MlflowCreateRegisteredModelBody,
  MlflowCreateVersionBody,
  MlflowDeleteModelTagBody,
  MlflowDeleteVersionTagBody,
  MlflowSetModelTagBody,
  MlflowSetVersionTagBody,
  MlflowTempCredentialsBody,
  MlflowVersionRefBody,
  type MlflowTag,
} from "./schemas";
import { assertWritable, insertModel, parseVersion, requireVersion, splitFullName } from "./models";
import { aliasesOf, getArtifact, listArtifacts, nextVersionNumber, putModel, putVersion, type StoredModel, type StoredModelVersion, type Tag } from "./store";

/**
 * The MLflow Unity Catalog registry (`/api/2.0/mlflow/unity-catalog/...`): registered models with tags, model versions
 * with tags, and the create → upload → finalize registration flow. Registered models are the same objects the UC
 * routes serve.
 *
 * There is no cloud storage behind the plane, so `generate-temporary-credentials` answers with a `dbserve_upload`
 * credential pointing at `PUT /api/2.0/dbserve/artifacts/{model}/{version}/{path}` on the plane itself (same bearer
 * token). Sources that name remote artifacts (`runs:/`, `models:/`, `hf://`, cloud URIs) are simulated as copied at
 * finalize; any other source is "local" and must have had an `MLmodel` file uploaded, or finalize fails the version
 * with FAILED_REGISTRATION and a status_message, as MLflow's own validation would.
 */
const REMOTE_SOURCE = /^(runs:\/|models:\/|hf:\/\/|dbfs:|s3a?:\/\/|abfss?:\/\/|wasbs?:\/\/|gs:\/\/|https?:\/\/|dbserve:\/\/)/i;

/** MLflow tag keys: letters, digits, `_ - . / space` (MLflow's rule), at most 250 characters. */
const TAG_KEY = /^[\w\-./ ]+$/;

function checkTagKey(key: string, where: string): void {
  if (!TAG_KEY.test(key) || key.split("/").includes("..")) {
    throw invalidParameter(`${where}: invalid tag key ${quote(key)}; use letters, digits, '_', '-', '.', '/' and spaces.`);
  }
}

/** Validate tags given on create: valid keys, no key twice. */
function checkTags(tags: MlflowTag[] | undefined, where: string): Tag[] {
  const seen = new Set<string>();
  for (const [i, t] of (tags ?? []).entries()) {
    checkTagKey(t.key, `${where}[${i}]`);
    if (seen.has(t.key)) throw invalidParameter(`${where}: tag key ${quote(t.key)} is given more than once.`);
    seen.add(t.key);
  }
  return (tags ?? []).map((t) => ({ key: t.key, value: t.value ?? "" }));
}

/** Set one tag (replacing the key's value), keeping at most `mlflowTags` tags, ordered by key. */
function withTag(tags: Tag[] | undefined, key: string, value: string): Tag[] {
  const out = (tags ?? []).filter((t) => t.key !== key).concat([{ key, value }]);
  if (out.length > max("mlflowTags")) throw invalidParameter(`An object can have at most ${max("mlflowTags")} MLflow tags.`);
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function withoutTag(tags: Tag[] | undefined, key: string, what: string): Tag[] {
  if (!(tags ?? []).some((t) => t.key === key)) throw notFound(`No tag with key ${quote(key)} on ${what}.`);
  return (tags ?? []).filter((t) => t.key !== key);
}

/** The MLflow wire shape of a registered model. */
function registeredModelView(plane: PlaneContext, m: StoredModel) {
  return {
    registered_model: {
      name: m.full_name,
      creation_timestamp: m.created_at,
      last_updated_timestamp: m.updated_at,
      user_id: m.created_by,
      description: m.comment ?? "",
      tags: m.mlflow_tags ?? [],
      aliases: aliasesOf(plane.db, m.full_name!).map((a) => ({ alias: a.alias, version: String(a.version) })),
    },
  };
}

/** The MLflow wire shape of a version: string version, millisecond timestamps, status_message, tags, aliases. */
function versionView(plane: PlaneContext, m: StoredModel, v: StoredModelVersion) {
  return {
    model_version: {
      name: m.full_name,
      version: String(v.version),
      creation_timestamp: v.created_at,
      last_updated_timestamp: v.updated_at,
      user_id: v.created_by,
      description: v.comment ?? "",
      source: v.source,
      run_id: v.run_id ?? "",
      status: v.status,
      status_message: v.status_message ?? "",
      storage_location: v.storage_location,
      tags: v.description_tags ?? [],
      aliases: aliasesOf(plane.db, m.full_name!, v.version).map((a) => a.alias),
    },
  };
}

const target = (ctx: RequestContext) => ctx.target as StoredModel;

/** Registered model and its tags in one transaction (the request's); 409 RESOURCE_ALREADY_EXISTS when taken. */
export function createRegisteredModelMlflow(ctx: RequestContext) {
  const body = parseBody(MlflowCreateRegisteredModelBody, ctx.body);
  const name = splitFullName(body.name);
  const tags = checkTags(body.tags, "tags");
  const model = insertModel(ctx, name, { comment: body.description, mlflow_tags: tags }, alreadyExists);
  return registeredModelView(ctx.plane, model);
}

export function getRegisteredModelMlflow(ctx: RequestContext) {
  return registeredModelView(ctx.plane, target(ctx));
}

export function setRegisteredModelTag(ctx: RequestContext): Record<string, never> {
  const body = parseBody(MlflowSetModelTagBody, ctx.body);
  const m = target(ctx);
  assertWritable(m.catalog_name, "set a tag");
  checkTagKey(body.key, "key");
  putModel(ctx.plane.db, { ...m, mlflow_tags: withTag(m.mlflow_tags, body.key, body.value) });
  return {};
}

/** The key comes in a JSON body or, as some clients send DELETE, in the query string. */
function deleteParams(ctx: RequestContext): Record<string, unknown> {
  const body = { ...(ctx.body as Record<string, unknown>) };
  for (const key of ["name", "version", "key"]) {
    const q = ctx.query.get(key);
    if (body[key] === undefined && q !== null) body[key] = q;
  }
  return body;
}

export function deleteRegisteredModelTag(ctx: RequestContext): Record<string, never> {
  const body = parseBody(MlflowDeleteModelTagBody, deleteParams(ctx));
  const m = target(ctx);
  assertWritable(m.catalog_name, "delete a tag");
  putModel(ctx.plane.db, { ...m, mlflow_tags: withoutTag(m.mlflow_tags, body.key, `registered model '${m.full_name}'`) });
  return {};
}

export function createModelVersionMlflow(ctx: RequestContext) {
  const body = parseBody(MlflowCreateVersionBody, ctx.body);
  const m = target(ctx);
  assertWritable(m.catalog_name, "create a model version");
  if (body.source.trim() === "") throw invalidParameter("source must not be empty.");
  const tags = checkTags(body.tags, "tags");
  const fullName = m.full_name!;
  const version = nextVersionNumber(ctx.plane.db, m);
  putModel(ctx.plane.db, { ...m, last_version: version });
  const now = ctx.plane.now();
  const v: StoredModelVersion = {
    id: randomUUID(),
    version,
    model_name: m.name,
    catalog_name: m.catalog_name,
    schema_name: m.schema_name,
    source: body.source,
    storage_location: `dbserve://models/${fullName}/versions/${version}`,
    status: "PENDING_REGISTRATION",
    metastore_id: ctx.plane.metastoreId,
    created_at: now,
    created_by: ctx.user.userName,
    updated_at: now,
    updated_by: ctx.user.userName,
  };
  if (body.run_id !== undefined) v.run_id = body.run_id;
  if (body.description !== undefined) v.comment = body.description;
  if (tags.length > 0) v.description_tags = tags;
  putVersion(ctx.plane.db, fullName, v);
  return versionView(ctx.plane, m, v);
}

export function getModelVersionMlflow(ctx: RequestContext) {
  const version = ctx.query.get("version");
  if (!version) throw invalidParameter("Missing required field: version");
  const m = target(ctx);
  return versionView(ctx.plane, m, requireVersion(ctx.plane, m, parseVersion(version)));
}

export function setModelVersionTag(ctx: RequestContext): Record<string, never> {
  const body = parseBody(MlflowSetVersionTagBody, ctx.body);
  const m = target(ctx);
  assertWritable(m.catalog_name, "set a tag");
  checkTagKey(body.key, "key");
  const v = requireVersion(ctx.plane, m, parseVersion(body.version));
  putVersion(ctx.plane.db, m.full_name!, { ...v, description_tags: withTag(v.description_tags, body.key, body.value) });
  return {};
}

export function deleteModelVersionTag(ctx: RequestContext): Record<string, never> {
  const body = parseBody(MlflowDeleteVersionTagBody, deleteParams(ctx));
  const m = target(ctx);
  assertWritable(m.catalog_name, "delete a tag");
  const v = requireVersion(ctx.plane, m, parseVersion(body.version));
  putVersion(ctx.plane.db, m.full_name!, { ...v, description_tags: withoutTag(v.description_tags, body.key, `version ${v.version} of '${m.full_name}'`) });
  return {};
}

/** READ credentials need EXECUTE; READ_WRITE (upload) needs MANAGE: the route table's `when` clause says so. */
export function generateTemporaryCredentials(ctx: RequestContext) {
  const body = parseBody(MlflowTempCredentialsBody, ctx.body);
  const m = target(ctx);
  const version = parseVersion(body.version);
  const v = requireVersion(ctx.plane, m, version);
  const write = body.operation === "MODEL_VERSION_OPERATION_READ_WRITE";
  if (write && v.status !== "PENDING_REGISTRATION") {
    throw invalidParameter(`Model version ${version} of '${m.full_name}' is ${v.status}; artifacts can only be written while PENDING_REGISTRATION.`);
  }
  return {
    credentials: {
      // The plane's own credential kind: upload with PUT <url>/<path> and the same bearer token.
      dbserve_upload: { url: `${ctx.plane.baseUrl()}/api/2.0/dbserve/artifacts/${m.full_name}/${version}`, method: write ? "PUT" : "GET" },
      expiration_time: ctx.plane.now() + 15 * 60 * 1000,
    },
    storage_location: v.storage_location,
  };
}

/** PENDING_REGISTRATION → READY, or FAILED_REGISTRATION without an MLmodel file; a READY version finalizes again as a no-op. */
export function finalizeModelVersion(ctx: RequestContext) {
  const body = parseBody(MlflowVersionRefBody, ctx.body);
  const m = target(ctx);
  const version = parseVersion(body.version);
  const v = requireVersion(ctx.plane, m, version);
  const fullName = m.full_name!;
  if (v.status === "READY") return versionView(ctx.plane, m, v);
  if (v.status !== "PENDING_REGISTRATION") throw invalidParameter(`Model version ${version} of '${fullName}' is ${v.status} and cannot be finalized.`);
  const next: StoredModelVersion = { ...v, updated_at: ctx.plane.now(), updated_by: ctx.user.userName };
  const remote = REMOTE_SOURCE.test(v.source ?? "") && !(v.source ?? "").startsWith(v.storage_location ?? "\0");
  if (!remote && getArtifact(ctx.plane.db, fullName, version, "MLmodel") === undefined) {
    next.status = "FAILED_REGISTRATION";
    const n = listArtifacts(ctx.plane.db, fullName, version).length;
    next.status_message =
      `No MLmodel file found at ${v.storage_location}/MLmodel (${n} artifact(s) uploaded). ` + "Upload the model directory, including its MLmodel file, before finalizing.";
  } else {
    next.status = "READY";
    delete next.status_message;
  }
  putVersion(ctx.plane.db, fullName, next);
  return versionView(ctx.plane, m, next);
}
