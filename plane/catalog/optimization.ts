import type { DB } from "../store";
import { FOUNDATION_MODELS, foundationModel, type FoundationModelSpec } from "./foundation";
import { foundationModelForBase } from "../../common/foundation-models";

/**
 * Provisioned-throughput eligibility of a UC model version, as `get-model-optimization-info` reports it.
 *
 * `system.ai` foundation models are eligible by catalog entry. A custom model (a fine-tune or full weights registered
 * in Unity Catalog) is eligible when its architecture is one Databricks optimizes: on a workspace that is read from
 * the logged model; here from the `MLmodel` file uploaded with the version — the transformers flavor's
 * `source_model_name` or a `base_model` metadata entry — and sized like the foundation model of that architecture.
 */
/** The base model an `MLmodel` file names, read line by line (the keys we need are plain scalars). */
export function baseModelOf(mlmodel: string): string | undefined {
  const match = mlmodel.match(/^\s*(?:source_model_name|base_model)\s*:\s*["']?([^"'\n#]+?)["']?\s*$/m);
  return match?.[1];
}

export function architectureSpec(baseModel: string): FoundationModelSpec | undefined {
  const hit = foundationModelForBase(baseModel);
  return hit ? FOUNDATION_MODELS.find((m) => m.shortName === hit.id) : undefined;
}

/** The `MLmodel` file uploaded with a UC model version, if any. */
export function mlmodelText(db: DB, fullName: string, version: number): string | undefined {
  const row = db.prepare("SELECT bytes FROM artifacts WHERE model = ? AND version = ? AND path = 'MLmodel'").get(fullName.toLowerCase(), version) as
    | { bytes: Buffer }
    | undefined;
  return row ? Buffer.from(row.bytes).toString("utf8") : undefined;
}

export function optimizationSpec(db: DB, fullName: string, version: number): FoundationModelSpec | undefined {
  const foundation = foundationModel(fullName);
  if (foundation) return foundation;
  const text = mlmodelText(db, fullName, version);
  const base = text === undefined ? undefined : baseModelOf(text);
  return base ? architectureSpec(base) : undefined;
}
