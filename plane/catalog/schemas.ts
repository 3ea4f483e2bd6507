import { z } from "zod";

/**
 * Request bodies of the Unity Catalog model routes. The SDK copies every field the caller put on its request object
 * into the body (including output-only ones such as `created_at`), so those are accepted and ignored rather than
 * refused as unknown; anything the SDK cannot send is refused.
 */
const aliasShape = z.strictObject({
  alias_name: z.string().optional(),
  catalog_name: z.string().optional(),
  id: z.string().optional(),
  model_name: z.string().optional(),
  schema_name: z.string().optional(),
  version_num: z.number().int().optional(),
});

const registeredModelOutputOnly = {
  aliases: z.array(aliasShape).optional(),
  browse_only: z.boolean().optional(),
  created_at: z.number().optional(),
  created_by: z.string().optional(),
  full_name: z.string().optional(),
  metastore_id: z.string().optional(),
  updated_at: z.number().optional(),
  updated_by: z.string().optional(),
};

export const CreateRegisteredModelBody = z.strictObject({
  ...registeredModelOutputOnly,
  catalog_name: z.string(),
  schema_name: z.string(),
  name: z.string(),
  comment: z.string().optional(),
  owner: z.string().optional(),
  storage_location: z.string().optional(),
});
export type CreateRegisteredModelBody = z.infer<typeof CreateRegisteredModelBody>;

export const UpdateRegisteredModelBody = z.strictObject({
  ...registeredModelOutputOnly,
  catalog_name: z.string().optional(),
  schema_name: z.string().optional(),
  name: z.string().optional(),
  storage_location: z.string().optional(),
  comment: z.string().optional(),
  owner: z.string().optional(),
  new_name: z.string().optional(),
});
export type UpdateRegisteredModelBody = z.infer<typeof UpdateRegisteredModelBody>;

export const UpdateModelVersionBody = z.strictObject({
  aliases: z.array(aliasShape).optional(),
  catalog_name: z.string().optional(),
  comment: z.string().optional(),
  created_at: z.number().optional(),
  created_by: z.string().optional(),
  id: z.string().optional(),
  metastore_id: z.string().optional(),
  model_name: z.string().optional(),
  model_version_dependencies: z.object({ dependencies: z.array(z.record(z.string(), z.unknown())).optional() }).optional(),
  run_id: z.string().optional(),
  run_workspace_id: z.number().optional(),
  schema_name: z.string().optional(),
  source: z.string().optional(),
  status: z.enum(["FAILED_REGISTRATION", "MODEL_VERSION_STATUS_UNKNOWN", "PENDING_REGISTRATION", "READY"]).optional(),
  storage_location: z.string().optional(),
  updated_at: z.number().optional(),
  updated_by: z.string().optional(),
});
export type UpdateModelVersionBody = z.infer<typeof UpdateModelVersionBody>;

export const SetAliasBody = z.strictObject({ version_num: z.number().int() });

/** MLflow Unity Catalog registry bodies (not in the JS SDK; shapes from the MLflow UC REST protocol). */
export const MlflowCreateVersionBody = z.strictObject({
  name: z.string(),
  source: z.string(),
  run_id: z.string().optional(),
  description: z.string().optional(),
  tags: z.array(z.strictObject({ key: z.string(), value: z.string().optional() })).optional(),
  run_tracking_server_id: z.string().optional(),
  feature_deps: z.string().optional(),
  model_version_dependencies: z.array(z.record(z.string(), z.unknown())).optional(),
});
export type MlflowCreateVersionBody = z.infer<typeof MlflowCreateVersionBody>;

export const MlflowVersionRefBody = z.strictObject({ name: z.string(), version: z.union([z.string(), z.number().int()]) });

export const MlflowTempCredentialsBody = z.strictObject({
  name: z.string(),
  version: z.union([z.string(), z.number().int()]),
  operation: z.enum(["MODEL_VERSION_OPERATION_READ", "MODEL_VERSION_OPERATION_READ_WRITE", "MODEL_VERSION_OPERATION_UNKNOWN"]).optional(),
});
