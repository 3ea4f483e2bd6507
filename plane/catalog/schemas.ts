import { z } from "zod";
import { line, list, text } from "../validate";

/**
 * Request bodies of the Unity Catalog model routes and the MLflow UC registry. The SDK copies every field the caller
 * put on its request object into the body (including output-only ones such as `created_at`), so those are accepted
 * and ignored rather than refused as unknown; anything the SDK cannot send is refused. Limits come from
 * plane/limits.ts.
 */
const name = () => line("name");

const aliasShape = z.strictObject({
  alias_name: name().optional(),
  catalog_name: name().optional(),
  id: name().optional(),
  model_name: name().optional(),
  schema_name: name().optional(),
  version_num: z.number().int().optional(),
});

/** Output-only fields the SDK echoes back; accepted and ignored. */
const registeredModelOutputOnly = {
  aliases: list(aliasShape, "arrayItems").optional(),
  browse_only: z.boolean().optional(),
  created_at: z.number().optional(),
  created_by: name().optional(),
  full_name: line("url").optional(),
  metastore_id: name().optional(),
  updated_at: z.number().optional(),
  updated_by: name().optional(),
};

export const CreateRegisteredModelBody = z.strictObject({
  ...registeredModelOutputOnly,
  catalog_name: name(),
  schema_name: name(),
  name: name(),
  comment: text().optional(),
  owner: name().optional(),
  storage_location: line("url").optional(),
});
export type CreateRegisteredModelBody = z.infer<typeof CreateRegisteredModelBody>;

export const UpdateRegisteredModelBody = z.strictObject({
  ...registeredModelOutputOnly,
  catalog_name: name().optional(),
  schema_name: name().optional(),
  name: name().optional(),
  storage_location: line("url").optional(),
  comment: text().optional(),
  owner: name().optional(),
  new_name: name().optional(),
});
export type UpdateRegisteredModelBody = z.infer<typeof UpdateRegisteredModelBody>;

/** `model_version_dependencies` is output-only here: accepted (bounded) and ignored. */
const Dependencies = list(z.record(z.string(), z.unknown()), "arrayItems");

export const UpdateModelVersionBody = z.strictObject({
  aliases: list(aliasShape, "arrayItems").optional(),
  catalog_name: name().optional(),
  comment: text().optional(),
  created_at: z.number().optional(),
  created_by: name().optional(),
  id: name().optional(),
  metastore_id: name().optional(),
  model_name: name().optional(),
  model_version_dependencies: z.strictObject({ dependencies: Dependencies.optional() }).optional(),
  run_id: name().optional(),
  run_workspace_id: z.number().optional(),
  schema_name: name().optional(),
  source: line("url").optional(),
  status: z.enum(["FAILED_REGISTRATION", "MODEL_VERSION_STATUS_UNKNOWN", "PENDING_REGISTRATION", "READY"]).optional(),
  storage_location: line("url").optional(),
  updated_at: z.number().optional(),
  updated_by: name().optional(),
});
export type UpdateModelVersionBody = z.infer<typeof UpdateModelVersionBody>;

export const SetAliasBody = z.strictObject({ version_num: z.number().int().min(1).max(2147483647) });

/** Unity Catalog grants: `PATCH /api/2.1/unity-catalog/permissions/function/{full_name}`. */
export const UpdateGrantsBody = z.strictObject({
  changes: list(
    z.strictObject({
      principal: name(),
      add: list(name(), "arrayItems").optional(),
      remove: list(name(), "arrayItems").optional(),
    }),
    "grantChanges",
  ).optional(),
});

/** MLflow tags: key ≤ 250, value ≤ 5000 (MLflow's limits). */
export const MlflowTag = z.strictObject({ key: line("mlflowTagKey"), value: text("mlflowTagValue").optional() });
export type MlflowTag = z.infer<typeof MlflowTag>;
const MlflowTags = list(MlflowTag, "mlflowTags");

/** MLflow Unity Catalog registry bodies (not in the JS SDK; shapes from the MLflow UC REST protocol). */
const modelName = () => line("url");
const versionRef = () => z.union([name(), z.number().int()]);

export const MlflowCreateRegisteredModelBody = z.strictObject({
  name: modelName(),
  description: text().optional(),
  tags: MlflowTags.optional(),
});

export const MlflowSetModelTagBody = z.strictObject({ name: modelName(), key: line("mlflowTagKey"), value: text("mlflowTagValue") });
export const MlflowDeleteModelTagBody = z.strictObject({ name: modelName(), key: line("mlflowTagKey") });
export const MlflowSetVersionTagBody = z.strictObject({ name: modelName(), version: versionRef(), key: line("mlflowTagKey"), value: text("mlflowTagValue") });
export const MlflowDeleteVersionTagBody = z.strictObject({ name: modelName(), version: versionRef(), key: line("mlflowTagKey") });

export const MlflowCreateVersionBody = z.strictObject({
  name: modelName(),
  source: line("url"),
  run_id: name().optional(),
  description: text().optional(),
  tags: MlflowTags.optional(),
  run_tracking_server_id: name().optional(),
  feature_deps: text().optional(),
  model_version_dependencies: Dependencies.optional(),
});
export type MlflowCreateVersionBody = z.infer<typeof MlflowCreateVersionBody>;

export const MlflowVersionRefBody = z.strictObject({ name: modelName(), version: versionRef() });

export const MlflowTempCredentialsBody = z.strictObject({
  name: modelName(),
  version: versionRef(),
  operation: z.enum(["MODEL_VERSION_OPERATION_READ", "MODEL_VERSION_OPERATION_READ_WRITE", "MODEL_VERSION_OPERATION_UNKNOWN"]).optional(),
});
