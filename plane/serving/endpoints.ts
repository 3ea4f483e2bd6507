import { randomBytes } from "node:crypto";
import type * as s from "@databricks/sdk-experimental/dist/apis/serving/model";
import type { Router, RequestContext } from "../router";
import type { Faults } from "../faults";
import { alreadyExists, conflict, invalidParameter } from "../errors";
import { parseBody } from "../validate";
import { getModel } from "../catalog/models";
import { foundationModel } from "../catalog/foundation";
import { buildConfig, type BuiltConfig } from "./config";
import { validateAiGateway, validateTags } from "./settings";
import { allEndpoints, deleteEndpointRow, loadEndpoint, saveEndpoint, type EndpointRecord } from "./records";
import { atLeast, deleteAcl, effectiveLevel, saveAcl } from "./permissions";
import { detailedView, summaryView } from "./view";
import { deleteExternalCredentials, saveExternalCredentials } from "../query/secrets-store";
import { assertNotPayPerToken, fetchWithLevel, validateEndpointName, type ServingDeps } from "./access";
import {
  CreatePtEndpointBody,
  CreateServingEndpointBody,
  EndpointCoreConfigInput,
  UpdatePtConfigBody,
  type ServedEntityInput,
} from "./schemas";

type PtServedModels = NonNullable<s.PtEndpointCoreConfig["served_entities"]>;

function hasExternal(c: { served_entities?: s.ServedEntityOutput[] } | undefined): boolean {
  return (c?.served_entities ?? []).some((e) => e.external_model !== undefined);
}

/** The `/pt` API takes only entity name/version/units; resolve a missing version to the latest READY one. */
function ptEntities(deps: ServingDeps, entities: PtServedModels): ServedEntityInput[] {
  return entities.map((e, i) => {
    const entityName = e.entity_name.toLowerCase();
    if (!foundationModel(entityName)) {
      if (!getModel(deps.plane.db, entityName)) {
        return { entity_name: entityName, entity_version: e.entity_version, name: e.name, provisioned_model_units: e.provisioned_model_units };
      }
      throw invalidParameter(`served_entities[${i}]: '${entityName}' is not eligible for provisioned throughput (not a foundation model).`);
    }
    let version = e.entity_version;
    if (version === undefined) {
      const row = deps.plane.db
        .prepare("SELECT MAX(version) AS v FROM model_versions WHERE model = ? AND json_extract(doc, '$.status') = 'READY'")
        .get(entityName) as { v: number | null };
      if (row.v !== null) version = String(row.v);
    }
    const out: ServedEntityInput = { entity_name: entityName, entity_version: version, provisioned_model_units: e.provisioned_model_units };
    if (e.name !== undefined) out.name = e.name;
    return out;
  });
}

export function registerEndpointRoutes(router: Router, deps: ServingDeps, faults: Faults): void {
  const { plane, lifecycle } = deps;
  const { db } = plane;
  const base = "/api/2.0/serving-endpoints";
  const op = { countsAsOperation: true };

  /** Start deploying `built` as the next config version of `rec` (mutates rec). */
  const startDeployment = (ctx: RequestContext, rec: EndpointRecord, built: BuiltConfig, keepAutoCapture: boolean) => {
    const version = rec.last_config_version + 1;
    rec.last_config_version = version;
    const auto = built.auto_capture_config ?? (keepAutoCapture ? rec.config?.auto_capture_config : undefined);
    lifecycle.begin(rec, {
      config_version: version,
      ...(built.served_entities ? { served_entities: built.served_entities } : {}),
      ...(built.served_models ? { served_models: built.served_models } : {}),
      traffic_config: built.traffic_config,
      ...(auto ? { auto_capture_config: auto } : {}),
      ...(() => {
        const failure = faults.deploymentFailure(ctx.method, ctx.path, rec.name);
        return failure ? { failure } : {};
      })(),
    });
    if (built.task !== undefined) rec.task = built.task;
    saveExternalCredentials(db, rec.id, version, built.externalInputs);
  };

  const create = (ctx: RequestContext, name: string, fields: Partial<EndpointRecord>, built: BuiltConfig | undefined): s.ServingEndpointDetailed => {
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
    db.transaction(() => {
      if (loadEndpoint(db, name)) throw alreadyExists(`Endpoint with name '${name}' already exists.`);
      if (built) startDeployment(ctx, rec, built, false);
      saveEndpoint(db, rec);
      // The creator manages what it created, whatever the workspace-level defaults.
      saveAcl(db, rec.id, [{ kind: "user_name", principal: ctx.user.userName, level: "CAN_MANAGE" }]);
    })();
    lifecycle.schedule(rec);
    return detailedView(rec, "CAN_MANAGE", plane.baseUrl());
  };

  router.add(
    "POST",
    base,
    (ctx) => {
      const body = parseBody(CreateServingEndpointBody, ctx.body);
      validateEndpointName(body.name);
      if (body.config?.name !== undefined && body.config.name !== body.name) {
        throw invalidParameter(`config.name '${body.config.name}' does not match the endpoint name '${body.name}'.`);
      }
      const { name: _n, ...configInput } = body.config ?? {};
      const built = body.config ? buildConfig(db, configInput, { user: ctx.user.userName, now: plane.now() }) : undefined;
      const fields: Partial<EndpointRecord> = { route_optimized: body.route_optimized ?? false };
      if (body.tags) fields.tags = validateTags(body.tags, []);
      if (body.ai_gateway) fields.ai_gateway = validateAiGateway(body.ai_gateway, undefined, built);
      if (body.description !== undefined) fields.description = body.description;
      if (body.budget_policy_id !== undefined) fields.budget_policy_id = body.budget_policy_id;
      if (body.email_notifications) fields.email_notifications = body.email_notifications;
      if (body.rate_limits) fields.rate_limits = body.rate_limits.map((r) => ({ ...r, key: r.key ?? "user" }));
      return create(ctx, body.name, fields, built);
    },
    op,
  );

  router.add(
    "POST",
    `${base}/pt`,
    (ctx) => {
      const body = parseBody(CreatePtEndpointBody, ctx.body);
      validateEndpointName(body.name);
      const entities = body.config.served_entities ?? [];
      const built = buildConfig(
        db,
        { served_entities: ptEntities(deps, entities), traffic_config: body.config.traffic_config },
        { user: ctx.user.userName, now: plane.now(), ptApi: true },
      );
      const fields: Partial<EndpointRecord> = {};
      if (body.tags) fields.tags = validateTags(body.tags, []);
      if (body.ai_gateway) fields.ai_gateway = validateAiGateway(body.ai_gateway, undefined, built);
      if (body.budget_policy_id !== undefined) fields.budget_policy_id = body.budget_policy_id;
      if (body.email_notifications) fields.email_notifications = body.email_notifications;
      return create(ctx, body.name, fields, built);
    },
    op,
  );

  router.add("GET", base, (ctx) => {
    const endpoints = allEndpoints(db)
      .map((rec) => {
        if (lifecycle.settleInPlace(rec)) saveEndpoint(db, rec);
        return rec;
      })
      .filter((rec) => atLeast(effectiveLevel(db, rec, ctx.user), "CAN_VIEW"))
      .map(summaryView);
    return { endpoints };
  });

  router.add("GET", `${base}/:name`, (ctx) => {
    const { rec, level } = fetchWithLevel(deps, ctx.params.name, ctx.user, "CAN_VIEW");
    return detailedView(rec, level, plane.baseUrl());
  });

  router.add("DELETE", `${base}/:name`, (ctx) => {
    db.transaction(() => {
      const { rec } = fetchWithLevel(deps, ctx.params.name, ctx.user, "CAN_MANAGE");
      assertNotPayPerToken(rec, "config is managed by Databricks and it cannot be deleted");
      deleteEndpointRow(db, rec.name);
      deleteAcl(db, rec.id);
      deleteExternalCredentials(db, rec.id);
    })();
    lifecycle.cancel(ctx.params.name);
    return {};
  });

  const updateConfig = (ctx: RequestContext, name: string, build: (rec: EndpointRecord) => BuiltConfig, ptOnly: boolean) => {
    const rec = db.transaction(() => {
      const { rec } = fetchWithLevel(deps, name, ctx.user, "CAN_MANAGE");
      assertNotPayPerToken(rec, "config is managed by Databricks and cannot be changed");
      if (rec.config_update === "IN_PROGRESS") {
        throw conflict(
          `Endpoint '${name}' has a config update in progress (config_version ${rec.pending?.config_version}); ` +
            "wait until state.config_update is NOT_UPDATING before updating it again.",
        );
      }
      const built = build(rec);
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
      saveEndpoint(db, rec);
      return rec;
    })();
    lifecycle.schedule(rec);
    return detailedView(rec, "CAN_MANAGE", plane.baseUrl());
  };

  router.add(
    "PUT",
    `${base}/:name/config`,
    (ctx) => {
      const body = parseBody(EndpointCoreConfigInput, ctx.body);
      if (body.name !== undefined && body.name !== ctx.params.name) {
        throw invalidParameter(`name '${body.name}' in the body does not match the endpoint '${ctx.params.name}' in the path.`);
      }
      const { name: _n, ...input } = body;
      return updateConfig(ctx, ctx.params.name, () => buildConfig(db, input, { user: ctx.user.userName, now: plane.now() }), false);
    },
    op,
  );

  router.add(
    "PUT",
    `${base}/pt/:name/config`,
    (ctx) => {
      const body = parseBody(UpdatePtConfigBody, ctx.body);
      return updateConfig(
        ctx,
        ctx.params.name,
        () =>
          buildConfig(
            db,
            { served_entities: ptEntities(deps, body.config.served_entities ?? []), traffic_config: body.config.traffic_config },
            { user: ctx.user.userName, now: plane.now(), ptApi: true },
          ),
        true,
      );
    },
    op,
  );

  // Build and server logs exist for custom models; the plane has no containers, so it reports that plainly.
  for (const kind of ["logs", "build-logs"]) {
    router.add("GET", `${base}/:name/served-models/:served/${kind}`, (ctx) => {
      const { rec } = fetchWithLevel(deps, ctx.params.name, ctx.user, "CAN_MANAGE");
      const entities = [...(rec.config?.served_entities ?? []), ...(rec.pending?.served_entities ?? []), ...(rec.config?.served_models ?? [])];
      const e = entities.find((x) => x.name === ctx.params.served);
      if (!e) throw invalidParameter(`Served entity '${ctx.params.served}' does not exist on endpoint '${rec.name}'.`);
      return { logs: `[dbserve] ${kind} of ${rec.name}/${ctx.params.served}: ${e.state?.deployment ?? "unknown"} ${e.state?.deployment_state_message ?? ""}\n` };
    });
  }


}
