/**
 * The MLflow Unity Catalog registry routes we use for ownership markers: registered models and model versions carry
 * registry tags (`/api/2.0/mlflow/unity-catalog/...`), which the UC REST API (`/api/2.1/unity-catalog/models`) does
 * not expose. A registered model created through `registered-models/create` gets its tags in the same request, so a
 * lost answer can never leave an unmarked model behind.
 */
import { DatabricksApiError } from "../client/errors";
import type { ApiClient } from "../client/http";
import { MANAGED_BY_TAG, MANAGED_BY_VALUE, OWNER_TAG, ownershipOf, type Ownership } from "../engine/ownership";

export const REGISTRY = "/api/2.0/mlflow/unity-catalog";

export interface RegistryTag {
  key: string;
  value?: string;
}

/** The marker tags of an object owned by `managedBy`. */
export function ownerTags(managedBy: string | undefined): RegistryTag[] {
  const tags: RegistryTag[] = [{ key: MANAGED_BY_TAG, value: MANAGED_BY_VALUE }];
  if (managedBy) tags.push({ key: OWNER_TAG, value: managedBy });
  return tags;
}

export function ownershipOfTags(tags: RegistryTag[] | undefined, mine: string | undefined): Ownership {
  const value = (k: string) => (tags ?? []).find((t) => t.key === k)?.value;
  return ownershipOf(value(OWNER_TAG), value(MANAGED_BY_TAG) === MANAGED_BY_VALUE, mine);
}

/** A registered model's registry tags; undefined when the model does not exist. */
export async function modelTags(client: ApiClient, fullName: string): Promise<RegistryTag[] | undefined> {
  try {
    const r = await client.get<{ registered_model?: { tags?: RegistryTag[] } }>(`${REGISTRY}/registered-models/get`, { name: fullName });
    return r.registered_model?.tags ?? [];
  } catch (err) {
    if (err instanceof DatabricksApiError && err.isNotFound) return undefined;
    throw err;
  }
}

export async function setModelTags(client: ApiClient, fullName: string, tags: RegistryTag[]): Promise<void> {
  for (const t of tags) await client.post(`${REGISTRY}/registered-models/set-tag`, { name: fullName, key: t.key, value: t.value ?? "" });
}

/** A model version's registry tags; undefined when the version does not exist. */
export async function versionTags(client: ApiClient, fullName: string, version: number): Promise<RegistryTag[] | undefined> {
  try {
    const r = await client.get<{ model_version?: { tags?: RegistryTag[] } }>(`${REGISTRY}/model-versions/get`, { name: fullName, version: String(version) });
    return r.model_version?.tags ?? [];
  } catch (err) {
    if (err instanceof DatabricksApiError && err.isNotFound) return undefined;
    throw err;
  }
}

export async function setVersionTags(client: ApiClient, fullName: string, version: number, tags: RegistryTag[]): Promise<void> {
  for (const t of tags) await client.post(`${REGISTRY}/model-versions/set-tag`, { name: fullName, version: String(version), key: t.key, value: t.value ?? "" });
}

export async function deleteModelTag(client: ApiClient, fullName: string, key: string): Promise<void> {
  try {
    await client.delete(`${REGISTRY}/registered-models/delete-tag`, { name: fullName, key });
  } catch (err) {
    if (!(err instanceof DatabricksApiError && err.isNotFound)) throw err;
  }
}
