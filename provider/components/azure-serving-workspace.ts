/**
 * An Azure Databricks workspace ready for Model Serving, as one component: an optional resource group, the
 * workspace (premium SKU: Model Serving and Unity Catalog need it), its Geo derived from the location, and the
 * `connection` that serving resources take so they manage the new workspace rather than the default one.
 */
import * as pulumi from "@pulumi/pulumi";
// Types only at module level: loading azure-native costs about a second, which every program importing this package
// would pay even without the component; the modules are required when a component is constructed.
import type * as authorizationT from "@pulumi/azure-native/authorization";
import type * as databricksT from "@pulumi/azure-native/databricks";
import type * as resourcesT from "@pulumi/azure-native/resources";
import { geoForRegion, normalizeRegion, regionInfo, suggestRegions } from "../../common/geos";
import type { WorkspaceResidency } from "../resources/workspace-geo";

export interface AzureServingWorkspaceArgs {
  /** Azure region (ARM name or display name), e.g. `westeurope`. Must be an Azure Databricks region. */
  location: string;
  /** An existing resource group to put the workspace in; otherwise the component creates one. */
  resourceGroupName?: pulumi.Input<string>;
  /** Workspace name; default: auto-named from the component's name. */
  workspaceName?: pulumi.Input<string>;
  /** The managed resource group Azure Databricks creates; default `<component name>-managed`. */
  managedResourceGroupName?: pulumi.Input<string>;
  /** Declared cross-Geo processing (an account-console setting; see WorkspaceGeo). Default false. */
  crossGeoProcessing?: boolean;
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** A serving resource's `connection` input: the workspace URL only, never a credential. */
export interface WorkspaceConnection {
  host: string;
}

export class AzureServingWorkspace extends pulumi.ComponentResource {
  readonly resourceGroupName: pulumi.Output<string>;
  readonly workspace: databricksT.Workspace;
  /** `https://adb-<id>.<n>.azuredatabricks.net` */
  readonly workspaceUrl: pulumi.Output<string>;
  /** The workspace's Geo, derived from `location` (known at preview). */
  readonly geo: string;
  /** Pass as `connection` to serving resources: they then talk to this workspace (credentials come from auth). */
  readonly connection: pulumi.Output<WorkspaceConnection>;
  /** Pass as `workspaceGeo` to serving resources for the preview-time residency check. */
  readonly workspaceGeo: pulumi.Output<WorkspaceResidency>;

  constructor(name: string, args: AzureServingWorkspaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("databricks-serving:azure:AzureServingWorkspace", name, {}, opts);
    // Fail in the program, at preview, with what would be valid: an unknown region would only fail deep in ARM.
    // A ResourceError with hideStack is reported by Pulumi as one line on this component, without a stack trace:
    // the mistake is in the user's input, not in code they could debug.
    const location = normalizeRegion(args.location);
    const info = regionInfo(location);
    if (!info || info.cloud !== "azure") {
      throw new pulumi.ResourceError(
        `AzureServingWorkspace ${name}: location ${JSON.stringify(args.location)} is not an Azure Databricks region; ` +
          `nearest: ${suggestRegions(location).filter((r) => regionInfo(r)?.cloud === "azure").join(", ") || "see common/geos.ts"}`,
        this,
        true,
      );
    }
    this.geo = info.geo;
    /* eslint-disable @typescript-eslint/no-require-imports */
    const authorization = require("@pulumi/azure-native/authorization") as typeof authorizationT;
    const databricks = require("@pulumi/azure-native/databricks") as typeof databricksT;
    const resources = require("@pulumi/azure-native/resources") as typeof resourcesT;
    /* eslint-enable @typescript-eslint/no-require-imports */

    const child = { parent: this };
    let resourceGroupName: pulumi.Output<string>;
    if (args.resourceGroupName !== undefined) {
      resourceGroupName = pulumi.output(args.resourceGroupName);
    } else {
      const rg = new resources.ResourceGroup(`${name}-rg`, { location, tags: args.tags }, child);
      resourceGroupName = rg.name;
    }
    this.resourceGroupName = resourceGroupName;

    // Classic compute needs the managed resource group's full ARM id, which includes the subscription.
    const client = authorization.getClientConfigOutput(child);
    const managedName = pulumi.output(args.managedResourceGroupName ?? `${name}-managed`);
    const managedResourceGroupId = pulumi.interpolate`/subscriptions/${client.subscriptionId}/resourceGroups/${managedName}`;

    this.workspace = new databricks.Workspace(
      `${name}-workspace`,
      {
        resourceGroupName,
        location,
        workspaceName: args.workspaceName,
        sku: { name: "premium" },
        managedResourceGroupId,
        tags: args.tags,
      },
      child,
    );
    // The ARM property is the bare host name.
    this.workspaceUrl = this.workspace.workspaceUrl.apply((u) => (/^https?:\/\//.test(u) ? u : `https://${u}`));
    this.connection = this.workspaceUrl.apply((host) => ({ host }));
    this.workspaceGeo = pulumi.output({ region: location, geo: geoForRegion(location), crossGeoProcessing: args.crossGeoProcessing ?? false });

    this.registerOutputs({ workspaceUrl: this.workspaceUrl, geo: this.geo, resourceGroupName: this.resourceGroupName });
  }
}
