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
 * When the pages change, change this file (Geo-level facts) or `common/foundation-models.ts` (per-model facts, shared
 * with the plane): `provider/residency.ts` holds the rules.
 */
import type { Geo } from "../../common/geos";
import { FOUNDATION_MODEL_FACTS, HOSTINGS, HOSTING_GEOS, type Hosting } from "../../common/foundation-models";

export type { Hosting } from "../../common/foundation-models";

export const SERVING_MODES = ["pay-per-token", "provisioned-throughput"] as const;
export type ServingMode = (typeof SERVING_MODES)[number];

/** "native": processed inside the Geo; "cross-geo": only if cross-Geo processing is allowed; "unavailable": never. */
export type GeoAvailability = "native" | "cross-geo" | "unavailable";

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

/** The pay-per-token hosting location that counts as "inside" a Geo (from the shared model table). Other Geos have none. */
export const LOCAL_HOSTING: Readonly<Partial<Record<Geo, Hosting>>> = Object.fromEntries(
  HOSTINGS.flatMap((h) => HOSTING_GEOS[h].map((geo) => [geo, h] as const)),
);

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

/** The foundation models we know (read from `common/foundation-models.ts`, the one table provider and plane share). */
export const FOUNDATION_MODELS: readonly FoundationModelAvailability[] = FOUNDATION_MODEL_FACTS.map((m) => {
  const out: FoundationModelAvailability = { id: m.id, displayName: m.displayName };
  if (m.payPerToken) {
    out.payPerTokenEndpoint = m.payPerToken.endpoint;
    out.payPerTokenHosting = m.payPerToken.hosting;
  }
  if (m.provisionedThroughputGeos) out.provisionedThroughputGeos = m.provisionedThroughputGeos;
  return out;
});

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
