/**
 * Mapping between our camelCase inputs and the serving API's snake_case wire types (the official SDK's
 * `serving` model is the spec). Maps whose keys are user data (tags, environment variables) are never renamed.
 */
import type { serving } from "@databricks/sdk-experimental";
import { compact } from "../engine/reconcile";
import type { AiGatewayInput, ExternalModelInput, RateLimitInput, ServedEntityInput, TrafficRouteInput } from "./schemas";
import { MANAGED_BY_TAG, MANAGED_BY_VALUE, OWNER_TAG, ownershipOf, RESERVED_TAGS, type Ownership } from "../engine/ownership";

export type WireServedEntity = serving.ServedEntityInput;
export type WireTraffic = serving.TrafficConfig;
export type WireAiGateway = serving.AiGatewayConfig;
export type WireAutoCapture = serving.AutoCaptureConfigInput;
export type WireTag = serving.EndpointTag;
export type WireEndpoint = serving.ServingEndpointDetailed;
export type WireEmailNotifications = serving.EmailNotifications;

/** A JSON-like value: what the converters walk. */
type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

export const snake = (s: string): string => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
export const camel = (s: string): string => s.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/** Renames every key of a nested config object (no user-data maps inside external model configs). */
export function renameKeys(value: unknown, rename: (k: string) => string): Json {
  if (Array.isArray(value)) return value.map((v) => renameKeys(v, rename));
  if (value !== null && typeof value === "object") {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[rename(k)] = renameKeys(v, rename);
    return out;
  }
  return value as Json;
}

export function externalModelToWire(m: ExternalModelInput): serving.ExternalModel {
  return renameKeys(m, snake) as unknown as serving.ExternalModel;
}

export function externalModelFromWire(m: serving.ExternalModel): ExternalModelInput {
  return renameKeys(m, camel) as unknown as ExternalModelInput;
}

/** A served entity as the API expects it. `name` is always sent, so the server never picks a default we must guess. */
export function servedEntityToWire(e: ServedEntityInput & { name: string }): WireServedEntity {
  return compact({
    name: e.name,
    entity_name: e.entityName,
    entity_version: e.entityVersion,
    workload_size: e.workloadSize,
    workload_type: e.workloadType,
    scale_to_zero_enabled: e.scaleToZeroEnabled,
    min_provisioned_concurrency: e.minProvisionedConcurrency,
    max_provisioned_concurrency: e.maxProvisionedConcurrency,
    min_provisioned_throughput: e.minProvisionedThroughput,
    max_provisioned_throughput: e.maxProvisionedThroughput,
    provisioned_model_units: e.provisionedModelUnits,
    environment_vars: e.environmentVars,
    instance_profile_arn: e.instanceProfileArn,
    external_model: e.externalModel ? externalModelToWire(e.externalModel) : undefined,
  });
}

/** The input fields of a served entity the server returns (output-only fields such as state are dropped). */
export function servedEntityFromWire(e: serving.ServedEntityOutput): ServedEntityInput {
  return compact({
    name: e.name,
    entityName: e.entity_name,
    entityVersion: e.entity_version,
    workloadSize: e.workload_size as ServedEntityInput["workloadSize"],
    workloadType: e.workload_type,
    scaleToZeroEnabled: e.scale_to_zero_enabled,
    minProvisionedConcurrency: e.min_provisioned_concurrency,
    maxProvisionedConcurrency: e.max_provisioned_concurrency,
    minProvisionedThroughput: e.min_provisioned_throughput,
    maxProvisionedThroughput: e.max_provisioned_throughput,
    provisionedModelUnits: e.provisioned_model_units,
    environmentVars: e.environment_vars,
    instanceProfileArn: e.instance_profile_arn,
    externalModel: e.external_model ? externalModelFromWire(e.external_model) : undefined,
  });
}

export function trafficToWire(routes: TrafficRouteInput[]): WireTraffic {
  return { routes: routes.map((r) => ({ served_entity_name: r.servedEntityName, traffic_percentage: r.trafficPercentage })) };
}

export function trafficFromWire(t: WireTraffic | undefined): TrafficRouteInput[] | undefined {
  if (!t?.routes) return undefined;
  return t.routes.map((r) => ({ servedEntityName: (r.served_entity_name ?? r.served_model_name) as string, trafficPercentage: r.traffic_percentage }));
}

function rateLimitToWire(r: RateLimitInput): serving.AiGatewayRateLimit {
  return compact({ calls: r.calls, tokens: r.tokens, key: r.key ?? "endpoint", principal: r.principal, renewal_period: r.renewalPeriod ?? "minute" });
}

function rateLimitFromWire(r: serving.AiGatewayRateLimit): RateLimitInput {
  return compact({ calls: r.calls, tokens: r.tokens, key: r.key, principal: r.principal, renewalPeriod: r.renewal_period });
}

type Guardrail = NonNullable<NonNullable<AiGatewayInput["guardrails"]>["input"]>;

function guardrailToWire(g: Guardrail | undefined): serving.AiGatewayGuardrailParameters | undefined {
  if (!g) return undefined;
  return compact({ safety: g.safety, pii: g.pii ? { behavior: g.pii } : undefined, invalid_keywords: g.invalidKeywords, valid_topics: g.validTopics });
}

function guardrailFromWire(g: serving.AiGatewayGuardrailParameters | undefined): Guardrail | undefined {
  if (!g) return undefined;
  return compact({ safety: g.safety, pii: g.pii?.behavior, invalidKeywords: g.invalid_keywords, validTopics: g.valid_topics });
}

/**
 * The AI gateway body for `PUT …/ai-gateway`. That PUT replaces the whole gateway, so an absent piece means
 * "off"; `undefined` input means the gateway is not managed at all.
 */
export function aiGatewayToWire(g: AiGatewayInput): WireAiGateway {
  return compact({
    usage_tracking_config: g.usageTracking !== undefined ? { enabled: g.usageTracking } : undefined,
    rate_limits: g.rateLimits?.map(rateLimitToWire),
    guardrails: g.guardrails ? compact({ input: guardrailToWire(g.guardrails.input), output: guardrailToWire(g.guardrails.output) }) : undefined,
    inference_table_config: g.inferenceTable
      ? compact({ enabled: g.inferenceTable.enabled, catalog_name: g.inferenceTable.catalogName, schema_name: g.inferenceTable.schemaName, table_name_prefix: g.inferenceTable.tableNamePrefix })
      : undefined,
    fallback_config: g.fallback !== undefined ? { enabled: g.fallback } : undefined,
  });
}

export function aiGatewayFromWire(g: WireAiGateway | undefined): AiGatewayInput {
  if (!g) return {};
  const it = g.inference_table_config;
  return compact({
    usageTracking: g.usage_tracking_config?.enabled,
    rateLimits: g.rate_limits?.length ? g.rate_limits.map(rateLimitFromWire) : undefined,
    guardrails: g.guardrails ? compact({ input: guardrailFromWire(g.guardrails.input), output: guardrailFromWire(g.guardrails.output) }) : undefined,
    inferenceTable: it ? compact({ enabled: it.enabled ?? false, catalogName: it.catalog_name, schemaName: it.schema_name, tableNamePrefix: it.table_name_prefix }) : undefined,
    fallback: g.fallback_config?.enabled,
  });
}

export function autoCaptureToWire(a: { enabled: boolean; catalogName?: string; schemaName?: string; tableNamePrefix?: string }): WireAutoCapture {
  return compact({ enabled: a.enabled, catalog_name: a.catalogName, schema_name: a.schemaName, table_name_prefix: a.tableNamePrefix });
}

export function autoCaptureFromWire(a: serving.AutoCaptureConfigOutput | undefined): { enabled: boolean; catalogName?: string; schemaName?: string; tableNamePrefix?: string } | undefined {
  if (!a) return undefined;
  return compact({ enabled: a.enabled ?? false, catalogName: a.catalog_name, schemaName: a.schema_name, tableNamePrefix: a.table_name_prefix });
}

/** User tags plus the owner marker tags (engine/ownership.ts) of an endpoint we create, as the wire list. */
export function tagsToWire(tags: Record<string, string> | undefined, managedBy: string | undefined): WireTag[] {
  const out: WireTag[] = Object.entries(tags ?? {}).map(([key, value]) => (value === "" ? { key } : { key, value }));
  out.push({ key: MANAGED_BY_TAG, value: MANAGED_BY_VALUE });
  if (managedBy) out.push({ key: OWNER_TAG, value: managedBy });
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Wire tags as the user's map, without the marker tags. */
export function tagsFromWire(tags: WireTag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) if (!(RESERVED_TAGS as readonly string[]).includes(t.key)) out[t.key] = t.value ?? "";
  return out;
}

/** Who owns an endpoint, by its marker tags. */
export function endpointOwnership(ep: { tags?: WireTag[] }, mine: string | undefined): Ownership {
  const value = (k: string) => (ep.tags ?? []).find((t) => t.key === k)?.value;
  return ownershipOf(value(OWNER_TAG), value(MANAGED_BY_TAG) === MANAGED_BY_VALUE, mine);
}

export function emailNotificationsToWire(e: { onUpdateFailure?: string[]; onUpdateSuccess?: string[] }): WireEmailNotifications {
  return compact({ on_update_failure: e.onUpdateFailure, on_update_success: e.onUpdateSuccess });
}

export function emailNotificationsFromWire(e: WireEmailNotifications | undefined): { onUpdateFailure?: string[]; onUpdateSuccess?: string[] } | undefined {
  if (!e) return undefined;
  const out = compact({ onUpdateFailure: e.on_update_failure?.length ? e.on_update_failure : undefined, onUpdateSuccess: e.on_update_success?.length ? e.on_update_success : undefined });
  return Object.keys(out).length ? out : undefined;
}
