import type * as s from "@databricks/sdk-experimental/dist/apis/serving/model";
import { isReady, type ConfigRecord, type EndpointRecord } from "./records";
import type { PermissionLevel } from "./schemas";

/**
 * Rendering stored endpoints in the wire shapes. Served entities and routes come back sorted by name, descending:
 * the real service does not keep the order a client sent, and a deliberate order change here makes any client that
 * relies on order fail against the plane rather than in production.
 */
const byNameDesc = (a: { name?: string }, b: { name?: string }) => ((a.name ?? "") < (b.name ?? "") ? 1 : (a.name ?? "") > (b.name ?? "") ? -1 : 0);
const routeName = (r: s.Route) => r.served_entity_name ?? r.served_model_name ?? "";

/** Write-only entity fields (accepted, stored, never returned): databricks-sdk-go v0.182, facts serving-api-2026. */
function withoutWriteOnly(e: s.ServedEntityOutput): s.ServedEntityOutput {
  const { burst_scaling_enabled: _b, ...rest } = e as s.ServedEntityOutput & { burst_scaling_enabled?: boolean };
  return rest;
}

function configView(c: ConfigRecord): s.EndpointCoreConfigOutput {
  const out: s.EndpointCoreConfigOutput = { config_version: c.config_version };
  if (c.served_entities) out.served_entities = [...c.served_entities].sort(byNameDesc).map(withoutWriteOnly);
  if (c.served_models) out.served_models = [...c.served_models].sort(byNameDesc);
  if (c.traffic_config) {
    out.traffic_config = { routes: [...(c.traffic_config.routes ?? [])].sort((a, b) => byNameDesc({ name: routeName(a) }, { name: routeName(b) })) };
  }
  if (c.auto_capture_config) out.auto_capture_config = c.auto_capture_config;
  return out;
}

export function endpointState(rec: EndpointRecord): s.EndpointState {
  return { ready: isReady(rec) ? "READY" : "NOT_READY", config_update: rec.config_update };
}

/** The fields the list's summaries and a GET's detailed view share. */
function headerView(rec: EndpointRecord): s.ServingEndpoint {
  const out: s.ServingEndpoint = {
    id: rec.id,
    name: rec.name,
    creator: rec.creator,
    creation_timestamp: rec.creation_timestamp,
    last_updated_timestamp: rec.last_updated_timestamp,
    description: rec.description ?? "",
    state: endpointState(rec),
  };
  if (rec.no_public_id) delete out.id;
  // SDK 0.17 types predate telemetry_config (databricks-sdk-go v0.182 has it on both views).
  if (rec.telemetry_config) (out as s.ServingEndpoint & { telemetry_config?: unknown }).telemetry_config = rec.telemetry_config;
  return out;
}

export function detailedView(rec: EndpointRecord, level: PermissionLevel, baseUrl: string): s.ServingEndpointDetailed {
  const out: s.ServingEndpointDetailed = { ...headerView(rec), permission_level: level, route_optimized: rec.route_optimized };
  if (rec.tags.length > 0) out.tags = [...rec.tags];
  if (rec.budget_policy_id !== undefined) out.budget_policy_id = rec.budget_policy_id;
  if (rec.task !== undefined) out.task = rec.task;
  if (rec.config) out.config = configView(rec.config);
  if (rec.pending) {
    const { start_time, deadline: _d, failure: _f, ...cfg } = rec.pending;
    out.pending_config = { ...configView(cfg), start_time };
  }
  if (rec.ai_gateway) out.ai_gateway = rec.ai_gateway;
  if (rec.email_notifications) out.email_notifications = rec.email_notifications;
  if (rec.route_optimized) out.endpoint_url = `${baseUrl}/serving-endpoints/${rec.name}/invocations`;
  return out;
}

export function summaryView(rec: EndpointRecord): s.ServingEndpoint {
  const out = headerView(rec);
  if (rec.tags.length > 0) out.tags = [...rec.tags];
  if (rec.task !== undefined) out.task = rec.task;
  if (rec.budget_policy_id !== undefined) out.budget_policy_id = rec.budget_policy_id;
  if (rec.ai_gateway) out.ai_gateway = rec.ai_gateway;
  const c = rec.config;
  if (c) {
    const summary: s.EndpointCoreConfigSummary = {};
    if (c.served_entities) {
      summary.served_entities = [...c.served_entities].sort(byNameDesc).map((e) => {
        const spec: s.ServedEntitySpec = { name: e.name };
        if (e.entity_name !== undefined) spec.entity_name = e.entity_name;
        if (e.entity_version !== undefined) spec.entity_version = e.entity_version;
        if (e.external_model) spec.external_model = e.external_model;
        if (e.foundation_model) spec.foundation_model = e.foundation_model;
        return spec;
      });
    }
    if (c.served_models) {
      summary.served_models = [...c.served_models].sort(byNameDesc).map((m) => ({ name: m.name, model_name: m.model_name, model_version: m.model_version }));
    }
    out.config = summary;
  }
  return out;
}
