/**
 * Zod schemas for the serving inputs shared by ServingEndpoint, ProvisionedThroughputEndpoint and
 * PayPerTokenGateway. Inputs are camelCase; `wire.ts` maps them to the API's snake_case. Field-level rules live
 * here (so an error names the field path); rules across fields of one endpoint live in `rules.ts`.
 */
import { z } from "zod";
import { isUnknown } from "../engine/unknown";
import { EXTERNAL_PROVIDERS, TASKS, WORKLOAD_SIZES, WORKLOAD_TYPES } from "../../common/serving-vocabulary";
import { localOnly } from "../engine/fields";
import { RESERVED_TAGS } from "../engine/ownership";

/** Endpoint names: letters, digits, `-` and `_`, fewer than 64 characters, no dots (facts §1 Names). */
export const ENDPOINT_NAME_MAX = 63;
export const endpointNameSchema = z
  .string()
  .min(1)
  .max(ENDPOINT_NAME_MAX, `must be at most ${ENDPOINT_NAME_MAX} characters`)
  .regex(/^[A-Za-z0-9_-]+$/, "must contain only letters, digits, '-' and '_' (no dots or spaces)");

/** Served entity names follow the same alphabet as endpoint names. */
export const servedEntityNameSchema = z
  .string()
  .min(1)
  .max(ENDPOINT_NAME_MAX, `must be at most ${ENDPOINT_NAME_MAX} characters`)
  .regex(/^[A-Za-z0-9_-]+$/, "must contain only letters, digits, '-' and '_'");

/** A Unity Catalog model: `catalog.schema.model` (three dot-separated parts). */
export const ucModelNameSchema = z
  .string()
  .regex(/^[^.\s]+\.[^.\s]+\.[^.\s]+$/, "must be a Unity Catalog model name: catalog.schema.model");

/** Versions are strings on the wire; accept digits only so `"3"` and `"v3"` cannot both mean something. */
export const entityVersionSchema = z.string().regex(/^[0-9]+$/, "must be a version number such as \"1\"");

const nonEmpty = z.string().min(1);
const secretString = z.string().min(1);

/** Environment variable names as a shell would accept them; values may be secrets (compared by hash). */
export const environmentVarsSchema = z.record(
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "environment variable names are letters, digits and '_', not starting with a digit"),
  z.string(),
);

// ---- external model provider configs (SDK `ExternalModel`, camelCase) ----

/** A credential given either as a Databricks secret reference or as plaintext, exactly one of the two. */
function keyPair<K extends string, P extends string>(ref: K, plain: P) {
  return { [ref]: nonEmpty.optional(), [plain]: secretString.optional() } as { [k in K | P]: z.ZodOptional<z.ZodString> };
}

function exactlyOne(value: Record<string, unknown>, a: string, b: string, ctx: z.RefinementCtx, required = true): void {
  const has = (k: string) => value[k] !== undefined;
  if (has(a) && has(b)) ctx.addIssue({ code: "custom", path: [b], message: `set either ${a} (a secret reference like "{{secrets/scope/key}}") or ${b}, not both` });
  else if (required && !has(a) && !has(b)) ctx.addIssue({ code: "custom", path: [a], message: `is required: set ${a} (a secret reference like "{{secrets/scope/key}}") or ${b}` });
}

export const openaiConfigSchema = z
  .strictObject({
    ...keyPair("openaiApiKey", "openaiApiKeyPlaintext"),
    openaiApiBase: z.string().url().optional(),
    openaiApiType: z.enum(["openai", "azure", "azuread"]).optional(),
    openaiApiVersion: nonEmpty.optional(),
    openaiDeploymentName: nonEmpty.optional(),
    openaiOrganization: nonEmpty.optional(),
    microsoftEntraClientId: nonEmpty.optional(),
    ...keyPair("microsoftEntraClientSecret", "microsoftEntraClientSecretPlaintext"),
    microsoftEntraTenantId: nonEmpty.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.openaiApiType === "azuread") {
      exactlyOne(v, "microsoftEntraClientSecret", "microsoftEntraClientSecretPlaintext", ctx);
      for (const k of ["microsoftEntraClientId", "microsoftEntraTenantId", "openaiApiBase"] as const) {
        if (v[k] === undefined) ctx.addIssue({ code: "custom", path: [k], message: "is required when openaiApiType is \"azuread\"" });
      }
    } else {
      exactlyOne(v, "openaiApiKey", "openaiApiKeyPlaintext", ctx);
    }
    if (v.openaiApiType === "azure") {
      for (const k of ["openaiApiBase", "openaiApiVersion", "openaiDeploymentName"] as const) {
        if (v[k] === undefined) ctx.addIssue({ code: "custom", path: [k], message: "is required when openaiApiType is \"azure\"" });
      }
    }
  });

export const anthropicConfigSchema = z
  .strictObject({ ...keyPair("anthropicApiKey", "anthropicApiKeyPlaintext") })
  .superRefine((v, ctx) => exactlyOne(v, "anthropicApiKey", "anthropicApiKeyPlaintext", ctx));

export const cohereConfigSchema = z
  .strictObject({ cohereApiBase: z.string().url().optional(), ...keyPair("cohereApiKey", "cohereApiKeyPlaintext") })
  .superRefine((v, ctx) => exactlyOne(v, "cohereApiKey", "cohereApiKeyPlaintext", ctx));

export const ai21labsConfigSchema = z
  .strictObject({ ...keyPair("ai21labsApiKey", "ai21labsApiKeyPlaintext") })
  .superRefine((v, ctx) => exactlyOne(v, "ai21labsApiKey", "ai21labsApiKeyPlaintext", ctx));

export const palmConfigSchema = z
  .strictObject({ ...keyPair("palmApiKey", "palmApiKeyPlaintext") })
  .superRefine((v, ctx) => exactlyOne(v, "palmApiKey", "palmApiKeyPlaintext", ctx));

export const amazonBedrockConfigSchema = z
  .strictObject({
    awsRegion: nonEmpty,
    bedrockProvider: z.enum(["ai21labs", "amazon", "anthropic", "cohere"]),
    ...keyPair("awsAccessKeyId", "awsAccessKeyIdPlaintext"),
    ...keyPair("awsSecretAccessKey", "awsSecretAccessKeyPlaintext"),
    instanceProfileArn: z.string().regex(/^arn:aws[a-z-]*:iam::/, "must be an IAM instance profile ARN").optional(),
  })
  .superRefine((v, ctx) => {
    if (v.instanceProfileArn !== undefined) return;
    exactlyOne(v, "awsAccessKeyId", "awsAccessKeyIdPlaintext", ctx);
    exactlyOne(v, "awsSecretAccessKey", "awsSecretAccessKeyPlaintext", ctx);
  });

export const googleCloudVertexAiConfigSchema = z
  .strictObject({ projectId: nonEmpty, region: nonEmpty, ...keyPair("privateKey", "privateKeyPlaintext") })
  .superRefine((v, ctx) => exactlyOne(v, "privateKey", "privateKeyPlaintext", ctx));

export const databricksModelServingConfigSchema = z
  .strictObject({ databricksWorkspaceUrl: z.string().url(), ...keyPair("databricksApiToken", "databricksApiTokenPlaintext") })
  .superRefine((v, ctx) => exactlyOne(v, "databricksApiToken", "databricksApiTokenPlaintext", ctx));

export const customProviderConfigSchema = z
  .strictObject({
    customProviderUrl: z.string().url(),
    apiKeyAuth: z
      .strictObject({ key: nonEmpty, ...keyPair("value", "valuePlaintext") })
      .superRefine((v, ctx) => exactlyOne(v, "value", "valuePlaintext", ctx))
      .optional(),
    bearerTokenAuth: z
      .strictObject({ ...keyPair("token", "tokenPlaintext") })
      .superRefine((v, ctx) => exactlyOne(v, "token", "tokenPlaintext", ctx))
      .optional(),
  })
  .superRefine((v, ctx) => {
    if ((v.apiKeyAuth === undefined) === (v.bearerTokenAuth === undefined)) {
      ctx.addIssue({ code: "custom", path: ["apiKeyAuth"], message: "set exactly one of apiKeyAuth or bearerTokenAuth" });
    }
  });

/** Which config object each provider needs (SDK `ExternalModel`: "only required if the provider is …"). */
export const PROVIDER_CONFIG_KEY = {
  ai21labs: "ai21labsConfig",
  "amazon-bedrock": "amazonBedrockConfig",
  anthropic: "anthropicConfig",
  cohere: "cohereConfig",
  custom: "customProviderConfig",
  "databricks-model-serving": "databricksModelServingConfig",
  "google-cloud-vertex-ai": "googleCloudVertexAiConfig",
  openai: "openaiConfig",
  palm: "palmConfig",
} as const satisfies Record<(typeof EXTERNAL_PROVIDERS)[number], string>;

export const externalModelSchema = z
  .strictObject({
    name: nonEmpty,
    provider: z.enum(EXTERNAL_PROVIDERS),
    task: z.enum(TASKS),
    openaiConfig: openaiConfigSchema.optional(),
    anthropicConfig: anthropicConfigSchema.optional(),
    cohereConfig: cohereConfigSchema.optional(),
    ai21labsConfig: ai21labsConfigSchema.optional(),
    palmConfig: palmConfigSchema.optional(),
    amazonBedrockConfig: amazonBedrockConfigSchema.optional(),
    googleCloudVertexAiConfig: googleCloudVertexAiConfigSchema.optional(),
    databricksModelServingConfig: databricksModelServingConfigSchema.optional(),
    customProviderConfig: customProviderConfigSchema.optional(),
  })
  .superRefine((v, ctx) => {
    const wanted = PROVIDER_CONFIG_KEY[v.provider];
    if (v[wanted] === undefined) ctx.addIssue({ code: "custom", path: [wanted], message: `is required when provider is "${v.provider}"` });
    for (const key of Object.values(PROVIDER_CONFIG_KEY)) {
      if (key !== wanted && v[key] !== undefined) {
        ctx.addIssue({ code: "custom", path: [key], message: `does not apply to provider "${v.provider}" (use ${wanted})` });
      }
    }
  });
export type ExternalModelInput = z.infer<typeof externalModelSchema>;

// ---- served entities ----

const positiveInt = z.number().int().min(0);

export const servedEntitySchema = z
  .strictObject({
    /** Served entity name; defaults to `<last part of entityName>-<entityVersion>` or the external model's name. */
    name: servedEntityNameSchema.optional(),
    entityName: nonEmpty.optional(),
    entityVersion: entityVersionSchema.optional(),
    workloadSize: z.enum(WORKLOAD_SIZES).optional(),
    workloadType: z.enum(WORKLOAD_TYPES).optional(),
    scaleToZeroEnabled: z.boolean().optional(),
    minProvisionedConcurrency: positiveInt.optional(),
    maxProvisionedConcurrency: positiveInt.optional(),
    minProvisionedThroughput: positiveInt.optional(),
    maxProvisionedThroughput: positiveInt.optional(),
    provisionedModelUnits: z.number().int().min(1).optional(),
    environmentVars: environmentVarsSchema.optional(),
    instanceProfileArn: z.string().regex(/^arn:aws[a-z-]*:iam::/, "must be an IAM instance profile ARN").optional(),
    externalModel: externalModelSchema.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.externalModel !== undefined) {
      for (const k of ["entityName", "entityVersion", "workloadSize", "workloadType", "scaleToZeroEnabled", "minProvisionedConcurrency", "maxProvisionedConcurrency", "minProvisionedThroughput", "maxProvisionedThroughput", "provisionedModelUnits", "instanceProfileArn"] as const) {
        if (v[k] !== undefined) ctx.addIssue({ code: "custom", path: [k], message: "does not apply to an external model: remove it, or remove externalModel to serve a Unity Catalog model" });
      }
      return;
    }
    if (v.entityName === undefined) {
      ctx.addIssue({ code: "custom", path: ["entityName"], message: "is required (a Unity Catalog model `catalog.schema.model`), unless externalModel is set" });
      return;
    }
    if (!isUnknown(v.entityName) && !/^[^.\s]+\.[^.\s]+\.[^.\s]+$/.test(v.entityName)) {
      ctx.addIssue({ code: "custom", path: ["entityName"], message: `must be a Unity Catalog model name catalog.schema.model (got ${JSON.stringify(v.entityName)})` });
    }
    if (v.entityVersion === undefined) ctx.addIssue({ code: "custom", path: ["entityVersion"], message: "is required with entityName (e.g. \"1\")" });
    const concurrency = v.minProvisionedConcurrency !== undefined || v.maxProvisionedConcurrency !== undefined;
    const throughput = v.minProvisionedThroughput !== undefined || v.maxProvisionedThroughput !== undefined;
    if (v.workloadSize !== undefined && concurrency) {
      ctx.addIssue({ code: "custom", path: ["workloadSize"], message: "set either workloadSize or min/maxProvisionedConcurrency, not both" });
    }
    if (concurrency && (v.minProvisionedConcurrency === undefined || v.maxProvisionedConcurrency === undefined)) {
      ctx.addIssue({ code: "custom", path: [v.minProvisionedConcurrency === undefined ? "minProvisionedConcurrency" : "maxProvisionedConcurrency"], message: "set both minProvisionedConcurrency and maxProvisionedConcurrency" });
    }
    if (v.minProvisionedConcurrency !== undefined && v.maxProvisionedConcurrency !== undefined && v.minProvisionedConcurrency > v.maxProvisionedConcurrency) {
      ctx.addIssue({ code: "custom", path: ["minProvisionedConcurrency"], message: `must be at most maxProvisionedConcurrency (${v.maxProvisionedConcurrency})` });
    }
    if (v.minProvisionedThroughput !== undefined && v.maxProvisionedThroughput !== undefined && v.minProvisionedThroughput > v.maxProvisionedThroughput) {
      ctx.addIssue({ code: "custom", path: ["minProvisionedThroughput"], message: `must be at most maxProvisionedThroughput (${v.maxProvisionedThroughput})` });
    }
    if (throughput && v.provisionedModelUnits !== undefined) {
      ctx.addIssue({ code: "custom", path: ["provisionedModelUnits"], message: "set either provisionedModelUnits or min/maxProvisionedThroughput, not both" });
    }
    if ((throughput || v.provisionedModelUnits !== undefined) && (v.workloadSize !== undefined || concurrency)) {
      ctx.addIssue({ code: "custom", path: ["workloadSize"], message: "provisioned throughput entities are sized by throughput or model units, not by workload size or concurrency" });
    }
  });
export type ServedEntityInput = z.infer<typeof servedEntitySchema>;

export const trafficRouteSchema = z.strictObject({
  servedEntityName: servedEntityNameSchema,
  trafficPercentage: z.number().int().min(0).max(100),
});
export type TrafficRouteInput = z.infer<typeof trafficRouteSchema>;

// ---- AI gateway ----

export const RATE_LIMIT_KEYS = ["endpoint", "user", "user_group", "service_principal"] as const;

/**
 * A limit of 0 does not block anything: the service reads it as "no limit" (terraform-provider-databricks#5362), so
 * a declaration meant to shut an endpoint off would silently open it. Refused at preview with what to do instead.
 */
const ZERO_LIMIT =
  "0 is read by the service as \"no limit\", not as \"block everything\": to stop queries, remove the CAN_QUERY grants " +
  "(EndpointPermissions); to lift the limit, remove this rate limit; otherwise give a positive number";
const limitValue = z.number().int().min(0).refine((n) => n !== 0, ZERO_LIMIT);

export const rateLimitSchema = z
  .strictObject({
    calls: limitValue.optional(),
    tokens: limitValue.optional(),
    key: z.enum(RATE_LIMIT_KEYS).optional(),
    /** A user email, group name or service principal application id; omitted means "each user" for key user. */
    principal: nonEmpty.optional(),
    renewalPeriod: z.literal("minute").optional(),
  })
  .superRefine((v, ctx) => {
    if (v.calls === undefined && v.tokens === undefined) ctx.addIssue({ code: "custom", path: ["calls"], message: "set calls and/or tokens per minute" });
    if ((v.key ?? "endpoint") === "endpoint" && v.principal !== undefined) {
      ctx.addIssue({ code: "custom", path: ["principal"], message: "does not apply to key \"endpoint\": use key \"user\", \"user_group\" or \"service_principal\"" });
    }
    if ((v.key === "user_group" || v.key === "service_principal") && v.principal === undefined) {
      ctx.addIssue({ code: "custom", path: ["principal"], message: `is required for key "${v.key}"` });
    }
  });
export type RateLimitInput = z.infer<typeof rateLimitSchema>;

export const guardrailParametersSchema = z.strictObject({
  safety: z.boolean().optional(),
  pii: z.enum(["BLOCK", "MASK", "NONE"]).optional(),
  invalidKeywords: z.array(nonEmpty).optional(),
  validTopics: z.array(nonEmpty).optional(),
});

export const ucIdentifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a Unity Catalog identifier: letters, digits, underscores");

export const inferenceTableSchema = z
  .strictObject({
    enabled: z.boolean(),
    catalogName: ucIdentifier.optional(),
    schemaName: ucIdentifier.optional(),
    tableNamePrefix: ucIdentifier.optional(),
  })
  .superRefine((v, ctx) => {
    if (!v.enabled) return;
    for (const k of ["catalogName", "schemaName"] as const) {
      if (v[k] === undefined) ctx.addIssue({ code: "custom", path: [k], message: "is required when enabled is true" });
    }
  });

export const aiGatewaySchema = z.strictObject({
  usageTracking: z.boolean().optional(),
  rateLimits: z.array(rateLimitSchema).max(20).optional(),
  guardrails: z.strictObject({ input: guardrailParametersSchema.optional(), output: guardrailParametersSchema.optional() }).optional(),
  inferenceTable: inferenceTableSchema.optional(),
  fallback: z.boolean().optional(),
});
export type AiGatewayInput = z.infer<typeof aiGatewaySchema>;

// ---- endpoint-level pieces ----

export const tagsSchema = z
  .record(z.string().min(1).max(255).regex(/^[^,;={}\s]+$/, "tag keys may not contain spaces or , ; = { }"), z.string().max(255))
  .superRefine((v, ctx) => {
    for (const key of RESERVED_TAGS) {
      if (key in v) ctx.addIssue({ code: "custom", path: [key], message: `is reserved: pulumi-databricks-serving sets it to record which stack owns the endpoint` });
    }
  });

export const emailNotificationsSchema = z.strictObject({
  onUpdateFailure: z.array(z.string().email()).optional(),
  onUpdateSuccess: z.array(z.string().email()).optional(),
});

export const autoCaptureSchema = inferenceTableSchema;

/** How long create/update wait for the endpoint to be READY. Pulumi's customTimeouts do not reach dynamic providers. */
export const waitTimeoutSchema = z.number().int().min(1).max(24 * 3600);
export const DEFAULT_WAIT_TIMEOUT_SECONDS = 30 * 60;

/** Inputs the Resource classes add so names can be drawn deterministically (dynamic providers never see a URN). */
export const namingInputs = {
  /** The Pulumi logical name of the resource (set by the Resource class). */
  logicalName: localOnly(z.string().min(1).optional(), "only feeds the default name (a new default name shows as a change of `name`)"),
  /** `<project>/<stack>`: keeps auto-names stable across runs and distinct across stacks (set by the Resource class). */
  nameSeed: localOnly(z.string().optional(), "only feeds the default name"),
};
