/**
 * Where Foundation Model APIs may process a workspace's content: per Geo, per serving mode, per model.
 *
 * Sources (../../shared/facts/geos.md, which cites the public "Databricks Designated Services" pages for Azure, AWS
 * and GCP and "Model Serving limits and regions"); ⚠ marks an entry the sources leave open, with the choice made:
 * - Pay-per-token, Azure page: United States and EU Data Boundary "Available"; Canada, Brazil, Asia Pacific, Japan,
 *   South Korea, Australia, United Kingdom, UAE "and others" "Available*" (* = only with cross-Geo processing: the
 *   content is processed in the US or EU); Mexico "Not available". ⚠ Qatar, India and South Africa are read as
 *   "others" (Available*). Mainland China (21Vianet) offers no Foundation Model APIs.
 * - Pay-per-token, per model: only GTE Large (En) and Llama 3.3 70B are hosted in both the US and the EU; the other
 *   pay-per-token models are US-only. A model we do not know is treated as US-only (the common case).
 * - Provisioned throughput, AWS page: Americas, Asia, Australia & New Zealand, Europe, India available; Mainland China
 *   and Middle East & Africa not available. Azure page: "available in more Geos natively than pay-per-token".
 *   ⚠ Azure: native in the Geos whose AWS counterpart is native; UAE, Qatar, South Africa (Middle East & Africa)
 *   only with cross-Geo processing, as their pay-per-token column says; Mexico and Mainland China not available.
 * - AWS/GCP pay-per-token ⚠: Americas processes in US hosting and Europe in EU hosting (as the Azure US/EU Geos);
 *   Asia, Australia & New Zealand and India need cross-Geo processing; Mainland China and Middle East & Africa none.
 *
 * When the pages change, change this file only: `provider/residency.ts` holds the rules, this file the facts.
 */
import type { Geo } from "../../common/geos";

export const SERVING_MODES = ["pay-per-token", "provisioned-throughput"] as const;
export type ServingMode = (typeof SERVING_MODES)[number];

/** "native": processed inside the Geo; "cross-geo": only if cross-Geo processing is allowed; "unavailable": never. */
export type GeoAvailability = "native" | "cross-geo" | "unavailable";

/** Where pay-per-token models are hosted (processing locations, not Geos of workspaces). */
export type Hosting = "US" | "EU";

export const MODE_AVAILABILITY: Readonly<Record<ServingMode, Readonly<Record<Geo, GeoAvailability>>>> = {
  "pay-per-token": {
    "United States": "native",
    "EU Data Boundary": "native",
    Canada: "cross-geo",
    Brazil: "cross-geo",
    "Asia Pacific": "cross-geo",
    Japan: "cross-geo",
    "South Korea": "cross-geo",
    Australia: "cross-geo",
    "United Kingdom": "cross-geo",
    UAE: "cross-geo",
    Qatar: "cross-geo", // ⚠ "and others"
    India: "cross-geo", // ⚠ "and others" (Azure); AWS/GCP likewise
    "South Africa": "cross-geo", // ⚠ "and others"
    Mexico: "unavailable",
    "Mainland China": "unavailable",
    Americas: "native", // ⚠ as United States
    Europe: "native", // ⚠ as EU Data Boundary
    Asia: "cross-geo", // ⚠
    "Australia & New Zealand": "cross-geo", // ⚠
    "Middle East and Africa": "unavailable",
  },
  "provisioned-throughput": {
    "United States": "native",
    Canada: "native",
    Brazil: "native",
    "Asia Pacific": "native",
    Japan: "native",
    "South Korea": "native",
    Australia: "native",
    "EU Data Boundary": "native",
    "United Kingdom": "native",
    India: "native",
    UAE: "cross-geo", // ⚠
    Qatar: "cross-geo", // ⚠
    "South Africa": "cross-geo", // ⚠
    Mexico: "unavailable", // ⚠ not available for pay-per-token either
    "Mainland China": "unavailable",
    Americas: "native",
    Asia: "native",
    "Australia & New Zealand": "native",
    Europe: "native",
    "Middle East and Africa": "unavailable",
  },
};

/** The pay-per-token hosting location that counts as "inside" a Geo. Other Geos have none. */
export const LOCAL_HOSTING: Readonly<Partial<Record<Geo, Hosting>>> = {
  "United States": "US",
  Americas: "US",
  "EU Data Boundary": "EU",
  Europe: "EU",
};

export interface FoundationModelAvailability {
  /** Short name in `system.ai` (the provisioned-throughput entity is `system.ai.<id>`). */
  id: string;
  displayName: string;
  /** The pay-per-token endpoint, when the model has one. */
  payPerTokenEndpoint?: string;
  /** Where its pay-per-token endpoint is hosted. */
  payPerTokenHosting?: readonly Hosting[];
  /** Geos where provisioned throughput serves it; absent = every Geo where provisioned throughput is available. */
  provisionedThroughputGeos?: readonly Geo[];
}

const US: readonly Hosting[] = ["US"];
const US_EU: readonly Hosting[] = ["US", "EU"];

/** The foundation models we know, keyed by every name a program may use for them. */
export const FOUNDATION_MODELS: readonly FoundationModelAvailability[] = [
  { id: "llama_v3_3_70b_instruct", displayName: "Meta Llama 3.3 70B Instruct", payPerTokenEndpoint: "databricks-meta-llama-3-3-70b-instruct", payPerTokenHosting: US_EU },
  { id: "gte_large_en_v1_5", displayName: "GTE Large (En)", payPerTokenEndpoint: "databricks-gte-large-en", payPerTokenHosting: US_EU },
  { id: "meta_llama_v3_1_8b_instruct", displayName: "Meta Llama 3.1 8B Instruct", payPerTokenEndpoint: "databricks-meta-llama-3-1-8b-instruct", payPerTokenHosting: US },
  { id: "llama-4-maverick", displayName: "Llama 4 Maverick", payPerTokenEndpoint: "databricks-llama-4-maverick", payPerTokenHosting: US },
  { id: "gpt-oss-120b", displayName: "GPT OSS 120B", payPerTokenEndpoint: "databricks-gpt-oss-120b", payPerTokenHosting: US },
  { id: "gpt-oss-20b", displayName: "GPT OSS 20B", payPerTokenEndpoint: "databricks-gpt-oss-20b", payPerTokenHosting: US },
  { id: "gemma-3-12b-it", displayName: "Gemma 3 12B", payPerTokenEndpoint: "databricks-gemma-3-12b", payPerTokenHosting: US },
  { id: "bge_large_en_v1_5", displayName: "BGE Large (En)", payPerTokenEndpoint: "databricks-bge-large-en", payPerTokenHosting: US },
  // Partner models: pay-per-token only, US-hosted.
  { id: "claude-3-7-sonnet", displayName: "Claude 3.7 Sonnet", payPerTokenEndpoint: "databricks-claude-3-7-sonnet", payPerTokenHosting: US, provisionedThroughputGeos: [] },
  { id: "claude-sonnet-4", displayName: "Claude Sonnet 4", payPerTokenEndpoint: "databricks-claude-sonnet-4", payPerTokenHosting: US, provisionedThroughputGeos: [] },
  { id: "claude-sonnet-4-5", displayName: "Claude Sonnet 4.5", payPerTokenEndpoint: "databricks-claude-sonnet-4-5", payPerTokenHosting: US, provisionedThroughputGeos: [] },
  { id: "claude-opus-4", displayName: "Claude Opus 4", payPerTokenEndpoint: "databricks-claude-opus-4", payPerTokenHosting: US, provisionedThroughputGeos: [] },
  // Provisioned throughput only.
  { id: "llama_v3_2_1b_instruct", displayName: "Meta Llama 3.2 1B Instruct" },
  { id: "llama_v3_2_3b_instruct", displayName: "Meta Llama 3.2 3B Instruct" },
  { id: "mixtral_8x7b_instruct_v0_1", displayName: "Mixtral-8x7B Instruct" },
  { id: "dbrx_instruct", displayName: "DBRX Instruct" },
];

const BY_NAME = new Map<string, FoundationModelAvailability>();
for (const m of FOUNDATION_MODELS) {
  BY_NAME.set(m.id.toLowerCase(), m);
  BY_NAME.set(`system.ai.${m.id}`.toLowerCase(), m);
  if (m.payPerTokenEndpoint) BY_NAME.set(m.payPerTokenEndpoint, m);
}

/**
 * The model a program names: a `system.ai.<id>` entity, a bare id, or a pay-per-token endpoint name. Anything else
 * (a custom or fine-tuned model in Unity Catalog) is undefined: only the Geo-level rule applies to it.
 */
export function foundationModel(name: string): FoundationModelAvailability | undefined {
  return BY_NAME.get(name.trim().toLowerCase());
}
