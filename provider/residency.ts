/**
 * Data residency rules for Foundation Model APIs, checked at preview.
 *
 * ## How a serving resource knows the workspace's Geo at preview (the decision)
 * 1. Preferred: a `workspaceGeo` input (`workspaceGeoInput` below: `{region?, geo?, crossGeoProcessing?}`), fed from
 *    `WorkspaceGeo.residency` or `AzureServingWorkspace.workspaceGeo`. Both are computed in the program from
 *    declared values, so they are known at the first preview, before anything exists.
 * 2. Otherwise, when the resource's connection is the embedded plane (it answers `GET /api/2.0/dbserve/health`),
 *    `resolveWorkspaceGeo` reads the plane's `GET /api/2.0/dbserve/workspace-geo` at check time.
 * 3. Otherwise (a real workspace and no declaration) the Geo is unknown: no public API tells a workspace's region,
 *    so nothing is checked rather than guessed.
 *
 * The rules are here, the facts in `data/availability.ts`.
 */
import { z } from "zod";
import { GEOS, Geo, GeoSchema, geoForRegion, suggestRegions } from "../common/geos";
import type { ApiClient } from "./client/http";
import { DatabricksApiError } from "./client/errors";
import {
  FoundationModelAvailability,
  LOCAL_HOSTING,
  MODE_AVAILABILITY,
  ServingMode,
  foundationModel,
  FOUNDATION_MODELS,
} from "./data/availability";
import type { CheckFailure } from "./engine/validate";

export { SERVING_MODES, type ServingMode } from "./data/availability";

/**
 * The `workspaceGeo` input serving resources accept (add it to their zod schema as
 * `workspaceGeo: workspaceGeoInput.optional()`). Give `region` (the Geo is derived) or `geo`; `crossGeoProcessing`
 * defaults to false, the account setting's default inside the US and EU.
 */
export const workspaceGeoInput = z
  .object({
    region: z.string().min(1).optional(),
    geo: GeoSchema.optional(),
    crossGeoProcessing: z.boolean().optional(),
  })
  .strict();
export type WorkspaceGeoInput = z.infer<typeof workspaceGeoInput>;

export interface ResidencyQuery {
  /** The workspace's cloud region (e.g. `westeurope`); the Geo is derived from it. */
  region?: string;
  /** Or the Geo directly. When both are given they must agree. */
  geo?: Geo | string;
  /** Whether an account admin allowed cross-Geo processing for the workspace. */
  crossGeoProcessing?: boolean;
  /** A `system.ai.<id>` entity, a bare foundation model id, a pay-per-token endpoint name, or a custom UC model. */
  model: string;
  mode: ServingMode;
  /** Where failures point, e.g. `entity.name` or `servedEntities[0].entityName`. Default `model`. */
  property?: string;
  /** Where region/Geo problems point. Default `workspaceGeo`. */
  geoProperty?: string;
}

export type ResidencyOutcome =
  | { allowed: true; geo: Geo; processedIn: "workspace Geo" | "another Geo (cross-Geo processing)"; model?: FoundationModelAvailability }
  | { allowed: false; geo?: Geo; reason: "unknown-region" | "geo-mismatch" | "mode-unavailable" | "model-unavailable" | "needs-cross-geo"; message: string };

const REMEDY_CROSS_GEO =
  "an account admin can allow cross-Geo processing (Azure: account console → Settings → Feature enablement; " +
  "declare it with `crossGeoProcessing: true` on WorkspaceGeo)";

/**
 * Decides whether `model` may be served in `mode` by a workspace in `region`/`geo`. Pure: no I/O.
 * See `checkResidency` for the form `check` wants.
 */
export function assessResidency(q: ResidencyQuery): ResidencyOutcome {
  let geo: Geo | undefined;
  if (q.region !== undefined) {
    geo = geoForRegion(q.region);
    if (!geo) {
      return {
        allowed: false,
        reason: "unknown-region",
        message: `region ${JSON.stringify(q.region)} is not a known Databricks region; nearest known regions: ${suggestRegions(q.region).join(", ")}`,
      };
    }
  }
  if (q.geo !== undefined) {
    const parsed = GeoSchema.safeParse(q.geo);
    if (!parsed.success) {
      return { allowed: false, reason: "unknown-region", message: `Geo ${JSON.stringify(q.geo)} is not a Databricks Geo; valid Geos: ${GEOS.join(", ")}` };
    }
    if (geo && geo !== parsed.data) {
      return { allowed: false, geo, reason: "geo-mismatch", message: `region ${q.region} is in the ${geo} Geo, not ${parsed.data}: give only the region, or a matching Geo` };
    }
    geo = parsed.data;
  }
  if (!geo) return { allowed: false, reason: "unknown-region", message: "give the workspace's region or Geo" };

  const model = foundationModel(q.model);
  const label = model ? `${model.displayName} (${q.model})` : q.model;
  const cross = q.crossGeoProcessing === true;
  const modeName = q.mode === "pay-per-token" ? "pay-per-token" : "provisioned throughput";
  const geoLevel = MODE_AVAILABILITY[q.mode][geo];

  if (geoLevel === "unavailable") {
    const alt = q.mode === "pay-per-token" && MODE_AVAILABILITY["provisioned-throughput"][geo] !== "unavailable"
      ? "serve it with provisioned throughput instead, or use a workspace in another Geo"
      : "use a workspace in a Geo that offers it (e.g. United States or EU Data Boundary)";
    return {
      allowed: false,
      geo,
      reason: "mode-unavailable",
      message: `${modeName} Foundation Model APIs are not available in the ${geo} Geo, even with cross-Geo processing, so ${label} cannot be served there: ${alt}`,
    };
  }

  if (q.mode === "provisioned-throughput") {
    if (model?.provisionedThroughputGeos && !model.provisionedThroughputGeos.includes(geo)) {
      const where = model.provisionedThroughputGeos.length ? `only in ${model.provisionedThroughputGeos.join(", ")}` : "only pay-per-token";
      return {
        allowed: false,
        geo,
        reason: "model-unavailable",
        message: `${label} is offered ${where}, not with provisioned throughput in the ${geo} Geo: ${model.payPerTokenEndpoint ? `use its pay-per-token endpoint ${model.payPerTokenEndpoint}` : "choose another model"}`,
      };
    }
    if (geoLevel === "native") return { allowed: true, geo, processedIn: "workspace Geo", model };
    if (cross) return { allowed: true, geo, processedIn: "another Geo (cross-Geo processing)", model };
    return {
      allowed: false,
      geo,
      reason: "needs-cross-geo",
      message: `provisioned throughput for ${label} is not processed inside the ${geo} Geo, and cross-Geo processing is not allowed for this workspace: ${REMEDY_CROSS_GEO}, or use a workspace in a Geo that offers it natively`,
    };
  }

  // Pay-per-token: processed where the model is hosted.
  if (model && !model.payPerTokenEndpoint) {
    return {
      allowed: false,
      geo,
      reason: "model-unavailable",
      message: `${label} has no pay-per-token endpoint: serve it with provisioned throughput (system.ai.${model.id})`,
    };
  }
  const hosting = model?.payPerTokenHosting ?? ["US"];
  const local = LOCAL_HOSTING[geo];
  if (local && hosting.includes(local)) return { allowed: true, geo, processedIn: "workspace Geo", model };
  if (cross) return { allowed: true, geo, processedIn: "another Geo (cross-Geo processing)", model };
  const hostedHere = local ? payPerTokenModelsHostedIn(local) : [];
  const alternatives = [
    REMEDY_CROSS_GEO,
    ...(hostedHere.length ? [`choose a model hosted in the ${geo} Geo (${hostedHere.join(", ")})`] : []),
    ...(MODE_AVAILABILITY["provisioned-throughput"][geo] === "native" && !(model?.provisionedThroughputGeos?.length === 0)
      ? ["serve it with provisioned throughput, which runs in the workspace's Geo"]
      : []),
  ];
  return {
    allowed: false,
    geo,
    reason: "needs-cross-geo",
    message: `pay-per-token ${label} is hosted in ${hosting.join("/")} only, outside the workspace's ${geo} Geo, and cross-Geo processing is not allowed: ${alternatives.join("; or ")}`,
  };
}

function payPerTokenModelsHostedIn(hosting: string): string[] {
  return FOUNDATION_MODELS.filter((m) => m.payPerTokenEndpoint && m.payPerTokenHosting?.includes(hosting as "US" | "EU")).map((m) => m.payPerTokenEndpoint!);
}

/**
 * Residency check for a serving resource's `check`: returns the failures to report at preview (empty when the model
 * may be served). Each failure names the model, the Geo and the remedy; region/Geo problems point at `geoProperty`.
 *
 * Example, in a serving kind's `check`:
 * ```ts
 * const geo = await resolveWorkspaceGeo(value.workspaceGeo, () => clientFor(value.connection));
 * if (geo) failures.push(...checkResidency({ ...geo, model: value.entity.name, mode: "provisioned-throughput", property: "entity.name" }));
 * ```
 */
export function checkResidency(q: ResidencyQuery): CheckFailure[] {
  const outcome = assessResidency(q);
  if (outcome.allowed) return [];
  const geoProblem = outcome.reason === "unknown-region" || outcome.reason === "geo-mismatch";
  const where = geoProblem ? q.geoProperty ?? "workspaceGeo" : q.property ?? "model";
  return [{ property: where, reason: `data residency: ${outcome.message}` }];
}

/** A resolved workspace Geo, ready to spread into `checkResidency`. */
export interface ResolvedWorkspaceGeo {
  region?: string;
  geo?: Geo;
  crossGeoProcessing: boolean;
  /** Where the answer came from, for messages. */
  source: "declared" | "plane";
}

/** Whether a host is the plane does not change within a provider process; the Geo setting may, so it is not cached. */
const planeHosts = new Map<string, Promise<boolean>>();

/**
 * The workspace Geo for a residency check: the declared `workspaceGeo` input when given, else the embedded plane's
 * own workspace-geo route (only when the host is a plane), else undefined (unknown: do not check).
 * (A WorkspaceGeo in the same program may change the plane's setting during `up`: declare `workspaceGeo` from its
 * `residency` output to make the dependency explicit.)
 */
export async function resolveWorkspaceGeo(
  declared: WorkspaceGeoInput | undefined,
  client: () => Promise<ApiClient>,
): Promise<ResolvedWorkspaceGeo | undefined> {
  if (declared && (declared.region !== undefined || declared.geo !== undefined)) {
    return { region: declared.region, geo: declared.geo, crossGeoProcessing: declared.crossGeoProcessing ?? false, source: "declared" };
  }
  const found = await lookupPlaneGeo(await client());
  if (found && declared?.crossGeoProcessing !== undefined) return { ...found, crossGeoProcessing: declared.crossGeoProcessing };
  return found;
}

/** True when the host is the embedded plane (a real workspace has no `/api/2.0/dbserve/*` routes). */
export async function isPlane(api: ApiClient): Promise<boolean> {
  try {
    const health = await api.get<{ status?: string }>("/api/2.0/dbserve/health");
    return health.status === "ok";
  } catch (err) {
    if (err instanceof DatabricksApiError) return false;
    throw err;
  }
}

async function lookupPlaneGeo(api: ApiClient): Promise<ResolvedWorkspaceGeo | undefined> {
  let plane = planeHosts.get(api.host);
  if (!plane) {
    plane = isPlane(api);
    plane.catch(() => planeHosts.delete(api.host));
    planeHosts.set(api.host, plane);
  }
  if (!(await plane)) return undefined;
  const g = await api.get<{ region?: string; geo?: string | null; cross_geo_processing?: boolean }>("/api/2.0/dbserve/workspace-geo");
  const geo = g.geo ? GeoSchema.safeParse(g.geo) : undefined;
  return {
    region: g.region,
    geo: geo?.success ? geo.data : undefined,
    crossGeoProcessing: g.cross_geo_processing === true,
    source: "plane",
  };
}
