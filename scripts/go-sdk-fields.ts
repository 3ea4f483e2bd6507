/**
 * Compares the serving request types of the official Go SDK (databricks-sdk-go `service/serving`) field by field
 * with our input schemas, and prints the fields we do not cover.
 *
 *   npm run sdk:compare                     # databricks-sdk-go v0.182.0 (fetched into the Go module cache)
 *   npm run sdk:compare -- v0.183.0         # another version the Go module proxy serves
 *   npm run sdk:compare -- --check          # exit 1 when a field is neither covered nor listed with a reason below
 *
 * The module source comes from `go mod download -json github.com/databricks/databricks-sdk-go@<version>`, i.e. the
 * Go module cache (`go env GOMODCACHE`), never the repository. The first run needs the Go module proxy; later runs
 * (and the unit test, tests/unit/go-sdk-fields.test.ts) read the cached copy.
 *
 * How it reads the SDK: the request type of every non-GET method in `impl.go` is a request body; the structs those
 * reach (through fields of struct type) are compared. Each compared struct is mapped below to the zod schema that
 * declares it (`MAPPINGS`), with the field renames our camelCase inputs make; a Go field is covered when its
 * (renamed) key is a field of that schema. A field we leave out on purpose says why in `NOT_INPUTS`.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { z } from "zod";
import {
  ai21labsConfigSchema,
  aiGatewaySchema,
  amazonBedrockConfigSchema,
  anthropicConfigSchema,
  autoCaptureSchema,
  cohereConfigSchema,
  customProviderConfigSchema,
  databricksModelServingConfigSchema,
  emailNotificationsSchema,
  externalModelSchema,
  googleCloudVertexAiConfigSchema,
  guardrailParametersSchema,
  inferenceTableSchema,
  openaiConfigSchema,
  palmConfigSchema,
  rateLimitSchema,
  servedEntitySchema,
  telemetrySchema,
  trafficRouteSchema,
} from "../provider/serving/schemas";
import { servingEndpointInputs } from "../provider/resources/serving-endpoint";
import { ptEndpointInputs, ptEntitySchema } from "../provider/resources/provisioned-throughput-endpoint";
import { grantSchema } from "../provider/resources/endpoint-permissions";

export const MODULE = "github.com/databricks/databricks-sdk-go";
export const DEFAULT_VERSION = "v0.182.0";

export interface GoField {
  name: string;
  json: string;
  type: string;
}

/** Where one Go struct lives among our inputs: the schema, and how its JSON keys are named there. */
interface Mapping {
  /** Where users write it (shown in the report). */
  ours: string;
  schema: z.ZodType;
  /** JSON key → our key, where ours is not simply the camelCase of it. */
  rename?: Record<string, string>;
}

const SDK_SERVED_ENTITY = { ours: "ServingEndpoint.servedEntities[]", schema: servedEntitySchema };
const GATEWAY = {
  ours: "aiGateway (ServingEndpoint, ProvisionedThroughputEndpoint, PayPerTokenGateway)",
  schema: aiGatewaySchema,
  rename: { fallback_config: "fallback", usage_tracking_config: "usageTracking", inference_table_config: "inferenceTable" },
};

export const MAPPINGS: Record<string, Mapping> = {
  CreateServingEndpoint: { ours: "ServingEndpoint", schema: servingEndpointInputs, rename: { ai_gateway: "aiGateway", config: "servedEntities", telemetry_config: "telemetry" } },
  EndpointCoreConfigInput: { ours: "ServingEndpoint", schema: servingEndpointInputs, rename: { traffic_config: "traffic", auto_capture_config: "autoCapture" } },
  ServedEntityInput: SDK_SERVED_ENTITY,
  TrafficConfig: { ours: "traffic", schema: servingEndpointInputs, rename: { routes: "traffic" } },
  Route: { ours: "traffic[]", schema: trafficRouteSchema },
  AutoCaptureConfigInput: { ours: "ServingEndpoint.autoCapture", schema: autoCaptureSchema },
  AiGatewayConfig: GATEWAY,
  PutAiGatewayRequest: { ...GATEWAY, rename: { ...GATEWAY.rename, name: "(path)" } },
  AiGatewayRateLimit: { ours: "aiGateway.rateLimits[]", schema: rateLimitSchema },
  AiGatewayGuardrails: { ours: "aiGateway.guardrails", schema: (aiGatewaySchema.shape.guardrails as z.ZodOptional<z.ZodObject>).unwrap() },
  AiGatewayGuardrailParameters: { ours: "aiGateway.guardrails.input|output", schema: guardrailParametersSchema },
  AiGatewayGuardrailPiiBehavior: { ours: "aiGateway.guardrails.*.pii (the behavior itself)", schema: guardrailParametersSchema, rename: { behavior: "pii" } },
  AiGatewayInferenceTableConfig: { ours: "aiGateway.inferenceTable", schema: inferenceTableSchema },
  AiGatewayUsageTrackingConfig: { ours: "aiGateway.usageTracking (a boolean)", schema: aiGatewaySchema, rename: { enabled: "usageTracking" } },
  FallbackConfig: { ours: "aiGateway.fallback (a boolean)", schema: aiGatewaySchema, rename: { enabled: "fallback" } },
  EmailNotifications: { ours: "emailNotifications", schema: emailNotificationsSchema },
  UpdateInferenceEndpointNotifications: { ours: "ServingEndpoint", schema: servingEndpointInputs, rename: { email_notifications: "emailNotifications", name: "(path)" } },
  PatchServingEndpointTags: { ours: "tags (a map; PATCH add/delete computed from it)", schema: servingEndpointInputs, rename: { add_tags: "tags", delete_tags: "tags", name: "(path)" } },
  EndpointTag: { ours: "tags (key → value)", schema: servingEndpointInputs, rename: { key: "tags", value: "tags" } },
  PatchTelemetryConfigRequest: { ours: "ServingEndpoint", schema: servingEndpointInputs, rename: { telemetry_config: "telemetry", name: "(path)" } },
  TelemetryConfig: { ours: "ServingEndpoint.telemetry", schema: telemetrySchema, rename: { enabled_telemetry_features: "enabledFeatures", inference_table_config: "inferenceTable", telemetry_profile_id: "profileId" } },
  TelemetryInferenceTableConfig: { ours: "telemetry.inferenceTable", schema: (telemetrySchema.shape.inferenceTable as z.ZodOptional<z.ZodObject>).unwrap() },
  UnityCatalogTableNames: { ours: "telemetry.tableNames", schema: (telemetrySchema.shape.tableNames as z.ZodOptional<z.ZodObject>).unwrap() },
  CreatePtEndpointRequest: { ours: "ProvisionedThroughputEndpoint", schema: ptEndpointInputs, rename: { ai_gateway: "aiGateway", config: "servedEntities" } },
  UpdateProvisionedThroughputEndpointConfigRequest: { ours: "ProvisionedThroughputEndpoint", schema: ptEndpointInputs, rename: { config: "servedEntities", name: "(path)" } },
  PtEndpointCoreConfig: { ours: "ProvisionedThroughputEndpoint", schema: ptEndpointInputs, rename: { traffic_config: "traffic" } },
  PtServedModel: { ours: "ProvisionedThroughputEndpoint.servedEntities[] (or entity + throughput)", schema: ptEntitySchema, rename: { burst_scaling_enabled: "burstScaling", provisioned_model_units: "throughput" } },
  ExternalModel: { ours: "servedEntities[].externalModel", schema: externalModelSchema },
  Ai21LabsConfig: { ours: "externalModel.ai21labsConfig", schema: ai21labsConfigSchema },
  AmazonBedrockConfig: { ours: "externalModel.amazonBedrockConfig", schema: amazonBedrockConfigSchema },
  AnthropicConfig: { ours: "externalModel.anthropicConfig", schema: anthropicConfigSchema },
  CohereConfig: { ours: "externalModel.cohereConfig", schema: cohereConfigSchema },
  CustomProviderConfig: { ours: "externalModel.customProviderConfig", schema: customProviderConfigSchema },
  ApiKeyAuth: { ours: "customProviderConfig.apiKeyAuth", schema: (customProviderConfigSchema.shape.apiKeyAuth as z.ZodOptional<z.ZodObject>).unwrap() },
  BearerTokenAuth: { ours: "customProviderConfig.bearerTokenAuth", schema: (customProviderConfigSchema.shape.bearerTokenAuth as z.ZodOptional<z.ZodObject>).unwrap() },
  DatabricksModelServingConfig: { ours: "externalModel.databricksModelServingConfig", schema: databricksModelServingConfigSchema },
  GoogleCloudVertexAiConfig: { ours: "externalModel.googleCloudVertexAiConfig", schema: googleCloudVertexAiConfigSchema },
  OpenAiConfig: { ours: "externalModel.openaiConfig", schema: openaiConfigSchema },
  PaLmConfig: { ours: "externalModel.palmConfig", schema: palmConfigSchema },
  ServingEndpointPermissionsRequest: { ours: "EndpointPermissions", schema: grantSchema, rename: { access_control_list: "(list)", serving_endpoint_id: "(path)" } },
  ServingEndpointAccessControlRequest: { ours: "EndpointPermissions.accessControl[]", schema: grantSchema },
};

/** Fields left out on purpose, with why (a field here is reported, not failed). `Type.json_key`. */
export const NOT_INPUTS: Record<string, string> = {
  "CreateServingEndpoint.rate_limits": "deprecated by the SDK itself: AI gateway rate limits (aiGateway.rateLimits) replace them",
  "EndpointCoreConfigInput.served_models": "deprecated by the SDK itself in favour of served_entities",
  "Route.served_model_name": "legacy twin of served_entity_name (we always send served_entity_name)",
  "TelemetryInferenceTableConfig.name": "output-only: the inference table the service creates, our `telemetryInferenceTable` output",
};

/** Request structs we do not map at all, with why. */
export const NOT_MAPPED: Record<string, string> = {
  PutRequest: "the legacy rate-limits route (PUT …/rate-limits), deprecated for AI gateway rate limits",
  RateLimit: "the legacy rate limit of PutRequest / CreateServingEndpoint.rate_limits (deprecated)",
  ServedModelInput: "served_models, deprecated by the SDK itself in favour of served_entities",
};

export interface FieldReport {
  goType: string;
  field: GoField;
  ours?: string;
  status: "covered" | "not-an-input" | "not-covered";
  reason?: string;
}

export interface Comparison {
  version: string;
  dir: string;
  /** Request types of write methods, and structs reachable from them. */
  compared: string[];
  /** Structs reachable from request bodies that no mapping names, and no reason in NOT_MAPPED excuses. */
  unmapped: string[];
  /** Reasons in NOT_INPUTS / NOT_MAPPED that no longer match anything (the SDK changed, or we now cover it). */
  stale: string[];
  fields: FieldReport[];
}

/** The module's source directory in the Go module cache, downloading it there when missing. */
export function moduleDir(version: string, opts: { offline?: boolean } = {}): string | undefined {
  if (opts.offline) {
    const cache = execFileSync("go", ["env", "GOMODCACHE"], { encoding: "utf8" }).trim();
    const dir = path.join(cache, `${MODULE}@${version}`);
    return fs.existsSync(path.join(dir, "service/serving/model.go")) ? dir : undefined;
  }
  const out = execFileSync("go", ["mod", "download", "-json", `${MODULE}@${version}`], { encoding: "utf8", cwd: fs.mkdtempSync(path.join(os.tmpdir(), "sdk-")) });
  return (JSON.parse(out) as { Dir: string }).Dir;
}

/** Structs of model.go with their JSON fields (`json:"-"` and ForceSendFields left out). */
export function parseStructs(source: string): Map<string, GoField[]> {
  const structs = new Map<string, GoField[]>();
  const re = /^type (\w+) struct \{\n([\s\S]*?)^\}/gm;
  for (const m of source.matchAll(re)) {
    const fields: GoField[] = [];
    for (const line of m[2].split("\n")) {
      const f = /^\s+(\w+)\s+([^\s`]+)\s+`json:"([^",]+)/.exec(line);
      if (f && f[3] !== "-") fields.push({ name: f[1], type: f[2], json: f[3] });
    }
    structs.set(m[1], fields);
  }
  return structs;
}

/** Request types of the serving API's write methods (POST, PUT, PATCH) in impl.go. */
export function writeRequestTypes(impl: string): string[] {
  const out = new Set<string>();
  const re = /^func \(a \*servingEndpointsImpl\) (\w+)\(ctx context\.Context, request (\w+)\)[\s\S]*?^\}/gm;
  for (const m of impl.matchAll(re)) if (/http\.Method(Post|Put|Patch)/.test(m[0]) && m[1] !== "Query" && m[1] !== "HttpRequest") out.add(m[2]);
  return [...out].sort();
}

/** A zod object's keys, through optional/array/pipe wrappers. */
function keysOf(schema: z.ZodType): string[] {
  let s = schema as unknown as { def: { type: string; innerType?: unknown; element?: unknown; in?: unknown }; shape?: Record<string, unknown> };
  for (let i = 0; i < 10 && !s.shape; i++) {
    const d = s.def;
    const next = d.innerType ?? d.element ?? d.in;
    if (!next) break;
    s = next as typeof s;
  }
  return Object.keys(s.shape ?? {});
}

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

export function compare(dir: string, version: string): Comparison {
  const structs = parseStructs(fs.readFileSync(path.join(dir, "service/serving/model.go"), "utf8"));
  const requests = writeRequestTypes(fs.readFileSync(path.join(dir, "service/serving/impl.go"), "utf8"));
  // Everything reachable from a request body through struct-typed fields.
  const seen = new Set<string>();
  const queue = [...requests];
  while (queue.length) {
    const t = queue.shift()!;
    if (seen.has(t) || !structs.has(t)) continue;
    seen.add(t);
    for (const f of structs.get(t)!) {
      const inner = f.type.replace(/^[[\]*]+/, "").replace(/^map\[string\]/, "");
      if (structs.has(inner)) queue.push(inner);
    }
  }
  const compared = [...seen].sort();
  const fields: FieldReport[] = [];
  for (const goType of compared) {
    const mapping = MAPPINGS[goType];
    if (!mapping) continue;
    const keys = new Set(keysOf(mapping.schema));
    for (const field of structs.get(goType)!) {
      const reason = NOT_INPUTS[`${goType}.${field.json}`];
      const ourKey = mapping.rename?.[field.json] ?? camel(field.json);
      if (ourKey.startsWith("(")) fields.push({ goType, field, ours: `${mapping.ours} ${ourKey}`, status: "covered" });
      else if (keys.has(ourKey)) fields.push({ goType, field, ours: `${mapping.ours}.${ourKey}`, status: "covered" });
      else fields.push({ goType, field, status: reason ? "not-an-input" : "not-covered", reason });
    }
  }
  const used = new Set(fields.filter((f) => f.reason).map((f) => `${f.goType}.${f.field.json}`));
  const stale = [...Object.keys(NOT_INPUTS).filter((k) => !used.has(k)), ...Object.keys(NOT_MAPPED).filter((t) => !compared.includes(t) || MAPPINGS[t])];
  return { version, dir, compared, unmapped: compared.filter((t) => !MAPPINGS[t] && !NOT_MAPPED[t]), stale, fields };
}

export function report(c: Comparison): string {
  const lines = [`databricks-sdk-go ${c.version} service/serving (${c.dir})`, ""];
  const count = (s: FieldReport["status"]) => c.fields.filter((f) => f.status === s).length;
  const mapped = c.compared.filter((t) => MAPPINGS[t]).length;
  lines.push(`request structs reachable from write calls: ${c.compared.length}; compared field by field: ${mapped}; fields: ${c.fields.length}`);
  lines.push(`  covered by our inputs:        ${count("covered")}`);
  lines.push(`  left out on purpose (why):    ${count("not-an-input")}`);
  lines.push(`  NOT COVERED:                  ${count("not-covered")}`);
  lines.push("", "Fields we do not cover:");
  for (const f of c.fields.filter((x) => x.status === "not-covered")) lines.push(`  ${f.goType}.${f.field.json} (${f.field.type})`);
  if (count("not-covered") === 0) lines.push("  (none)");
  lines.push("", "Left out on purpose:");
  for (const f of c.fields.filter((x) => x.status === "not-an-input")) lines.push(`  ${f.goType}.${f.field.json}: ${f.reason}`);
  for (const [t, why] of Object.entries(NOT_MAPPED)) if (c.compared.includes(t)) lines.push(`  ${t} (whole struct): ${why}`);
  if (c.unmapped.length) lines.push("", `Request structs with no mapping (every field of them is uncovered): ${c.unmapped.join(", ")}`);
  if (c.stale.length) lines.push("", `Stale reasons (nothing matches them any more): ${c.stale.join(", ")}`);
  return lines.join("\n");
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const version = args.find((a) => a.startsWith("v")) ?? DEFAULT_VERSION;
  const dir = moduleDir(version);
  if (!dir) throw new Error(`${MODULE}@${version} is not available`);
  const c = compare(dir, version);
  console.log(report(c));
  if (args.includes("--check") && (c.fields.some((f) => f.status === "not-covered") || c.unmapped.length > 0 || c.stale.length > 0)) process.exit(1);
}
