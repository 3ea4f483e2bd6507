import type { User } from "./auth";
import type { PlaneContext } from "./context";
import { invalidParameter, malformedRequest, permissionDenied, type PlaneError } from "./errors";
import type { Access, ObjectRef, ObjectTypeName, RequestContext } from "./router";
import { SERVING_ENDPOINT } from "./serving/access";
import { REGISTERED_MODEL } from "./catalog/access";

/**
 * Authorization as data: a route row's `access` rule is checked here, before its handler runs, the same way for
 * every route. Object types (serving endpoints, registered models) say how to find an object and what a caller holds
 * on it; the route table says which level each route requires.
 */
export interface ObjectType<T> {
  name: ObjectTypeName;
  /** The levels rules may require, weakest first. */
  levels: readonly string[];
  find(plane: PlaneContext, key: string, by: "name" | "id"): T | undefined;
  missing(key: string, by: "name" | "id"): PlaneError;
  allows(plane: PlaneContext, obj: T, user: User, level: string): boolean;
  /** What the caller holds, for answers that report it (an endpoint's `permission_level`). */
  standing(plane: PlaneContext, obj: T, user: User): string | undefined;
  denied(obj: T, user: User, level: string): PlaneError;
}

export const OBJECT_TYPES: Record<ObjectTypeName, ObjectType<unknown>> = {
  "serving-endpoint": SERVING_ENDPOINT as ObjectType<unknown>,
  "registered-model": REGISTERED_MODEL as ObjectType<unknown>,
};

/** Read the object's key from where the rule says it is. */
export function refValue(ctx: Pick<RequestContext, "params" | "query" | "body">, ref: ObjectRef): string {
  const body = (ctx.body ?? {}) as Record<string, unknown>;
  let value: unknown;
  if (ref.in === "path") value = ctx.params[ref.field];
  else if (ref.in === "query") value = ctx.query.get(ref.field) ?? undefined;
  else if (ref.in === "body") value = body[ref.field];
  else value = body[ref.field] ?? ctx.query.get(ref.field) ?? undefined;
  if (value === undefined || value === null || value === "") throw invalidParameter(`Missing required field: ${ref.field}`);
  if (typeof value !== "string") throw malformedRequest(`Invalid value for '${ref.field}': expected string.`);
  return value;
}

/** The level a rule requires for this request (a `when` clause raises it for one body value). */
export function requiredLevel(access: Extract<Access, { kind: "object" }>, body: unknown): string {
  const w = access.when;
  if (w && (body as Record<string, unknown> | undefined)?.[w.field] === w.equals) return w.level;
  return access.level;
}

export function requireAdmin(user: User): void {
  if (!user.isAdmin) throw permissionDenied(`User ${user.userName} is not a workspace admin: only the plane's admin token may use this route.`);
}

/** Check the row's rule; for object rules, resolve the object (404 when missing) and record it on the context. */
export function authorize(ctx: RequestContext, access: Access): void {
  switch (access.kind) {
    case "none":
    case "user":
      return;
    case "admin":
      requireAdmin(ctx.user);
      return;
    case "object": {
      const type = OBJECT_TYPES[access.type];
      const by = access.ref.by ?? "name";
      const key = refValue(ctx, access.ref);
      const obj = type.find(ctx.plane, key, by);
      if (obj === undefined) throw type.missing(key, by);
      const level = requiredLevel(access, ctx.body);
      if (!type.allows(ctx.plane, obj, ctx.user, level)) throw type.denied(obj, ctx.user, level);
      ctx.target = obj;
      ctx.standing = type.standing(ctx.plane, obj, ctx.user);
      return;
    }
  }
}

/** One cell of the README's route table: who may call a route. */
export function describeAccess(access: Access): string {
  switch (access.kind) {
    case "none":
      return "none";
    case "user":
      return "any user";
    case "admin":
      return "admin";
    case "object": {
      const where = access.ref.in === "path" ? `{${access.ref.field}}` : `${access.ref.in}.${access.ref.field}`;
      const by = access.ref.by === "id" ? " (by id)" : "";
      const when = access.when ? `; ${access.when.level} when ${access.when.field}=${access.when.equals}` : "";
      return `${access.type} ${where}${by}: ${access.level}${when}`;
    }
  }
}
