/**
 * What the query path's handlers share per plane: the AI-gateway rate limiter (per-minute windows, in memory) and the
 * endpoint metrics. The routes themselves are rows of the plane's one route table (plane/routes.ts).
 */
import type { PlaneContext } from "../context";
import { QueryLimiter } from "./limits";
import { QueryMetrics } from "./metrics";
import type { QueryDeps } from "./pipeline";

const deps = new WeakMap<PlaneContext, QueryDeps>();

export function queryDeps(plane: PlaneContext): QueryDeps {
  let q = deps.get(plane);
  if (!q) {
    q = { plane, limiter: new QueryLimiter(plane.now), metrics: new QueryMetrics() };
    deps.set(plane, q);
  }
  return q;
}
