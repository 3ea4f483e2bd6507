import type { PlaneContext } from "../context";
import type { User } from "../auth";
import { invalidParameter, notFound, permissionDenied } from "../errors";
import type { Lifecycle } from "./lifecycle";
import { loadEndpoint, saveEndpoint, type EndpointRecord } from "./records";
import { requireLevel } from "./permissions";
import type { PermissionLevel } from "./schemas";

/** Shared by the serving route modules: find an endpoint (settling a due deployment first) and check access. */
export interface ServingDeps {
  plane: PlaneContext;
  lifecycle: Lifecycle;
}

export function endpointNotFound(name: string) {
  return notFound(`Endpoint with name '${name}' does not exist.`);
}

/** Load an endpoint, apply a deployment whose deadline passed (so reads never see a stale IN_PROGRESS). */
export function fetchEndpoint(deps: ServingDeps, name: string): EndpointRecord {
  const rec = loadEndpoint(deps.plane.db, name);
  if (!rec) throw endpointNotFound(name);
  if (deps.lifecycle.settleInPlace(rec)) saveEndpoint(deps.plane.db, rec);
  return rec;
}

export function fetchWithLevel(deps: ServingDeps, name: string, user: User, needed: PermissionLevel): { rec: EndpointRecord; level: PermissionLevel } {
  const rec = fetchEndpoint(deps, name);
  const level = requireLevel(deps.plane.db, rec, user, needed);
  return { rec, level };
}

export const ENDPOINT_NAME = /^[A-Za-z0-9_-]+$/;

export function validateEndpointName(name: string): void {
  if (name === "") throw invalidParameter("Endpoint name must not be empty.");
  if (!ENDPOINT_NAME.test(name)) {
    throw invalidParameter(`Invalid endpoint name '${name}': only letters, digits, '-' and '_' are allowed.`);
  }
  if (name.length > 63) throw invalidParameter(`Invalid endpoint name '${name}': it must be fewer than 64 characters.`);
}

export function assertNotPayPerToken(rec: EndpointRecord, action: string): void {
  if (rec.kind === "pay_per_token") {
    throw permissionDenied(
      `'${rec.name}' is a Databricks-managed pay-per-token endpoint: its ${action}. You can change its AI gateway, tags and permissions.`,
    );
  }
}
