/**
 * Every declared field reaches the wire, and every readable one comes back: for the AI gateway, served entities and
 * telemetry, generated declarations (fast-check) survive `toWire → fromWire` unchanged. The converge step compares
 * exactly these round-tripped forms (endpoint-ops syncGateway / configDiffers / syncTelemetry), so a field the mapping
 * dropped would be planned but never sent (fallback_config on update: terraform-provider-databricks#4798).
 * Each generator must produce every key of its zod schema, so a new schema field without a mapping fails here.
 */
import fc from "fast-check";
import type { z } from "zod";
import {
  aiGatewaySchema,
  guardrailParametersSchema,
  inferenceTableSchema,
  rateLimitSchema,
  RATE_LIMIT_KEYS,
  servedEntitySchema,
  telemetrySchema,
  type AiGatewayInput,
  type ServedEntityInput,
  type TelemetryInput,
} from "../../provider/serving/schemas";
import { normalizeAiGateway, normalizeTelemetry } from "../../provider/serving/normalize";
import {
  aiGatewayFromWire,
  aiGatewayToWire,
  servedEntityFromWire,
  servedEntityToWire,
  telemetryFromWire,
  telemetryToWire,
  WRITE_ONLY_ENTITY_FIELDS,
  type WireTelemetry,
} from "../../provider/serving/wire";
import { TELEMETRY_FEATURES, WORKLOAD_SIZES, WORKLOAD_TYPES } from "../../common/serving-vocabulary";

const RUNS = 300;
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const positive = fc.integer({ min: 1, max: 100_000 });

const rateLimit = fc.record({
  calls: opt(positive),
  tokens: opt(positive),
  key: opt(fc.constantFrom(...RATE_LIMIT_KEYS)),
  principal: opt(fc.constantFrom("a@example.com", "users", "sp-1234")),
  renewalPeriod: opt(fc.constant("minute" as const)),
});
const guardrail = fc.record({
  safety: opt(fc.boolean()),
  pii: opt(fc.constantFrom("BLOCK" as const, "MASK" as const, "NONE" as const)),
  invalidKeywords: opt(fc.array(fc.constantFrom("secret", "ssn"), { maxLength: 2 })),
  validTopics: opt(fc.array(fc.constantFrom("billing", "support"), { maxLength: 2 })),
});
const inferenceTable = fc.record({
  enabled: fc.boolean(),
  catalogName: opt(fc.constantFrom("main", "logs")),
  schemaName: opt(fc.constantFrom("serving", "gw")),
  tableNamePrefix: opt(fc.constantFrom("chat", "p1")),
});
const gateway = fc.record({
  usageTracking: opt(fc.boolean()),
  rateLimits: opt(fc.array(rateLimit, { maxLength: 3 })),
  guardrails: opt(fc.record({ input: opt(guardrail), output: opt(guardrail) })),
  inferenceTable: opt(inferenceTable),
  fallback: opt(fc.boolean()),
});

/** Valid by construction (one sizing mode each), so no sample is wasted on the schema's cross-field rules. */
const common = {
  name: fc.constantFrom("a", "b-1"),
  environmentVars: opt(fc.dictionary(fc.constantFrom("A", "B_2"), fc.string({ maxLength: 4 }), { maxKeys: 2 })),
};
const uc = {
  ...common,
  entityName: fc.constant("main.default.m"),
  entityVersion: fc.constantFrom("1", "2"),
  workloadType: opt(fc.constantFrom(...WORKLOAD_TYPES)),
  scaleToZeroEnabled: opt(fc.boolean()),
  instanceProfileArn: opt(fc.constant("arn:aws:iam::123456789012:instance-profile/serving")),
};
const entity = fc.oneof(
  fc.record({ ...uc, workloadSize: opt(fc.constantFrom(...WORKLOAD_SIZES)) }),
  fc.record({ ...uc, minProvisionedConcurrency: fc.constantFrom(0, 4), maxProvisionedConcurrency: fc.constantFrom(8, 16) }),
  fc.record({ ...uc, minProvisionedThroughput: opt(fc.constantFrom(0, 980)), maxProvisionedThroughput: fc.constantFrom(980, 1960) }),
  fc.record({ ...uc, provisionedModelUnits: fc.constantFrom(1, 2), burstScalingEnabled: opt(fc.boolean()) }),
  fc.record({
    ...common,
    externalModel: fc.record({
      name: fc.constantFrom("gpt-4o", "claude"),
      provider: fc.constant("openai" as const),
      task: fc.constantFrom("llm/v1/chat" as const, "llm/v1/embeddings" as const),
      openaiConfig: fc.record({ openaiApiKey: fc.constant("{{secrets/s/k}}"), openaiApiBase: opt(fc.constant("https://api.example.com/v1")) }),
    }),
  }),
);

const table = fc.constantFrom("main.tel.logs", "main.tel.metrics", "ops.t.x");
const telemetry = fc.record({
  enabledFeatures: opt(fc.uniqueArray(fc.constantFrom(...TELEMETRY_FEATURES), { minLength: 1 })),
  inferenceTable: opt(fc.record({ samplingFraction: fc.constantFrom(0, 0.25, 1) })),
  tableNames: opt(fc.record({ logsTable: opt(table), metricsTable: opt(table), tracesTable: opt(table), annotationsTable: opt(table) })),
  profileId: opt(fc.constantFrom("p-1", "p-2")),
});

/** Valid declarations only (the schemas' cross-field rules decide), in the parsed form the provider works with. */
function valid<S extends z.ZodType>(schema: S, arb: fc.Arbitrary<unknown>): fc.Arbitrary<z.infer<S>> {
  return arb.map((v) => JSON.parse(JSON.stringify(v)) as unknown).filter((v) => schema.safeParse(v).success).map((v) => schema.parse(v));
}

/** Keys a generator produced over many samples: each schema key must be among them. */
function keysSeen(arb: fc.Arbitrary<object>, pick: (v: object) => object[] = (v) => [v]): Set<string> {
  const seen = new Set<string>();
  for (const v of fc.sample(arb, 500)) for (const o of pick(v)) for (const [k, x] of Object.entries(o)) if (x !== undefined) seen.add(k);
  return seen;
}

const shapeKeys = (schema: z.ZodType) => Object.keys((schema as unknown as { shape: Record<string, unknown> }).shape ?? (schema as unknown as { def: { in: { shape: object } } }).def?.in?.shape ?? {});

describe("every schema field has a generator, so none is left out of the round trips", () => {
  test.each<[string, z.ZodType, fc.Arbitrary<object>]>([
    ["aiGateway", aiGatewaySchema, gateway],
    ["aiGateway.rateLimits[]", rateLimitSchema, rateLimit],
    ["aiGateway.guardrails.*", guardrailParametersSchema, guardrail],
    ["aiGateway.inferenceTable", inferenceTableSchema, inferenceTable],
    ["servedEntities[]", servedEntitySchema, entity],
    ["telemetry", telemetrySchema, telemetry],
  ])("%s", (_name, schema, arb) => {
    const keys = shapeKeys(schema);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((k) => !keysSeen(arb).has(k))).toEqual([]);
  });
});

describe("wire round trips", () => {
  test(`AI gateway: every field is sent and read back (${RUNS} generated gateways)`, () => {
    fc.assert(
      fc.property(valid(aiGatewaySchema, gateway), (g: AiGatewayInput) => {
        expect(normalizeAiGateway(aiGatewayFromWire(aiGatewayToWire(g)))).toEqual(normalizeAiGateway(g));
      }),
      { numRuns: RUNS },
    );
  });

  test("AI gateway: two declarations that differ are two different wire bodies (no change is invisible to converge)", () => {
    fc.assert(
      fc.property(valid(aiGatewaySchema, gateway), valid(aiGatewaySchema, gateway), (a: AiGatewayInput, b: AiGatewayInput) => {
        fc.pre(JSON.stringify(normalizeAiGateway(a)) !== JSON.stringify(normalizeAiGateway(b)));
        expect(normalizeAiGateway(aiGatewayFromWire(aiGatewayToWire(a)))).not.toEqual(normalizeAiGateway(aiGatewayFromWire(aiGatewayToWire(b))));
      }),
      { numRuns: RUNS },
    );
  });

  test(`served entities: every field is sent; every readable one comes back, write-only ones are not expected to (${RUNS} entities)`, () => {
    const writeOnly = new Set<string>(["burstScalingEnabled"]);
    expect([...WRITE_ONLY_ENTITY_FIELDS]).toEqual(["burst_scaling_enabled"]);
    fc.assert(
      fc.property(valid(servedEntitySchema, entity), (e: ServedEntityInput) => {
        const wire = servedEntityToWire(e as ServedEntityInput & { name: string }) as Record<string, unknown>;
        // Sent: each declared field has its snake_case key on the wire.
        for (const [k, v] of Object.entries(e)) if (v !== undefined) expect(Object.keys(wire)).toContain(k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
        // Read back: what the server returns (it drops write-only fields) maps to the declaration minus those.
        const returned = Object.fromEntries(Object.entries(wire).filter(([k]) => !(WRITE_ONLY_ENTITY_FIELDS as readonly string[]).includes(k)));
        const expected = Object.fromEntries(Object.entries(e).filter(([k, v]) => v !== undefined && !writeOnly.has(k)));
        expect(servedEntityFromWire(returned)).toEqual(expected);
      }),
      { numRuns: RUNS },
    );
  });

  test(`telemetry: signals, sampling and profile come back; table names are sent, never read (${RUNS} configs)`, () => {
    fc.assert(
      fc.property(valid(telemetrySchema, telemetry), (t: TelemetryInput) => {
        const wire: WireTelemetry = telemetryToWire(t);
        expect(wire.table_names !== undefined).toBe(t.tableNames !== undefined);
        for (const f of t.enabledFeatures ?? []) expect(wire.enabled_telemetry_features).toContain(`TELEMETRY_FEATURE_${f}`);
        const back = telemetryFromWire(wire)!;
        expect(back.enabledFeatures).toEqual(normalizeTelemetry(t)!.enabledFeatures);
        expect(back.samplingFraction).toEqual(t.inferenceTable?.samplingFraction);
        expect(back.profileId).toEqual(t.profileId);
      }),
      { numRuns: RUNS },
    );
  });
});
