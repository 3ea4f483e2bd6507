import { z } from "zod";
import { EXTERNAL_PROVIDERS, PERMISSION_LEVELS, TELEMETRY_FEATURE_WIRE_PREFIX, TELEMETRY_FEATURES, TELEMETRY_TABLES, WORKLOAD_TYPES } from "../../common/serving-vocabulary";

/**
 * Request bodies of the serving-endpoint routes, mirroring the SDK's wire types (`dist/apis/serving/model.d.ts`).
 * Objects are strict: a field the service does not know is refused, so a client typo cannot pass silently.
 */
const secretPair = <K extends string>(key: K) => ({
  [key]: z.string().optional(),
  [`${key}_plaintext`]: z.string().optional(),
}) as { [P in K | `${K}_plaintext`]: z.ZodOptional<z.ZodString> };

export const Ai21LabsConfig = z.strictObject({ ...secretPair("ai21labs_api_key") });
export const AmazonBedrockConfig = z.strictObject({
  ...secretPair("aws_access_key_id"),
  ...secretPair("aws_secret_access_key"),
  aws_region: z.string(),
  bedrock_provider: z.enum(["ai21labs", "amazon", "anthropic", "cohere"]),
  instance_profile_arn: z.string().optional(),
  uc_service_credential_name: z.string().optional(),
});
export const AnthropicConfig = z.strictObject({ ...secretPair("anthropic_api_key") });
export const CohereConfig = z.strictObject({ cohere_api_base: z.string().optional(), ...secretPair("cohere_api_key") });
export const CustomProviderConfig = z.strictObject({
  custom_provider_url: z.string(),
  api_key_auth: z.strictObject({ key: z.string(), ...secretPair("value") }).optional(),
  bearer_token_auth: z.strictObject({ ...secretPair("token") }).optional(),
});
export const DatabricksModelServingConfig = z.strictObject({ databricks_workspace_url: z.string(), ...secretPair("databricks_api_token") });
export const GoogleCloudVertexAiConfig = z.strictObject({ ...secretPair("private_key"), project_id: z.string(), region: z.string() });
export const OpenAiConfig = z.strictObject({
  microsoft_entra_client_id: z.string().optional(),
  ...secretPair("microsoft_entra_client_secret"),
  microsoft_entra_tenant_id: z.string().optional(),
  openai_api_base: z.string().optional(),
  ...secretPair("openai_api_key"),
  openai_api_type: z.string().optional(),
  openai_api_version: z.string().optional(),
  openai_deployment_name: z.string().optional(),
  openai_organization: z.string().optional(),
});
export const PaLmConfig = z.strictObject({ ...secretPair("palm_api_key") });

export const ExternalModel = z.strictObject({
  name: z.string(),
  provider: z.enum(EXTERNAL_PROVIDERS),
  task: z.string(),
  ai21labs_config: Ai21LabsConfig.optional(),
  amazon_bedrock_config: AmazonBedrockConfig.optional(),
  anthropic_config: AnthropicConfig.optional(),
  cohere_config: CohereConfig.optional(),
  custom_provider_config: CustomProviderConfig.optional(),
  databricks_model_serving_config: DatabricksModelServingConfig.optional(),
  google_cloud_vertex_ai_config: GoogleCloudVertexAiConfig.optional(),
  openai_config: OpenAiConfig.optional(),
  palm_config: PaLmConfig.optional(),
});
export type ExternalModel = z.infer<typeof ExternalModel>;

const int = () => z.number().int();

export const ServedEntityInput = z.strictObject({
  burst_scaling_enabled: z.boolean().optional(),
  entity_name: z.string().optional(),
  entity_version: z.string().optional(),
  environment_vars: z.record(z.string(), z.string()).optional(),
  external_model: ExternalModel.optional(),
  instance_profile_arn: z.string().optional(),
  max_provisioned_concurrency: int().optional(),
  max_provisioned_throughput: int().optional(),
  min_provisioned_concurrency: int().optional(),
  min_provisioned_throughput: int().optional(),
  name: z.string().optional(),
  provisioned_model_units: int().optional(),
  scale_to_zero_enabled: z.boolean().optional(),
  workload_size: z.string().optional(),
  workload_type: z.enum(WORKLOAD_TYPES).optional(),
});
export type ServedEntityInput = z.infer<typeof ServedEntityInput>;

export const ServedModelInput = z.strictObject({
  environment_vars: z.record(z.string(), z.string()).optional(),
  instance_profile_arn: z.string().optional(),
  max_provisioned_concurrency: int().optional(),
  max_provisioned_throughput: int().optional(),
  min_provisioned_concurrency: int().optional(),
  min_provisioned_throughput: int().optional(),
  model_name: z.string(),
  model_version: z.string(),
  name: z.string().optional(),
  provisioned_model_units: int().optional(),
  scale_to_zero_enabled: z.boolean(),
  workload_size: z.string().optional(),
  workload_type: z.enum(WORKLOAD_TYPES).optional(),
});
export type ServedModelInput = z.infer<typeof ServedModelInput>;

export const Route = z.strictObject({
  served_entity_name: z.string().optional(),
  served_model_name: z.string().optional(),
  traffic_percentage: int(),
});
export const TrafficConfig = z.strictObject({ routes: z.array(Route).optional() });
export type TrafficConfig = z.infer<typeof TrafficConfig>;

export const AutoCaptureConfigInput = z.strictObject({
  catalog_name: z.string().optional(),
  enabled: z.boolean().optional(),
  schema_name: z.string().optional(),
  table_name_prefix: z.string().optional(),
});

/** The SDK's EndpointCoreConfigInput carries the endpoint `name`; on create it may travel inside `config`. */
export const EndpointCoreConfigInput = z.strictObject({
  name: z.string().optional(),
  served_entities: z.array(ServedEntityInput).optional(),
  served_models: z.array(ServedModelInput).optional(),
  traffic_config: TrafficConfig.optional(),
  auto_capture_config: AutoCaptureConfigInput.optional(),
});
export type EndpointCoreConfigInput = z.infer<typeof EndpointCoreConfigInput>;

const GuardrailParameters = z.strictObject({
  invalid_keywords: z.array(z.string()).optional(),
  pii: z.strictObject({ behavior: z.enum(["BLOCK", "MASK", "NONE"]).optional() }).optional(),
  safety: z.boolean().optional(),
  valid_topics: z.array(z.string()).optional(),
});
export const AiGatewayRateLimit = z.strictObject({
  calls: int().optional(),
  tokens: int().optional(),
  key: z.enum(["endpoint", "service_principal", "user", "user_group"]).optional(),
  principal: z.string().optional(),
  renewal_period: z.enum(["minute"]),
});
export const AiGatewayFields = {
  fallback_config: z.strictObject({ enabled: z.boolean() }).optional(),
  guardrails: z.strictObject({ input: GuardrailParameters.optional(), output: GuardrailParameters.optional() }).optional(),
  inference_table_config: z
    .strictObject({
      catalog_name: z.string().optional(),
      enabled: z.boolean().optional(),
      schema_name: z.string().optional(),
      table_name_prefix: z.string().optional(),
    })
    .optional(),
  rate_limits: z.array(AiGatewayRateLimit).optional(),
  usage_tracking_config: z.strictObject({ enabled: z.boolean().optional() }).optional(),
};
export const AiGatewayConfig = z.strictObject(AiGatewayFields);
export type AiGatewayConfig = z.infer<typeof AiGatewayConfig>;

export const EndpointTag = z.strictObject({ key: z.string(), value: z.string().optional() });
export type EndpointTag = z.infer<typeof EndpointTag>;
export const EmailNotifications = z.strictObject({
  on_update_failure: z.array(z.string()).optional(),
  on_update_success: z.array(z.string()).optional(),
});
export const LegacyRateLimit = z.strictObject({
  calls: int(),
  key: z.enum(["endpoint", "user"]).optional(),
  renewal_period: z.enum(["minute"]),
});

/** databricks-sdk-go v0.182 `TelemetryConfig` (the JS SDK 0.17 predates it). */
export const TelemetryConfig = z.strictObject({
  enabled_telemetry_features: z.array(z.enum(TELEMETRY_FEATURES.map((f) => `${TELEMETRY_FEATURE_WIRE_PREFIX}${f}`) as [string, ...string[]])).optional(),
  inference_table_config: z.strictObject({ name: z.string().optional(), sampling_fraction: z.number().optional() }).optional(),
  table_names: z.strictObject(Object.fromEntries(TELEMETRY_TABLES.map((t) => [t, z.string().optional()])) as Record<(typeof TELEMETRY_TABLES)[number], z.ZodOptional<z.ZodString>>).optional(),
  telemetry_profile_id: z.string().optional(),
});
export type TelemetryConfig = z.infer<typeof TelemetryConfig>;
export const PatchTelemetryConfigBody = z.strictObject({ telemetry_config: TelemetryConfig.optional() });

export const CreateServingEndpointBody = z.strictObject({
  name: z.string(),
  config: EndpointCoreConfigInput.optional(),
  ai_gateway: AiGatewayConfig.optional(),
  budget_policy_id: z.string().optional(),
  description: z.string().optional(),
  email_notifications: EmailNotifications.optional(),
  rate_limits: z.array(LegacyRateLimit).optional(),
  route_optimized: z.boolean().optional(),
  tags: z.array(EndpointTag).optional(),
  telemetry_config: TelemetryConfig.optional(),
});
export type CreateServingEndpointBody = z.infer<typeof CreateServingEndpointBody>;

export const PtServedModel = z.strictObject({
  burst_scaling_enabled: z.boolean().optional(),
  entity_name: z.string(),
  entity_version: z.string().optional(),
  name: z.string().optional(),
  provisioned_model_units: int(),
});
export const PtEndpointCoreConfig = z.strictObject({
  served_entities: z.array(PtServedModel).optional(),
  traffic_config: TrafficConfig.optional(),
});
export const CreatePtEndpointBody = z.strictObject({
  name: z.string(),
  config: PtEndpointCoreConfig,
  ai_gateway: AiGatewayConfig.optional(),
  budget_policy_id: z.string().optional(),
  email_notifications: EmailNotifications.optional(),
  tags: z.array(EndpointTag).optional(),
});
export const UpdatePtConfigBody = z.strictObject({ config: PtEndpointCoreConfig });

export const PatchTagsBody = z.strictObject({ add_tags: z.array(EndpointTag).optional(), delete_tags: z.array(z.string()).optional() });
export const PutRateLimitsBody = z.strictObject({ rate_limits: z.array(LegacyRateLimit).optional() });
export const PatchNotificationsBody = z.strictObject({ email_notifications: EmailNotifications.optional() });

export type PermissionLevel = (typeof PERMISSION_LEVELS)[number];
export const PermissionsBody = z.strictObject({
  access_control_list: z
    .array(
      z.strictObject({
        user_name: z.string().optional(),
        group_name: z.string().optional(),
        service_principal_name: z.string().optional(),
        permission_level: z.enum(PERMISSION_LEVELS).optional(),
      }),
    )
    .optional(),
});
