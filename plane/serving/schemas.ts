import { z } from "zod";
import { EXTERNAL_PROVIDERS, PERMISSION_LEVELS, WORKLOAD_TYPES } from "../../common/serving-vocabulary";
import { line, list, stringMap, text } from "../validate";

/**
 * Request bodies of the serving-endpoint routes, mirroring the SDK's wire types (`dist/apis/serving/model.d.ts`).
 * Objects are strict: a field the service does not know is refused, so a client typo cannot pass silently. Every
 * string and array carries its limit from plane/limits.ts.
 */
const secretPair = <K extends string>(key: K) => ({
  [key]: line("secret").optional(),
  [`${key}_plaintext`]: line("secret").optional(),
}) as { [P in K | `${K}_plaintext`]: z.ZodOptional<z.ZodString> };

/** Short values: names, regions, ids, versions. */
const short = () => line("name");
const url = () => line("url");

export const Ai21LabsConfig = z.strictObject({ ...secretPair("ai21labs_api_key") });
export const AmazonBedrockConfig = z.strictObject({
  ...secretPair("aws_access_key_id"),
  ...secretPair("aws_secret_access_key"),
  aws_region: short(),
  bedrock_provider: z.enum(["ai21labs", "amazon", "anthropic", "cohere"]),
  instance_profile_arn: url().optional(),
});
export const AnthropicConfig = z.strictObject({ ...secretPair("anthropic_api_key") });
export const CohereConfig = z.strictObject({ cohere_api_base: url().optional(), ...secretPair("cohere_api_key") });
export const CustomProviderConfig = z.strictObject({
  custom_provider_url: url(),
  api_key_auth: z.strictObject({ key: short(), ...secretPair("value") }).optional(),
  bearer_token_auth: z.strictObject({ ...secretPair("token") }).optional(),
});
export const DatabricksModelServingConfig = z.strictObject({ databricks_workspace_url: url(), ...secretPair("databricks_api_token") });
export const GoogleCloudVertexAiConfig = z.strictObject({ ...secretPair("private_key"), project_id: short(), region: short() });
export const OpenAiConfig = z.strictObject({
  microsoft_entra_client_id: short().optional(),
  ...secretPair("microsoft_entra_client_secret"),
  microsoft_entra_tenant_id: short().optional(),
  openai_api_base: url().optional(),
  ...secretPair("openai_api_key"),
  openai_api_type: short().optional(),
  openai_api_version: short().optional(),
  openai_deployment_name: short().optional(),
  openai_organization: short().optional(),
});
export const PaLmConfig = z.strictObject({ ...secretPair("palm_api_key") });

export const ExternalModel = z.strictObject({
  name: short(),
  provider: z.enum(EXTERNAL_PROVIDERS),
  task: short(),
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

/** Integers the service takes as int32. */
const int = () => z.number().int().min(-2147483648).max(2147483647);

/** Environment variables: every accepted name is kept (a variable may be called `__proto__`). */
const EnvironmentVars = stringMap({ pattern: /^[A-Za-z_][A-Za-z0-9_]*$/, what: "environment variable name", limitName: "envName" }, line("envValue"), "envVars");

export const ServedEntityInput = z.strictObject({
  entity_name: short().optional(),
  entity_version: short().optional(),
  environment_vars: EnvironmentVars.optional(),
  external_model: ExternalModel.optional(),
  instance_profile_arn: url().optional(),
  max_provisioned_concurrency: int().optional(),
  max_provisioned_throughput: int().optional(),
  min_provisioned_concurrency: int().optional(),
  min_provisioned_throughput: int().optional(),
  name: short().optional(),
  provisioned_model_units: int().optional(),
  scale_to_zero_enabled: z.boolean().optional(),
  workload_size: short().optional(),
  workload_type: z.enum(WORKLOAD_TYPES).optional(),
});
export type ServedEntityInput = z.infer<typeof ServedEntityInput>;

export const ServedModelInput = z.strictObject({
  environment_vars: EnvironmentVars.optional(),
  instance_profile_arn: url().optional(),
  max_provisioned_concurrency: int().optional(),
  max_provisioned_throughput: int().optional(),
  min_provisioned_concurrency: int().optional(),
  min_provisioned_throughput: int().optional(),
  model_name: short(),
  model_version: short(),
  name: short().optional(),
  provisioned_model_units: int().optional(),
  scale_to_zero_enabled: z.boolean(),
  workload_size: short().optional(),
  workload_type: z.enum(WORKLOAD_TYPES).optional(),
});
export type ServedModelInput = z.infer<typeof ServedModelInput>;

export const Route = z.strictObject({
  served_entity_name: short().optional(),
  served_model_name: short().optional(),
  traffic_percentage: int(),
});
export const TrafficConfig = z.strictObject({ routes: list(Route, "arrayItems").optional() });
export type TrafficConfig = z.infer<typeof TrafficConfig>;

export const AutoCaptureConfigInput = z.strictObject({
  catalog_name: short().optional(),
  enabled: z.boolean().optional(),
  schema_name: short().optional(),
  table_name_prefix: short().optional(),
});

/** The SDK's EndpointCoreConfigInput carries the endpoint `name`; on create it may travel inside `config`. */
export const EndpointCoreConfigInput = z.strictObject({
  name: short().optional(),
  served_entities: z.array(ServedEntityInput).optional(),
  served_models: z.array(ServedModelInput).optional(),
  traffic_config: TrafficConfig.optional(),
  auto_capture_config: AutoCaptureConfigInput.optional(),
});
export type EndpointCoreConfigInput = z.infer<typeof EndpointCoreConfigInput>;

const GuardrailParameters = z.strictObject({
  invalid_keywords: list(line("keyword"), "keywords").optional(),
  pii: z.strictObject({ behavior: z.enum(["BLOCK", "MASK", "NONE"]).optional() }).optional(),
  safety: z.boolean().optional(),
  valid_topics: list(line("keyword"), "keywords").optional(),
});
export const AiGatewayRateLimit = z.strictObject({
  calls: int().optional(),
  tokens: int().optional(),
  key: z.enum(["endpoint", "service_principal", "user", "user_group"]).optional(),
  principal: short().optional(),
  renewal_period: z.enum(["minute"]),
});
export const AiGatewayFields = {
  fallback_config: z.strictObject({ enabled: z.boolean() }).optional(),
  guardrails: z.strictObject({ input: GuardrailParameters.optional(), output: GuardrailParameters.optional() }).optional(),
  inference_table_config: z
    .strictObject({
      catalog_name: short().optional(),
      enabled: z.boolean().optional(),
      schema_name: short().optional(),
      table_name_prefix: short().optional(),
    })
    .optional(),
  rate_limits: list(AiGatewayRateLimit, "rateLimits").optional(),
  usage_tracking_config: z.strictObject({ enabled: z.boolean().optional() }).optional(),
};
export const AiGatewayConfig = z.strictObject(AiGatewayFields);
export type AiGatewayConfig = z.infer<typeof AiGatewayConfig>;

export const EndpointTag = z.strictObject({ key: line("endpointTagKey"), value: line("endpointTagValue").optional() });
export type EndpointTag = z.infer<typeof EndpointTag>;
export const EmailNotifications = z.strictObject({
  on_update_failure: list(line("email"), "emails").optional(),
  on_update_success: list(line("email"), "emails").optional(),
});
export const LegacyRateLimit = z.strictObject({
  calls: int(),
  key: z.enum(["endpoint", "user"]).optional(),
  renewal_period: z.enum(["minute"]),
});

const Tags = list(EndpointTag, "arrayItems");

export const CreateServingEndpointBody = z.strictObject({
  name: short(),
  config: EndpointCoreConfigInput.optional(),
  ai_gateway: AiGatewayConfig.optional(),
  budget_policy_id: short().optional(),
  description: text().optional(),
  email_notifications: EmailNotifications.optional(),
  rate_limits: list(LegacyRateLimit, "rateLimits").optional(),
  route_optimized: z.boolean().optional(),
  tags: Tags.optional(),
});
export type CreateServingEndpointBody = z.infer<typeof CreateServingEndpointBody>;

export const PtServedModel = z.strictObject({
  entity_name: short(),
  entity_version: short().optional(),
  name: short().optional(),
  provisioned_model_units: int(),
});
export const PtEndpointCoreConfig = z.strictObject({
  served_entities: z.array(PtServedModel).optional(),
  traffic_config: TrafficConfig.optional(),
});
export const CreatePtEndpointBody = z.strictObject({
  name: short(),
  config: PtEndpointCoreConfig,
  ai_gateway: AiGatewayConfig.optional(),
  budget_policy_id: short().optional(),
  email_notifications: EmailNotifications.optional(),
  tags: Tags.optional(),
});
export const UpdatePtConfigBody = z.strictObject({ config: PtEndpointCoreConfig });

export const PatchTagsBody = z.strictObject({ add_tags: Tags.optional(), delete_tags: list(line("endpointTagKey"), "arrayItems").optional() });
export const PutRateLimitsBody = z.strictObject({ rate_limits: list(LegacyRateLimit, "rateLimits").optional() });
export const PatchNotificationsBody = z.strictObject({ email_notifications: EmailNotifications.optional() });

export type PermissionLevel = (typeof PERMISSION_LEVELS)[number];
const AccessControlList = list(
  z.strictObject({
    user_name: short().optional(),
    group_name: short().optional(),
    service_principal_name: short().optional(),
    permission_level: z.enum(PERMISSION_LEVELS).optional(),
  }),
  "aclEntries",
);
/** PUT replaces the grants: the list is required, so a body that forgot it cannot wipe them. */
export const PutPermissionsBody = z.strictObject({ access_control_list: AccessControlList });
export const PatchPermissionsBody = z.strictObject({ access_control_list: AccessControlList.optional() });
