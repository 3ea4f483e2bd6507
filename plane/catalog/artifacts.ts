import { Reply, type RequestContext } from "../router";
import { invalidParameter, notFound, quote } from "../errors";
import { CONTROL_ANY } from "../validate";
import { parseVersion, requireVersion } from "./models";
import { getArtifact, listArtifacts, putArtifact, type StoredModel } from "./store";

/**
 * The plane's own artifact store (`/api/2.0/dbserve/artifacts/{model}/{version}[/{path}]`), standing in for the
 * cloud storage a workspace hands out temporary credentials for. Writing needs MANAGE on the model and a version
 * still PENDING_REGISTRATION; reading needs EXECUTE.
 */
function cleanArtifactPath(raw: string): string {
  const parts = raw.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.length === 0 || parts.some((p) => p === "..") || raw.length > 1024 || CONTROL_ANY.test(raw)) {
    throw invalidParameter(`Invalid artifact path ${quote(raw)}.`);
  }
  return parts.join("/");
}

export function uploadArtifact(ctx: RequestContext) {
  const m = ctx.target as StoredModel;
  const version = parseVersion(ctx.params.version);
  const path = cleanArtifactPath(ctx.params.path);
  const v = requireVersion(ctx.plane, m, version);
  if (v.status !== "PENDING_REGISTRATION") throw invalidParameter(`Model version ${version} of '${m.full_name}' is ${v.status}; its artifacts are immutable.`);
  putArtifact(ctx.plane.db, m.full_name!, version, path, ctx.rawBody);
  return { path, file_size: ctx.rawBody.length };
}

export function downloadArtifact(ctx: RequestContext): Reply {
  const m = ctx.target as StoredModel;
  const version = parseVersion(ctx.params.version);
  const path = cleanArtifactPath(ctx.params.path);
  requireVersion(ctx.plane, m, version);
  const bytes = getArtifact(ctx.plane.db, m.full_name!, version, path);
  if (!bytes) throw notFound(`Artifact ${quote(path)} of ${m.full_name} version ${version} does not exist.`);
  return new Reply(200, undefined, { "Content-Type": "application/octet-stream" }, bytes);
}

export function listVersionArtifacts(ctx: RequestContext) {
  const m = ctx.target as StoredModel;
  const version = parseVersion(ctx.params.version);
  requireVersion(ctx.plane, m, version);
  return { files: listArtifacts(ctx.plane.db, m.full_name!, version).map((r) => ({ path: r.path, is_dir: false, file_size: r.size })) };
}
