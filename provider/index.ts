/**
 * pulumi-databricks-serving: Pulumi resources for Databricks Foundation Model APIs and Mosaic AI Model Serving.
 * One file per resource kind under ./resources; the run-time implementation is reached through ./dispatch.
 */
export { RegisteredModel, type RegisteredModelArgs } from "./resources/registered-model";
export { ModelVersion, type ModelVersionArgs } from "./resources/model-version";
export { ModelAlias, type ModelAliasArgs } from "./resources/model-alias";
export { WorkspaceGeo, type WorkspaceGeoArgs } from "./resources/workspace-geo";
export { AzureServingWorkspace, type AzureServingWorkspaceArgs } from "./components/azure-serving-workspace";
export { checkResidency, assessResidency, resolveWorkspaceGeo, workspaceGeoInput, type WorkspaceGeoInput, type ResidencyQuery } from "./residency";
export { geoForRegion, type Geo, GEOS, REGIONS } from "../common/geos";
export { ServingEndpoint, type ServingEndpointArgs } from "./resources/serving-endpoint";
export { ProvisionedThroughputEndpoint, type ProvisionedThroughputEndpointArgs } from "./resources/provisioned-throughput-endpoint";
export { PayPerTokenGateway, type PayPerTokenGatewayArgs } from "./resources/pay-per-token-gateway";
export { EndpointPermissions, type EndpointPermissionsArgs } from "./resources/endpoint-permissions";
export { getFoundationModels, getFoundationModelsOutput, type FoundationModels, type PayPerTokenModel, type SystemModel } from "./functions/foundation-models";
