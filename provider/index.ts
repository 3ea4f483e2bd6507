/**
 * pulumi-databricks-serving: Pulumi resources for Databricks Foundation Model APIs and Mosaic AI Model Serving.
 * One file per resource kind under ./resources; the run-time implementation is reached through ./dispatch.
 */
export { RegisteredModel, RegisteredModelArgs } from "./resources/registered-model";
