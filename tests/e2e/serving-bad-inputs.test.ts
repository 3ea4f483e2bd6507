/**
 * A table of invalid declarations, all in one program, previewed once with the real Pulumi CLI: each must be
 * rejected at preview with the field's path. (One stack keeps it fast: every pulumi run costs seconds.)
 */
import { startPlaneProcess, type PlaneProcess } from "../helpers/plane";
import { TestStack } from "../helpers/stack";
import { planeApi, sdk, userEndpoints } from "./serving-helpers";

const custom = `{ entityName: "main.default.churn", entityVersion: "1", workloadSize: "Small" as const }`;
const openai = (cfg: string) => `{ externalModel: { name: "gpt-4o", provider: "openai" as const, task: "llm/v1/chat" as const, openaiConfig: ${cfg} } }`;
const llama = `{ name: "system.ai.llama_v3_3_70b_instruct", version: "3" }`;
const SECRET = "sk-should-never-be-printed-91";

/** [resource class, logical name, args, the property path the failure must name, optional text the reason must contain]. */
const TABLE: [string, string, string, string, string?][] = [
  ["ServingEndpoint", "bad-name-dot", `{ name: "my.endpoint", servedEntities: [${custom}] }`, "name", "no dots"],
  ["ServingEndpoint", "bad-name-long", `{ name: "${"x".repeat(70)}", servedEntities: [${custom}] }`, "name", "at most 63"],
  ["ServingEndpoint", "bad-no-entities", `{ servedEntities: [] }`, "servedEntities"],
  ["ServingEndpoint", "bad-entity-name", `{ servedEntities: [{ entityName: "churn", entityVersion: "1" }] }`, "servedEntities[0].entityName", "catalog.schema.model"],
  ["ServingEndpoint", "bad-entity-version", `{ servedEntities: [{ entityName: "main.default.churn", entityVersion: "v1" }] }`, "servedEntities[0].entityVersion"],
  ["ServingEndpoint", "bad-workload-size", `{ servedEntities: [{ entityName: "main.default.churn", entityVersion: "1", workloadSize: "Huge" as any }] }`, "servedEntities[0].workloadSize", "Small"],
  ["ServingEndpoint", "bad-workload-type", `{ servedEntities: [{ entityName: "main.default.churn", entityVersion: "1", workloadType: "TPU" as any }] }`, "servedEntities[0].workloadType", "GPU_SMALL"],
  ["ServingEndpoint", "bad-size-and-conc", `{ servedEntities: [{ ...${custom}, minProvisionedConcurrency: 4, maxProvisionedConcurrency: 8 }] }`, "servedEntities[0].workloadSize", "not both"],
  ["ServingEndpoint", "bad-conc-order", `{ servedEntities: [{ entityName: "main.default.churn", entityVersion: "1", minProvisionedConcurrency: 8, maxProvisionedConcurrency: 4 }] }`, "servedEntities[0].minProvisionedConcurrency"],
  ["ServingEndpoint", "bad-traffic-sum", `{ servedEntities: [{ ...${custom}, name: "a" }, { ...${custom}, entityVersion: "2", name: "b" }], traffic: [{ servedEntityName: "a", trafficPercentage: 80 }, { servedEntityName: "b", trafficPercentage: 10 }] }`, "traffic", "sum to 100 (got 90)"],
  ["ServingEndpoint", "bad-traffic-target", `{ servedEntities: [{ ...${custom}, name: "a" }], traffic: [{ servedEntityName: "zzz", trafficPercentage: 100 }] }`, "traffic[0].servedEntityName", 'valid: "a"'],
  ["ServingEndpoint", "bad-traffic-missing", `{ servedEntities: [{ ...${custom}, name: "a" }, { ...${custom}, entityVersion: "2", name: "b" }] }`, "traffic", "is required with more than one served entity"],
  ["ServingEndpoint", "bad-dup-entity", `{ servedEntities: [{ ...${custom}, name: "a" }, { ...${custom}, name: "a" }], traffic: [{ servedEntityName: "a", trafficPercentage: 100 }] }`, "servedEntities[1].name", "already used"],
  ["ServingEndpoint", "bad-ext-no-config", `{ servedEntities: [{ externalModel: { name: "gpt", provider: "openai" as const, task: "llm/v1/chat" as const } }] }`, "servedEntities[0].externalModel.openaiConfig", 'is required when provider is "openai"'],
  ["ServingEndpoint", "bad-ext-two-keys", `{ servedEntities: [${openai(`{ openaiApiKey: "{{secrets/s/k}}", openaiApiKeyPlaintext: "${SECRET}" }`)}] }`, "servedEntities[0].externalModel.openaiConfig.openaiApiKeyPlaintext"],
  ["ServingEndpoint", "bad-ext-secret-type", `{ servedEntities: [${openai(`{ openaiApiKeyPlaintext: ["${SECRET}"] as any }`)}] }`, "servedEntities[0].externalModel.openaiConfig.openaiApiKeyPlaintext", "not shown"],
  ["ServingEndpoint", "bad-ext-provider", `{ servedEntities: [{ externalModel: { name: "gpt", provider: "azure" as any, task: "llm/v1/chat" as const } }] }`, "servedEntities[0].externalModel.provider", "openai"],
  ["ServingEndpoint", "bad-ext-mixed", `{ servedEntities: [${openai(`{ openaiApiKey: "{{secrets/s/k}}" }`)}, { ...${custom}, name: "custom" }], traffic: [{ servedEntityName: "gpt-4o", trafficPercentage: 50 }, { servedEntityName: "custom", trafficPercentage: 50 }] }`, "servedEntities[1]", "only external models or none"],
  ["ServingEndpoint", "bad-env-name", `{ servedEntities: [{ ...${custom}, environmentVars: { "1BAD": "x" } }] }`, "servedEntities[0].environmentVars.1BAD"],
  // A name is not a secret: its error says why; the value (maybe a secret) is never echoed.
  ["ServingEndpoint", "bad-env-dash", `{ servedEntities: [{ ...${custom}, environmentVars: { "MY-VAR": "${SECRET}" } }] }`, "servedEntities[0].environmentVars.MY-VAR", "is not a valid name: environment variable names are letters, digits and '_'"],
  // A served version must exist and be READY, checked at preview (not half-way through an up).
  ["ServingEndpoint", "bad-missing-version", `{ servedEntities: [{ entityName: "main.default.churn", entityVersion: "7" }] }`, "servedEntities[0].entityVersion", "version 7 of main.default.churn does not exist (deleted, or not created yet), so served entity churn-7 cannot point to it; existing READY versions: 1"],
  ["ServingEndpoint", "bad-pending-version", `{ servedEntities: [{ entityName: "main.default.churn", entityVersion: "2" }] }`, "servedEntities[0].entityVersion", "is PENDING_REGISTRATION"],
  ["ServingEndpoint", "bad-unknown-field", `{ servedEntities: [{ ...${custom}, replicas: 3 } as any] }`, "servedEntities[0]", "replicas"],
  ["ServingEndpoint", "bad-rate-calls", `{ servedEntities: [${custom}], aiGateway: { rateLimits: [{ calls: -5 }] } }`, "aiGateway.rateLimits[0].calls"],
  // 0 reads as "no limit" on the service: refused, with what to do instead.
  ["ServingEndpoint", "bad-rate-zero", `{ servedEntities: [${custom}], aiGateway: { rateLimits: [{ calls: 0, key: "user" as const }] } }`, "aiGateway.rateLimits[0].calls", "remove the CAN_QUERY grants"],
  ["ServingEndpoint", "bad-rate-key", `{ servedEntities: [${custom}], aiGateway: { rateLimits: [{ calls: 5, key: "team" as any }] } }`, "aiGateway.rateLimits[0].key", "user_group"],
  ["ServingEndpoint", "bad-rate-principal", `{ servedEntities: [${custom}], aiGateway: { rateLimits: [{ calls: 5, key: "user_group" as const }] } }`, "aiGateway.rateLimits[0].principal", "is required"],
  ["ServingEndpoint", "bad-inference-table", `{ servedEntities: [${custom}], aiGateway: { inferenceTable: { enabled: true, schemaName: "logs" } } }`, "aiGateway.inferenceTable.catalogName"],
  ["ServingEndpoint", "bad-pii", `{ servedEntities: [${custom}], aiGateway: { guardrails: { input: { pii: "REDACT" as any } } } }`, "aiGateway.guardrails.input.pii", "MASK"],
  ["ServingEndpoint", "bad-reserved-tag", `{ servedEntities: [${custom}], tags: { "managed-by": "me" } }`, "tags.managed-by", "reserved"],
  ["ServingEndpoint", "bad-email", `{ servedEntities: [${custom}], emailNotifications: { onUpdateFailure: ["not-an-email"] } }`, "emailNotifications.onUpdateFailure[0]"],
  ["ServingEndpoint", "bad-timeout", `{ servedEntities: [${custom}], waitTimeoutSeconds: 0 }`, "waitTimeoutSeconds"],
  ["ProvisionedThroughputEndpoint", "bad-pt-band", `{ entity: ${llama}, throughput: { min: 0, max: 9000 } }`, "throughput.max", "9000 is not a multiple of 1580 (the chunk size of system.ai.llama_v3_3_70b_instruct v3); nearest valid: 7900 or 9480"],
  ["ProvisionedThroughputEndpoint", "bad-pt-min-band", `{ entity: ${llama}, throughput: { min: 100, max: 1580 } }`, "throughput.min", "nearest valid: 1580"],
  ["ProvisionedThroughputEndpoint", "bad-pt-units-for-band", `{ entity: ${llama}, throughput: { modelUnits: 2 } }`, "throughput.modelUnits", "tokens/s bands"],
  ["ProvisionedThroughputEndpoint", "bad-pt-band-for-units", `{ entity: { name: "system.ai.gpt-oss-120b", version: "1" }, throughput: { max: 1000 } }`, "throughput.max", "model units"],
  ["ProvisionedThroughputEndpoint", "bad-pt-missing-model", `{ entity: { name: "main.default.nothing_here", version: "1" }, throughput: { max: 1000 } }`, "entity", "not found"],
  ["ProvisionedThroughputEndpoint", "bad-pt-no-size", `{ entity: ${llama} }`, "throughput", "is required"],
  ["ProvisionedThroughputEndpoint", "bad-pt-both-forms", `{ entity: ${llama}, throughput: { max: 1580 }, servedEntities: [{ entityName: "system.ai.llama_v3_3_70b_instruct", entityVersion: "3", throughput: { max: 1580 } }] }`, "entity", "exactly one"],
  ["ServingEndpoint", "bad-se-band", `{ servedEntities: [{ entityName: "system.ai.llama_v3_3_70b_instruct", entityVersion: "3", maxProvisionedThroughput: 2000 }] }`, "servedEntities[0].maxProvisionedThroughput", "2000 is not a multiple of 1580"],
  ["PayPerTokenGateway", "bad-ppt-endpoint", `{ endpoint: "databricks-no-such-model" }`, "endpoint", "databricks-meta-llama-3-3-70b-instruct"],
  ["PayPerTokenGateway", "bad-ppt-rate", `{ endpoint: "databricks-gte-large-en", aiGateway: { rateLimits: [{ key: "endpoint" as const, principal: "someone" }] } }`, "aiGateway.rateLimits[0].calls"],
  ["EndpointPermissions", "bad-acl-two-principals", `{ endpointId: "0123", accessControl: [{ userName: "a@b.c", groupName: "users", permissionLevel: "CAN_QUERY" as const }] }`, "accessControl[0].userName", "exactly one"],
  ["EndpointPermissions", "bad-acl-level", `{ endpointId: "0123", accessControl: [{ groupName: "users", permissionLevel: "CAN_EDIT" as any }] }`, "accessControl[0].permissionLevel", "CAN_QUERY"],
];

const STACKS = 4;
let plane: PlaneProcess;
const stacks: TestStack[] = [];

beforeAll(async () => {
  plane = await startPlaneProcess({ deploySeconds: 0.3 });
  // The custom model the table serves: version 1 READY, version 2 still registering.
  await planeApi(plane, "POST", "/api/2.1/unity-catalog/models", { catalog_name: "main", schema_name: "default", name: "churn" });
  for (const finalize of [true, false]) {
    const v = await planeApi<{ model_version: { version: string } }>(plane, "POST", "/api/2.0/mlflow/unity-catalog/model-versions/create", { name: "main.default.churn", source: "runs:/r/model" });
    if (finalize) await planeApi(plane, "POST", "/api/2.0/mlflow/unity-catalog/model-versions/finalize", { name: "main.default.churn", version: v.model_version.version });
  }
  // The engine stops a deployment at the first resource whose check fails, so each case is previewed on its own:
  // one program declares them all, and BAD_CASE picks the one to register.
  const program = [
    `import * as serving from "pulumi-databricks-serving";`,
    ...TABLE.map(([cls, name, args]) => `if (process.env.BAD_CASE === ${JSON.stringify(name)}) new serving.${cls}(${JSON.stringify(name)}, ${args});`),
  ].join("\n");
  for (let i = 0; i < STACKS; i++) stacks.push(await TestStack.create({ program, plane, config: { note: "bad-inputs" } }));
});
afterAll(async () => {
  await plane?.stop();
});

interface Outcome {
  name: string;
  code: number;
  messages: string;
  json: string;
}

test(`${TABLE.length} invalid declarations are each rejected at preview, naming the field`, async () => {
  expect(TABLE.length).toBeGreaterThanOrEqual(25);
  const outcomes: Outcome[] = [];
  // Each stack previews its share of the cases one after another; the stacks run side by side.
  await Promise.all(
    stacks.map(async (stack, i) => {
      for (const [, name] of TABLE.filter((_, j) => j % STACKS === i)) {
        const r = await stack.pulumi(["preview", "--json"], { BAD_CASE: name });
        let messages: string;
        try {
          const parsed = JSON.parse(r.stdout) as { diagnostics?: { urn?: string; message: string; severity: string }[] };
          messages = (parsed.diagnostics ?? []).filter((d) => d.severity === "error" && d.urn?.endsWith(`::${name}`)).map((d) => d.message).join("\n");
        } catch {
          messages = `(no JSON) ${r.stdout} ${r.stderr}`;
        }
        outcomes.push({ name, code: r.code, messages, json: r.stdout + r.stderr });
      }
    }),
  );
  const problems: string[] = [];
  for (const [, name, , path, text] of TABLE) {
    const o = outcomes.find((x) => x.name === name)!;
    if (o.code === 0 || !o.messages) problems.push(`${name}: no error at preview (${o.json.slice(0, 300)})`);
    // The path leads the reason ("<Kind> resource '<name>' has a problem: <path>: <reason>"), never Pulumi's `value {<nil>}`.
    else if (!o.messages.includes(`has a problem: ${path}: `) || o.messages.includes("{<nil>}")) problems.push(`${name}: error does not name ${path}: ${o.messages.trim()}`);
    else if (text && !o.messages.includes(text)) problems.push(`${name}: error lacks ${JSON.stringify(text)}: ${o.messages.trim()}`);
  }
  expect(problems).toEqual([]);
  // A plaintext credential in a bad declaration is never echoed back.
  for (const o of outcomes) expect(o.json).not.toContain(SECRET);
  // Nothing was created: every failure happened before any change.
  expect(await userEndpoints(sdk(plane))).toEqual([]);
});
