/**
 * pulumi-databricks-serving: Pulumi resources for Databricks Foundation Model APIs and Mosaic AI Model Serving.
 * One file per resource kind under ./resources; the run-time implementation is reached through ./dispatch.
 */
export { RegisteredModel, RegisteredModelArgs } from "./resources/registered-model";
export { ModelVersion, ModelVersionArgs } from "./resources/model-version";
export { ModelAlias, ModelAliasArgs } from "./resources/model-alias";
export { WorkspaceGeo, WorkspaceGeoArgs } from "./resources/workspace-geo";
export { AzureServingWorkspace, AzureServingWorkspaceArgs } from "./components/azure-serving-workspace";
export { checkResidency, assessResidency, resolveWorkspaceGeo, workspaceGeoInput, WorkspaceGeoInput, ResidencyQuery } from "./residency";
export { geoForRegion, Geo, GEOS, REGIONS } from "../common/geos";
export { ServingEndpoint, ServingEndpointArgs } from "./resources/serving-endpoint";
export { ProvisionedThroughputEndpoint, ProvisionedThroughputEndpointArgs } from "./resources/provisioned-throughput-endpoint";
export { PayPerTokenGateway, PayPerTokenGatewayArgs } from "./resources/pay-per-token-gateway";
export { EndpointPermissions, EndpointPermissionsArgs } from "./resources/endpoint-permissions";
export { getFoundationModels, getFoundationModelsOutput, FoundationModels, PayPerTokenModel, SystemModel } from "./functions/foundation-models";
