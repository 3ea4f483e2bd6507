import type { Access, ObjectRef, RouteRow } from "./router";
import { bodyModeOf } from "./router";
import { describeAccess } from "./authz";
import * as admin from "./admin";
import * as geo from "./geo";
import * as endpoints from "./serving/endpoints";
import * as settings from "./serving/settings";
import * as acl from "./serving/acl";
import * as query from "./query/handlers";
import * as models from "./catalog/models";
import * as grants from "./catalog/grants";
import * as mlflow from "./catalog/mlflow";
import * as artifacts from "./catalog/artifacts";
import * as ui from "./ui/routes";

/**
 * THE route table of the plane: every route in one place, in README order. Each row names the method, the path, the
 * handler (a named function in its API's module), who may call it and whether it counts against the workspace
 * operation limit. The router reads it, the server enforces it, plane/README.md prints it (`renderRouteTable`, kept
 * equal by a test), and the authorization matrix and the fuzzer in tests/plane are generated from it.
 */
const anyUser: Access = { kind: "user" };
const adminOnly: Access = { kind: "admin" };
const noAuth: Access = { kind: "none" };

const inPath = (field: string): ObjectRef => ({ in: "path", field });
const endpoint = (level: "CAN_VIEW" | "CAN_QUERY" | "CAN_MANAGE", ref: ObjectRef = inPath("name")): Access => ({ kind: "object", type: "serving-endpoint", ref, level });
const endpointById = (level: "CAN_VIEW" | "CAN_MANAGE"): Access => endpoint(level, { in: "path", field: "id", by: "id" });
const model = (level: "BROWSE" | "EXECUTE" | "APPLY_TAG" | "MANAGE", ref: ObjectRef = inPath("full_name")): Access => ({
  kind: "object",
  type: "registered-model",
  ref,
  level,
});

/** Query routes: asynchronous (outside the request transaction), a JSON payload, OpenAI-style errors. */
const QUERY = { async: true, body: "payload", wrapError: query.asQueryError } as const;

const SE = "/api/2.0/serving-endpoints";
const UC = "/api/2.1/unity-catalog/models";
const MR = "/api/2.0/mlflow/unity-catalog/registered-models";
const MV = "/api/2.0/mlflow/unity-catalog/model-versions";
const OWN = "/api/2.0/dbserve";

export const ROUTES: readonly RouteRow[] = [
  // Serving endpoints.
  { method: "POST", path: SE, handler: endpoints.createEndpoint, access: anyUser, operation: true, note: "with or without `config`; the creator gets CAN_MANAGE; 409 `RESOURCE_ALREADY_EXISTS` on a taken name" },
  { method: "GET", path: SE, handler: endpoints.listEndpoints, access: anyUser, note: "only the endpoints the caller can view" },
  { method: "GET", path: `${SE}/:name`, handler: endpoints.getEndpoint, access: endpoint("CAN_VIEW"), note: "`permission_level` is the caller's" },
  { method: "DELETE", path: `${SE}/:name`, handler: endpoints.deleteEndpoint, access: endpoint("CAN_MANAGE"), note: "pay-per-token endpoints: 403" },
  { method: "PUT", path: `${SE}/:name/config`, handler: endpoints.updateEndpointConfig, access: endpoint("CAN_MANAGE"), operation: true, note: "deploys as `pending_config`; 409 `RESOURCE_CONFLICT` while `IN_PROGRESS`" },
  { method: "PUT", path: `${SE}/:name/ai-gateway`, handler: settings.putAiGateway, access: endpoint("CAN_MANAGE"), operation: true, note: "replaces the gateway; `{}` removes it; an empty body is a 400" },
  { method: "PATCH", path: `${SE}/:name/tags`, handler: settings.patchEndpointTags, access: endpoint("CAN_MANAGE"), operation: true, note: "`add_tags` replace by key, `delete_tags` remove" },
  { method: "PUT", path: `${SE}/:name/rate-limits`, handler: settings.putEndpointRateLimits, access: endpoint("CAN_MANAGE"), operation: true, note: "legacy rate limits" },
  { method: "PATCH", path: `${SE}/:name/notifications`, handler: settings.patchEndpointNotifications, access: endpoint("CAN_MANAGE"), operation: true, note: "email notifications" },
  { method: "PATCH", path: `${SE}/:name/telemetry-config`, handler: settings.patchEndpointTelemetry, access: endpoint("CAN_MANAGE"), operation: true, note: "`{telemetry_config?}` (none removes it); 409 `RESOURCE_CONFLICT` while `IN_PROGRESS`" },
  { method: "POST", path: `${SE}/pt`, handler: endpoints.createPtEndpoint, access: anyUser, operation: true, note: "provisioned throughput in model units" },
  { method: "PUT", path: `${SE}/pt/:name/config`, handler: endpoints.updatePtEndpointConfig, access: endpoint("CAN_MANAGE"), operation: true, note: "provisioned throughput config" },
  { method: "GET", path: `${SE}/get-model-optimization-info/:full_name/:version`, handler: endpoints.getModelOptimizationInfo, access: model("EXECUTE"), note: "`{optimizable, model_type, throughput_chunk_size}`" },
  { method: "GET", path: `${SE}/:name/served-models/:served/logs`, handler: endpoints.getServedModelLogs, access: endpoint("CAN_MANAGE"), note: "a one-line stand-in" },
  { method: "GET", path: `${SE}/:name/served-models/:served/build-logs`, handler: endpoints.getServedModelBuildLogs, access: endpoint("CAN_MANAGE"), note: "a one-line stand-in" },
  // Serving endpoint permissions, by endpoint id.
  { method: "GET", path: "/api/2.0/permissions/serving-endpoints/:id", handler: acl.getEndpointPermissions, access: endpointById("CAN_MANAGE"), note: "the ACL: CAN_MANAGE only (CAN_VIEW/CAN_QUERY cannot read it)" },
  { method: "GET", path: "/api/2.0/permissions/serving-endpoints/:id/permissionLevels", handler: acl.getEndpointPermissionLevels, access: endpointById("CAN_VIEW"), note: "the three levels and what they allow" },
  { method: "PUT", path: "/api/2.0/permissions/serving-endpoints/:id", handler: acl.setEndpointPermissions, access: endpointById("CAN_MANAGE"), note: "replaces direct grants; `access_control_list` required" },
  { method: "PATCH", path: "/api/2.0/permissions/serving-endpoints/:id", handler: acl.updateEndpointPermissions, access: endpointById("CAN_MANAGE"), note: "merges into direct grants" },
  // Queries (plane/query/): asynchronous, streaming; OpenAI-compatible routes are addressed by `body.model`.
  { method: "POST", path: "/serving-endpoints/:name/invocations", handler: query.invokeEndpoint, access: endpoint("CAN_QUERY"), ...QUERY, note: "every format of the endpoint's task; `stream: true` answers SSE" },
  { method: "POST", path: "/serving-endpoints/:name/served-models/:entity/invocations", handler: query.invokeServedEntity, access: endpoint("CAN_QUERY"), ...QUERY, note: "one served entity, no traffic split" },
  { method: "POST", path: "/serving-endpoints/chat/completions", handler: query.openAiCompatible, access: endpoint("CAN_QUERY", { in: "body", field: "model" }), ...QUERY, note: "OpenAI chat; `model` is the endpoint" },
  { method: "POST", path: "/serving-endpoints/completions", handler: query.openAiCompatible, access: endpoint("CAN_QUERY", { in: "body", field: "model" }), ...QUERY, note: "OpenAI completions" },
  { method: "POST", path: "/serving-endpoints/embeddings", handler: query.openAiCompatible, access: endpoint("CAN_QUERY", { in: "body", field: "model" }), ...QUERY, note: "OpenAI embeddings" },
  { method: "GET", path: `${SE}/:name/openapi`, handler: query.endpointOpenApi, access: endpoint("CAN_QUERY"), note: "the endpoint's OpenAPI document" },
  { method: "GET", path: `${SE}/:name/metrics`, handler: query.endpointMetrics, access: endpoint("CAN_VIEW"), note: "Prometheus text exposition" },
  // Unity Catalog registered models.
  { method: "POST", path: UC, handler: models.createRegisteredModel, access: anyUser, note: "the caller owns it; 409 `ALREADY_EXISTS`; `system` is read-only" },
  { method: "GET", path: UC, handler: models.listRegisteredModels, access: anyUser, note: "paged; models the caller holds EXECUTE on (`include_browse`: BROWSE too)" },
  { method: "GET", path: `${UC}/:full_name`, handler: models.getRegisteredModel, access: model("EXECUTE"), note: "`include_aliases`" },
  { method: "PATCH", path: `${UC}/:full_name`, handler: models.updateRegisteredModel, access: model("MANAGE"), note: "`comment`, `owner`, `new_name`" },
  { method: "DELETE", path: UC + "/:full_name", handler: models.deleteRegisteredModel, access: model("MANAGE"), note: "with its versions, aliases, tags, files and grants" },
  { method: "GET", path: `${UC}/:full_name/versions`, handler: models.listModelVersions, access: model("EXECUTE"), note: "paged" },
  { method: "GET", path: `${UC}/:full_name/versions/:version`, handler: models.getModelVersion, access: model("EXECUTE"), note: "`include_aliases`" },
  { method: "PATCH", path: `${UC}/:full_name/versions/:version`, handler: models.updateModelVersion, access: model("MANAGE"), note: "`comment` only" },
  { method: "DELETE", path: `${UC}/:full_name/versions/:version`, handler: models.deleteModelVersion, access: model("MANAGE"), note: "with its aliases; numbers are never reused" },
  { method: "PUT", path: `${UC}/:full_name/aliases/:alias`, handler: models.setModelAlias, access: model("MANAGE"), note: "`{version_num}`" },
  { method: "GET", path: `${UC}/:full_name/aliases/:alias`, handler: models.getModelAlias, access: model("EXECUTE"), note: "the aliased version" },
  { method: "DELETE", path: `${UC}/:full_name/aliases/:alias`, handler: models.deleteModelAlias, access: model("MANAGE"), note: "" },
  // Unity Catalog grants on registered models (securable type FUNCTION).
  { method: "GET", path: "/api/2.1/unity-catalog/permissions/:securable_type/:full_name", handler: grants.getModelGrants, access: model("MANAGE"), params: { securable_type: ["function"] }, note: "`{privilege_assignments}`" },
  { method: "PATCH", path: "/api/2.1/unity-catalog/permissions/:securable_type/:full_name", handler: grants.updateModelGrants, access: model("MANAGE"), params: { securable_type: ["function"] }, note: "`{changes: [{principal, add, remove}]}`: BROWSE, EXECUTE, APPLY_TAG, MANAGE, ALL_PRIVILEGES" },
  // MLflow Unity Catalog registry.
  { method: "POST", path: `${MR}/create`, handler: mlflow.createRegisteredModelMlflow, access: anyUser, note: "model and tags in one transaction; 409 `RESOURCE_ALREADY_EXISTS`" },
  { method: "GET", path: `${MR}/get`, handler: mlflow.getRegisteredModelMlflow, access: model("EXECUTE", { in: "query", field: "name" }), note: "`{registered_model: {name, description, tags, aliases, …}}`" },
  { method: "POST", path: `${MR}/set-tag`, handler: mlflow.setRegisteredModelTag, access: model("APPLY_TAG", { in: "body", field: "name" }), note: "`{name, key, value}`" },
  { method: "DELETE", path: `${MR}/delete-tag`, handler: mlflow.deleteRegisteredModelTag, access: model("APPLY_TAG", { in: "body-or-query", field: "name" }), body: "json-optional", note: "`{name, key}` as JSON or query" },
  { method: "POST", path: `${MV}/create`, handler: mlflow.createModelVersionMlflow, access: model("MANAGE", { in: "body", field: "name" }), note: "`PENDING_REGISTRATION`; accepts `tags`" },
  { method: "GET", path: `${MV}/get`, handler: mlflow.getModelVersionMlflow, access: model("EXECUTE", { in: "query", field: "name" }), note: "`?name=&version=`; with `tags` and `aliases`" },
  { method: "POST", path: `${MV}/set-tag`, handler: mlflow.setModelVersionTag, access: model("APPLY_TAG", { in: "body", field: "name" }), note: "`{name, version, key, value}`" },
  { method: "DELETE", path: `${MV}/delete-tag`, handler: mlflow.deleteModelVersionTag, access: model("APPLY_TAG", { in: "body-or-query", field: "name" }), body: "json-optional", note: "`{name, version, key}` as JSON or query" },
  {
    method: "POST",
    path: `${MV}/generate-temporary-credentials`,
    handler: mlflow.generateTemporaryCredentials,
    access: { ...(model("EXECUTE", { in: "body", field: "name" }) as Extract<Access, { kind: "object" }>), when: { field: "operation", equals: "MODEL_VERSION_OPERATION_READ_WRITE", level: "MANAGE" } },
    note: "a `dbserve_upload` credential (see Model upload)",
  },
  { method: "POST", path: `${MV}/finalize`, handler: mlflow.finalizeModelVersion, access: model("MANAGE", { in: "body", field: "name" }), note: "`READY` or `FAILED_REGISTRATION`; again on READY: no-op" },
  // Identity.
  { method: "GET", path: "/api/2.0/preview/scim/v2/Me", handler: admin.me, access: anyUser, note: "who the token belongs to" },
  // The plane's own routes. `control` ones are its test-control surface: never faulted, not in the call log.
  { method: "GET", control: true, path: `${OWN}/health`, handler: admin.health, access: noAuth, note: "`{status, version, deploy_seconds, workspace_id}`" },
  { method: "GET", path: `${OWN}/workspace-geo`, handler: geo.getWorkspaceGeo, access: anyUser, note: "`{region, geo, cross_geo_processing}`" },
  { method: "PATCH", path: `${OWN}/workspace-geo`, handler: geo.patchWorkspaceGeo, access: adminOnly, note: "`{cross_geo_processing?, region?}`" },
  { method: "PUT", path: `${OWN}/artifacts/:full_name/:version/*path`, handler: artifacts.uploadArtifact, access: model("MANAGE"), body: "raw", note: "upload a file while the version is `PENDING_REGISTRATION`" },
  { method: "GET", path: `${OWN}/artifacts/:full_name/:version/*path`, handler: artifacts.downloadArtifact, access: model("EXECUTE"), note: "download a file" },
  { method: "GET", path: `${OWN}/artifacts/:full_name/:version`, handler: artifacts.listVersionArtifacts, access: model("EXECUTE"), note: "list a version's files" },
  { method: "GET", path: `${OWN}/serving-endpoints/:name/usage`, handler: query.endpointUsage, access: endpoint("CAN_MANAGE"), note: "the endpoint's usage-table rows (a system table stand-in)" },
  { method: "GET", path: `${OWN}/serving-endpoints/:name/inference-log`, handler: query.endpointInferenceLog, access: endpoint("CAN_MANAGE"), note: "the endpoint's inference-table rows" },
  { method: "GET", path: `${OWN}/usage`, handler: query.allUsage, access: adminOnly, note: "usage rows of every endpoint, deleted ones included" },
  { method: "GET", path: `${OWN}/inference-log`, handler: query.allInferenceLog, access: adminOnly, note: "inference rows of every endpoint" },
  { method: "POST", control: true, path: `${OWN}/users`, handler: admin.createUser, access: adminOnly, note: "`{user_name}` → `{user_name, token}`: a non-admin principal" },
  { method: "GET", control: true, path: `${OWN}/users`, handler: admin.getUsers, access: adminOnly, note: "" },
  { method: "GET", control: true, path: `${OWN}/faults`, handler: admin.listFaults, access: adminOnly, note: "fault rules" },
  { method: "POST", control: true, path: `${OWN}/faults`, handler: admin.addFault, access: adminOnly, note: "add a rule (see Faults)" },
  { method: "DELETE", control: true, path: `${OWN}/faults`, handler: admin.clearFaults, access: adminOnly, note: "remove all rules" },
  { method: "DELETE", control: true, path: `${OWN}/faults/:id`, handler: admin.deleteFault, access: adminOnly, note: "remove one rule" },
  { method: "GET", control: true, path: `${OWN}/rate-limit`, handler: admin.getRateLimit, access: adminOnly, note: "`{limit, window_seconds, used}`" },
  { method: "PUT", control: true, path: `${OWN}/rate-limit`, handler: admin.putRateLimit, access: adminOnly, note: "change the operation limit (and empty its window)" },
  { method: "GET", control: true, path: `${OWN}/calls`, handler: admin.listCalls, access: adminOnly, note: "`?since=<seq>` → `{calls, next_seq}` (see Call log)" },
  { method: "DELETE", control: true, path: `${OWN}/calls`, handler: admin.clearCalls, access: adminOnly, note: "empty the call log" },
  // The Serving page (plane/ui/): the same HTML shell at the service's own paths (it holds no data), its files, and
  // browser sign-in. The page reads everything else through the routes above, with a session cookie (plane/ui/session.ts).
  { method: "GET", path: "/", handler: ui.servePage, access: noAuth, note: "the Serving page (the endpoint list)" },
  { method: "GET", path: "/login", handler: ui.servePage, access: noAuth, note: "the page's sign-in view (`#code=` from `dbserve ui`)" },
  { method: "GET", path: "/ml/endpoints", handler: ui.servePage, access: noAuth, note: "the page: serving endpoints" },
  { method: "GET", path: "/ml/endpoints/:name", handler: ui.servePage, access: noAuth, note: "the page: one endpoint" },
  { method: "GET", path: "/ml/models", handler: ui.servePage, access: noAuth, note: "the page: registered models" },
  { method: "GET", path: "/ml/models/:full_name", handler: ui.servePage, access: noAuth, note: "the page: one model's versions" },
  { method: "GET", path: "/ui/assets/*file", handler: ui.serveAsset, access: noAuth, note: "the page's files (ETag; 404 outside the asset table)" },
  { method: "POST", path: `${OWN}/ui/session`, handler: ui.signIn, access: noAuth, note: "`{code}` or `{token}` → an HttpOnly SameSite=Strict session cookie; refused cross-site" },
  { method: "DELETE", path: `${OWN}/ui/session`, handler: ui.signOut, access: noAuth, note: "signs the browser out (ends the session, clears the cookie)" },
  { method: "POST", path: `${OWN}/ui/login-links`, handler: ui.issueLoginLink, access: anyUser, body: "json-optional", note: "`{url, expires_in_seconds}`: a one-time sign-in link for the token's user (bearer only)" },
];

/** The route table as plane/README.md prints it. */
export function renderRouteTable(rows: readonly RouteRow[] = ROUTES): string {
  const lines = ["| method | path | handler | who may call | op | body | notes |", "|---|---|---|---|---|---|---|"];
  // A control route's notes start with "control:" (never faulted, not in the call log).
  for (const r of rows) {
    const path = r.path.replace(/:(\w+)/g, "{$1}").replace(/\*(\w+)/g, "{$1…}");
    const params = r.params ? ` (${Object.entries(r.params).map(([k, v]) => `${k}: ${v.join("/")}`).join(", ")})` : "";
    lines.push(`| ${r.method} | \`${path}\`${params} | \`${r.handler.name}\` | ${describeAccess(r.access)} | ${r.operation ? "yes" : ""} | ${bodyModeOf(r)}${r.async ? " (async)" : ""} | ${r.control ? `control${r.note ? ": " : ""}` : ""}${r.note} |`);
  }
  return lines.join("\n");
}
