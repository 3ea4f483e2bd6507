import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { Geo, GeoSchema, geoForRegion, normalizeRegion, suggestRegions } from "../../common/geos";
import { DatabricksApiError } from "../client/errors";
import type { ApiClient } from "../client/http";
import { clientFor, connectionSchema } from "../engine/connection";
import type { ResourceKind } from "../engine/kind";
import { compact, declaredFromRemote } from "../engine/reconcile";
import { computed, localOnly, stable, stableUnless, updates } from "../engine/fields";
import type { KindSpec } from "../engine/plan";
import type { ArgsOf } from "../engine/types";
import { isUnknown } from "../engine/unknown";
import { parseInputs } from "../engine/validate";
import { isPlane } from "../residency";
import { DynamicResource } from "../dynamic-resource";

const region = z
  .string()
  .transform(normalizeRegion)
  .superRefine((r, ctx) => {
    if (!geoForRegion(r)) ctx.addIssue({ code: "custom", message: `not a known Databricks region; nearest known regions: ${suggestRegions(r).join(", ")}` });
  });

export const workspaceGeoInputs = z
  .object({
    /** The workspace's cloud region, e.g. `westeurope` (Azure), `us-east-1` (AWS), `europe-west3` (GCP). */
    region: updates(region, "set on the plane; checked only on a real workspace"),
    /** Whether an account admin allows Designated Services to process content outside the workspace's Geo. */
    crossGeoProcessing: updates(z.boolean().optional(), "set on the plane; checked only on a real workspace"),
    /** Derived from `region` by `check`; never given. */
    geo: updates(GeoSchema.optional(), "derived from region"),
    connection: localOnly(connectionSchema.optional(), "which workspace to reach (the workspace guard refuses another one)"),
  })
  .strict();
export type WorkspaceGeoInputs = z.infer<typeof workspaceGeoInputs>;

/** "set": the plane applied the declaration. "check-only": a real workspace, where no public API sets it. */
export const MANAGEMENT = ["set", "check-only"] as const;

export const workspaceGeoOutputs = workspaceGeoInputs.extend({
  management: z.enum(MANAGEMENT),
  /** What the control plane reports (the plane only; undefined on a real workspace, where it cannot be read). */
  effectiveCrossGeoProcessing: z.boolean().optional(),
  /** The workspace's `llm_proxy_partner_powered` setting (real workspaces), the nearest readable public setting. */
  partnerPoweredAi: z.boolean().optional(),
  /** A plain statement of what could not be set or checked; empty when everything declared was applied. */
  warning: z.string().optional(),
});
export type WorkspaceGeoOutputs = z.infer<typeof workspaceGeoOutputs>;

const GEO_ROUTE = "/api/2.0/dbserve/workspace-geo";
const PARTNER_SETTING = "/api/2.0/settings/types/llm_proxy_partner_powered/names/default";

interface PlaneGeo {
  region: string;
  geo: string | null;
  cross_geo_processing: boolean;
}

function declaredInputs(outs: WorkspaceGeoOutputs): WorkspaceGeoInputs {
  const { management: _m, effectiveCrossGeoProcessing: _e, partnerPoweredAi: _p, warning: _w, ...inputs } = outs;
  return inputs;
}

/** Applies the declaration to the plane, or reads and checks what a real workspace exposes. */
async function apply(inputs: WorkspaceGeoInputs): Promise<WorkspaceGeoOutputs> {
  const client = await clientFor(inputs.connection);
  if (await isPlane(client)) {
    const g = await client.patch<PlaneGeo>(GEO_ROUTE, { region: inputs.region, cross_geo_processing: inputs.crossGeoProcessing ?? false });
    return compact({ ...inputs, management: "set" as const, effectiveCrossGeoProcessing: g.cross_geo_processing });
  }
  return checkRealWorkspace(client, inputs);
}

async function checkRealWorkspace(client: ApiClient, inputs: WorkspaceGeoInputs): Promise<WorkspaceGeoOutputs> {
  let partner: boolean | undefined;
  let settingNote = "";
  try {
    const s = await client.get<{ boolean_val?: { value?: boolean } }>(PARTNER_SETTING);
    partner = s.boolean_val?.value ?? false;
  } catch (err) {
    if (!(err instanceof DatabricksApiError)) throw err;
    settingNote = ` Reading the workspace setting llm_proxy_partner_powered failed too (${err.status} ${err.errorCode}).`;
  }
  const warning =
    `WorkspaceGeo on ${client.host} is check-only: a real workspace's region and its cross-Geo processing setting cannot be read or set ` +
    `through any public Databricks API (cross-Geo processing is an account-console setting). The declared region (${inputs.region}, ` +
    `Geo ${inputs.geo}) and crossGeoProcessing=${inputs.crossGeoProcessing ?? false} are trusted by the preview-time residency checks: ` +
    `make sure the account console says the same.` +
    (partner !== undefined ? ` The nearest readable setting, partner-powered AI features (llm_proxy_partner_powered), is ${partner ? "enabled" : "disabled"}.` : "") +
    settingNote;
  return compact({ ...inputs, management: "check-only" as const, partnerPoweredAi: partner, warning });
}

const spec: KindSpec = {
  inputs: workspaceGeoInputs,
  outputs: { management: stable, effectiveCrossGeoProcessing: stableUnless("crossGeoProcessing"), partnerPoweredAi: computed, warning: computed },
  // Not declaring cross-Geo processing means it is off.
  comparable: (d) => ({ ...d, crossGeoProcessing: d.crossGeoProcessing ?? false }),
};

export const kind: ResourceKind<WorkspaceGeoInputs, WorkspaceGeoOutputs> = {
  spec,
  async check(_olds, news) {
    const { geo: _given, ...rest } = news;
    const { value, failures } = parseInputs(workspaceGeoInputs, rest);
    const inputs = { ...((value ?? rest) as WorkspaceGeoInputs) };
    // The Geo is part of the checked inputs, so it is known at preview (the engine previews a create's outputs from them).
    if (typeof rest.region === "string" && !isUnknown(rest.region)) {
      const geo = geoForRegion(rest.region);
      if (geo) inputs.geo = geo;
    }
    return { inputs, failures };
  },

  async create(inputs) {
    const outs = await apply(inputs);
    return { id: outs.management === "set" ? "plane-workspace-geo" : "workspace-geo", outs };
  },

  async read(id, props) {
    const client = await clientFor(props.connection);
    if (props.management === "set" || (props.management === undefined && (await isPlane(client)))) {
      const g = await client.get<PlaneGeo>(GEO_ROUTE);
      const declared = props.region ? declaredInputs(props) : ({ region: g.region } as WorkspaceGeoInputs);
      const inputs = declaredFromRemote(declared, {
        region: g.region,
        crossGeoProcessing: declared.crossGeoProcessing === undefined && !g.cross_geo_processing ? undefined : g.cross_geo_processing,
        geo: geoForRegion(g.region),
      });
      return { id, props: compact({ ...inputs, management: "set" as const, effectiveCrossGeoProcessing: g.cross_geo_processing }), inputs };
    }
    const outs = await checkRealWorkspace(client, declaredInputs(props));
    return { id, props: outs, inputs: declaredInputs(props) };
  },

  async update(_id, _olds, news) {
    return { outs: await apply(news) };
  },

  async delete() {
    // The Geo and the cross-Geo setting belong to the workspace: no longer declaring them changes nothing.
  },
};

export type WorkspaceGeoArgs = ArgsOf<Omit<z.input<typeof workspaceGeoInputs>, "geo">>;

/** What serving resources take as their `workspaceGeo` input (known at preview: computed from declared values). */
export interface WorkspaceResidency {
  region: string;
  geo?: Geo;
  crossGeoProcessing: boolean;
}

/**
 * The workspace's region, its Geo (derived through the shared region table) and the cross-Geo processing setting.
 * Against the embedded plane it sets them; against a real workspace no public API can, so it only reads what is
 * readable, trusts the declaration for residency checks, and says so in `warning` (also logged as a warning).
 * Deleting the resource leaves the workspace's setting as it is.
 */
export class WorkspaceGeo extends DynamicResource {
  declare readonly region: pulumi.Output<string>;
  declare readonly geo: pulumi.Output<string>;
  declare readonly crossGeoProcessing: pulumi.Output<boolean | undefined>;
  declare readonly management: pulumi.Output<"set" | "check-only">;
  declare readonly effectiveCrossGeoProcessing: pulumi.Output<boolean | undefined>;
  declare readonly partnerPoweredAi: pulumi.Output<boolean | undefined>;
  declare readonly warning: pulumi.Output<string | undefined>;
  /** `{region, geo, crossGeoProcessing}` for serving resources' `workspaceGeo` input, known at preview. */
  readonly residency: pulumi.Output<WorkspaceResidency>;

  constructor(name: string, args: WorkspaceGeoArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "WorkspaceGeo",
      spec,
      name,
      { ...args, geo: undefined },
      opts,
    );
    this.residency = pulumi.all([args.region, args.crossGeoProcessing]).apply(([r, cross]) => {
      const normalized = normalizeRegion(r);
      return compact({ region: normalized, geo: geoForRegion(normalized), crossGeoProcessing: cross ?? false });
    });
    this.warning.apply((w) => {
      if (w) pulumi.log.warn(w, this);
    });
  }
}
