import { z } from "zod";
import type { PlaneContext } from "./context";
import type { RequestContext } from "./router";
import { getMeta, setMeta } from "./store";
import { invalidParameter, quote } from "./errors";
import { line, parseBody } from "./validate";
import { geoForRegion, normalizeRegion, suggestRegions } from "../common/geos";

/**
 * Workspace Geo: the plane's own route `GET|PATCH /api/2.0/dbserve/workspace-geo` (no public Databricks route exists;
 * on Azure the cross-Geo setting lives in the account console). The region comes from `--region` (default
 * `westeurope`) and the Geo is derived from it with the shared region table in `common/geos.ts`. Changing the
 * region through PATCH is a test convenience (a real workspace never moves).
 */
export const DEFAULT_REGION = "westeurope";

export interface WorkspaceGeo {
  region: string;
  geo: string | null;
  cross_geo_processing: boolean;
}

/** A region the shared table does not know is refused, with the nearest known names. */
export function checkRegion(region: string): string {
  const r = normalizeRegion(region);
  if (geoForRegion(r) === undefined) {
    throw invalidParameter(`Unknown region ${quote(region)}; did you mean ${suggestRegions(region, 3).join(", ")}?`);
  }
  return r;
}

export function initRegion(plane: PlaneContext, region: string | undefined): void {
  if (region !== undefined) setMeta(plane.db, "geo:region", checkRegion(region));
  else if (getMeta(plane.db, "geo:region") === undefined) setMeta(plane.db, "geo:region", DEFAULT_REGION);
}

export function workspaceGeo(plane: PlaneContext): WorkspaceGeo {
  const region = getMeta(plane.db, "geo:region") ?? DEFAULT_REGION;
  return {
    region,
    geo: geoForRegion(region) ?? null,
    cross_geo_processing: getMeta(plane.db, "geo:cross_geo_processing") === "true",
  };
}

const PatchGeoBody = z.strictObject({ cross_geo_processing: z.boolean().optional(), region: line("name").min(1).optional() });

export function getWorkspaceGeo(ctx: RequestContext): WorkspaceGeo {
  return workspaceGeo(ctx.plane);
}

/** Only an account admin can change the setting on a real workspace; the plane's admin token stands in for one. */
export function patchWorkspaceGeo(ctx: RequestContext): WorkspaceGeo {
  const body = parseBody(PatchGeoBody, ctx.body);
  if (body.region !== undefined) setMeta(ctx.plane.db, "geo:region", checkRegion(body.region));
  if (body.cross_geo_processing !== undefined) setMeta(ctx.plane.db, "geo:cross_geo_processing", String(body.cross_geo_processing));
  return workspaceGeo(ctx.plane);
}
