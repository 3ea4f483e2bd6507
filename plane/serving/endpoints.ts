import { randomBytes } from "node:crypto";
import type * as s from "@databricks/sdk-experimental/dist/apis/serving/model";
import type { RequestContext } from "../router";
import { alreadyExists, conflict, invalidParameter, notFound, quote } from "../errors";
import { parseBody } from "../validate";
import { getModel, getVersion, latestReadyVersion, type StoredModel } from "../catalog/store";
import { foundationModel } from "../catalog/foundation";
import { optimizationSpec } from "../catalog/optimization";
import { buildConfig, type BuiltConfig } from "./config";
import { validateAiGateway, validateTags } from "./settings";
import { allEndpoints, deleteEndpointRow, loadEndpoint, saveEndpoint, type EndpointRecord } from "./records";
import { atLeast, deleteAcl, effectiveLevel, saveAcl } from "./permissions";
import { detailedView, summaryView } from "./view";
import { deleteExternalCredentials, saveExternalCredentials } from "../query/secrets-store";
import { assertNotPayPerToken, targetEndpoint, validateEndpointName } from "./access";
import { CreatePtEndpointBody, CreateServingEndpointBody, EndpointCoreConfigInput, UpdatePtConfigBody, type ServedEntityInput } from "./schemas";

/** The serving-endpoint routes: create (both APIs), list, get, delete, config updates (both APIs), logs. */
type PtServedModels = NonNullable<s.PtEndpointCoreConfig["served_entities"]>;

function hasExternal(c: { served_entities?: s.ServedEntityOutput[] } | undefined): boolean {
  return (c?.served_entities ?? []).some((e) => e.external_model !== undefined);
}

/** The `/pt` API takes only entity name/version/units; a missing version resolves to the latest READY one. */
function ptEntities(ctx: RequestContext, entities: PtServedModels): ServedEntityInput[] {
  return entities.map((e, i) => {
    const entityName = e.entity_name.toLowerCase();
    if (!foundationModel(entityName)) {
      if (!getModel(ctx.plane.db, entityName)) {
        return { entity_name: entityName, entity_version: e.entity_version, name: e.name, provisioned_model_units: e.provisioned_model_units };
      }
      throw invalidParameter(`served_entities[${i}]: '${entityName}' is not eligible for provisioned throughput (not a foundation model).`);
    }
    let version = e.entity_version;
    if (version === undefined) {
      const latest = latestReadyVersion(ctx.plane.db, entityName);
      if (latest !== undefined) version = String(latest);
    }
    const out: ServedEntityInput = { entity_name: entityName, entity_version: version, provisioned_model_units: e.provisioned_model_units };
    if (e.name !== undefined) out.name = e.name;
    return out;
  });
}

/** Start deploying `built` as the next config version of `rec` (mutates rec; the caller saves it). */
function startDeployment(ctx: RequestContext, rec: EndpointRecord, built: BuiltConfig, keepAutoCapture: boolean): void {
  const version = rec.last_config_version + 1;
  rec.last_config_version = version;
  const auto = built.auto_capture_config ?? (keepAutoCapture ? rec.config?.auto_capture_config : undefined);
  const failure = ctx.plane.faults.deploymentFailure(ctx.method, ctx.path, rec.name);
  ctx.plane.lifecycle.begin(rec, {
    config_version: version,
    ...(built.served_entities ? { served_entities: built.served_entities } : {}),
    ...(built.served_models ? { served_models: built.served_models } : {}),
    traffic_config: built.traffic_config,
    ...(auto ? { auto_capture_config: auto } : {}),
    ...(failure ? { failure } : {}),
  });
  if (built.task !== undefined) rec.task = built.task;
  // External credentials as sent, for the query path to call providers with; never returned.
  saveExternalCredentials(ctx.plane.db, rec.id, version, built.externalInputs);
  ctx.afterCommit(() => ctx.plane.lifecycle.schedule(rec));
}

function create(ctx: RequestContext, name: string, fields: Partial<EndpointRecord>, built: BuiltConfig | undefined): s.ServingEndpointDetailed {
  const { plane } = ctx;
  validateEndpointName(name);
  const now = plane.now();
  const rec: EndpointRecord = {
    id: randomBytes(16).toString("hex"),
    name,
    kind: "custom",
    creator: ctx.user.userName,
    creation_timestamp: now,
    last_updated_timestamp: now,
    route_optimized: false,
    tags: [],
    config_update: "NOT_UPDATING",
    last_config_version: 0,
    ...fields,
  };
  if (loadEndpoint(plane.db, name)) throw alreadyExists(`Endpoint with name ${quote(name)} already exists.`);
  if (built) startDeployment(ctx, rec, built, false);
  saveEndpoint(plane.db, rec);
  // The creator manages what it created, whatever the workspace-level defaults.
  saveAcl(plane.db, rec.id, [{ kind: "user_name", principal: ctx.user.userName, level: "CAN_MANAGE" }]);
  return detailedView(rec, "CAN_MANAGE", plane.baseUrl());
}

export function createEndpoint(ctx: RequestContext): s.ServingEndpointDetailed {
  const { plane } = ctx;
  const body = parseBody(CreateServingEndpointBody, ctx.body);
  validateEndpointName(body.name);
  if (body.config?.name !== undefined && body.config.name !== body.name) {
    throw invalidParameter(`config.name ${quote(body.config.name)} does not match the endpoint name ${quote(body.name)}.`);
  }
  const { name: _n, ...configInput } = body.config ?? {};
  const built = body.config ? buildConfig(plane, configInput, { user: ctx.user, now: plane.now() }) : undefined;
  const fields: Partial<EndpointRecord> = { route_optimized: body.route_optimized ?? false };
  if (body.tags) fields.tags = validateTags(body.tags, []);
  if (body.ai_gateway) fields.ai_gateway = validateAiGateway(body.ai_gateway, undefined, built);
  if (body.description !== undefined) fields.description = body.description;
  if (body.budget_policy_id !== undefined) fields.budget_policy_id = body.budget_policy_id;
  if (body.email_notifications) fields.email_notifications = body.email_notifications;
  if (body.rate_limits) fields.rate_limits = body.rate_limits.map((r) => ({ ...r, key: r.key ?? "user" }));
  return create(ctx, body.name, fields, built);
}

export function createPtEndpoint(ctx: RequestContext): s.ServingEndpointDetailed {
  const { plane } = ctx;
  const body = parseBody(CreatePtEndpointBody, ctx.body);
  validateEndpointName(body.name);
  const built = buildConfig(
    plane,
    { served_entities: ptEntities(ctx, body.config.served_entities ?? []), traffic_config: body.config.traffic_config },
    { user: ctx.user, now: plane.now(), ptApi: true },
  );
  const fields: Partial<EndpointRecord> = {};
  if (body.tags) fields.tags = validateTags(body.tags, []);
  if (body.ai_gateway) fields.ai_gateway = validateAiGateway(body.ai_gateway, undefined, built);
  if (body.budget_policy_id !== undefined) fields.budget_policy_id = body.budget_policy_id;
  if (body.email_notifications) fields.email_notifications = body.email_notifications;
  return create(ctx, body.name, fields, built);
}

/** Only the endpoints the caller can view are listed. */
export function listEndpoints(ctx: RequestContext): s.ListEndpointsResponse {
  const { plane } = ctx;
  const endpoints = allEndpoints(plane.db)
    .map((rec) => {
      if (plane.lifecycle.settleInPlace(rec)) saveEndpoint(plane.db, rec);
      return rec;
    })
    .filter((rec) => atLeast(effectiveLevel(plane.db, rec, ctx.user), "CAN_VIEW"))
    .map(summaryView);
  return { endpoints };
}

export function getEndpoint(ctx: RequestContext): s.ServingEndpointDetailed {
  const { rec, level } = targetEndpoint(ctx);
  return detailedView(rec, level, ctx.plane.baseUrl());
}

export function deleteEndpoint(ctx: RequestContext): Record<string, never> {
  const { rec } = targetEndpoint(ctx);
  assertNotPayPerToken(rec, "config is managed by Databricks and it cannot be deleted");
  deleteEndpointRow(ctx.plane.db, rec.name);
  deleteAcl(ctx.plane.db, rec.id);
  deleteExternalCredentials(ctx.plane.db, rec.id);
  ctx.afterCommit(() => ctx.plane.lifecycle.cancel(rec.name));
  return {};
}

function updateConfig(ctx: RequestContext, build: () => BuiltConfig, ptOnly: boolean): s.ServingEndpointDetailed {
  const { rec } = targetEndpoint(ctx);
  const name = rec.name;
  assertNotPayPerToken(rec, "config is managed by Databricks and cannot be changed");
  if (rec.config_update === "IN_PROGRESS") {
    throw conflict(
      `Endpoint '${name}' has a config update in progress (config_version ${rec.pending?.config_version}); ` +
        "wait until state.config_update is NOT_UPDATING before updating it again.",
    );
  }
  const built = build();
  const current = rec.config ?? rec.pending;
  if (current && (current.served_entities?.length ?? 0) + (current.served_models?.length ?? 0) > 0 && hasExternal(current) !== built.hasExternal) {
    throw invalidParameter(
      `Endpoint '${name}' ${hasExternal(current) ? "serves" : "does not serve"} external models; an endpoint cannot switch between serving external models and other entities.`,
    );
  }
  if (ptOnly && current && !(current.served_entities ?? []).every((e) => e.foundation_model)) {
    throw invalidParameter(`Endpoint '${name}' is not a provisioned throughput endpoint; update it through PUT /api/2.0/serving-endpoints/${name}/config.`);
  }
  startDeployment(ctx, rec, built, true);
  saveEndpoint(ctx.plane.db, rec);
  return detailedView(rec, "CAN_MANAGE", ctx.plane.baseUrl());
}

export function updateEndpointConfig(ctx: RequestContext): s.ServingEndpointDetailed {
  const body = parseBody(EndpointCoreConfigInput, ctx.body);
  if (body.name !== undefined && body.name !== ctx.params.name) {
    throw invalidParameter(`name ${quote(body.name)} in the body does not match the endpoint ${quote(ctx.params.name)} in the path.`);
  }
  const { name: _n, ...input } = body;
  return updateConfig(ctx, () => buildConfig(ctx.plane, input, { user: ctx.user, now: ctx.plane.now() }), false);
}

export function updatePtEndpointConfig(ctx: RequestContext): s.ServingEndpointDetailed {
  const body = parseBody(UpdatePtConfigBody, ctx.body);
  return updateConfig(
    ctx,
    () =>
      buildConfig(
        ctx.plane,
        { served_entities: ptEntities(ctx, body.config.served_entities ?? []), traffic_config: body.config.traffic_config },
        { user: ctx.user, now: ctx.plane.now(), ptApi: true },
      ),
    true,
  );
}

/** Build and server logs exist for custom models; the plane has no containers, so it reports that plainly. */
function servedModelLogs(ctx: RequestContext, kind: "logs" | "build-logs"): s.ServerLogsResponse {
  const { rec } = targetEndpoint(ctx);
  const entities = [...(rec.config?.served_entities ?? []), ...(rec.pending?.served_entities ?? []), ...(rec.config?.served_models ?? [])];
  const e = entities.find((x) => x.name === ctx.params.served);
  if (!e) throw invalidParameter(`Served entity ${quote(ctx.params.served)} does not exist on endpoint '${rec.name}'.`);
  return { logs: `[dbserve] ${kind} of ${rec.name}/${e.name}: ${e.state?.deployment ?? "unknown"} ${e.state?.deployment_state_message ?? ""}\n` };
}

export function getServedModelLogs(ctx: RequestContext): s.ServerLogsResponse {
  return servedModelLogs(ctx, "logs");
}

export function getServedModelBuildLogs(ctx: RequestContext): s.ServerLogsResponse {
  return servedModelLogs(ctx, "build-logs");
}

/** `{optimizable, model_type, throughput_chunk_size}`; model-unit families report `provisioned_model_units_increment` (the plane's hint). */
export function getModelOptimizationInfo(ctx: RequestContext): Record<string, unknown> {
  const m = ctx.target as StoredModel;
  const name = m.full_name!;
  if (!/^\d{1,9}$/.test(ctx.params.version) || !getVersion(ctx.plane.db, name, Number(ctx.params.version))) {
    throw notFound(`Version ${quote(ctx.params.version)} of registered model '${name}' does not exist.`);
  }
  const fm = optimizationSpec(ctx.plane.db, name, Number(ctx.params.version));
  if (!fm) return { optimizable: false };
  if (fm.throughput.kind === "tokens") return { optimizable: true, model_type: fm.modelType, throughput_chunk_size: fm.throughput.chunkSize };
  return { optimizable: true, model_type: fm.modelType, provisioned_model_units_increment: fm.throughput.increment };
}
