/**
 * "Does this model version exist and is it READY?", asked at preview by everything that points at a version:
 * ModelAlias, and served entities of ServingEndpoint and ProvisionedThroughputEndpoint. Pointing at a missing or
 * unfinished version would otherwise pass preview and fail in the middle of `up` (mlops-stacks #217).
 */
import { DatabricksApiError } from "../client/errors";
import type { ApiClient } from "../client/http";
import type { CheckFailure } from "../engine/validate";
import { modelPath, versionPath, type ModelVersionInfo } from "./names";

/**
 * Failures for `property` when version `version` of `model` is missing or not READY. A model that does not exist
 * yet (created in this same update), or one the caller may not read, cannot be checked, so it is not.
 */
export async function versionFailures(client: ApiClient, model: string, version: number, property: string, pointer: string): Promise<CheckFailure[]> {
  try {
    await client.get(modelPath(model));
  } catch (err) {
    if (err instanceof DatabricksApiError) return [];
    throw err;
  }
  let info: ModelVersionInfo;
  try {
    info = await client.get<ModelVersionInfo>(versionPath(model, version));
  } catch (err) {
    if (!(err instanceof DatabricksApiError && err.isNotFound)) return [];
    const list = await client
      .get<{ model_versions?: ModelVersionInfo[] }>(`${modelPath(model)}/versions`, { max_results: 1000 })
      .catch(() => ({ model_versions: [] as ModelVersionInfo[] }));
    const ready = (list.model_versions ?? []).filter((v) => v.status === "READY").map((v) => v.version);
    return [{
      property,
      reason:
        `version ${version} of ${model} does not exist (deleted, or not created yet), so ${pointer} cannot point to it; ` +
        `existing READY versions: ${ready.length ? ready.join(", ") : "none"}. If a ModelVersion in this program creates it, pass its \`version\` output instead of a number, so this waits for it.`,
    }];
  }
  if (info.status !== "READY") {
    return [{ property, reason: `version ${version} of ${model} is ${info.status}; ${pointer} may only point to a READY version` }];
  }
  return [];
}
