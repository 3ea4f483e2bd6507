import type * as s from "@databricks/sdk-experimental/dist/apis/serving/model";
import type { RequestContext } from "../router";
import { parseBody } from "../validate";
import { saveEndpoint } from "./records";
import { PERMISSION_LEVEL_DESCRIPTIONS, loadAcl, mergeAcl, parseAclRequest, permissionsView, saveAcl } from "./permissions";
import { PatchPermissionsBody, PutPermissionsBody } from "./schemas";
import { targetEndpoint } from "./access";

/**
 * The permissions API of serving endpoints (`/api/2.0/permissions/serving-endpoints/{id}`), addressed by endpoint id.
 * Reading or changing the ACL needs CAN_MANAGE (the route table says so): Databricks' serving-endpoint ACL table gives
 * "modify permissions" to CAN_MANAGE alone, and the ACL names who can do what, so CAN_VIEW and CAN_QUERY holders see
 * the endpoint but not its ACL. The permission-level descriptions are not about anyone and need only CAN_VIEW.
 */
export function getEndpointPermissions(ctx: RequestContext): s.ServingEndpointPermissions {
  const { rec } = targetEndpoint(ctx);
  return permissionsView(rec, loadAcl(ctx.plane.db, rec.id));
}

export function getEndpointPermissionLevels(): s.GetServingEndpointPermissionLevelsResponse {
  return PERMISSION_LEVEL_DESCRIPTIONS;
}

/** PUT replaces the direct grants with `access_control_list`, which is required (`[]` clears them deliberately). */
export function setEndpointPermissions(ctx: RequestContext): s.ServingEndpointPermissions {
  const body = parseBody(PutPermissionsBody, ctx.body);
  return changeAcl(ctx, body.access_control_list, false);
}

/** PATCH merges into the direct grants; an empty body changes nothing. */
export function updateEndpointPermissions(ctx: RequestContext): s.ServingEndpointPermissions {
  const body = parseBody(PatchPermissionsBody, ctx.body);
  return changeAcl(ctx, body.access_control_list ?? [], true);
}

function changeAcl(ctx: RequestContext, list: Parameters<typeof parseAclRequest>[1], merge: boolean): s.ServingEndpointPermissions {
  const { db } = ctx.plane;
  const { rec } = targetEndpoint(ctx);
  const requested = parseAclRequest(db, list);
  // Inherited grants (admins, and users on pay-per-token endpoints) are untouched either way.
  const next = mergeAcl(merge ? loadAcl(db, rec.id) : [], requested);
  saveAcl(db, rec.id, next);
  rec.last_updated_timestamp = ctx.plane.now();
  saveEndpoint(db, rec);
  return permissionsView(rec, next);
}
