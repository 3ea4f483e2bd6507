import type * as s from "@databricks/sdk-experimental/dist/apis/serving/model";
import type { DB } from "../store";
import type { User } from "../auth";
import { userExists } from "../auth";
import { invalidParameter, quote } from "../errors";
import type { EndpointRecord } from "./records";
import type { PermissionLevel } from "./schemas";

/**
 * Endpoint ACLs, keyed by endpoint *id* (`/serving-endpoints/<id>`): an endpoint deleted and re-created under the same
 * name gets a new id, and its old ACL does not follow it. Admins hold CAN_MANAGE on every endpoint, inherited from the
 * `/serving-endpoints/` root; pay-per-token endpoints grant CAN_QUERY to the `users` group the same way.
 */
export const ACL_SCHEMA = "CREATE TABLE IF NOT EXISTS endpoint_acls (object_id TEXT PRIMARY KEY, doc TEXT NOT NULL);";

export type PrincipalKind = "user_name" | "group_name" | "service_principal_name";

export interface AclEntry {
  kind: PrincipalKind;
  principal: string;
  level: PermissionLevel;
}

const RANK: Record<PermissionLevel, number> = { CAN_VIEW: 1, CAN_QUERY: 2, CAN_MANAGE: 3 };
const KNOWN_GROUPS = new Set(["admins", "users"]);
const ROOT = "/serving-endpoints/";

export function objectId(endpointId: string): string {
  return `${ROOT}${endpointId}`;
}

export function loadAcl(db: DB, endpointId: string): AclEntry[] {
  const row = db.prepare("SELECT doc FROM endpoint_acls WHERE object_id = ?").get(objectId(endpointId)) as { doc: string } | undefined;
  return row ? (JSON.parse(row.doc) as AclEntry[]) : [];
}

export function saveAcl(db: DB, endpointId: string, entries: AclEntry[]): void {
  db.prepare("INSERT INTO endpoint_acls (object_id, doc) VALUES (?, ?) ON CONFLICT(object_id) DO UPDATE SET doc = excluded.doc").run(
    objectId(endpointId),
    JSON.stringify(entries),
  );
}

export function deleteAcl(db: DB, endpointId: string): void {
  db.prepare("DELETE FROM endpoint_acls WHERE object_id = ?").run(objectId(endpointId));
}

function inherited(rec: EndpointRecord): AclEntry[] {
  const out: AclEntry[] = [{ kind: "group_name", principal: "admins", level: "CAN_MANAGE" }];
  if (rec.kind === "pay_per_token") out.push({ kind: "group_name", principal: "users", level: "CAN_QUERY" });
  return out;
}

/** The caller's effective level, or undefined when it has none. */
export function effectiveLevel(db: DB, rec: EndpointRecord, user: User): PermissionLevel | undefined {
  if (user.isAdmin) return "CAN_MANAGE";
  let best: PermissionLevel | undefined;
  for (const e of [...inherited(rec), ...loadAcl(db, rec.id)]) {
    const applies =
      (e.kind === "user_name" && e.principal === user.userName) || (e.kind === "group_name" && e.principal === "users");
    if (applies && (!best || RANK[e.level] > RANK[best])) best = e.level;
  }
  return best;
}

export function atLeast(level: PermissionLevel | undefined, needed: PermissionLevel): boolean {
  return level !== undefined && RANK[level] >= RANK[needed];
}

type AclRequest = { user_name?: string; group_name?: string; service_principal_name?: string; permission_level?: PermissionLevel };

export function parseAclRequest(db: DB, list: AclRequest[]): AclEntry[] {
  return list.map((r, i) => {
    const where = `access_control_list[${i}]`;
    const set = (["user_name", "group_name", "service_principal_name"] as const).filter((k) => r[k] !== undefined);
    if (set.length !== 1) throw invalidParameter(`${where}: exactly one of user_name, group_name or service_principal_name must be set.`);
    const kind = set[0];
    const principal = r[kind]!;
    if (r.permission_level === undefined) throw invalidParameter(`${where}.permission_level is required.`);
    if (kind === "user_name" && !userExists(db, principal)) throw invalidParameter(`Principal: UserName(${quote(principal)}) does not exist.`);
    if (kind === "group_name" && !KNOWN_GROUPS.has(principal)) throw invalidParameter(`Principal: GroupName(${quote(principal)}) does not exist.`);
    if (kind === "group_name" && principal === "admins") throw invalidParameter("The admins group's permissions cannot be changed.");
    return { kind, principal, level: r.permission_level };
  });
}

/** PATCH semantics: an entry for a principal already present replaces that principal's level. */
export function mergeAcl(current: AclEntry[], updates: AclEntry[]): AclEntry[] {
  const out = [...current];
  for (const u of updates) {
    const i = out.findIndex((e) => e.kind === u.kind && e.principal === u.principal);
    if (i >= 0) out[i] = u;
    else out.push(u);
  }
  return out;
}

export function permissionsView(rec: EndpointRecord, acl: AclEntry[]): s.ServingEndpointPermissions {
  const list: s.ServingEndpointAccessControlResponse[] = [];
  for (const e of acl) {
    list.push({ [e.kind]: e.principal, display_name: e.principal, all_permissions: [{ permission_level: e.level, inherited: false }] });
  }
  for (const e of inherited(rec)) {
    const existing = list.find((x) => x[e.kind] === e.principal);
    const perm: s.ServingEndpointPermission = { permission_level: e.level, inherited: true, inherited_from_object: [ROOT] };
    if (existing) existing.all_permissions!.push(perm);
    else list.push({ [e.kind]: e.principal, display_name: e.principal, all_permissions: [perm] });
  }
  return { object_id: objectId(rec.id), object_type: "serving-endpoint", access_control_list: list };
}

export const PERMISSION_LEVEL_DESCRIPTIONS: s.GetServingEndpointPermissionLevelsResponse = {
  permission_levels: [
    { permission_level: "CAN_MANAGE", description: "Can manage the endpoint: update its config, AI gateway, tags and permissions, and delete it." },
    { permission_level: "CAN_QUERY", description: "Can query the endpoint." },
    { permission_level: "CAN_VIEW", description: "Can view the endpoint's details." },
  ],
};
