import type * as catalog from "@databricks/sdk-experimental/dist/apis/catalog/model";
import type { RequestContext } from "../router";
import { userExists } from "../auth";
import { invalidParameter, quote } from "../errors";
import { parseBody } from "../validate";
import { ALL_USERS_GROUP, MODEL_PRIVILEGES } from "./access";
import { assertWritable } from "./models";
import { UpdateGrantsBody } from "./schemas";
import { getGrants, setGrant, type StoredModel } from "./store";

/**
 * Unity Catalog grants on registered models: `GET|PATCH /api/2.1/unity-catalog/permissions/function/{full_name}`
 * (UC's securable type for models is FUNCTION). Principals are the plane's users and the `account users` group.
 * Reading and changing grants needs MANAGE (owners and admins hold it).
 */
function assignments(grants: Map<string, string[]>, principal?: string | null): catalog.PrivilegeAssignment[] {
  return [...grants.entries()]
    .filter(([p]) => !principal || p === principal)
    .map(([p, privileges]) => ({ principal: p, privileges: privileges as catalog.Privilege[] }));
}

export function getModelGrants(ctx: RequestContext): catalog.GetPermissionsResponse {
  const m = ctx.target as StoredModel;
  return { privilege_assignments: assignments(getGrants(ctx.plane.db, m.full_name!), ctx.query.get("principal")) };
}

export function updateModelGrants(ctx: RequestContext): catalog.UpdatePermissionsResponse {
  const body = parseBody(UpdateGrantsBody, ctx.body);
  const m = ctx.target as StoredModel;
  const changes = body.changes ?? [];
  if (changes.length > 0) assertWritable(m.catalog_name, "change grants");
  const grants = getGrants(ctx.plane.db, m.full_name!);
  for (const [i, c] of changes.entries()) {
    if (c.principal !== ALL_USERS_GROUP && !userExists(ctx.plane.db, c.principal)) {
      throw invalidParameter(`changes[${i}]: could not find principal with name ${quote(c.principal)}.`);
    }
    for (const p of [...(c.add ?? []), ...(c.remove ?? [])]) {
      if (!(MODEL_PRIVILEGES as readonly string[]).includes(p)) {
        throw invalidParameter(`changes[${i}]: privilege ${quote(p)} is not applicable to a registered model; valid privileges are ${MODEL_PRIVILEGES.join(", ")}.`);
      }
    }
    const held = new Set(grants.get(c.principal) ?? []);
    for (const p of c.add ?? []) held.add(p);
    for (const p of c.remove ?? []) held.delete(p);
    const next = [...held].sort();
    grants.set(c.principal, next);
    setGrant(ctx.plane.db, m.full_name!, c.principal, next);
  }
  return { privilege_assignments: assignments(getGrants(ctx.plane.db, m.full_name!)) };
}
