import type { DB } from "../store";
import { getArtifact } from "./store";
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

/**
 * The base model an `MLmodel` file names, read line by line (the keys we need are plain scalars). Written without
 * backtracking regular expressions: the file is a client upload of up to 16 MB.
 */
export function baseModelOf(mlmodel: string): string | undefined {
  for (const raw of mlmodel.split("\n")) {
    const line = raw.trim();
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim();
    if (key !== "source_model_name" && key !== "base_model") continue;
    let value = line.slice(colon + 1);
    const hash = value.indexOf("#");
    if (hash >= 0) value = value.slice(0, hash);
    value = value.trim().replace(/^["']|["']$/g, "").trim();
    if (value !== "" && value.length <= 255) return value;
  }
  return undefined;
}

export function architectureSpec(baseModel: string): FoundationModelSpec | undefined {
  const hit = foundationModelForBase(baseModel);
  return hit ? FOUNDATION_MODELS.find((m) => m.shortName === hit.id) : undefined;
}

/** The `MLmodel` file uploaded with a UC model version, if any. */
export function mlmodelText(db: DB, fullName: string, version: number): string | undefined {
  return getArtifact(db, fullName, version, "MLmodel")?.toString("utf8");
}

export function optimizationSpec(db: DB, fullName: string, version: number): FoundationModelSpec | undefined {
  const foundation = foundationModel(fullName);
  if (foundation) return foundation;
  const text = mlmodelText(db, fullName, version);
  const base = text === undefined ? undefined : baseModelOf(text);
  return base ? architectureSpec(base) : undefined;
}
