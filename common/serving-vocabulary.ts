/**
 * The closed vocabularies of the model-serving API (facts §1, the SDK's `serving` and `iam` types), shared by the
 * provider's input validation and the plane's request validation so the two can never disagree on what is valid.
 */
export const WORKLOAD_SIZES = ["Small", "Medium", "Large"] as const;
/** `ServingModelWorkloadType` of databricks-sdk-go v0.182 (CPU_MEDIUM and CPU_LARGE since 2026-07). */
export const WORKLOAD_TYPES = ["CPU", "CPU_MEDIUM", "CPU_LARGE", "GPU_SMALL", "GPU_MEDIUM", "GPU_LARGE", "GPU_XLARGE", "GPU_XLARGE_8", "MULTIGPU_MEDIUM"] as const;
export const EXTERNAL_PROVIDERS = [
  "ai21labs",
  "amazon-bedrock",
  "anthropic",
  "cohere",
  "custom",
  "databricks-model-serving",
  "google-cloud-vertex-ai",
  "openai",
  "palm",
] as const;
export const TASKS = ["llm/v1/chat", "llm/v1/completions", "llm/v1/embeddings"] as const;
export const PERMISSION_LEVELS = ["CAN_MANAGE", "CAN_QUERY", "CAN_VIEW"] as const;
/**
 * Telemetry signals an endpoint can export to Unity Catalog (`TelemetryFeature`, databricks-sdk-go v0.182): the wire
 * values carry the `TELEMETRY_FEATURE_` prefix; declarations use the short names.
 */
export const TELEMETRY_FEATURES = ["INFERENCE_TABLE", "LOGS", "METRICS", "TRACES"] as const;
export const TELEMETRY_FEATURE_WIRE_PREFIX = "TELEMETRY_FEATURE_";
/** `table_names` of a telemetry profile (`UnityCatalogTableNames`): each a three-level UC table name. */
export const TELEMETRY_TABLES = ["logs_table", "metrics_table", "traces_table", "annotations_table"] as const;
/** An IAM instance profile ARN, as the service accepts for `instance_profile_arn`. */
export const INSTANCE_PROFILE_ARN = /^arn:aws[a-z-]*:iam::[0-9]{12}:instance-profile\/[\w+=,.@/-]+$/;
/** Provisioned concurrency is allocated in steps of this many (facts §1: Small = 4). */
export const CONCURRENCY_STEP = 4;
