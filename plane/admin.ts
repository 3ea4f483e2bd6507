import { z } from "zod";
import type { RequestContext } from "./router";
import { ADMIN_USER_NAME, listUsers, newToken, registerUser, userExists } from "./auth";
import { alreadyExists, invalidParameter, notFound, quote } from "./errors";
import { FaultRuleInput } from "./faults";
import { parseBody, queryInt } from "./validate";
import { line } from "./validate";

/** The plane's own routes (`/api/2.0/dbserve/...`): health, users, faults, the operation limit, the call log; SCIM Me. */
const CreateUserBody = z.strictObject({ user_name: line("name").min(1) });
const RateLimitBody = z.strictObject({ limit: z.number().int().min(0).max(1_000_000), window_seconds: z.number().int().min(1).max(86_400).optional() });

export function health(ctx: RequestContext) {
  return { status: "ok", version: ctx.plane.version, deploy_seconds: ctx.plane.deploySeconds, workspace_id: ctx.plane.workspaceId };
}

export function createUser(ctx: RequestContext) {
  const body = parseBody(CreateUserBody, ctx.body);
  if (!/^[A-Za-z0-9._%+@-]+$/.test(body.user_name)) throw invalidParameter(`Invalid user_name ${quote(body.user_name)}.`);
  if (userExists(ctx.plane.db, body.user_name)) throw alreadyExists(`User ${quote(body.user_name)} already exists.`);
  const token = newToken();
  registerUser(ctx.plane.db, body.user_name, token, false);
  return { user_name: body.user_name, token };
}

export function getUsers(ctx: RequestContext) {
  return { users: listUsers(ctx.plane.db) };
}

export function listFaults(ctx: RequestContext) {
  return { faults: ctx.plane.faults.list() };
}

export function addFault(ctx: RequestContext) {
  return ctx.plane.faults.add(parseBody(FaultRuleInput, ctx.body));
}

export function deleteFault(ctx: RequestContext) {
  if (!ctx.plane.faults.remove(ctx.params.id)) throw notFound(`Fault ${quote(ctx.params.id)} does not exist.`);
  return {};
}

export function clearFaults(ctx: RequestContext) {
  ctx.plane.faults.clear();
  return {};
}

export function getRateLimit(ctx: RequestContext) {
  const { limiter } = ctx.plane;
  return { limit: limiter.limit, window_seconds: limiter.windowSeconds, used: limiter.used() };
}

/** Change the operation limit; the window starts empty. */
export function putRateLimit(ctx: RequestContext) {
  const body = parseBody(RateLimitBody, ctx.body);
  const { limiter } = ctx.plane;
  limiter.limit = body.limit;
  if (body.window_seconds !== undefined) limiter.windowSeconds = body.window_seconds;
  limiter.reset();
  return { limit: limiter.limit, window_seconds: limiter.windowSeconds, used: 0 };
}

/** `?since=<seq>`: calls with seq ≥ since (default: all kept), and `next_seq` to pass next time. */
export function listCalls(ctx: RequestContext) {
  return ctx.plane.calls.since(queryInt(ctx.query, "since", 0, Number.MAX_SAFE_INTEGER) ?? 0);
}

export function clearCalls(ctx: RequestContext) {
  ctx.plane.calls.clear();
  return {};
}

/** SCIM "me": clients (and the Pulumi provider) use it to check their credentials and learn who they are. */
export function me(ctx: RequestContext) {
  return {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
    id: String(hashCode(ctx.user.userName)),
    userName: ctx.user.userName,
    displayName: ctx.user.userName === ADMIN_USER_NAME ? "dbserve admin" : ctx.user.userName,
    active: true,
    emails: [{ value: ctx.user.userName, primary: true, type: "work" }],
    groups: ctx.user.isAdmin ? [{ display: "admins" }, { display: "users" }] : [{ display: "users" }],
  };
}

function hashCode(s: string): number {
  let h = 7;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) % 2147483647;
  return 1000000000000 + h;
}
