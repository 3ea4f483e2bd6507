import { z } from "zod";
import type { PlaneContext } from "./context";
import type { Router } from "./router";
import { getMeta, setMeta } from "./store";
import { invalidParameter, permissionDenied } from "./errors";
import { parseBody } from "./validate";

/**
 * Workspace Geo: the plane's own route `GET|PATCH /api/2.0/dbserve/workspace-geo` (no public Databricks route exists;
 * on Azure the cross-Geo setting lives in the account console). The region comes from `--region` (default
 * `westeurope`) and the Geo is derived from it with the shared region table in `common/geos.ts`.
 */
export const DEFAULT_REGION = "westeurope";

export interface WorkspaceGeo {
  region: string;
  geo: string | null;
  cross_geo_processing: boolean;
}

type GeoLookup = (region: string) => string | undefined;

/**
 * `common/geos.ts` is owned by another engineer; resolve it at run time so the plane keeps working (reporting
 * `geo: null`) if it is missing or its export changes shape.
 */
function loadGeoLookup(): GeoLookup {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require("../common/geos") as { geoForRegion?: (region: string) => unknown };
    if (typeof mod.geoForRegion === "function") {
      const fn = mod.geoForRegion;
      return (region) => {
        const g = fn(region);
        if (typeof g === "string") return g;
        if (g && typeof g === "object" && typeof (g as { name?: unknown }).name === "string") return (g as { name: string }).name;
        if (g && typeof g === "object" && typeof (g as { geo?: unknown }).geo === "string") return (g as { geo: string }).geo;
        return undefined;
      };
    }
  } catch {
    /* not there yet */
  }
  return () => undefined;
}

const lookup = loadGeoLookup();

export function initRegion(plane: PlaneContext, region: string | undefined): void {
  if (region !== undefined) setMeta(plane.db, "geo:region", region.toLowerCase());
  else if (getMeta(plane.db, "geo:region") === undefined) setMeta(plane.db, "geo:region", DEFAULT_REGION);
}

export function workspaceGeo(plane: PlaneContext): WorkspaceGeo {
  const region = getMeta(plane.db, "geo:region") ?? DEFAULT_REGION;
  return {
    region,
    geo: lookup(region) ?? null,
    cross_geo_processing: getMeta(plane.db, "geo:cross_geo_processing") === "true",
  };
}

const PatchGeoBody = z.strictObject({ cross_geo_processing: z.boolean().optional(), region: z.string().min(1).optional() });

export function registerGeoRoutes(router: Router, plane: PlaneContext): void {
  router.add("GET", "/api/2.0/dbserve/workspace-geo", () => workspaceGeo(plane));
  router.add("PATCH", "/api/2.0/dbserve/workspace-geo", (ctx) => {
    // Only an account admin can change the setting on a real workspace; the plane's admin token stands in for one.
    if (!ctx.user.isAdmin) throw permissionDenied("Only an account admin can change the workspace Geo settings.");
    const body = parseBody(PatchGeoBody, ctx.body);
    if (body.region !== undefined) {
      if (!/^[a-z0-9-]+$/i.test(body.region)) throw invalidParameter(`Invalid region '${body.region}'.`);
      setMeta(plane.db, "geo:region", body.region.toLowerCase());
    }
    if (body.cross_geo_processing !== undefined) setMeta(plane.db, "geo:cross_geo_processing", String(body.cross_geo_processing));
    return workspaceGeo(plane);
  });
}
