import type { PlaneContext } from "../context";
import type { User } from "../auth";
import type { ObjectType } from "../authz";
import { invalidParameter, notFound, permissionDenied, quote } from "../errors";
import type { RequestContext } from "../router";
import { loadEndpoint, loadEndpointById, saveEndpoint, type EndpointRecord } from "./records";
import { atLeast, effectiveLevel } from "./permissions";
import { PERMISSION_LEVELS } from "../../common/serving-vocabulary";
import type { PermissionLevel } from "./schemas";

/** Serving endpoints as an object type of the route table's access rules (levels CAN_VIEW < CAN_QUERY < CAN_MANAGE). */
export function endpointNotFound(name: string) {
  return notFound(`Endpoint with name ${quote(name)} does not exist.`);
}

/** Apply a deployment whose deadline passed (so reads never see a stale IN_PROGRESS). */
function settled(plane: PlaneContext, rec: EndpointRecord): EndpointRecord {
  if (plane.lifecycle.settleInPlace(rec)) saveEndpoint(plane.db, rec);
  return rec;
}

export const SERVING_ENDPOINT: ObjectType<EndpointRecord> = {
  name: "serving-endpoint",
  levels: [...PERMISSION_LEVELS].reverse(),
  find: (plane, key, by) => {
    const rec = by === "id" ? loadEndpointById(plane.db, key) : loadEndpoint(plane.db, key);
    return rec ? settled(plane, rec) : undefined;
  },
  missing: (key, by) => (by === "id" ? notFound(`Serving endpoint with id ${quote(key)} does not exist.`) : endpointNotFound(key)),
  allows: (plane, rec, user, level) => atLeast(effectiveLevel(plane.db, rec, user), level as PermissionLevel),
  standing: (plane, rec, user) => effectiveLevel(plane.db, rec, user),
  denied: (rec, user, level) => permissionDenied(`User ${user.userName} does not have ${level} permission on serving endpoint '${rec.name}'.`),
};

/** What the query path passes around: the plane. */
export interface ServingDeps {
  plane: PlaneContext;
}

/**
 * An endpoint and the caller's level, checked here rather than by a route rule (the query pipeline re-checks what the
 * route table already did, and reads endpoints named inside a request).
 */
export function fetchWithLevel(deps: ServingDeps, name: string, user: User, needed: PermissionLevel): { rec: EndpointRecord; level: PermissionLevel } {
  const rec = SERVING_ENDPOINT.find(deps.plane, name, "name");
  if (!rec) throw endpointNotFound(name);
  if (!SERVING_ENDPOINT.allows(deps.plane, rec, user, needed)) throw SERVING_ENDPOINT.denied(rec, user, needed);
  return { rec, level: effectiveLevel(deps.plane.db, rec, user)! };
}

/** The endpoint a route's access rule resolved, and the caller's level on it. */
export function targetEndpoint(ctx: RequestContext): { rec: EndpointRecord; level: PermissionLevel } {
  return { rec: ctx.target as EndpointRecord, level: ctx.standing as PermissionLevel };
}

export const ENDPOINT_NAME = /^[A-Za-z0-9_-]+$/;

export function validateEndpointName(name: string): void {
  if (name === "") throw invalidParameter("Endpoint name must not be empty.");
  if (!ENDPOINT_NAME.test(name)) throw invalidParameter(`Invalid endpoint name ${quote(name)}: only letters, digits, '-' and '_' are allowed.`);
  if (name.length > 63) throw invalidParameter(`Invalid endpoint name ${quote(name)}: it must be fewer than 64 characters.`);
}

export function assertNotPayPerToken(rec: EndpointRecord, action: string): void {
  if (rec.kind === "pay_per_token") {
    throw permissionDenied(`'${rec.name}' is a Databricks-managed pay-per-token endpoint: its ${action}. You can change its AI gateway, tags and permissions.`);
  }
}
