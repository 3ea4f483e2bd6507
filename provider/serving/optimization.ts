/**
 * Provisioned-throughput sizing checks against `GET …/get-model-optimization-info/{model}/{version}`, run in
 * `check` so that a wrong tier fails at preview, before anything changes.
 */
import type { ApiClient } from "../client/http";
import { DatabricksApiError } from "../client/errors";
import type { CheckFailure } from "../engine/validate";
import { ENDPOINTS } from "./wait";

export interface OptimizationInfo {
  optimizable: boolean;
  model_type?: string;
  /** Present for models sized in tokens/s bands; absent for model-unit families. */
  throughput_chunk_size?: number;
}

export type Sizing = { kind: "tokens"; chunkSize: number } | { kind: "model_units" } | { kind: "not_optimizable" } | { kind: "not_found"; message: string };

/** The model's PT sizing and family, from get-model-optimization-info. */
export async function optimizationOf(client: ApiClient, model: string, version: string): Promise<{ sizing: Sizing; modelType?: string }> {
  try {
    const info = await client.get<OptimizationInfo>(`${ENDPOINTS}/get-model-optimization-info/${encodeURIComponent(model)}/${encodeURIComponent(version)}`);
    if (!info.optimizable) return { sizing: { kind: "not_optimizable" }, modelType: info.model_type };
    if (typeof info.throughput_chunk_size === "number" && info.throughput_chunk_size > 0) return { sizing: { kind: "tokens", chunkSize: info.throughput_chunk_size }, modelType: info.model_type };
    return { sizing: { kind: "model_units" }, modelType: info.model_type };
  } catch (err) {
    if (err instanceof DatabricksApiError && (err.isNotFound || err.status === 400)) return { sizing: { kind: "not_found", message: err.message } };
    throw err;
  }
}

export async function sizingOf(client: ApiClient, model: string, version: string): Promise<Sizing> {
  return (await optimizationOf(client, model, version)).sizing;
}

/** The multiples of `chunk` either side of `value`, as an error names them: "7900 or 9480". */
export function nearestValid(value: number, chunk: number): string {
  const lo = Math.floor(value / chunk) * chunk;
  const hi = lo + chunk;
  return lo > 0 ? `${lo} or ${hi}` : `${hi}`;
}

export interface PtEntityToCheck {
  /** Path of the entity (for the model) and of its throughput block, as the user wrote them. */
  entityPath: string;
  throughputPath: string;
  entityName: string;
  entityVersion: string;
  throughput: { min?: number; max?: number; modelUnits?: number };
  scaleToZero?: boolean;
}

const fail = (property: string, message: string): CheckFailure => ({ property, reason: message });

/** Every sizing problem of one entity, judged against the model's own optimization info. */
export function sizingFailures(e: PtEntityToCheck, sizing: Sizing): CheckFailure[] {
  const model = `${e.entityName} v${e.entityVersion}`;
  const t = e.throughput;
  switch (sizing.kind) {
    case "not_found":
      return [fail(`${e.entityPath}`, `${model} was not found in Unity Catalog (${sizing.message})`)];
    case "not_optimizable":
      return [fail(`${e.entityPath}`, `${model} is not eligible for provisioned throughput (get-model-optimization-info reports optimizable: false); serve it with a ServingEndpoint and a workload size instead`)];
    case "model_units": {
      if (t.modelUnits !== undefined) return [];
      return [fail(`${e.throughputPath}.max`, `${model} is sized in model units, not tokens/s bands: use throughput: { modelUnits: <n> } instead of min/max`)];
    }
    case "tokens": {
      const c = sizing.chunkSize;
      if (t.modelUnits !== undefined) {
        return [fail(`${e.throughputPath}.modelUnits`, `${model} is sized in tokens/s bands (chunk size ${c}), not model units: use throughput: { min: 0, max: ${c} } (multiples of ${c})`)];
      }
      const out: CheckFailure[] = [];
      for (const field of ["min", "max"] as const) {
        const v = t[field];
        if (v !== undefined && v % c !== 0) {
          out.push(fail(`${e.throughputPath}.${field}`, `${v} is not a multiple of ${c} (the chunk size of ${model}); nearest valid: ${nearestValid(v, c)}`));
        }
      }
      return out;
    }
  }
}
