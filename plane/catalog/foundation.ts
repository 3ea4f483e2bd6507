/**
 * The foundation models the plane publishes in `system.ai`, and the pay-per-token endpoints it pre-provisions, as the
 * plane's catalog code wants them. Every fact comes from the one shared table, `common/foundation-models.ts`: this file
 * only shapes it.
 */
import { FOUNDATION_MODEL_FACTS, HOSTING_GEOS, type FoundationModelFacts, type ServingTask, type ThroughputKind } from "../../common/foundation-models";
import type { Geo } from "../../common/geos";

export type { ServingTask, ThroughputKind } from "../../common/foundation-models";

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
  /** The whole record (context limits, embedding dimension, …) for the query path. */
  facts: FoundationModelFacts;
}

export const SYSTEM_CATALOG = "system";
export const SYSTEM_SCHEMA = "ai";

export const FOUNDATION_MODELS: readonly FoundationModelSpec[] = FOUNDATION_MODEL_FACTS.filter((m) => m.systemAi).map((m) => ({
  shortName: m.id,
  displayName: m.displayName,
  description: m.description,
  task: m.task,
  modelType: m.systemAi!.modelType,
  throughput: m.systemAi!.throughput,
  versions: m.systemAi!.versions,
  facts: m,
}));

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
  /** Workspace Geos where the model is processed without cross-Geo processing. */
  hostedGeos: readonly Geo[];
  facts: FoundationModelFacts;
}

export const PAY_PER_TOKEN_ENDPOINTS: readonly PayPerTokenSpec[] = FOUNDATION_MODEL_FACTS.filter((m) => m.payPerToken).map((m) => ({
  endpoint: m.payPerToken!.endpoint,
  task: m.task,
  displayName: m.displayName,
  description: m.payPerToken!.description,
  hostedGeos: m.payPerToken!.hosting.flatMap((h) => HOSTING_GEOS[h]),
  facts: m,
}));

export function payPerTokenSpec(endpointName: string): PayPerTokenSpec | undefined {
  return PAY_PER_TOKEN_ENDPOINTS.find((p) => p.endpoint === endpointName);
}
