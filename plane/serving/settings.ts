import type * as s from "@databricks/sdk-experimental/dist/apis/serving/model";
import type { RequestContext } from "../router";
import { invalidParameter, quote } from "../errors";
import { max } from "../limits";
import { parseBody } from "../validate";
import type { BuiltConfig } from "./config";
import { saveEndpoint, type EndpointRecord } from "./records";
import { targetEndpoint } from "./access";
import { AiGatewayConfig, PatchNotificationsBody, PatchTagsBody, PutRateLimitsBody, type EndpointTag } from "./schemas";

/** Endpoint settings that change without a deployment: AI gateway, tags, legacy rate limits, notifications. */

export function validateTags(add: EndpointTag[], current: s.EndpointTag[], remove: string[] = []): s.EndpointTag[] {
  const seen = new Set<string>();
  for (const [i, t] of add.entries()) {
    if (t.key.trim() === "") throw invalidParameter(`tags[${i}].key must not be empty.`);
    if (seen.has(t.key)) throw invalidParameter(`Tag key ${quote(t.key)} is given more than once.`);
    seen.add(t.key);
  }
  for (const k of remove) if (seen.has(k)) throw invalidParameter(`Tag key ${quote(k)} is both added and deleted.`);
  const out = current.filter((t) => !seen.has(t.key) && !remove.includes(t.key)).concat(add.map((t) => ({ ...t })));
  if (out.length > max("endpointTags")) throw invalidParameter(`An endpoint can have at most ${max("endpointTags")} tags; this would leave ${out.length}.`);
  // The service keeps tags keyed, not in the order sent.
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

type Flavour = "none" | "external" | "foundation" | "custom" | "pay_per_token";

function flavourOf(rec: EndpointRecord | undefined, built: BuiltConfig | undefined): Flavour {
  if (rec?.kind === "pay_per_token") return "pay_per_token";
  if (built) return built.hasExternal ? "external" : built.hasFoundation ? "foundation" : "custom";
  const entities = rec?.config?.served_entities ?? rec?.pending?.served_entities ?? [];
  const models = rec?.config?.served_models ?? rec?.pending?.served_models ?? [];
  if (entities.length === 0 && models.length === 0) return "none";
  if (entities.some((e) => e.external_model)) return "external";
  if (entities.length > 0 && entities.every((e) => e.foundation_model)) return "foundation";
  return "custom";
}

/**
 * AI gateway rules (facts §1): each rate limit has calls and/or tokens; a principal only with a per-principal key;
 * inference tables need a catalog and schema, and must be disabled before their location changes; guardrails and
 * fallback are for external-model, provisioned-throughput and pay-per-token endpoints.
 */
export function validateAiGateway(g: AiGatewayConfig, rec: EndpointRecord | undefined, built: BuiltConfig | undefined): s.AiGatewayConfig | undefined {
  const flavour = flavourOf(rec, built);
  const seen = new Set<string>();
  for (const [i, r] of (g.rate_limits ?? []).entries()) {
    const where = `rate_limits[${i}]`;
    if (r.calls === undefined && r.tokens === undefined) throw invalidParameter(`${where}: set calls, tokens or both.`);
    if ((r.calls !== undefined && r.calls < 0) || (r.tokens !== undefined && r.tokens < 0)) throw invalidParameter(`${where}: limits must not be negative.`);
    const key = r.key ?? "endpoint";
    if (key === "endpoint" && r.principal !== undefined) throw invalidParameter(`${where}.principal cannot be set when key is 'endpoint'.`);
    const id = `${key}/${r.principal ?? ""}`;
    if (seen.has(id)) throw invalidParameter(`${where}: a rate limit for key '${key}'${r.principal ? ` and principal ${quote(r.principal)}` : ""} is given more than once.`);
    seen.add(id);
  }
  const it = g.inference_table_config;
  if (it?.enabled) {
    if (!it.catalog_name || !it.schema_name) throw invalidParameter("inference_table_config: catalog_name and schema_name are required when enabled.");
    const prev = rec?.ai_gateway?.inference_table_config;
    if (prev?.enabled && (prev.catalog_name !== it.catalog_name || prev.schema_name !== it.schema_name || prev.table_name_prefix !== it.table_name_prefix)) {
      throw invalidParameter(
        "inference_table_config: the inference table location (catalog_name, schema_name, table_name_prefix) cannot change while it is enabled; disable it first.",
      );
    }
  }
  if (g.guardrails && flavour === "custom") {
    throw invalidParameter("guardrails are supported only on external model, provisioned throughput and pay-per-token endpoints.");
  }
  if (g.fallback_config?.enabled && flavour !== "external" && flavour !== "none") {
    throw invalidParameter("fallback_config is supported only on endpoints that serve external models.");
  }
  const out: s.AiGatewayConfig = {};
  if (g.fallback_config) out.fallback_config = g.fallback_config;
  if (g.guardrails) out.guardrails = g.guardrails;
  if (it) out.inference_table_config = it;
  if (g.rate_limits) out.rate_limits = g.rate_limits.map((r) => ({ ...r, key: r.key ?? "endpoint" }));
  if (g.usage_tracking_config) out.usage_tracking_config = g.usage_tracking_config;
  return Object.keys(out).length === 0 ? undefined : out;
}

/** Every settings route: the CAN_MANAGE caller's endpoint (checked by the route table) changes, then is saved. */
function changeEndpoint<T>(ctx: RequestContext, change: (rec: EndpointRecord) => T): T {
  const { rec } = targetEndpoint(ctx);
  const result = change(rec);
  rec.last_updated_timestamp = ctx.plane.now();
  saveEndpoint(ctx.plane.db, rec);
  return result;
}

/** PUT replaces the whole gateway; `{}` removes it (an empty body is refused by the route table, never a wipe). */
export function putAiGateway(ctx: RequestContext): s.PutAiGatewayResponse {
  const body = parseBody(AiGatewayConfig, ctx.body);
  return changeEndpoint(ctx, (rec) => {
    const next = validateAiGateway(body, rec, undefined);
    if (next) rec.ai_gateway = next;
    else delete rec.ai_gateway;
    return next ?? {};
  });
}

export function patchEndpointTags(ctx: RequestContext): s.EndpointTags {
  const body = parseBody(PatchTagsBody, ctx.body);
  return changeEndpoint(ctx, (rec) => {
    rec.tags = validateTags(body.add_tags ?? [], rec.tags, body.delete_tags ?? []);
    return { tags: rec.tags };
  });
}

export function putEndpointRateLimits(ctx: RequestContext): s.PutResponse {
  const body = parseBody(PutRateLimitsBody, ctx.body);
  return changeEndpoint(ctx, (rec) => {
    if (flavourOf(rec, undefined) === "external" || rec.kind === "pay_per_token") {
      throw invalidParameter(`Endpoint '${rec.name}' manages rate limits through its AI gateway; use PUT /api/2.0/serving-endpoints/${rec.name}/ai-gateway.`);
    }
    rec.rate_limits = (body.rate_limits ?? []).map((r) => ({ ...r, key: r.key ?? "user" }));
    return { rate_limits: rec.rate_limits };
  });
}

export function patchEndpointNotifications(ctx: RequestContext): s.UpdateInferenceEndpointNotificationsResponse {
  const body = parseBody(PatchNotificationsBody, ctx.body);
  return changeEndpoint(ctx, (rec) => {
    if (body.email_notifications !== undefined) rec.email_notifications = body.email_notifications;
    const out: s.UpdateInferenceEndpointNotificationsResponse = { name: rec.name };
    if (rec.email_notifications) out.email_notifications = rec.email_notifications;
    return out;
  });
}
