/**
 * `getFoundationModels()`: the pay-per-token endpoints and `system.ai` foundation models a workspace offers, with
 * their task and provisioned-throughput sizing, read from the API (so programs never hard-code a chunk size).
 * It runs in the Pulumi program's process (not in a dynamic provider), with the same connection settings.
 */
import * as pulumi from "@pulumi/pulumi";
import { clientFor, setStackConfig, type ConnectionInput } from "../engine/connection";
import type { ApiClient } from "../client/http";
import { optimizationOf } from "../serving/optimization";
import { ENDPOINTS } from "../serving/wait";
import type { WireEndpoint } from "../serving/wire";
import { EMBEDDING_MODEL_TYPES, foundationModelFacts } from "../../common/foundation-models";

export interface PayPerTokenModel {
  endpoint: string;
  task?: string;
  displayName?: string;
}

export type ThroughputSizing = { kind: "tokens"; chunkSize: number } | { kind: "model_units" } | { kind: "not_optimizable" };

export interface SystemModel {
  /** `system.ai.<name>` */
  fullName: string;
  latestVersion: string;
  task: string;
  modelType?: string;
  sizing: ThroughputSizing;
}

export interface FoundationModels {
  payPerToken: PayPerTokenModel[];
  systemModels: SystemModel[];
}

/**
 * UC model metadata carries no task: a model in the shared foundation-model table has its task from there; any other
 * `system.ai` model is recognised by its model type (a heuristic: the serving API has no field for it before an
 * endpoint exists).
 */
function taskOf(fullName: string, modelType: string | undefined): string {
  const known = foundationModelFacts(fullName);
  if (known) return known.task;
  return modelType && EMBEDDING_MODEL_TYPES.has(modelType) ? "llm/v1/embeddings" : "llm/v1/chat";
}

interface ModelList {
  registered_models?: { full_name: string }[];
  next_page_token?: string;
}
interface VersionList {
  model_versions?: { version: number; status?: string }[];
  next_page_token?: string;
}

async function paged<T, P extends { next_page_token?: string }>(fetchPage: (token?: string) => Promise<P>, items: (p: P) => T[] | undefined): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const page = await fetchPage(token);
    out.push(...(items(page) ?? []));
    token = page.next_page_token || undefined;
  } while (token);
  return out;
}

export async function listFoundationModels(client: ApiClient): Promise<FoundationModels> {
  const list = await client.get<{ endpoints?: WireEndpoint[] }>(ENDPOINTS);
  const payPerToken = (list.endpoints ?? [])
    .filter((e) => {
      const entities = e.config?.served_entities ?? [];
      return entities.length > 0 && entities.every((s) => s.foundation_model !== undefined && s.entity_name === undefined);
    })
    .map((e) => ({ endpoint: e.name as string, task: e.task, displayName: e.config?.served_entities?.[0]?.foundation_model?.display_name }))
    .sort((a, b) => a.endpoint.localeCompare(b.endpoint));

  const models = await paged<{ full_name: string }, ModelList>(
    (page_token) => client.get<ModelList>("/api/2.1/unity-catalog/models", { catalog_name: "system", schema_name: "ai", max_results: 100, page_token }),
    (p) => p.registered_models,
  );
  const systemModels: SystemModel[] = [];
  for (const m of models) {
    const versions = await paged<{ version: number; status?: string }, VersionList>(
      (page_token) => client.get<VersionList>(`/api/2.1/unity-catalog/models/${encodeURIComponent(m.full_name)}/versions`, { max_results: 100, page_token }),
      (p) => p.model_versions,
    );
    const ready = versions.filter((v) => (v.status ?? "READY") === "READY").map((v) => v.version);
    if (ready.length === 0) continue;
    const latestVersion = String(Math.max(...ready));
    const { sizing, modelType } = await optimizationOf(client, m.full_name, latestVersion);
    systemModels.push({
      fullName: m.full_name,
      latestVersion,
      modelType,
      task: taskOf(m.full_name, modelType),
      sizing: sizing.kind === "not_found" ? { kind: "not_optimizable" } : sizing,
    });
  }
  systemModels.sort((a, b) => a.fullName.localeCompare(b.fullName));
  return { payPerToken, systemModels };
}

/** The program's own stack config (`databricks-serving:host|token|profile`), read as the dynamic providers do. */
function useProgramConfig(): void {
  setStackConfig({ get: (key: string) => pulumi.runtime.getConfig(key) });
}

export async function getFoundationModels(args: { connection?: ConnectionInput } = {}): Promise<FoundationModels> {
  useProgramConfig();
  return listFoundationModels(await clientFor(args.connection));
}

/** The same, as an Output, for use directly in resource arguments. */
export function getFoundationModelsOutput(args: { connection?: pulumi.Input<ConnectionInput> } = {}): pulumi.Output<FoundationModels> {
  return pulumi.output(args.connection).apply((connection) => getFoundationModels({ connection }));
}
