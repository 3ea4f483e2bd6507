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
/** A model-unit foundation model served by ServingEndpoint (burst scaling applies to model units only). */
const units = (over = "") => `{ entityName: "system.ai.gpt-oss-20b", entityVersion: "1", provisionedModelUnits: 1${over} }`;
const plain = (over = "") => `{ entityName: "main.mx.m", entityVersion: "1", scaleToZeroEnabled: true${over} }`;
const ARN = (n: string) => `"arn:aws:iam::123456789012:instance-profile/${n}"`;
const telemetry = (body: string) => `servedEntities: [${entity()}], telemetry: { tableNames: { logsTable: "main.mx.logs", tracesTable: "main.mx.traces" }${body} }`;
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
    // Fields of 2025–2026 (issue 14): each is sent on update, read back equal, and never a false diff.
    { label: "cpu-large", field: "servedEntities", step: "update", declare: (n, v) => ep(n, `servedEntities: [${entity(`, workloadType: "${pick(v, "CPU_MEDIUM", "CPU_LARGE")}"`)}]`), writes: [`PUT ${EP}/{0}/config`] },
    {
      label: "concurrency",
      field: "servedEntities",
      step: "update",
      declare: (n, v) => ep(n, `servedEntities: [${plain(`, minProvisionedConcurrency: ${pick(v, "0", "4")}, maxProvisionedConcurrency: ${pick(v, "4", "8")}`)}]`),
      writes: [`PUT ${EP}/{0}/config`],
    },
    { label: "instance-profile", field: "servedEntities", step: "update", declare: (n, v) => ep(n, `servedEntities: [${entity(`, instanceProfileArn: ${ARN(pick(v, "a", "b"))}`)}]`), writes: [`PUT ${EP}/{0}/config`] },
    // Write-only: the server never returns it, so refresh keeps the declaration, and a change is sent all the same.
    { label: "burst", field: "servedEntities", step: "update", declare: (n, v) => ep(n, `servedEntities: [${units(`, burstScalingEnabled: ${pick(v, "true", "false")}`)}]`), writes: [`PUT ${EP}/{0}/config`] },
    { label: "rate-tokens", field: "aiGateway", step: "update", declare: (n, v) => ep(n, `servedEntities: [${entity()}], aiGateway: { rateLimits: [{ tokens: ${pick(v, "1000", "2000")} }] }`), writes: [`PUT ${EP}/{0}/ai-gateway`] },
    {
      label: "rate-principal",
      field: "aiGateway",
      step: "update",
      declare: (n, v) => ep(n, `servedEntities: [${entity()}], aiGateway: { rateLimits: [{ calls: 5, key: "user", principal: "${pick(v, "a", "b")}@example.com" }] }`),
      writes: [`PUT ${EP}/{0}/ai-gateway`],
    },
    {
      label: "rate-group",
      field: "aiGateway",
      step: "update",
      declare: (n, v) => ep(n, `servedEntities: [${entity()}], aiGateway: { rateLimits: [{ calls: ${pick(v, "5", "6")}, tokens: 500, key: "user_group", principal: "users" }] }`),
      writes: [`PUT ${EP}/{0}/ai-gateway`],
    },
    {
      label: "rate-sp",
      field: "aiGateway",
      step: "update",
      declare: (n, v) => ep(n, `servedEntities: [${entity()}], aiGateway: { rateLimits: [{ calls: 5, key: "service_principal", principal: "${pick(v, "sp-1", "sp-2")}" }] }`),
      writes: [`PUT ${EP}/{0}/ai-gateway`],
    },
    {
      label: "pii-mask",
      field: "aiGateway",
      step: "update",
      declare: (n, v) => ep(n, `${external("key1")}, aiGateway: { guardrails: { input: { pii: "${pick(v, "BLOCK", "MASK")}" }, output: { pii: "MASK" } } }`),
      writes: [`PUT ${EP}/{0}/ai-gateway`],
    },
    { label: "telemetry", field: "telemetry", step: "update", declare: (n, v) => ep(n, telemetry(`, enabledFeatures: [${pick(v, `"LOGS"`, `"LOGS", "METRICS"`)}]`)), writes: [`PATCH ${EP}/{0}/telemetry-config`] },
    { label: "telemetry-sampling", field: "telemetry", step: "update", declare: (n, v) => ep(n, telemetry(`, inferenceTable: { samplingFraction: ${pick(v, "0.5", "0.25")} }`)), writes: [`PATCH ${EP}/{0}/telemetry-config`] },
    // Table names are write-only (the server answers a profile id): a new one is sent although nothing reads differently.
    {
      label: "telemetry-tables",
      field: "telemetry",
      step: "update",
      declare: (n, v) => ep(n, `servedEntities: [${entity()}], telemetry: { tableNames: { logsTable: "main.mx.${pick(v, "logs", "logs2")}" } }`),
      writes: [`PATCH ${EP}/{0}/telemetry-config`],
    },
    { label: "telemetry-off", field: "telemetry", step: "update", declare: (n, v) => ep(n, `servedEntities: [${entity()}]${pick(v, `, telemetry: { tableNames: { logsTable: "main.mx.logs" } }`, "")}`), writes: [`PATCH ${EP}/{0}/telemetry-config`] },
    // A config update and a telemetry change in one up: the service refuses the PATCH mid-deployment (409), so it must
    // wait for NOT_UPDATING; a refused-then-retried PATCH would show here as two PATCHes.
    {
      label: "telemetry-with-config",
      field: "telemetry",
      step: "update",
      paths: ["servedEntities", "telemetry"],
      declare: (n, v) => ep(n, `servedEntities: [${entity(pick(v, "", ", workloadSize: \"Medium\""))}], telemetry: { tableNames: { logsTable: "main.mx.logs" }, enabledFeatures: [${pick(v, `"LOGS"`, `"TRACES"`)}] }`),
      writes: [`PUT ${EP}/{0}/config`, `PATCH ${EP}/{0}/telemetry-config`],
    },
    { label: "tags", field: "tags", step: "update", declare: (n, v) => ep(n, `servedEntities: [${entity()}], tags: { team: "${pick(v, "a", "b")}", cost: "1" }`), writes: [`PATCH ${EP}/{0}/tags`] },
    { label: "tags-order", field: "tags", step: "same", declare: (n, v) => ep(n, `servedEntities: [${entity()}], tags: ${pick(v, `{ a: "1", b: "2" }`, `{ b: "2", a: "1" }`)}`), writes: [] },
    // No update route for these two in any SDK (databricks-sdk-go v0.182 has no call that takes them after create).
    { label: "description", field: "description", step: "replace", declare: (n, v) => ep(n, `servedEntities: [${entity()}], description: "${pick(v, "first", "second")}"`), writes: [`DELETE ${EP}/{0}`, `POST ${EP}`] },
    { label: "budget", field: "budgetPolicyId", step: "replace", declare: (n, v) => ep(n, `servedEntities: [${entity()}], budgetPolicyId: "${pick(v, "policy-a", "policy-b")}"`), writes: [`DELETE ${EP}/{0}`, `POST ${EP}`] },
    { label: "route-optimized", field: "routeOptimized", step: "replace", declare: (n, v) => ep(n, `servedEntities: [${entity()}], routeOptimized: ${pick(v, "false", "true")}`), writes: [`DELETE ${EP}/{0}`, `POST ${EP}`] },
    { label: "notifications", field: "emailNotifications", step: "update", declare: (n, v) => ep(n, `servedEntities: [${entity()}], emailNotifications: { onUpdateFailure: ["${pick(v, "a", "b")}@example.com"] }`), writes: [`PATCH ${EP}/{0}/notifications`] },
    { label: "adopt", field: "adopt", step: "same", declare: (n, v) => ep(n, `servedEntities: [${entity()}], adopt: ${pick(v, "false", "true")}`), writes: [] },
    { label: "wait", field: "waitTimeoutSeconds", step: "same", declare: (n, v) => ep(n, `servedEntities: [${entity()}], waitTimeoutSeconds: ${pick(v, "600", "900")}`), writes: [] },
    { label: "connection", field: "connection", step: "same", declare: (n, v) => ep(n, `servedEntities: [${entity()}]${pick(v, "", ", connection: { host: process.env.DATABRICKS_HOST }")}`), writes: [] },
  ],
};
