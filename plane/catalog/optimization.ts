import type { DB } from "../store";
import { getArtifact } from "./store";
import { FOUNDATION_MODELS, foundationModel, type FoundationModelSpec } from "./foundation";

/**
 * Provisioned-throughput eligibility of a UC model version, as `get-model-optimization-info` reports it.
 *
 * `system.ai` foundation models are eligible by catalog entry. A custom model (a fine-tune or full weights registered
 * in Unity Catalog) is eligible when its architecture is one Databricks optimizes: on a workspace that is read from
 * the logged model; here from the `MLmodel` file uploaded with the version — the transformers flavor's
 * `source_model_name` or a `base_model` metadata entry — and sized like the foundation model of that architecture.
 */
const ARCHITECTURES: readonly { pattern: RegExp; shortName: string }[] = [
  { pattern: /llama[-_ ]?3\.?3[-_ ].*70b/i, shortName: "llama_v3_3_70b_instruct" },
  { pattern: /llama[-_ ]?3\.?1[-_ ].*8b/i, shortName: "meta_llama_v3_1_8b_instruct" },
  { pattern: /llama[-_ ]?3\.?2[-_ ].*1b/i, shortName: "llama_v3_2_1b_instruct" },
  { pattern: /llama[-_ ]?3\.?2[-_ ].*3b/i, shortName: "llama_v3_2_3b_instruct" },
  { pattern: /mixtral[-_ ]?8x7b/i, shortName: "mixtral_8x7b_instruct_v0_1" },
  { pattern: /dbrx/i, shortName: "dbrx_instruct" },
  { pattern: /gte[-_ ]large/i, shortName: "gte_large_en_v1_5" },
  { pattern: /bge[-_ ]large/i, shortName: "bge_large_en_v1_5" },
];

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
  const hit = ARCHITECTURES.find((a) => a.pattern.test(baseModel));
  return hit ? FOUNDATION_MODELS.find((m) => m.shortName === hit.shortName) : undefined;
}

export function optimizationSpec(db: DB, fullName: string, version: number): FoundationModelSpec | undefined {
  const foundation = foundationModel(fullName);
  if (foundation) return foundation;
  const bytes = getArtifact(db, fullName, version, "MLmodel");
  if (!bytes) return undefined;
  const base = baseModelOf(bytes.toString("utf8"));
  return base ? architectureSpec(base) : undefined;
}
