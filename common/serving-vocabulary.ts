/**
 * The closed vocabularies of the model-serving API (facts §1, the SDK's `serving` and `iam` types), shared by the
 * provider's input validation and the plane's request validation so the two can never disagree on what is valid.
 */
export const WORKLOAD_SIZES = ["Small", "Medium", "Large"] as const;
export const WORKLOAD_TYPES = ["CPU", "GPU_SMALL", "GPU_MEDIUM", "GPU_LARGE", "MULTIGPU_MEDIUM"] as const;
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
