/** Unity Catalog model names and REST paths shared by RegisteredModel, ModelVersion and ModelAlias. */
import { z } from "zod";

export const MODELS_API = "/api/2.1/unity-catalog/models";
export const MLFLOW_UC_API = "/api/2.0/mlflow/unity-catalog/model-versions";

/**
 * A registered model's full name `catalog.schema.model`. Unity Catalog identifiers are case-insensitive and stored in
 * lower case, so the canonical form is lower case (otherwise `Main.GenAI.Bot` would read back as a rename).
 */
export const modelFullName = z
  .string()
  .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, "must be a registered model's full name `catalog.schema.model`, e.g. `main.genai.support_bot` (use RegisteredModel.fullName)")
  .transform((s) => s.toLowerCase());

export const modelPath = (fullName: string) => `${MODELS_API}/${encodeURIComponent(fullName)}`;
export const versionPath = (fullName: string, version: number) => `${modelPath(fullName)}/versions/${version}`;
export const aliasPath = (fullName: string, alias: string) => `${modelPath(fullName)}/aliases/${encodeURIComponent(alias)}`;

/** The wire shape of `ModelVersionInfo` we read (Unity Catalog API 2.1). */
export interface ModelVersionInfo {
  version: number;
  model_name?: string;
  catalog_name?: string;
  schema_name?: string;
  source?: string;
  run_id?: string;
  storage_location?: string;
  status?: "PENDING_REGISTRATION" | "READY" | "FAILED_REGISTRATION" | "MODEL_VERSION_STATUS_UNKNOWN";
  comment?: string;
  aliases?: { alias_name?: string; version_num?: number }[];
  created_at?: number;
  updated_at?: number;
}

/** A version number given as a number or a numeric string (serving entities carry versions as strings). */
export const versionNumber = z.union([
  z.number().int().min(1),
  z.string().regex(/^[1-9][0-9]*$/, "must be a positive integer version number").transform(Number),
]);

/** Alias names as Unity Catalog accepts them; `latest` and `v<N>` are reserved (they already mean a version). */
export const ALIAS_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]{0,254}$/;
export const ALIAS_RULE = "must be letters, digits, '_' or '-', not starting with a digit (e.g. \"champion\")";
export const isReservedAlias = (a: string) => a.toLowerCase() === "latest" || /^v\d+$/i.test(a);
export const RESERVED_ALIAS_RULE = "is reserved (`latest` and `v<N>` already name versions): choose another alias, e.g. \"champion\"";
export const aliasName = z
  .string()
  .regex(ALIAS_PATTERN, ALIAS_RULE)
  .refine((a) => !isReservedAlias(a), RESERVED_ALIAS_RULE)
  .transform((a) => a.toLowerCase());

/** The registry tag that records which resource manages an alias (aliases have no tags of their own). */
export const aliasMarkerKey = (alias: string) => `pulumi-alias-owner.${alias}`;
