import type { User } from "../auth";
import type { PlaneContext } from "../context";
import type { ObjectType } from "../authz";
import { notFound, permissionDenied, quote } from "../errors";
import { SYSTEM_CATALOG } from "./foundation";
import { getGrants, getModel, type StoredModel } from "./store";

/**
 * Who may do what to a registered model, after Unity Catalog's rules (SDK RegisteredModelsAPI docs): reading
 * metadata, versions and files needs EXECUTE; changing tags needs APPLY_TAG; everything else (comment, owner, rename,
 * delete, versions, aliases, grants) belongs to the owner — or to a holder of MANAGE, which UC gives owner-like rights.
 * Workspace admins and the owner hold every privilege. `system.ai` is readable (EXECUTE) by every user.
 *
 * Plane simplifications: catalogs and schemas are not securables here (USE_CATALOG, USE_SCHEMA and CREATE_MODEL are
 * taken as held by everyone, outside the read-only `system` catalog), and MANAGE implies the other privileges (a
 * MANAGE holder can grant them to itself anyway).
 */
export const MODEL_PRIVILEGES = ["ALL_PRIVILEGES", "APPLY_TAG", "BROWSE", "EXECUTE", "MANAGE"] as const;
export type ModelPrivilege = (typeof MODEL_PRIVILEGES)[number];

/** The levels route rules can require. */
export const MODEL_LEVELS = ["BROWSE", "EXECUTE", "APPLY_TAG", "MANAGE"] as const;
export type ModelLevel = (typeof MODEL_LEVELS)[number];

const IMPLIES: Record<ModelPrivilege, readonly ModelLevel[]> = {
  BROWSE: ["BROWSE"],
  EXECUTE: ["EXECUTE", "BROWSE"],
  APPLY_TAG: ["APPLY_TAG"],
  ALL_PRIVILEGES: ["EXECUTE", "APPLY_TAG", "BROWSE"],
  MANAGE: MODEL_LEVELS,
};

/** The group every user belongs to, as UC names it. */
export const ALL_USERS_GROUP = "account users";

export function modelLevels(plane: PlaneContext, m: StoredModel, user: User): Set<ModelLevel> {
  if (user.isAdmin || m.owner === user.userName) return new Set(MODEL_LEVELS);
  const held = new Set<ModelLevel>();
  if (m.catalog_name === SYSTEM_CATALOG) {
    held.add("EXECUTE");
    held.add("BROWSE");
  }
  for (const [principal, privileges] of getGrants(plane.db, m.full_name!)) {
    if (principal !== user.userName && principal !== ALL_USERS_GROUP) continue;
    for (const p of privileges) for (const l of IMPLIES[p as ModelPrivilege] ?? []) held.add(l);
  }
  return held;
}

export const REGISTERED_MODEL: ObjectType<StoredModel> = {
  name: "registered-model",
  levels: MODEL_LEVELS,
  find: (plane, key) => getModel(plane.db, key),
  missing: (key) => notFound(`Registered model ${quote(key.toLowerCase())} does not exist.`),
  allows: (plane, m, user, level) => modelLevels(plane, m, user).has(level as ModelLevel),
  standing: (plane, m, user) => (modelLevels(plane, m, user).has("MANAGE") ? "MANAGE" : modelLevels(plane, m, user).has("EXECUTE") ? "EXECUTE" : undefined),
  denied: (m, user, level) =>
    permissionDenied(
      level === "MANAGE"
        ? `User ${user.userName} is not an owner of registered model '${m.full_name}' and does not have MANAGE on it.`
        : `User ${user.userName} does not have ${level} on registered model '${m.full_name}'.`,
    ),
};
