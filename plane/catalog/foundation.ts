/**
 * The foundation models the plane publishes in `system.ai`, and the pay-per-token endpoints it pre-provisions.
 *
 * Figures are a simulation: families and the tokens-vs-model-units split follow facts §3; chunk sizes other than
 * Llama 3.3 70B's observed 1580 are plausible stand-ins, chosen so that a client cannot hard-code one chunk size.
 */
export type ServingTask = "llm/v1/chat" | "llm/v1/embeddings" | "llm/v1/completions";

export type ThroughputKind = { kind: "tokens"; chunkSize: number } | { kind: "model_units"; increment: number };

export interface FoundationModelSpec {
  /** Short name inside system.ai, e.g. `llama_v3_3_70b_instruct`. */
  shortName: string;
  displayName: string;
  description: string;
  task: ServingTask;
  /** `model_type` in get-model-optimization-info. */
  modelType: string;
  throughput: ThroughputKind;
  /** Versions 1..n exist and are READY. */
  versions: number;
}

export const SYSTEM_CATALOG = "system";
export const SYSTEM_SCHEMA = "ai";

export const FOUNDATION_MODELS: readonly FoundationModelSpec[] = [
  { shortName: "llama_v3_3_70b_instruct", displayName: "Meta Llama 3.3 70B Instruct", description: "Meta Llama 3.3 70B instruction-tuned chat model.", task: "llm/v1/chat", modelType: "llama", throughput: { kind: "tokens", chunkSize: 1580 }, versions: 3 },
  { shortName: "meta_llama_v3_1_8b_instruct", displayName: "Meta Llama 3.1 8B Instruct", description: "Meta Llama 3.1 8B instruction-tuned chat model.", task: "llm/v1/chat", modelType: "llama", throughput: { kind: "tokens", chunkSize: 9500 }, versions: 2 },
  { shortName: "llama_v3_2_1b_instruct", displayName: "Meta Llama 3.2 1B Instruct", description: "Meta Llama 3.2 1B instruction-tuned chat model.", task: "llm/v1/chat", modelType: "llama", throughput: { kind: "tokens", chunkSize: 21000 }, versions: 2 },
  { shortName: "llama_v3_2_3b_instruct", displayName: "Meta Llama 3.2 3B Instruct", description: "Meta Llama 3.2 3B instruction-tuned chat model.", task: "llm/v1/chat", modelType: "llama", throughput: { kind: "tokens", chunkSize: 14000 }, versions: 2 },
  { shortName: "gte_large_en_v1_5", displayName: "GTE Large (En)", description: "General Text Embeddings large English v1.5.", task: "llm/v1/embeddings", modelType: "gte", throughput: { kind: "tokens", chunkSize: 12000 }, versions: 1 },
  { shortName: "bge_large_en_v1_5", displayName: "BGE Large (En)", description: "BAAI General Embedding large English v1.5.", task: "llm/v1/embeddings", modelType: "bert", throughput: { kind: "tokens", chunkSize: 10000 }, versions: 1 },
  { shortName: "mixtral_8x7b_instruct_v0_1", displayName: "Mixtral-8x7B Instruct", description: "Mistral AI sparse mixture-of-experts chat model.", task: "llm/v1/chat", modelType: "mixtral", throughput: { kind: "tokens", chunkSize: 1940 }, versions: 1 },
  { shortName: "dbrx_instruct", displayName: "DBRX Instruct", description: "Databricks mixture-of-experts chat model.", task: "llm/v1/chat", modelType: "dbrx", throughput: { kind: "tokens", chunkSize: 1700 }, versions: 1 },
  { shortName: "llama-4-maverick", displayName: "Llama 4 Maverick", description: "Meta Llama 4 Maverick mixture-of-experts model.", task: "llm/v1/chat", modelType: "llama4", throughput: { kind: "model_units", increment: 1 }, versions: 1 },
  { shortName: "gemma-3-12b-it", displayName: "Gemma 3 12B", description: "Google Gemma 3 12B instruction-tuned model.", task: "llm/v1/chat", modelType: "gemma3", throughput: { kind: "model_units", increment: 1 }, versions: 1 },
  { shortName: "gpt-oss-120b", displayName: "GPT OSS 120B", description: "OpenAI open-weight 120B reasoning model.", task: "llm/v1/chat", modelType: "gpt_oss", throughput: { kind: "model_units", increment: 1 }, versions: 1 },
  { shortName: "gpt-oss-20b", displayName: "GPT OSS 20B", description: "OpenAI open-weight 20B reasoning model.", task: "llm/v1/chat", modelType: "gpt_oss", throughput: { kind: "model_units", increment: 1 }, versions: 1 },
];

export function foundationFullName(spec: FoundationModelSpec): string {
  return `${SYSTEM_CATALOG}.${SYSTEM_SCHEMA}.${spec.shortName}`;
}

const BY_FULL_NAME = new Map(FOUNDATION_MODELS.map((m) => [foundationFullName(m), m]));

export function foundationModel(fullName: string): FoundationModelSpec | undefined {
  return BY_FULL_NAME.get(fullName.toLowerCase());
}

export interface PayPerTokenSpec {
  endpoint: string;
  task: ServingTask;
  displayName: string;
  description: string;
  /** Where the model is hosted without cross-Geo processing (facts §4: only GTE and Llama 3.3 70B are in the EU too). */
  hostedGeos: readonly string[];
}

const US = ["United States"];
const US_EU = ["United States", "EU Data Boundary"];

export const PAY_PER_TOKEN_ENDPOINTS: readonly PayPerTokenSpec[] = [
  { endpoint: "databricks-meta-llama-3-3-70b-instruct", task: "llm/v1/chat", displayName: "Meta Llama 3.3 70B Instruct", description: "Meta Llama 3.3 70B Instruct, pay-per-token.", hostedGeos: US_EU },
  { endpoint: "databricks-meta-llama-3-1-8b-instruct", task: "llm/v1/chat", displayName: "Meta Llama 3.1 8B Instruct", description: "Meta Llama 3.1 8B Instruct, pay-per-token.", hostedGeos: US },
  { endpoint: "databricks-llama-4-maverick", task: "llm/v1/chat", displayName: "Llama 4 Maverick", description: "Llama 4 Maverick, pay-per-token.", hostedGeos: US },
  { endpoint: "databricks-claude-3-7-sonnet", task: "llm/v1/chat", displayName: "Claude 3.7 Sonnet", description: "Anthropic Claude 3.7 Sonnet, pay-per-token.", hostedGeos: US },
  { endpoint: "databricks-claude-sonnet-4", task: "llm/v1/chat", displayName: "Claude Sonnet 4", description: "Anthropic Claude Sonnet 4, pay-per-token.", hostedGeos: US },
  { endpoint: "databricks-claude-sonnet-4-5", task: "llm/v1/chat", displayName: "Claude Sonnet 4.5", description: "Anthropic Claude Sonnet 4.5, pay-per-token.", hostedGeos: US },
  { endpoint: "databricks-claude-opus-4", task: "llm/v1/chat", displayName: "Claude Opus 4", description: "Anthropic Claude Opus 4, pay-per-token.", hostedGeos: US },
  { endpoint: "databricks-gpt-oss-120b", task: "llm/v1/chat", displayName: "GPT OSS 120B", description: "OpenAI GPT OSS 120B, pay-per-token.", hostedGeos: US },
  { endpoint: "databricks-gpt-oss-20b", task: "llm/v1/chat", displayName: "GPT OSS 20B", description: "OpenAI GPT OSS 20B, pay-per-token.", hostedGeos: US },
  { endpoint: "databricks-gemma-3-12b", task: "llm/v1/chat", displayName: "Gemma 3 12B", description: "Google Gemma 3 12B, pay-per-token.", hostedGeos: US },
  { endpoint: "databricks-gte-large-en", task: "llm/v1/embeddings", displayName: "GTE Large (En)", description: "GTE Large (En) embeddings, pay-per-token.", hostedGeos: US_EU },
  { endpoint: "databricks-bge-large-en", task: "llm/v1/embeddings", displayName: "BGE Large (En)", description: "BGE Large (En) embeddings, pay-per-token.", hostedGeos: US },
];

export function payPerTokenSpec(endpointName: string): PayPerTokenSpec | undefined {
  return PAY_PER_TOKEN_ENDPOINTS.find((p) => p.endpoint === endpointName);
}
