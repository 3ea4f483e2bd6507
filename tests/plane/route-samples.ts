import { ROUTES } from "../../plane/routes";
import type { RouteRow } from "../../plane/router";
import type { TestPlane } from "./harness";

/**
 * One valid request per route of the plane's route table, built on a fixture (an endpoint and a registered model
 * with versions, aliases, tags and grants, owned by a non-admin "owner"). The authorization matrix and the fuzzer are
 * generated from these and the table; a test fails when a route has no sample, so a new route cannot skip them.
 */
export const MODEL = "system.ai.gpt-oss-20b";
export const SERVED = "gpt-oss-20b-1";

export interface Principals {
  owner: string;
  manager: string;
  querier: string;
  viewer: string;
  stranger: string;
}
export type Tokens = Record<keyof Principals, string>;

export interface Fixture {
  uniq: string;
  endpoint: string;
  endpointId: string;
  /** An endpoint serving the fixture's custom model (it takes completions and MLflow scoring formats). */
  customEndpoint: string;
  /** An embeddings endpoint (GTE Large, provisioned throughput). */
  embedEndpoint: string;
  model: string;
  faultId: string;
  /** A one-time sign-in code of the Serving page (made with the admin token). */
  loginCode: string;
  users: Principals;
}

export interface SampleRequest {
  path: string;
  body?: unknown;
  raw?: string;
}

export type Need = "endpoint" | "model" | "custom" | "embed" | "fault" | "login";

export interface Sample {
  needs: Need[];
  /** Reads share one fixture; a sample that changes state gets a fresh one. */
  mutates: boolean;
  request(fx: Fixture): SampleRequest;
}

export const routeKey = (r: Pick<RouteRow, "method" | "path">) => `${r.method} ${r.path}`;

const SE = "/api/2.0/serving-endpoints";
const UC = "/api/2.1/unity-catalog/models";
const MR = "/api/2.0/mlflow/unity-catalog/registered-models";
const MV = "/api/2.0/mlflow/unity-catalog/model-versions";
const OWN = "/api/2.0/dbserve";
const q = encodeURIComponent;

const read = (needs: Need[], request: Sample["request"]): Sample => ({ needs, mutates: false, request });
const write = (needs: Need[], request: Sample["request"]): Sample => ({ needs, mutates: true, request });
const pmu = (units: number) => ({ served_entities: [{ entity_name: MODEL, entity_version: "1", provisioned_model_units: units }] });
const chat = { messages: [{ role: "user", content: "hi" }] };

export const SAMPLES: Record<string, Sample> = {
  [`POST ${SE}`]: write([], (fx) => ({ path: SE, body: { name: `new-${fx.uniq}` } })),
  [`GET ${SE}`]: read([], () => ({ path: SE })),
  [`GET ${SE}/:name`]: read(["endpoint"], (fx) => ({ path: `${SE}/${fx.endpoint}` })),
  [`DELETE ${SE}/:name`]: write(["endpoint"], (fx) => ({ path: `${SE}/${fx.endpoint}` })),
  [`PUT ${SE}/:name/config`]: write(["endpoint"], (fx) => ({ path: `${SE}/${fx.endpoint}/config`, body: pmu(20) })),
  [`PUT ${SE}/:name/ai-gateway`]: write(["endpoint"], (fx) => ({ path: `${SE}/${fx.endpoint}/ai-gateway`, body: { usage_tracking_config: { enabled: true } } })),
  [`PATCH ${SE}/:name/tags`]: write(["endpoint"], (fx) => ({ path: `${SE}/${fx.endpoint}/tags`, body: { add_tags: [{ key: "team", value: "ml" }] } })),
  [`PUT ${SE}/:name/rate-limits`]: write(["endpoint"], (fx) => ({ path: `${SE}/${fx.endpoint}/rate-limits`, body: { rate_limits: [{ calls: 10, renewal_period: "minute" }] } })),
  [`PATCH ${SE}/:name/notifications`]: write(["endpoint"], (fx) => ({
    path: `${SE}/${fx.endpoint}/notifications`,
    body: { email_notifications: { on_update_failure: ["ops@example.com"] } },
  })),
  [`PATCH ${SE}/:name/telemetry-config`]: write(["endpoint"], (fx) => ({
    path: `${SE}/${fx.endpoint}/telemetry-config`,
    body: { telemetry_config: { table_names: { logs_table: "main.telemetry.logs" }, enabled_telemetry_features: ["TELEMETRY_FEATURE_LOGS"] } },
  })),
  [`POST ${SE}/pt`]: write([], (fx) => ({ path: `${SE}/pt`, body: { name: `pt-${fx.uniq}`, config: pmu(10) } })),
  [`PUT ${SE}/pt/:name/config`]: write(["endpoint"], (fx) => ({ path: `${SE}/pt/${fx.endpoint}/config`, body: { config: pmu(20) } })),
  [`GET ${SE}/get-model-optimization-info/:full_name/:version`]: read(["model"], (fx) => ({ path: `${SE}/get-model-optimization-info/${fx.model}/1` })),
  [`GET ${SE}/:name/served-models/:served/logs`]: read(["endpoint"], (fx) => ({ path: `${SE}/${fx.endpoint}/served-models/${SERVED}/logs` })),
  [`GET ${SE}/:name/served-models/:served/build-logs`]: read(["endpoint"], (fx) => ({ path: `${SE}/${fx.endpoint}/served-models/${SERVED}/build-logs` })),
  ["GET /api/2.0/permissions/serving-endpoints/:id"]: read(["endpoint"], (fx) => ({ path: `/api/2.0/permissions/serving-endpoints/${fx.endpointId}` })),
  ["GET /api/2.0/permissions/serving-endpoints/:id/permissionLevels"]: read(["endpoint"], (fx) => ({
    path: `/api/2.0/permissions/serving-endpoints/${fx.endpointId}/permissionLevels`,
  })),
  ["PUT /api/2.0/permissions/serving-endpoints/:id"]: write(["endpoint"], (fx) => ({
    path: `/api/2.0/permissions/serving-endpoints/${fx.endpointId}`,
    body: { access_control_list: [{ user_name: fx.users.owner, permission_level: "CAN_MANAGE" }] },
  })),
  ["PATCH /api/2.0/permissions/serving-endpoints/:id"]: write(["endpoint"], (fx) => ({
    path: `/api/2.0/permissions/serving-endpoints/${fx.endpointId}`,
    body: { access_control_list: [{ user_name: fx.users.stranger, permission_level: "CAN_VIEW" }] },
  })),
  ["POST /serving-endpoints/:name/invocations"]: write(["endpoint"], (fx) => ({ path: `/serving-endpoints/${fx.endpoint}/invocations`, body: chat })),
  ["POST /serving-endpoints/:name/served-models/:entity/invocations"]: write(["endpoint"], (fx) => ({ path: `/serving-endpoints/${fx.endpoint}/served-models/${SERVED}/invocations`, body: chat })),
  ["POST /serving-endpoints/completions"]: write(["custom"], (fx) => ({ path: "/serving-endpoints/completions", body: { model: fx.customEndpoint, prompt: "hello" } })),
  [`GET ${SE}/:name/openapi`]: read(["endpoint"], (fx) => ({ path: `${SE}/${fx.endpoint}/openapi` })),
  [`GET ${SE}/:name/metrics`]: read(["endpoint"], (fx) => ({ path: `${SE}/${fx.endpoint}/metrics` })),
  [`GET ${OWN}/serving-endpoints/:name/usage`]: read(["endpoint"], (fx) => ({ path: `${OWN}/serving-endpoints/${fx.endpoint}/usage` })),
  [`GET ${OWN}/serving-endpoints/:name/inference-log`]: read(["endpoint"], (fx) => ({ path: `${OWN}/serving-endpoints/${fx.endpoint}/inference-log` })),
  [`GET ${OWN}/usage`]: read([], () => ({ path: `${OWN}/usage?max_results=5` })),
  [`GET ${OWN}/inference-log`]: read([], () => ({ path: `${OWN}/inference-log?max_results=5` })),
  ["POST /serving-endpoints/chat/completions"]: write(["endpoint"], (fx) => ({ path: "/serving-endpoints/chat/completions", body: { model: fx.endpoint, ...chat } })),
  ["POST /serving-endpoints/embeddings"]: write(["embed"], (fx) => ({ path: "/serving-endpoints/embeddings", body: { model: fx.embedEndpoint, input: ["a"] } })),
  [`POST ${UC}`]: write([], (fx) => ({ path: UC, body: { catalog_name: "main", schema_name: "samples", name: `uc_${fx.uniq}` } })),
  [`GET ${UC}`]: read([], () => ({ path: `${UC}?max_results=5` })),
  [`GET ${UC}/:full_name`]: read(["model"], (fx) => ({ path: `${UC}/${fx.model}?include_aliases=true` })),
  [`PATCH ${UC}/:full_name`]: write(["model"], (fx) => ({ path: `${UC}/${fx.model}`, body: { comment: "changed" } })),
  [`DELETE ${UC}/:full_name`]: write(["model"], (fx) => ({ path: `${UC}/${fx.model}` })),
  [`GET ${UC}/:full_name/versions`]: read(["model"], (fx) => ({ path: `${UC}/${fx.model}/versions` })),
  [`GET ${UC}/:full_name/versions/:version`]: read(["model"], (fx) => ({ path: `${UC}/${fx.model}/versions/1` })),
  [`PATCH ${UC}/:full_name/versions/:version`]: write(["model"], (fx) => ({ path: `${UC}/${fx.model}/versions/1`, body: { comment: "changed" } })),
  [`DELETE ${UC}/:full_name/versions/:version`]: write(["model"], (fx) => ({ path: `${UC}/${fx.model}/versions/1` })),
  [`PUT ${UC}/:full_name/aliases/:alias`]: write(["model"], (fx) => ({ path: `${UC}/${fx.model}/aliases/challenger`, body: { version_num: 1 } })),
  [`GET ${UC}/:full_name/aliases/:alias`]: read(["model"], (fx) => ({ path: `${UC}/${fx.model}/aliases/champion` })),
  [`DELETE ${UC}/:full_name/aliases/:alias`]: write(["model"], (fx) => ({ path: `${UC}/${fx.model}/aliases/champion` })),
  ["GET /api/2.1/unity-catalog/permissions/:securable_type/:full_name"]: read(["model"], (fx) => ({ path: `/api/2.1/unity-catalog/permissions/function/${fx.model}` })),
  ["PATCH /api/2.1/unity-catalog/permissions/:securable_type/:full_name"]: write(["model"], (fx) => ({
    path: `/api/2.1/unity-catalog/permissions/function/${fx.model}`,
    body: { changes: [{ principal: fx.users.stranger, add: ["BROWSE"] }] },
  })),
  [`POST ${MR}/create`]: write([], (fx) => ({ path: `${MR}/create`, body: { name: `main.samples.mr_${fx.uniq}`, description: "d", tags: [{ key: "team", value: "ml" }] } })),
  [`GET ${MR}/get`]: read(["model"], (fx) => ({ path: `${MR}/get?name=${q(fx.model)}` })),
  [`POST ${MR}/set-tag`]: write(["model"], (fx) => ({ path: `${MR}/set-tag`, body: { name: fx.model, key: "stage", value: "prod" } })),
  [`DELETE ${MR}/delete-tag`]: write(["model"], (fx) => ({ path: `${MR}/delete-tag`, body: { name: fx.model, key: "team" } })),
  [`POST ${MV}/create`]: write(["model"], (fx) => ({ path: `${MV}/create`, body: { name: fx.model, source: "runs:/abc123/model", tags: [{ key: "k", value: "v" }] } })),
  [`GET ${MV}/get`]: read(["model"], (fx) => ({ path: `${MV}/get?name=${q(fx.model)}&version=1` })),
  [`POST ${MV}/set-tag`]: write(["model"], (fx) => ({ path: `${MV}/set-tag`, body: { name: fx.model, version: "1", key: "validated", value: "true" } })),
  [`DELETE ${MV}/delete-tag`]: write(["model"], (fx) => ({ path: `${MV}/delete-tag`, body: { name: fx.model, version: "1", key: "stage" } })),
  [`POST ${MV}/generate-temporary-credentials`]: write(["model"], (fx) => ({
    path: `${MV}/generate-temporary-credentials`,
    body: { name: fx.model, version: "2", operation: "MODEL_VERSION_OPERATION_READ_WRITE" },
  })),
  [`POST ${MV}/finalize`]: write(["model"], (fx) => ({ path: `${MV}/finalize`, body: { name: fx.model, version: "2" } })),
  ["GET /api/2.0/preview/scim/v2/Me"]: read([], () => ({ path: "/api/2.0/preview/scim/v2/Me" })),
  [`GET ${OWN}/health`]: read([], () => ({ path: `${OWN}/health` })),
  [`GET ${OWN}/workspace-geo`]: read([], () => ({ path: `${OWN}/workspace-geo` })),
  [`PATCH ${OWN}/workspace-geo`]: write([], () => ({ path: `${OWN}/workspace-geo`, body: { cross_geo_processing: false } })),
  [`PUT ${OWN}/artifacts/:full_name/:version/*path`]: write(["model"], (fx) => ({ path: `${OWN}/artifacts/${fx.model}/2/data/weights.bin`, raw: "bytes" })),
  [`GET ${OWN}/artifacts/:full_name/:version/*path`]: read(["model"], (fx) => ({ path: `${OWN}/artifacts/${fx.model}/1/MLmodel` })),
  [`GET ${OWN}/artifacts/:full_name/:version`]: read(["model"], (fx) => ({ path: `${OWN}/artifacts/${fx.model}/1` })),
  [`POST ${OWN}/users`]: write([], (fx) => ({ path: `${OWN}/users`, body: { user_name: `new-${fx.uniq}@example.com` } })),
  [`GET ${OWN}/users`]: read([], () => ({ path: `${OWN}/users` })),
  [`GET ${OWN}/faults`]: read([], () => ({ path: `${OWN}/faults` })),
  [`POST ${OWN}/faults`]: write([], () => ({ path: `${OWN}/faults`, body: { kind: "latency", latency_ms: 0, route: "/never/matches" } })),
  [`DELETE ${OWN}/faults`]: write([], () => ({ path: `${OWN}/faults` })),
  [`DELETE ${OWN}/faults/:id`]: write(["fault"], (fx) => ({ path: `${OWN}/faults/${fx.faultId}` })),
  [`GET ${OWN}/rate-limit`]: read([], () => ({ path: `${OWN}/rate-limit` })),
  [`PUT ${OWN}/rate-limit`]: write([], () => ({ path: `${OWN}/rate-limit`, body: { limit: 0 } })),
  [`GET ${OWN}/calls`]: read([], () => ({ path: `${OWN}/calls?since=0` })),
  [`DELETE ${OWN}/calls`]: write([], () => ({ path: `${OWN}/calls` })),
  // The Serving page (plane/ui/).
  ["GET /"]: read([], () => ({ path: "/" })),
  ["GET /login"]: read([], () => ({ path: "/login" })),
  ["GET /ml/endpoints"]: read([], () => ({ path: "/ml/endpoints" })),
  ["GET /ml/endpoints/:name"]: read(["endpoint"], (fx) => ({ path: `/ml/endpoints/${fx.endpoint}` })),
  ["GET /ml/models"]: read([], () => ({ path: "/ml/models" })),
  ["GET /ml/models/:full_name"]: read(["model"], (fx) => ({ path: `/ml/models/${fx.model}` })),
  ["GET /ui/assets/*file"]: read([], () => ({ path: "/ui/assets/app.js" })),
  [`POST ${OWN}/ui/session`]: write(["login"], (fx) => ({ path: `${OWN}/ui/session`, body: { code: fx.loginCode } })),
  [`DELETE ${OWN}/ui/session`]: write([], () => ({ path: `${OWN}/ui/session` })),
  [`POST ${OWN}/ui/login-links`]: write([], () => ({ path: `${OWN}/ui/login-links`, body: {} })),
};

export function sampleFor(row: RouteRow): Sample {
  const s = SAMPLES[routeKey(row)];
  if (!s) throw new Error(`no sample for route ${routeKey(row)}: add one to tests/plane/route-samples.ts`);
  return s;
}

export { ROUTES };

/** Raw HTTP as a given token (or none). */
export async function call(
  t: TestPlane,
  method: string,
  req: SampleRequest,
  token: string | undefined,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown>; text: string; headers: Headers }> {
  const h: Record<string, string> = { ...headers };
  if (token !== undefined) h.Authorization = `Bearer ${token}`;
  let payload: string | undefined = req.raw;
  if (payload === undefined && req.body !== undefined) payload = JSON.stringify(req.body);
  if (payload !== undefined && !("Content-Type" in h)) h["Content-Type"] = req.raw !== undefined ? "application/octet-stream" : "application/json";
  const res = await fetch(`${t.url}${req.path}`, { method, headers: h, body: payload });
  const text = await res.text();
  let body: Record<string, unknown>;
  try {
    body = text === "" ? {} : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    body = { _text: text };
  }
  return { status: res.status, body, text, headers: res.headers };
}

let counter = 0;

export async function makeUsers(t: TestPlane, prefix: string): Promise<{ users: Principals; tokens: Tokens }> {
  const users = {} as Principals;
  const tokens = {} as Tokens;
  for (const role of ["owner", "manager", "querier", "viewer", "stranger"] as const) {
    const r = await t.api("POST", "/api/2.0/dbserve/users", { user_name: `${role}-${prefix}@example.com` });
    if (r.status !== 200) throw new Error(`user ${role}: ${JSON.stringify(r.body)}`);
    users[role] = r.body.user_name as string;
    tokens[role] = r.body.token as string;
  }
  return { users, tokens };
}

/** Build the objects a sample needs, owned by "owner", with grants for manager/querier/viewer. */
export async function buildFixture(t: TestPlane, needs: Need[], users: Principals, tokens: Tokens): Promise<Fixture> {
  const uniq = `${Date.now().toString(36)}${(counter++).toString(36)}`;
  const fx: Fixture = { uniq, endpoint: "", endpointId: "", customEndpoint: "", embedEndpoint: "", model: "", faultId: "", loginCode: "", users };
  const ok = async (what: string, p: Promise<{ status: number; body: Record<string, unknown> }>) => {
    const r = await p;
    if (r.status !== 200) throw new Error(`fixture ${what}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  /** An endpoint owned by "owner", with the manager/querier/viewer grants. */
  const grantedEndpoint = async (name: string, config: unknown) => {
    const created = await ok(name, call(t, "POST", { path: SE, body: { name, config } }, tokens.owner));
    await ok(
      `${name} acl`,
      call(
        t,
        "PATCH",
        {
          path: `/api/2.0/permissions/serving-endpoints/${created.id as string}`,
          body: {
            access_control_list: [
              { user_name: users.manager, permission_level: "CAN_MANAGE" },
              { user_name: users.querier, permission_level: "CAN_QUERY" },
              { user_name: users.viewer, permission_level: "CAN_VIEW" },
            ],
          },
        },
        t.token,
      ),
    );
    return created;
  };
  if (needs.includes("endpoint")) {
    fx.endpoint = `fx-${uniq}`;
    fx.endpointId = (await grantedEndpoint(fx.endpoint, pmu(10))).id as string;
  }
  if (needs.includes("model") || needs.includes("custom")) {
    fx.model = `main.fixtures.m_${uniq}`;
    const as = (method: string, req: SampleRequest) => call(t, method, req, tokens.owner);
    await ok("model", as("POST", { path: `${MR}/create`, body: { name: fx.model, tags: [{ key: "team", value: "ml" }] } }));
    await ok("v1", as("POST", { path: `${MV}/create`, body: { name: fx.model, source: "/local/model", tags: [{ key: "stage", value: "dev" }] } }));
    await ok("upload", as("PUT", { path: `${OWN}/artifacts/${fx.model}/1/MLmodel`, raw: "flavors:\n  python_function: {}\n" }));
    await ok("finalize", as("POST", { path: `${MV}/finalize`, body: { name: fx.model, version: "1" } }));
    await ok("v2", as("POST", { path: `${MV}/create`, body: { name: fx.model, source: "/local/model2" } }));
    await ok("alias", as("PUT", { path: `${UC}/${fx.model}/aliases/champion`, body: { version_num: 1 } }));
    await ok(
      "grants",
      as("PATCH", {
        path: `/api/2.1/unity-catalog/permissions/function/${fx.model}`,
        body: {
          changes: [
            { principal: users.manager, add: ["MANAGE"] },
            { principal: users.querier, add: ["EXECUTE"] },
            { principal: users.viewer, add: ["BROWSE"] },
          ],
        },
      }),
    );
  }
  if (needs.includes("custom")) {
    fx.customEndpoint = `fxc-${uniq}`;
    await grantedEndpoint(fx.customEndpoint, { served_entities: [{ entity_name: fx.model, entity_version: "1", workload_size: "Small", scale_to_zero_enabled: true }] });
  }
  if (needs.includes("embed")) {
    fx.embedEndpoint = `fxe-${uniq}`;
    await grantedEndpoint(fx.embedEndpoint, { served_entities: [{ entity_name: "system.ai.gte_large_en_v1_5", entity_version: "1", max_provisioned_throughput: 12000 }] });
  }
  if (needs.includes("login")) {
    const link = await ok("login link", call(t, "POST", { path: `${OWN}/ui/login-links`, body: {} }, t.token));
    fx.loginCode = String(link.url).replace(/^.*#code=/, "");
  }
  if (needs.includes("fault")) {
    const f = await ok("fault", call(t, "POST", { path: `${OWN}/faults`, body: { kind: "latency", latency_ms: 0, route: "/never/matches" } }, t.token));
    fx.faultId = f.id as string;
  }
  return fx;
}

export const writeRoutes = (): RouteRow[] => ROUTES.filter((r) => sampleFor(r).mutates);
