/** ServingEndpoint's rows of the property matrix (see harness.ts). Custom-model entities serve main.mx.m v1/v2. */
import { kind } from "../../../provider/resources/serving-endpoint";
import type { KindMatrix, Variant } from "./harness";

const EP = "/api/2.0/serving-endpoints";
const entity = (over = "") => `{ entityName: "main.mx.m", entityVersion: "1", workloadSize: "Small", scaleToZeroEnabled: true, environmentVars: { PLAIN: "x" }${over} }`;
const A = `{ name: "a", entityName: "main.mx.m", entityVersion: "1", workloadSize: "Small", scaleToZeroEnabled: true }`;
const B = `{ name: "b", entityName: "main.mx.m", entityVersion: "2", workloadSize: "Small", scaleToZeroEnabled: true }`;
const two = (a: number, entities = [A, B]) =>
  `servedEntities: [${entities.join(", ")}], traffic: [{ servedEntityName: "a", trafficPercentage: ${a} }, { servedEntityName: "b", trafficPercentage: ${100 - a} }]`;
const ep = (name: string, args: string) => `new serving.ServingEndpoint("${name}", { ${args} });`;
const pick = (v: Variant, before: string, after: string) => (v === "before" ? before : after);
const external = (keyConfig: string) =>
  `servedEntities: [{ name: "gpt", externalModel: { name: "gpt-4o-mini", provider: "openai", task: "llm/v1/chat", openaiConfig: { openaiApiKeyPlaintext: cfg.requireSecret("${keyConfig}") } } }]`;

export const servingEndpointMatrix: KindMatrix = {
  kind: "ServingEndpoint",
  spec: kind.spec,
  keys: (o) => [o.name as string].filter(Boolean),
  notUserSet: {
    managedBy: "set by the Resource class (owner marker); covered by the ownership tests in serving-endpoint.test.ts",
    logicalName: "set by the Resource class; feeds the default name (covered by the `name` cases)",
    nameSeed: "set by the Resource class; feeds the default name (covered by the `name` cases)",
  },
  cases: [
    { label: "name", field: "name", step: "replace", declare: (n, v) => ep(n, `name: "${pick(v, "mx-se-name-a", "mx-se-name-b")}", servedEntities: [${entity()}]`), writes: [`POST ${EP}`, `DELETE ${EP}/{0}`] },
    { label: "size", field: "servedEntities", step: "update", declare: (n, v) => ep(n, `servedEntities: [${entity(pick(v, "", ", workloadSize: \"Medium\""))}]`), writes: [`PUT ${EP}/{0}/config`] },
    { label: "env", field: "servedEntities", step: "update", declare: (n, v) => ep(n, `servedEntities: [${entity(pick(v, "", ", environmentVars: { PLAIN: \"y\" }"))}]`), writes: [`PUT ${EP}/{0}/config`] },
    { label: "version", field: "servedEntities", step: "update", paths: ["servedEntities", "traffic"], declare: (n, v) => ep(n, `servedEntities: [${entity(pick(v, "", ", entityVersion: \"2\""))}]`), writes: [`PUT ${EP}/{0}/config`] },
    // Order the server does not keep, and server defaults declared explicitly, are no change.
    { label: "reorder", field: "servedEntities", step: "same", declare: (n, v) => ep(n, two(50, pick(v, "ab", "ba") === "ab" ? [A, B] : [B, A])), writes: [] },
    { label: "defaults", field: "servedEntities", step: "same", declare: (n, v) => ep(n, `servedEntities: [${entity(pick(v, "", ", workloadType: \"CPU\""))}]`), writes: [] },
    { label: "secret-env", field: "secrets", step: "update", declare: (n, v) => ep(n, `servedEntities: [${entity(`, environmentVars: { PLAIN: "x", TOKEN: cfg.requireSecret("${pick(v, "envSecret1", "envSecret2")}") }`)}]`), writes: [`PUT ${EP}/{0}/config`] },
    { label: "secret-key", field: "secrets", step: "update", declare: (n, v) => ep(n, external(pick(v, "key1", "key2"))), writes: [`PUT ${EP}/{0}/config`] },
    { label: "traffic", field: "traffic", step: "update", declare: (n, v) => ep(n, two(v === "before" ? 50 : 70)), writes: [`PUT ${EP}/{0}/config`] },
    { label: "capture", field: "autoCapture", step: "update", declare: (n, v) => ep(n, `servedEntities: [${entity()}]${pick(v, "", `, autoCapture: { enabled: true, catalogName: "main", schemaName: "mx" }`)}`), writes: [`PUT ${EP}/{0}/config`] },
    { label: "gateway", field: "aiGateway", step: "update", declare: (n, v) => ep(n, `servedEntities: [${entity()}], aiGateway: { usageTracking: ${pick(v, "false", "true")} }`), writes: [`PUT ${EP}/{0}/ai-gateway`] },
    { label: "fallback", field: "aiGateway", step: "update", declare: (n, v) => ep(n, `${external("key1")}, aiGateway: { usageTracking: true${pick(v, "", ", fallback: true")} }`), writes: [`PUT ${EP}/{0}/ai-gateway`] },
    { label: "tags", field: "tags", step: "update", declare: (n, v) => ep(n, `servedEntities: [${entity()}], tags: { team: "${pick(v, "a", "b")}", cost: "1" }`), writes: [`PATCH ${EP}/{0}/tags`] },
    { label: "tags-order", field: "tags", step: "same", declare: (n, v) => ep(n, `servedEntities: [${entity()}], tags: ${pick(v, `{ a: "1", b: "2" }`, `{ b: "2", a: "1" }`)}`), writes: [] },
    { label: "description", field: "description", step: "replace", declare: (n, v) => ep(n, `servedEntities: [${entity()}], description: "${pick(v, "first", "second")}"`), writes: [`DELETE ${EP}/{0}`, `POST ${EP}`] },
    { label: "budget", field: "budgetPolicyId", step: "replace", declare: (n, v) => ep(n, `servedEntities: [${entity()}], budgetPolicyId: "${pick(v, "policy-a", "policy-b")}"`), writes: [`DELETE ${EP}/{0}`, `POST ${EP}`] },
    { label: "route-optimized", field: "routeOptimized", step: "replace", declare: (n, v) => ep(n, `servedEntities: [${entity()}], routeOptimized: ${pick(v, "false", "true")}`), writes: [`DELETE ${EP}/{0}`, `POST ${EP}`] },
    { label: "notifications", field: "emailNotifications", step: "update", declare: (n, v) => ep(n, `servedEntities: [${entity()}], emailNotifications: { onUpdateFailure: ["${pick(v, "a", "b")}@example.com"] }`), writes: [`PATCH ${EP}/{0}/notifications`] },
    { label: "adopt", field: "adopt", step: "same", declare: (n, v) => ep(n, `servedEntities: [${entity()}], adopt: ${pick(v, "false", "true")}`), writes: [] },
    { label: "wait", field: "waitTimeoutSeconds", step: "same", declare: (n, v) => ep(n, `servedEntities: [${entity()}], waitTimeoutSeconds: ${pick(v, "600", "900")}`), writes: [] },
    { label: "connection", field: "connection", step: "same", declare: (n, v) => ep(n, `servedEntities: [${entity()}]${pick(v, "", ", connection: { host: process.env.DATABRICKS_HOST }")}`), writes: [] },
  ],
};
