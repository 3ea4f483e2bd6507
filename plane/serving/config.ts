import type * as s from "@databricks/sdk-experimental/dist/apis/serving/model";
import type { PlaneContext } from "../context";
import type { User } from "../auth";
import { invalidParameter, notFound, quote } from "../errors";
import { getModel, getVersion } from "../catalog/store";
import { REGISTERED_MODEL } from "../catalog/access";
import type { FoundationModelSpec } from "../catalog/foundation";
import { optimizationSpec } from "../catalog/optimization";
import type { EndpointCoreConfigInput, ExternalModel, ServedEntityInput, ServedModelInput, TrafficConfig } from "./schemas";
import { TASKS, WORKLOAD_SIZES } from "../../common/serving-vocabulary";

/**
 * Semantic validation of an endpoint config, and its translation into the stored output shape with the server-side
 * defaults the real service fills in (entity names, workload_size, scale_to_zero_enabled, the single 100% route).
 */
export const MAX_SERVED_ENTITIES = 10;
const ENTITY_NAME = /^[A-Za-z0-9_-]+$/;

export interface BuiltConfig {
  served_entities?: s.ServedEntityOutput[];
  served_models?: s.ServedModelOutput[];
  traffic_config: s.TrafficConfig;
  auto_capture_config?: s.AutoCaptureConfigOutput;
  /** The endpoint task implied by the entities (external model task or foundation model task). */
  task?: string;
  hasExternal: boolean;
  hasFoundation: boolean;
  /** External models as sent, credentials included: kept by the query path's credential store, never returned. */
  externalInputs: { name: string; external_model: ExternalModel }[];
}

export interface BuildOptions {
  /** The caller: serving a Unity Catalog model needs EXECUTE on it. */
  user: User;
  now: number;
  /** The `/pt` API: every entity must be a model-units foundation model. */
  ptApi?: boolean;
}

/** Which secret fields each provider needs: one of the pair must be set (exactly one). */
const PROVIDER_CONFIG: Record<ExternalModel["provider"], { field: keyof ExternalModel; secrets: [string, string][] }> = {
  ai21labs: { field: "ai21labs_config", secrets: [["ai21labs_api_key", "ai21labs_api_key_plaintext"]] },
  "amazon-bedrock": { field: "amazon_bedrock_config", secrets: [] },
  anthropic: { field: "anthropic_config", secrets: [["anthropic_api_key", "anthropic_api_key_plaintext"]] },
  cohere: { field: "cohere_config", secrets: [["cohere_api_key", "cohere_api_key_plaintext"]] },
  custom: { field: "custom_provider_config", secrets: [] },
  "databricks-model-serving": { field: "databricks_model_serving_config", secrets: [["databricks_api_token", "databricks_api_token_plaintext"]] },
  "google-cloud-vertex-ai": { field: "google_cloud_vertex_ai_config", secrets: [["private_key", "private_key_plaintext"]] },
  openai: { field: "openai_config", secrets: [] },
  palm: { field: "palm_config", secrets: [["palm_api_key", "palm_api_key_plaintext"]] },
};
const CONFIG_FIELDS = Object.values(PROVIDER_CONFIG).map((p) => p.field);

function validateExternalModel(em: ExternalModel, where: string): void {
  if (em.name.trim() === "") throw invalidParameter(`${where}.external_model.name must not be empty.`);
  if (!(TASKS as readonly string[]).includes(em.task)) {
    throw invalidParameter(`${where}.external_model.task ${quote(em.task)} is not supported; valid tasks are ${TASKS.join(", ")}.`);
  }
  const spec = PROVIDER_CONFIG[em.provider];
  for (const f of CONFIG_FIELDS) {
    if (f !== spec.field && em[f] !== undefined) {
      throw invalidParameter(`${where}.external_model.${f} cannot be set for provider '${em.provider}'; use ${spec.field}.`);
    }
  }
  const cfg = em[spec.field] as Record<string, unknown> | undefined;
  if (!cfg) throw invalidParameter(`${where}.external_model.${spec.field} is required for provider '${em.provider}'.`);
  const exactlyOne = (a: string, b: string, path: string) => {
    const n = (cfg[a] !== undefined ? 1 : 0) + (cfg[b] !== undefined ? 1 : 0);
    if (n !== 1) throw invalidParameter(`${path}: exactly one of '${a}' (a secret reference) or '${b}' must be set.`);
  };
  for (const [a, b] of spec.secrets) exactlyOne(a, b, `${where}.external_model.${spec.field}`);
  if (em.provider === "openai") {
    const key = cfg.openai_api_key !== undefined || cfg.openai_api_key_plaintext !== undefined;
    const entra = cfg.microsoft_entra_client_id !== undefined;
    if (key === entra) {
      throw invalidParameter(`${where}.external_model.openai_config: set either an OpenAI API key or Microsoft Entra ID credentials, not both or neither.`);
    }
    if (key) exactlyOne("openai_api_key", "openai_api_key_plaintext", `${where}.external_model.openai_config`);
    else {
      if (cfg.microsoft_entra_tenant_id === undefined) throw invalidParameter(`${where}.external_model.openai_config.microsoft_entra_tenant_id is required with Entra ID.`);
      exactlyOne("microsoft_entra_client_secret", "microsoft_entra_client_secret_plaintext", `${where}.external_model.openai_config`);
    }
  }
  if (em.provider === "amazon-bedrock") {
    const keys = cfg.aws_access_key_id !== undefined || cfg.aws_access_key_id_plaintext !== undefined;
    if (keys) {
      exactlyOne("aws_access_key_id", "aws_access_key_id_plaintext", `${where}.external_model.amazon_bedrock_config`);
      exactlyOne("aws_secret_access_key", "aws_secret_access_key_plaintext", `${where}.external_model.amazon_bedrock_config`);
    } else if (cfg.instance_profile_arn === undefined) {
      throw invalidParameter(`${where}.external_model.amazon_bedrock_config needs access keys or instance_profile_arn.`);
    }
  }
  if (em.provider === "custom") {
    const c = cfg as { api_key_auth?: Record<string, unknown>; bearer_token_auth?: Record<string, unknown> };
    if ((c.api_key_auth !== undefined) === (c.bearer_token_auth !== undefined)) {
      throw invalidParameter(`${where}.external_model.custom_provider_config: set exactly one of api_key_auth or bearer_token_auth.`);
    }
    if (c.api_key_auth) {
      const n = (c.api_key_auth.value !== undefined ? 1 : 0) + (c.api_key_auth.value_plaintext !== undefined ? 1 : 0);
      if (n !== 1) throw invalidParameter(`${where}.external_model.custom_provider_config.api_key_auth: exactly one of 'value' or 'value_plaintext' must be set.`);
    }
    if (c.bearer_token_auth) {
      const n = (c.bearer_token_auth.token !== undefined ? 1 : 0) + (c.bearer_token_auth.token_plaintext !== undefined ? 1 : 0);
      if (n !== 1) throw invalidParameter(`${where}.external_model.custom_provider_config.bearer_token_auth: exactly one of 'token' or 'token_plaintext' must be set.`);
    }
  }
}

/** Secrets sent in plain text are kept by the service as secrets and never returned: drop every `*_plaintext`. */
export function stripPlaintext<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => stripPlaintext(v)) as T;
  if (value && typeof value === "object") {
    // fromEntries defines own properties, so no key (not even `__proto__`) is lost on the way.
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([k]) => !k.endsWith("_plaintext"))
        .map(([k, v]) => [k, stripPlaintext(v)]),
    ) as T;
  }
  return value;
}

function nearestMultiples(value: number, chunk: number): string {
  const lo = Math.floor(value / chunk) * chunk;
  const hi = lo + chunk;
  return lo > 0 ? `${lo} or ${hi}` : `${hi}`;
}

/** Resolve a UC model version for serving: it must exist, be READY, and the caller needs EXECUTE on its model. */
function resolveModelVersion(plane: PlaneContext, user: User, entityName: string, version: string | undefined, where: string): FoundationModelSpec | undefined {
  const { db } = plane;
  const parts = entityName.split(".");
  if (parts.length !== 3 || parts.some((p) => p === "")) {
    throw notFound(`${where}: registered model ${quote(entityName)} does not exist. Models are served from Unity Catalog: use <catalog>.<schema>.<model>.`);
  }
  if (version === undefined || version.trim() === "") throw invalidParameter(`${where}.entity_version is required for model ${quote(entityName)}.`);
  if (!/^\d{1,9}$/.test(version)) throw invalidParameter(`${where}.entity_version ${quote(version)} is not a valid version number.`);
  const model = getModel(db, entityName);
  if (!model) throw notFound(`${where}: registered model ${quote(entityName)} does not exist.`);
  if (!REGISTERED_MODEL.allows(plane, model, user, "EXECUTE")) throw REGISTERED_MODEL.denied(model, user, "EXECUTE");
  const v = getVersion(db, entityName, Number(version));
  if (!v) throw notFound(`${where}: version ${version} of registered model '${entityName}' does not exist.`);
  if (v.status !== "READY") {
    throw invalidParameter(`${where}: version ${version} of '${entityName}' is ${v.status}; only READY model versions can be served.`);
  }
  return optimizationSpec(db, entityName, Number(version));
}

function validateThroughput(e: ServedEntityInput, fm: FoundationModelSpec | undefined, where: string, ptApi: boolean): void {
  const bands = e.min_provisioned_throughput !== undefined || e.max_provisioned_throughput !== undefined;
  const units = e.provisioned_model_units !== undefined;
  if (!fm) {
    if (bands || units) {
      throw invalidParameter(`${where}: '${e.entity_name}' is not eligible for provisioned throughput (get-model-optimization-info reports optimizable=false).`);
    }
    return;
  }
  if (e.workload_size !== undefined || e.min_provisioned_concurrency !== undefined || e.max_provisioned_concurrency !== undefined) {
    throw invalidParameter(`${where}: foundation model '${e.entity_name}' is sized by provisioned throughput; workload_size and provisioned concurrency cannot be set.`);
  }
  const t = fm.throughput;
  if (t.kind === "tokens") {
    if (ptApi || units) {
      throw invalidParameter(
        `${where}: '${e.entity_name}' is provisioned in token bands (throughput_chunk_size ${t.chunkSize}), not model units; ` +
          "set min_provisioned_throughput and max_provisioned_throughput through /api/2.0/serving-endpoints.",
      );
    }
    if (e.max_provisioned_throughput === undefined) {
      throw invalidParameter(`${where}.max_provisioned_throughput is required for '${e.entity_name}' (a multiple of ${t.chunkSize}).`);
    }
    const min = e.min_provisioned_throughput ?? 0;
    const max = e.max_provisioned_throughput;
    for (const [field, v] of [["min_provisioned_throughput", min], ["max_provisioned_throughput", max]] as const) {
      if (v < 0) throw invalidParameter(`${where}.${field} must not be negative.`);
      if (v % t.chunkSize !== 0) {
        throw invalidParameter(
          `${where}.${field} ${v} is not a multiple of the throughput chunk size ${t.chunkSize} of '${e.entity_name}'; nearest valid values: ${nearestMultiples(v, t.chunkSize)}.`,
        );
      }
    }
    if (max === 0) throw invalidParameter(`${where}.max_provisioned_throughput must be greater than 0.`);
    if (min > max) throw invalidParameter(`${where}: min_provisioned_throughput ${min} exceeds max_provisioned_throughput ${max}.`);
  } else {
    if (bands) {
      throw invalidParameter(
        `${where}: '${e.entity_name}' is provisioned in model units, not token bands; set provisioned_model_units instead of min/max_provisioned_throughput.`,
      );
    }
    if (e.provisioned_model_units === undefined) throw invalidParameter(`${where}.provisioned_model_units is required for '${e.entity_name}'.`);
    if (e.provisioned_model_units <= 0) throw invalidParameter(`${where}.provisioned_model_units must be greater than 0.`);
    if (e.provisioned_model_units % t.increment !== 0) {
      throw invalidParameter(`${where}.provisioned_model_units must be a multiple of ${t.increment} for '${e.entity_name}'.`);
    }
  }
}

function validateCompute(e: { workload_size?: string; min_provisioned_concurrency?: number; max_provisioned_concurrency?: number }, where: string): void {
  const conc = e.min_provisioned_concurrency !== undefined || e.max_provisioned_concurrency !== undefined;
  if (e.workload_size !== undefined && conc) {
    throw invalidParameter(`${where}: set either workload_size or min/max_provisioned_concurrency, not both.`);
  }
  if (e.workload_size !== undefined && !(WORKLOAD_SIZES as readonly string[]).includes(e.workload_size)) {
    throw invalidParameter(`${where}.workload_size ${quote(e.workload_size)} is invalid; valid values are ${WORKLOAD_SIZES.join(", ")}.`);
  }
  if (conc) {
    const min = e.min_provisioned_concurrency ?? 0;
    const max = e.max_provisioned_concurrency;
    if (max === undefined) throw invalidParameter(`${where}.max_provisioned_concurrency is required with min_provisioned_concurrency.`);
    for (const [field, v] of [["min_provisioned_concurrency", min], ["max_provisioned_concurrency", max]] as const) {
      if (v < 0 || v % 4 !== 0) throw invalidParameter(`${where}.${field} ${v} must be a non-negative multiple of 4.`);
    }
    if (max === 0 || min > max) throw invalidParameter(`${where}: provisioned concurrency range ${min}-${max} is invalid.`);
  }
}

function lastComponent(name: string): string {
  const parts = name.split(".");
  return parts[parts.length - 1];
}

function checkEntityName(name: string, where: string): void {
  if (!ENTITY_NAME.test(name) || name.length > 63) {
    throw invalidParameter(`${where}.name ${quote(name)} is invalid: use at most 63 letters, digits, '-' or '_'.`);
  }
}

function entityState(): s.ServedModelState {
  return { deployment: "DEPLOYMENT_CREATING", deployment_state_message: "Served entity creation is in progress." };
}

function buildEntity(
  plane: PlaneContext,
  e: ServedEntityInput,
  i: number,
  opts: BuildOptions,
): { out: s.ServedEntityOutput; task?: string; external: boolean; fm?: FoundationModelSpec; input?: ExternalModel } {
  const where = `served_entities[${i}]`;
  if ((e.entity_name !== undefined) === (e.external_model !== undefined)) {
    throw invalidParameter(`${where}: exactly one of entity_name or external_model must be set.`);
  }
  const out: s.ServedEntityOutput = { creator: opts.user.userName, creation_timestamp: opts.now, state: entityState() };
  if (e.external_model) {
    validateExternalModel(e.external_model, where);
    for (const f of [
      "entity_version",
      "workload_size",
      "workload_type",
      "min_provisioned_concurrency",
      "max_provisioned_concurrency",
      "min_provisioned_throughput",
      "max_provisioned_throughput",
      "provisioned_model_units",
      "scale_to_zero_enabled",
    ] as const) {
      if (e[f] !== undefined) throw invalidParameter(`${where}.${f} cannot be set on an external model.`);
    }
    out.name = e.name ?? e.external_model.name.replace(/[.:]/g, "-");
    out.external_model = stripPlaintext(e.external_model) as s.ExternalModel;
    if (e.environment_vars) out.environment_vars = e.environment_vars;
    checkEntityName(out.name, where);
    return { out, task: e.external_model.task, external: true, input: e.external_model };
  }
  const entityName = e.entity_name!.toLowerCase();
  const fm = resolveModelVersion(plane, opts.user, entityName, e.entity_version, where);
  validateThroughput({ ...e, entity_name: entityName }, fm, where, opts.ptApi ?? false);
  if (!fm) validateCompute(e, where);
  out.entity_name = entityName;
  out.entity_version = e.entity_version;
  out.name = e.name ?? `${lastComponent(entityName)}-${e.entity_version}`;
  checkEntityName(out.name, where);
  if (fm) {
    out.foundation_model = {
      name: entityName,
      display_name: fm.displayName,
      description: fm.description,
      docs: `https://docs.databricks.com/machine-learning/foundation-models/supported-models.html#${fm.shortName}`,
    };
    if (fm.throughput.kind === "tokens") {
      out.min_provisioned_throughput = e.min_provisioned_throughput ?? 0;
      out.max_provisioned_throughput = e.max_provisioned_throughput;
    } else {
      out.provisioned_model_units = e.provisioned_model_units;
    }
    out.scale_to_zero_enabled = e.scale_to_zero_enabled ?? false;
  } else {
    if (e.min_provisioned_concurrency === undefined && e.max_provisioned_concurrency === undefined) {
      out.workload_size = e.workload_size ?? "Small";
    } else {
      out.min_provisioned_concurrency = e.min_provisioned_concurrency ?? 0;
      out.max_provisioned_concurrency = e.max_provisioned_concurrency;
    }
    out.workload_type = e.workload_type ?? "CPU";
    out.scale_to_zero_enabled = e.scale_to_zero_enabled ?? false;
  }
  if (e.workload_type !== undefined) out.workload_type = e.workload_type;
  if (e.environment_vars) out.environment_vars = e.environment_vars;
  if (e.instance_profile_arn !== undefined) out.instance_profile_arn = e.instance_profile_arn;
  return { out, task: fm?.task, external: false, fm };
}

function buildServedModel(plane: PlaneContext, m: ServedModelInput, i: number, opts: BuildOptions): s.ServedModelOutput {
  const where = `served_models[${i}]`;
  const modelName = m.model_name.toLowerCase();
  const fm = resolveModelVersion(plane, opts.user, modelName, m.model_version, where);
  if (fm) {
    throw invalidParameter(`${where}: foundation model '${modelName}' must be served through served_entities with provisioned throughput.`);
  }
  if (m.provisioned_model_units !== undefined || m.min_provisioned_throughput !== undefined || m.max_provisioned_throughput !== undefined) {
    throw invalidParameter(`${where}: '${modelName}' is not eligible for provisioned throughput.`);
  }
  validateCompute(m, where);
  const out: s.ServedModelOutput = {
    model_name: modelName,
    model_version: m.model_version,
    name: m.name ?? `${lastComponent(modelName)}-${m.model_version}`,
    scale_to_zero_enabled: m.scale_to_zero_enabled,
    workload_type: m.workload_type ?? "CPU",
    creator: opts.user.userName,
    creation_timestamp: opts.now,
    state: entityState(),
  };
  if (m.min_provisioned_concurrency === undefined && m.max_provisioned_concurrency === undefined) out.workload_size = m.workload_size ?? "Small";
  else {
    out.min_provisioned_concurrency = m.min_provisioned_concurrency ?? 0;
    out.max_provisioned_concurrency = m.max_provisioned_concurrency;
  }
  if (m.environment_vars) out.environment_vars = m.environment_vars;
  if (m.instance_profile_arn !== undefined) out.instance_profile_arn = m.instance_profile_arn;
  checkEntityName(out.name!, where);
  return out;
}

function buildTraffic(names: string[], traffic: TrafficConfig | undefined, legacy: boolean): s.TrafficConfig {
  if (!traffic || traffic.routes === undefined) {
    if (names.length === 1) {
      // The backend fills a 100% route and echoes both names (facts §1; databricks/cli's fake does the same).
      return { routes: [{ served_entity_name: names[0], served_model_name: names[0], traffic_percentage: 100 }] };
    }
    throw invalidParameter(`traffic_config is required when the config serves more than one entity (${names.length} given).`);
  }
  const seen = new Set<string>();
  let sum = 0;
  const routes: s.Route[] = traffic.routes.map((r, i) => {
    const where = `traffic_config.routes[${i}]`;
    if (r.served_entity_name !== undefined && r.served_model_name !== undefined && r.served_entity_name !== r.served_model_name) {
      throw invalidParameter(`${where}: served_entity_name ${quote(r.served_entity_name)} and served_model_name ${quote(r.served_model_name)} disagree.`);
    }
    const target = r.served_entity_name ?? r.served_model_name;
    if (target === undefined) throw invalidParameter(`${where}: served_entity_name is required.`);
    if (!names.includes(target)) {
      throw invalidParameter(`${where}: ${quote(target)} is not a served ${legacy ? "model" : "entity"} of this config; known names: ${names.join(", ")}.`);
    }
    if (seen.has(target)) throw invalidParameter(`${where}: ${quote(target)} has more than one route.`);
    seen.add(target);
    if (r.traffic_percentage < 0 || r.traffic_percentage > 100) {
      throw invalidParameter(`${where}.traffic_percentage ${r.traffic_percentage} must be between 0 and 100.`);
    }
    sum += r.traffic_percentage;
    const route: s.Route = { traffic_percentage: r.traffic_percentage };
    if (r.served_entity_name !== undefined) route.served_entity_name = r.served_entity_name;
    if (r.served_model_name !== undefined) route.served_model_name = r.served_model_name;
    return route;
  });
  if (routes.length > 0 && sum !== 100) {
    throw invalidParameter(`traffic_config.routes: traffic percentages must add up to 100, got ${sum}.`);
  }
  if (routes.length === 0 && names.length > 0) throw invalidParameter("traffic_config.routes must not be empty.");
  return { routes };
}

export function buildConfig(plane: PlaneContext, input: EndpointCoreConfigInput, opts: BuildOptions): BuiltConfig {
  const entities = input.served_entities ?? [];
  const models = input.served_models ?? [];
  if (entities.length > 0 && models.length > 0) {
    throw invalidParameter("A config cannot have both served_entities and served_models; use served_entities.");
  }
  const count = entities.length + models.length;
  if (count === 0) throw invalidParameter("The config must serve at least one entity (served_entities).");
  if (count > MAX_SERVED_ENTITIES) {
    throw invalidParameter(`A config can serve at most ${MAX_SERVED_ENTITIES} entities; ${count} were given.`);
  }
  const built: BuiltConfig = { traffic_config: { routes: [] }, hasExternal: false, hasFoundation: false, externalInputs: [] };
  let names: string[];
  if (entities.length > 0) {
    const results = entities.map((e, i) => buildEntity(plane, e, i, opts));
    const external = results.filter((r) => r.external);
    if (external.length > 0 && external.length !== results.length) {
      throw invalidParameter("External models cannot be served together with other entities on one endpoint.");
    }
    const tasks = new Set(external.map((r) => r.task));
    if (tasks.size > 1) throw invalidParameter(`All external models of an endpoint must share one task; got ${[...tasks].join(", ")}.`);
    const fmTasks = new Set(results.filter((r) => r.fm).map((r) => r.task));
    if (fmTasks.size > 1) throw invalidParameter(`All foundation models of an endpoint must share one task; got ${[...fmTasks].join(", ")}.`);
    built.served_entities = results.map((r) => r.out);
    built.hasExternal = external.length > 0;
    built.externalInputs = external.map((r) => ({ name: r.out.name!, external_model: r.input! }));
    built.hasFoundation = results.some((r) => r.fm);
    built.task = results.find((r) => r.task)?.task;
    names = built.served_entities.map((e) => e.name!);
  } else {
    built.served_models = models.map((m, i) => buildServedModel(plane, m, i, opts));
    names = built.served_models.map((m) => m.name!);
  }
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw invalidParameter(`Served entity name '${dup}' is used more than once; names must be unique within an endpoint.`);
  built.traffic_config = buildTraffic(names, input.traffic_config, models.length > 0);
  if (input.auto_capture_config) {
    const a = input.auto_capture_config;
    if (a.enabled !== false && (a.catalog_name === undefined || a.schema_name === undefined)) {
      throw invalidParameter("auto_capture_config: catalog_name and schema_name are required to enable inference tables.");
    }
    built.auto_capture_config = { ...a, enabled: a.enabled ?? true };
  }
  return built;
}
