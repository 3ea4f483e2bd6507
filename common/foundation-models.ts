/**
 * The foundation models: every fact about them, once. The provider (Geo residency checks, `getFoundationModels`) and
 * the plane (the `system.ai` catalog, pay-per-token endpoints, query path: tasks, embedding dimensions, context
 * limits) both read this module, so the two can never disagree about a model.
 *
 * Sources: ../shared/facts/serving-api.md §3–§4 (names, tasks, the tokens-vs-model-units split, Llama 3.3 70B's
 * observed chunk size 1580, which pay-per-token models are also hosted in the EU) and the public model cards (context
 * windows, embedding dimensions: GTE Large v1.5 and BGE Large v1.5 embed into 1024 dimensions; GTE reads 8192 tokens,
 * BGE 512). ⚠ marks figures that are plausible stand-ins rather than observed: the other chunk sizes (chosen so a client
 * cannot hard-code one) and the maximum output tokens.
 *
 * This module is shared by provider/ and plane/ and must import neither.
 */
import type { Geo } from "./geos";
import type { TASKS } from "./serving-vocabulary";

export type ServingTask = (typeof TASKS)[number];

/** Where a pay-per-token model is hosted (processing locations, not workspace Geos). */
export const HOSTINGS = ["US", "EU"] as const;
export type Hosting = (typeof HOSTINGS)[number];

/** The workspace Geos whose content is processed "inside" a hosting location (Azure's and AWS/GCP's names). */
export const HOSTING_GEOS: Readonly<Record<Hosting, readonly Geo[]>> = {
  US: ["United States", "Americas"],
  EU: ["EU Data Boundary", "Europe"],
};

export type ThroughputKind = { kind: "tokens"; chunkSize: number } | { kind: "model_units"; increment: number };

/** A model published in `system.ai` (servable with provisioned throughput). */
export interface SystemAiFacts {
  /** `model_type` in get-model-optimization-info. */
  modelType: string;
  throughput: ThroughputKind;
  /** Versions 1..n exist and are READY. */
  versions: number;
  /** Base-model names that identify a fine-tune of this architecture (the MLmodel's `source_model_name`). */
  architecture?: RegExp;
}

export interface PayPerTokenFacts {
  /** The pre-provisioned endpoint, e.g. `databricks-meta-llama-3-3-70b-instruct`. */
  endpoint: string;
  description: string;
  hosting: readonly Hosting[];
}

export interface FoundationModelFacts {
  /** Short name inside system.ai (or the partner model's id), e.g. `llama_v3_3_70b_instruct`. */
  id: string;
  displayName: string;
  description: string;
  task: ServingTask;
  /** Context window in tokens (prompt + completion for chat; one input for embeddings). */
  contextTokens: number;
  /** Largest `max_tokens` a request may ask for (chat/completions). ⚠ */
  maxOutputTokens?: number;
  /** Length of each embedding vector (embeddings models). */
  embeddingDimension?: number;
  systemAi?: SystemAiFacts;
  payPerToken?: PayPerTokenFacts;
  /** Geos where provisioned throughput serves it; absent = every Geo where provisioned throughput is available. */
  provisionedThroughputGeos?: readonly Geo[];
}

const US: readonly Hosting[] = ["US"];
const US_EU: readonly Hosting[] = ["US", "EU"];
const tokens = (chunkSize: number): ThroughputKind => ({ kind: "tokens", chunkSize });
const units: ThroughputKind = { kind: "model_units", increment: 1 };

export const FOUNDATION_MODEL_FACTS: readonly FoundationModelFacts[] = [
  {
    id: "llama_v3_3_70b_instruct",
    displayName: "Meta Llama 3.3 70B Instruct",
    description: "Meta Llama 3.3 70B instruction-tuned chat model.",
    task: "llm/v1/chat",
    contextTokens: 128_000,
    maxOutputTokens: 8192,
    systemAi: { modelType: "llama", throughput: tokens(1580), versions: 3, architecture: /llama[-_ ]?3\.?3[-_ ].*70b/i },
    payPerToken: { endpoint: "databricks-meta-llama-3-3-70b-instruct", description: "Meta Llama 3.3 70B Instruct, pay-per-token.", hosting: US_EU },
  },
  {
    id: "meta_llama_v3_1_8b_instruct",
    displayName: "Meta Llama 3.1 8B Instruct",
    description: "Meta Llama 3.1 8B instruction-tuned chat model.",
    task: "llm/v1/chat",
    contextTokens: 128_000,
    maxOutputTokens: 8192,
    systemAi: { modelType: "llama", throughput: tokens(9500), versions: 2, architecture: /llama[-_ ]?3\.?1[-_ ].*8b/i },
    payPerToken: { endpoint: "databricks-meta-llama-3-1-8b-instruct", description: "Meta Llama 3.1 8B Instruct, pay-per-token.", hosting: US },
  },
  {
    id: "llama_v3_2_1b_instruct",
    displayName: "Meta Llama 3.2 1B Instruct",
    description: "Meta Llama 3.2 1B instruction-tuned chat model.",
    task: "llm/v1/chat",
    contextTokens: 128_000,
    maxOutputTokens: 8192,
    systemAi: { modelType: "llama", throughput: tokens(21000), versions: 2, architecture: /llama[-_ ]?3\.?2[-_ ].*1b/i },
  },
  {
    id: "llama_v3_2_3b_instruct",
    displayName: "Meta Llama 3.2 3B Instruct",
    description: "Meta Llama 3.2 3B instruction-tuned chat model.",
    task: "llm/v1/chat",
    contextTokens: 128_000,
    maxOutputTokens: 8192,
    systemAi: { modelType: "llama", throughput: tokens(14000), versions: 2, architecture: /llama[-_ ]?3\.?2[-_ ].*3b/i },
  },
  {
    id: "gte_large_en_v1_5",
    displayName: "GTE Large (En)",
    description: "General Text Embeddings large English v1.5.",
    task: "llm/v1/embeddings",
    contextTokens: 8192,
    embeddingDimension: 1024,
    systemAi: { modelType: "gte", throughput: tokens(12000), versions: 1, architecture: /gte[-_ ]large/i },
    payPerToken: { endpoint: "databricks-gte-large-en", description: "GTE Large (En) embeddings, pay-per-token.", hosting: US_EU },
  },
  {
    id: "bge_large_en_v1_5",
    displayName: "BGE Large (En)",
    description: "BAAI General Embedding large English v1.5.",
    task: "llm/v1/embeddings",
    contextTokens: 512,
    embeddingDimension: 1024,
    systemAi: { modelType: "bert", throughput: tokens(10000), versions: 1, architecture: /bge[-_ ]large/i },
    payPerToken: { endpoint: "databricks-bge-large-en", description: "BGE Large (En) embeddings, pay-per-token.", hosting: US },
  },
  {
    id: "mixtral_8x7b_instruct_v0_1",
    displayName: "Mixtral-8x7B Instruct",
    description: "Mistral AI sparse mixture-of-experts chat model.",
    task: "llm/v1/chat",
    contextTokens: 32_768,
    maxOutputTokens: 4096,
    systemAi: { modelType: "mixtral", throughput: tokens(1940), versions: 1, architecture: /mixtral[-_ ]?8x7b/i },
  },
  {
    id: "dbrx_instruct",
    displayName: "DBRX Instruct",
    description: "Databricks mixture-of-experts chat model.",
    task: "llm/v1/chat",
    contextTokens: 32_768,
    maxOutputTokens: 4096,
    systemAi: { modelType: "dbrx", throughput: tokens(1700), versions: 1, architecture: /dbrx/i },
  },
  {
    id: "llama-4-maverick",
    displayName: "Llama 4 Maverick",
    description: "Meta Llama 4 Maverick mixture-of-experts model.",
    task: "llm/v1/chat",
    contextTokens: 128_000,
    maxOutputTokens: 8192,
    systemAi: { modelType: "llama4", throughput: units, versions: 1 },
    payPerToken: { endpoint: "databricks-llama-4-maverick", description: "Llama 4 Maverick, pay-per-token.", hosting: US },
  },
  {
    id: "gemma-3-12b-it",
    displayName: "Gemma 3 12B",
    description: "Google Gemma 3 12B instruction-tuned model.",
    task: "llm/v1/chat",
    contextTokens: 128_000,
    maxOutputTokens: 8192,
    systemAi: { modelType: "gemma3", throughput: units, versions: 1 },
    payPerToken: { endpoint: "databricks-gemma-3-12b", description: "Google Gemma 3 12B, pay-per-token.", hosting: US },
  },
  {
    id: "gpt-oss-120b",
    displayName: "GPT OSS 120B",
    description: "OpenAI open-weight 120B reasoning model.",
    task: "llm/v1/chat",
    contextTokens: 131_072,
    maxOutputTokens: 25_000,
    systemAi: { modelType: "gpt_oss", throughput: units, versions: 1 },
    payPerToken: { endpoint: "databricks-gpt-oss-120b", description: "OpenAI GPT OSS 120B, pay-per-token.", hosting: US },
  },
  {
    id: "gpt-oss-20b",
    displayName: "GPT OSS 20B",
    description: "OpenAI open-weight 20B reasoning model.",
    task: "llm/v1/chat",
    contextTokens: 131_072,
    maxOutputTokens: 25_000,
    systemAi: { modelType: "gpt_oss", throughput: units, versions: 1 },
    payPerToken: { endpoint: "databricks-gpt-oss-20b", description: "OpenAI GPT OSS 20B, pay-per-token.", hosting: US },
  },
  // Partner models: pay-per-token only, US-hosted, never in system.ai.
  {
    id: "claude-3-7-sonnet",
    displayName: "Claude 3.7 Sonnet",
    description: "Anthropic Claude 3.7 Sonnet.",
    task: "llm/v1/chat",
    contextTokens: 200_000,
    maxOutputTokens: 64_000,
    payPerToken: { endpoint: "databricks-claude-3-7-sonnet", description: "Anthropic Claude 3.7 Sonnet, pay-per-token.", hosting: US },
    provisionedThroughputGeos: [],
  },
  {
    id: "claude-sonnet-4",
    displayName: "Claude Sonnet 4",
    description: "Anthropic Claude Sonnet 4.",
    task: "llm/v1/chat",
    contextTokens: 200_000,
    maxOutputTokens: 64_000,
    payPerToken: { endpoint: "databricks-claude-sonnet-4", description: "Anthropic Claude Sonnet 4, pay-per-token.", hosting: US },
    provisionedThroughputGeos: [],
  },
  {
    id: "claude-sonnet-4-5",
    displayName: "Claude Sonnet 4.5",
    description: "Anthropic Claude Sonnet 4.5.",
    task: "llm/v1/chat",
    contextTokens: 200_000,
    maxOutputTokens: 64_000,
    payPerToken: { endpoint: "databricks-claude-sonnet-4-5", description: "Anthropic Claude Sonnet 4.5, pay-per-token.", hosting: US },
    provisionedThroughputGeos: [],
  },
  {
    id: "claude-opus-4",
    displayName: "Claude Opus 4",
    description: "Anthropic Claude Opus 4.",
    task: "llm/v1/chat",
    contextTokens: 200_000,
    maxOutputTokens: 32_000,
    payPerToken: { endpoint: "databricks-claude-opus-4", description: "Anthropic Claude Opus 4, pay-per-token.", hosting: US },
    provisionedThroughputGeos: [],
  },
];

export const SYSTEM_AI_PREFIX = "system.ai.";

const BY_NAME = new Map<string, FoundationModelFacts>();
for (const m of FOUNDATION_MODEL_FACTS) {
  BY_NAME.set(m.id.toLowerCase(), m);
  BY_NAME.set(`${SYSTEM_AI_PREFIX}${m.id}`.toLowerCase(), m);
  if (m.payPerToken) BY_NAME.set(m.payPerToken.endpoint, m);
}

/** The model a name refers to: a `system.ai.<id>` entity, a bare id, or a pay-per-token endpoint name. */
export function foundationModelFacts(name: string): FoundationModelFacts | undefined {
  return BY_NAME.get(name.trim().toLowerCase());
}

/** The model whose architecture a fine-tune's base-model name (e.g. `meta-llama/Llama-3.3-70B-Instruct`) names. */
export function foundationModelForBase(baseModel: string): FoundationModelFacts | undefined {
  return FOUNDATION_MODEL_FACTS.find((m) => m.systemAi?.architecture?.test(baseModel));
}

/**
 * `model_type`s of embedding families, for telling a `system.ai` model's task when it is not in the table above (UC
 * metadata carries no task). "bge" is kept as the name a workspace may report for the BGE family.
 */
export const EMBEDDING_MODEL_TYPES: ReadonlySet<string> = new Set([
  ...FOUNDATION_MODEL_FACTS.filter((m) => m.task === "llm/v1/embeddings" && m.systemAi).map((m) => m.systemAi!.modelType),
  "bge",
]);
