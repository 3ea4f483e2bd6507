/**
 * Every route of the query path, in one table: method, path, handler, and the permission it needs (checked in the
 * handler against the endpoint named by the path, or by `body.model` on the OpenAI-compatible routes). Written as rows
 * so they can join the plane's route table as they are.
 */
import type { Router, RequestContext, RouteOptions } from "../router";
import type { ServingDeps } from "../serving/access";
import * as h from "./handlers";
import { QueryLimiter } from "./limits";
import { QueryMetrics } from "./metrics";
import type { QueryDeps } from "./pipeline";

export interface QueryRoute {
  method: "GET" | "POST";
  path: string;
  /** What the caller needs: a level on the endpoint, or the plane's admin token. */
  permission: "CAN_QUERY" | "CAN_VIEW" | "CAN_MANAGE" | "admin";
  handler: (q: QueryDeps, ctx: RequestContext) => unknown;
}

export const QUERY_ROUTES: readonly QueryRoute[] = [
  { method: "POST", path: "/serving-endpoints/:name/invocations", permission: "CAN_QUERY", handler: h.invokeEndpoint },
  { method: "POST", path: "/serving-endpoints/:name/served-models/:entity/invocations", permission: "CAN_QUERY", handler: h.invokeServedEntity },
  { method: "POST", path: "/serving-endpoints/chat/completions", permission: "CAN_QUERY", handler: h.openAiCompatible },
  { method: "POST", path: "/serving-endpoints/completions", permission: "CAN_QUERY", handler: h.openAiCompatible },
  { method: "POST", path: "/serving-endpoints/embeddings", permission: "CAN_QUERY", handler: h.openAiCompatible },
  { method: "GET", path: "/api/2.0/serving-endpoints/:name/openapi", permission: "CAN_QUERY", handler: h.endpointOpenApi },
  { method: "GET", path: "/api/2.0/serving-endpoints/:name/metrics", permission: "CAN_VIEW", handler: h.endpointMetrics },
  { method: "GET", path: "/api/2.0/dbserve/serving-endpoints/:name/usage", permission: "CAN_MANAGE", handler: h.endpointUsage },
  { method: "GET", path: "/api/2.0/dbserve/serving-endpoints/:name/inference-log", permission: "CAN_MANAGE", handler: h.endpointInferenceLog },
  { method: "GET", path: "/api/2.0/dbserve/usage", permission: "admin", handler: h.allUsage },
  { method: "GET", path: "/api/2.0/dbserve/inference-log", permission: "admin", handler: h.allInferenceLog },
];

export function registerQueryRoutes(router: Router, deps: ServingDeps): void {
  const q: QueryDeps = { ...deps, limiter: new QueryLimiter(deps.plane.now), metrics: new QueryMetrics() };
  for (const r of QUERY_ROUTES) {
    const options: RouteOptions = r.permission === "admin" ? { auth: "admin" } : {};
    router.add(r.method, r.path, (ctx) => r.handler(q, ctx), options);
  }
}
