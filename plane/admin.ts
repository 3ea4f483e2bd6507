import { z } from "zod";
import type { PlaneContext } from "./context";
import type { Router } from "./router";
import { registerUser, newToken, userExists, ADMIN_USER_NAME } from "./auth";
import { alreadyExists, invalidParameter, notFound } from "./errors";
import { FaultRuleInput, type Faults } from "./faults";
import type { OperationLimiter } from "./ratelimit";
import { parseBody } from "./validate";

/** The plane's own routes (`/api/2.0/dbserve/...`): health, users, faults and the operation limit. */
const CreateUserBody = z.strictObject({ user_name: z.string().min(1).max(200) });
const RateLimitBody = z.strictObject({ limit: z.number().int().min(0), window_seconds: z.number().int().min(1).optional() });

export function registerAdminRoutes(router: Router, plane: PlaneContext, faults: Faults, limiter: OperationLimiter, version: string): void {
  const { db } = plane;

  router.add("GET", "/api/2.0/dbserve/health", () => ({ status: "ok", version, deploy_seconds: plane.deploySeconds }), { auth: "none" });

  router.add(
    "POST",
    "/api/2.0/dbserve/users",
    (ctx) => {
      const body = parseBody(CreateUserBody, ctx.body);
      if (!/^[A-Za-z0-9._%+@-]+$/.test(body.user_name)) throw invalidParameter(`Invalid user_name '${body.user_name}'.`);
      if (userExists(db, body.user_name)) throw alreadyExists(`User '${body.user_name}' already exists.`);
      const token = newToken();
      registerUser(db, body.user_name, token, false);
      return { user_name: body.user_name, token };
    },
    { auth: "admin" },
  );

  router.add(
    "GET",
    "/api/2.0/dbserve/users",
    () => {
      const rows = db.prepare("SELECT user_name, is_admin FROM users ORDER BY user_name").all() as { user_name: string; is_admin: number }[];
      return { users: rows.map((r) => ({ user_name: r.user_name, admin: r.is_admin === 1 })) };
    },
    { auth: "admin" },
  );

  router.add("GET", "/api/2.0/dbserve/faults", () => ({ faults: faults.list() }), { auth: "admin" });
  router.add("POST", "/api/2.0/dbserve/faults", (ctx) => faults.add(parseBody(FaultRuleInput, ctx.body)), { auth: "admin" });
  router.add(
    "DELETE",
    "/api/2.0/dbserve/faults/:id",
    (ctx) => {
      if (!faults.remove(ctx.params.id)) throw notFound(`Fault '${ctx.params.id}' does not exist.`);
      return {};
    },
    { auth: "admin" },
  );
  router.add(
    "DELETE",
    "/api/2.0/dbserve/faults",
    () => {
      faults.clear();
      return {};
    },
    { auth: "admin" },
  );

  router.add("GET", "/api/2.0/dbserve/rate-limit", () => ({ limit: limiter.limit, window_seconds: limiter.windowSeconds }), { auth: "admin" });
  router.add(
    "PUT",
    "/api/2.0/dbserve/rate-limit",
    (ctx) => {
      const body = parseBody(RateLimitBody, ctx.body);
      limiter.limit = body.limit;
      if (body.window_seconds !== undefined) limiter.windowSeconds = body.window_seconds;
      limiter.reset();
      return { limit: limiter.limit, window_seconds: limiter.windowSeconds };
    },
    { auth: "admin" },
  );

  // SCIM "me": clients (and the Pulumi provider) use it to check their credentials and learn who they are.
  router.add("GET", "/api/2.0/preview/scim/v2/Me", (ctx) => ({
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
    id: String(hashCode(ctx.user.userName)),
    userName: ctx.user.userName,
    displayName: ctx.user.userName === ADMIN_USER_NAME ? "dbserve admin" : ctx.user.userName,
    active: true,
    emails: [{ value: ctx.user.userName, primary: true, type: "work" }],
    groups: ctx.user.isAdmin ? [{ display: "admins" }, { display: "users" }] : [{ display: "users" }],
  }));
}

function hashCode(s: string): number {
  let h = 7;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) % 2147483647;
  return 1000000000000 + h;
}
