import { randomUUID } from "node:crypto";
import type { PlaneContext } from "../context";
import type { DB } from "../store";
import { Reply, type Router } from "../router";
import { invalidParameter, notFound, permissionDenied } from "../errors";
import { parseBody } from "../validate";
import { MlflowCreateVersionBody, MlflowTempCredentialsBody, MlflowVersionRefBody } from "./schemas";
import { getModel, putVersion, requireVersion, splitFullName, type StoredModelVersion } from "./models";
import { SYSTEM_CATALOG } from "./foundation";

/**
 * The MLflow Unity Catalog registry routes that create model versions, plus the plane's own artifact store.
 *
 * There is no cloud storage behind the plane, so `generate-temporary-credentials` answers with a `dbserve_upload`
 * credential pointing at `PUT /api/2.0/dbserve/artifacts/{model}/{version}/{path}` on the plane itself (same bearer
 * token). Sources that name remote artifacts (`runs:/`, `models:/`, `hf://`, cloud URIs) are simulated as copied at
 * finalize; any other source is "local" and must have had an `MLmodel` file uploaded, or finalize fails the version
 * with FAILED_REGISTRATION and a status_message, as MLflow's own validation would.
 */
const REMOTE_SOURCE = /^(runs:\/|models:\/|hf:\/\/|dbfs:|s3a?:\/\/|abfss?:\/\/|wasbs?:\/\/|gs:\/\/|https?:\/\/|dbserve:\/\/)/i;

/** The MLflow wire shape: string version, millisecond timestamps, status_message. */
function mlflowView(fullName: string, v: StoredModelVersion) {
  return {
    model_version: {
      name: fullName,
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
      aliases: [] as string[],
    },
  };
}

function versionNumber(raw: string | number): number {
  const s = String(raw);
  if (!/^\d+$/.test(s) || Number(s) < 1) throw invalidParameter(`Invalid model version '${s}': expected a positive integer.`);
  return Number(s);
}

function artifactCount(db: DB, fullName: string, version: number): number {
  return (db.prepare("SELECT COUNT(*) AS n FROM artifacts WHERE model = ? AND version = ?").get(fullName, version) as { n: number }).n;
}

function hasArtifact(db: DB, fullName: string, version: number, path: string): boolean {
  return db.prepare("SELECT 1 FROM artifacts WHERE model = ? AND version = ? AND path = ?").get(fullName, version, path) !== undefined;
}

/** Artifact paths are relative and may not escape the version's root. */
function cleanArtifactPath(raw: string): string {
  const parts = raw.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.length === 0 || parts.some((p) => p === "..")) throw invalidParameter(`Invalid artifact path '${raw}'.`);
  return parts.join("/");
}

export function registerMlflowRoutes(router: Router, plane: PlaneContext): void {
  const { db } = plane;
  const base = "/api/2.0/mlflow/unity-catalog/model-versions";

  router.add("POST", `${base}/create`, (ctx) => {
    const body = parseBody(MlflowCreateVersionBody, ctx.body);
    const { catalog } = splitFullName(body.name);
    if (catalog === SYSTEM_CATALOG) throw permissionDenied(`The '${SYSTEM_CATALOG}' catalog is read-only: cannot create a model version.`);
    if (body.source.trim() === "") throw invalidParameter("source must not be empty.");
    return db.transaction(() => {
      const m = getModel(db, body.name);
      if (!m) throw notFound(`Registered model '${body.name}' does not exist.`);
      const fullName = m.full_name!;
      const max = db.prepare("SELECT MAX(version) AS v FROM model_versions WHERE model = ?").get(fullName) as { v: number | null };
      // Version numbers are never reused, even after deletes: remember the high-water mark per model.
      const hwmKey = `version-hwm:${fullName}`;
      const hwmRow = db.prepare("SELECT value FROM meta WHERE key = ?").get(hwmKey) as { value: string } | undefined;
      const version = Math.max(max.v ?? 0, Number(hwmRow?.value ?? "0")) + 1;
      db.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(hwmKey, String(version));
      const now = plane.now();
      const v: StoredModelVersion = {
        id: randomUUID(),
        version,
        model_name: m.name,
        catalog_name: m.catalog_name,
        schema_name: m.schema_name,
        source: body.source,
        storage_location: `dbserve://models/${fullName}/versions/${version}`,
        status: "PENDING_REGISTRATION",
        metastore_id: plane.metastoreId,
        created_at: now,
        created_by: ctx.user.userName,
        updated_at: now,
        updated_by: ctx.user.userName,
      };
      if (body.run_id !== undefined) v.run_id = body.run_id;
      if (body.description !== undefined) v.comment = body.description;
      if (body.tags !== undefined) v.description_tags = body.tags;
      putVersion(db, fullName, v);
      return mlflowView(fullName, v);
    })();
  });

  router.add("GET", `${base}/get`, (ctx) => {
    const name = ctx.query.get("name");
    const version = ctx.query.get("version");
    if (!name) throw invalidParameter("Missing required field: name");
    if (!version) throw invalidParameter("Missing required field: version");
    const v = requireVersion(db, name, versionNumber(version));
    return mlflowView(name.toLowerCase(), v);
  });

  router.add("POST", `${base}/generate-temporary-credentials`, (ctx) => {
    const body = parseBody(MlflowTempCredentialsBody, ctx.body);
    const version = versionNumber(body.version);
    const v = requireVersion(db, body.name, version);
    const fullName = body.name.toLowerCase();
    const write = body.operation === "MODEL_VERSION_OPERATION_READ_WRITE";
    if (write && v.status !== "PENDING_REGISTRATION") {
      throw invalidParameter(`Model version ${version} of '${fullName}' is ${v.status}; artifacts can only be written while PENDING_REGISTRATION.`);
    }
    return {
      credentials: {
        // The plane's own credential kind: upload with PUT <url>/<path> and the same bearer token.
        dbserve_upload: {
          url: `${plane.baseUrl()}/api/2.0/dbserve/artifacts/${fullName}/${version}`,
          method: write ? "PUT" : "GET",
        },
        expiration_time: plane.now() + 15 * 60 * 1000,
      },
      storage_location: v.storage_location,
    };
  });

  router.add("POST", `${base}/finalize`, (ctx) => {
    const body = parseBody(MlflowVersionRefBody, ctx.body);
    const version = versionNumber(body.version);
    return db.transaction(() => {
      const v = requireVersion(db, body.name, version);
      const fullName = body.name.toLowerCase();
      if (v.status === "READY") return mlflowView(fullName, v); // idempotent, so a retried finalize succeeds
      if (v.status !== "PENDING_REGISTRATION") {
        throw invalidParameter(`Model version ${version} of '${fullName}' is ${v.status} and cannot be finalized.`);
      }
      const next: StoredModelVersion = { ...v, updated_at: plane.now(), updated_by: ctx.user.userName };
      const remote = REMOTE_SOURCE.test(v.source ?? "") && !(v.source ?? "").startsWith(v.storage_location ?? "\0");
      if (!remote && !hasArtifact(db, fullName, version, "MLmodel")) {
        next.status = "FAILED_REGISTRATION";
        const n = artifactCount(db, fullName, version);
        next.status_message =
          `No MLmodel file found at ${v.storage_location}/MLmodel (${n} artifact(s) uploaded). ` +
          "Upload the model directory, including its MLmodel file, before finalizing.";
      } else {
        next.status = "READY";
        delete next.status_message;
      }
      putVersion(db, fullName, next);
      return mlflowView(fullName, next);
    })();
  });

  // The plane's own artifact store.
  const artifacts = "/api/2.0/dbserve/artifacts/:model/:version";
  router.add(
    "PUT",
    `${artifacts}/*path`,
    (ctx) => {
      const version = versionNumber(ctx.params.version);
      const path = cleanArtifactPath(ctx.params.path);
      const fullName = ctx.params.model.toLowerCase();
      db.transaction(() => {
        const v = requireVersion(db, fullName, version);
        if (v.status !== "PENDING_REGISTRATION") {
          throw invalidParameter(`Model version ${version} of '${fullName}' is ${v.status}; its artifacts are immutable.`);
        }
        db.prepare(
          "INSERT INTO artifacts (model, version, path, bytes) VALUES (?, ?, ?, ?) ON CONFLICT(model, version, path) DO UPDATE SET bytes = excluded.bytes",
        ).run(fullName, version, path, ctx.rawBody);
      })();
      return { path, file_size: ctx.rawBody.length };
    },
    { raw: true },
  );

  router.add("GET", `${artifacts}/*path`, (ctx) => {
    const version = versionNumber(ctx.params.version);
    const path = cleanArtifactPath(ctx.params.path);
    const fullName = ctx.params.model.toLowerCase();
    requireVersion(db, fullName, version);
    const row = db.prepare("SELECT bytes FROM artifacts WHERE model = ? AND version = ? AND path = ?").get(fullName, version, path) as
      | { bytes: Buffer }
      | undefined;
    if (!row) throw notFound(`Artifact '${path}' of ${fullName} version ${version} does not exist.`);
    return new Reply(200, undefined, { "Content-Type": "application/octet-stream" }, row.bytes);
  });

  router.add("GET", artifacts, (ctx) => {
    const version = versionNumber(ctx.params.version);
    const fullName = ctx.params.model.toLowerCase();
    requireVersion(db, fullName, version);
    const rows = db.prepare("SELECT path, length(bytes) AS size FROM artifacts WHERE model = ? AND version = ? ORDER BY path").all(fullName, version) as {
      path: string;
      size: number;
    }[];
    return { files: rows.map((r) => ({ path: r.path, is_dir: false, file_size: r.size })) };
  });
}
