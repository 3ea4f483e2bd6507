import { defaultEntityName, hashSecret, normalizeAiGateway, normalizeEntities, normalizeTraffic } from "../../provider/serving/normalize";
import { comparableEntity, mergeSecrets } from "../../provider/serving/secrets";
import { endpointAutoName } from "../../provider/serving/naming";
import { nearestValid, sizingFailures } from "../../provider/serving/optimization";
import { aiGatewayFromWire, aiGatewayToWire, externalModelToWire, tagsFromWire, tagsToWire } from "../../provider/serving/wire";

describe("canonical forms", () => {
  test("default entity names follow the server's rule", () => {
    expect(defaultEntityName({ entityName: "system.ai.llama_v3_3_70b_instruct", entityVersion: "3" })).toBe("llama_v3_3_70b_instruct-3");
    expect(defaultEntityName({ externalModel: { name: "claude-3.5:sonnet" } })).toBe("claude-3-5-sonnet");
  });

  test("entity and route order is not significant", () => {
    const a = normalizeEntities([{ name: "b" }, { name: "a" }]);
    const b = normalizeEntities([{ name: "a" }, { name: "b" }]);
    expect(a).toEqual(b);
    expect(normalizeTraffic([{ servedEntityName: "b", trafficPercentage: 20 }, { servedEntityName: "a", trafficPercentage: 80 }], ["a", "b"])).toEqual([
      { servedEntityName: "a", trafficPercentage: 80 },
      { servedEntityName: "b", trafficPercentage: 20 },
    ]);
  });

  test("a single entity gets the 100% route the server would add", () => {
    expect(normalizeTraffic(undefined, ["only"])).toEqual([{ servedEntityName: "only", trafficPercentage: 100 }]);
    expect(normalizeTraffic(undefined, ["a", "b"])).toBeUndefined();
  });

  test("AI gateway: server defaults filled, 'off' pieces dropped, rate limits ordered", () => {
    const declared = normalizeAiGateway({ usageTracking: false, rateLimits: [{ calls: 5, key: "user" }, { calls: 100 }], guardrails: { input: { pii: "NONE" } } });
    expect(declared).toEqual({ rateLimits: [{ calls: 100, key: "endpoint", renewalPeriod: "minute" }, { calls: 5, key: "user", renewalPeriod: "minute" }] });
    // The same gateway as the server returns it compares equal.
    const server = aiGatewayFromWire({ usage_tracking_config: { enabled: false }, rate_limits: [{ calls: 5, key: "user", renewal_period: "minute" }, { calls: 100, key: "endpoint", renewal_period: "minute" }] });
    expect(normalizeAiGateway(server)).toEqual(declared);
    expect(normalizeAiGateway({ usageTracking: false })).toBeUndefined();
  });

  test("wire mapping keeps user-data keys and renames config keys", () => {
    expect(externalModelToWire({ name: "m", provider: "openai", task: "llm/v1/chat", openaiConfig: { openaiApiKeyPlaintext: "k", openaiApiBase: "https://x" } })).toEqual({
      name: "m",
      provider: "openai",
      task: "llm/v1/chat",
      openai_config: { openai_api_key_plaintext: "k", openai_api_base: "https://x" },
    });
    expect(aiGatewayToWire({ inferenceTable: { enabled: true, catalogName: "main", schemaName: "logs" } })).toEqual({ inference_table_config: { enabled: true, catalog_name: "main", schema_name: "logs" } });
    expect(tagsToWire({ camelKey: "v" }, "p/s/ServingEndpoint/ep")).toEqual([
      { key: "camelKey", value: "v" },
      { key: "managed-by", value: "pulumi-databricks-serving" },
      { key: "pulumi-owner", value: "p/s/ServingEndpoint/ep" },
    ]);
    expect(tagsFromWire(tagsToWire({ camelKey: "v" }, "p/s/ServingEndpoint/ep"))).toEqual({ camelKey: "v" });
  });
});

describe("write-only secrets", () => {
  test("secret values merge back at the path they were declared at", () => {
    const merged = mergeSecrets([{ name: "a", environmentVars: { PLAIN: "x" } }, { name: "b", externalModel: { name: "m", provider: "openai", task: "llm/v1/chat", openaiConfig: {} } }], {
      "servedEntities[0].environmentVars.TOKEN": "s",
      "servedEntities[1].externalModel.openaiConfig.openaiApiKeyPlaintext": "k",
    });
    expect(merged[0].environmentVars).toEqual({ PLAIN: "x", TOKEN: "s" });
    expect((merged[1] as { externalModel: { openaiConfig: Record<string, string> } }).externalModel.openaiConfig).toEqual({ openaiApiKeyPlaintext: "k" });
  });

  test("compared as hashes: credentials and env values hashed, secret references readable", () => {
    const hashed = comparableEntity({
      name: "e",
      environmentVars: { TOKEN: "s3cr3t", REF: "{{secrets/scope/key}}" },
      externalModel: { name: "m", provider: "custom", task: "llm/v1/chat", customProviderConfig: { customProviderUrl: "https://x", bearerTokenAuth: { tokenPlaintext: "tok" } } },
    });
    expect(hashed.environmentVars).toEqual({ TOKEN: hashSecret("s3cr3t"), REF: "{{secrets/scope/key}}" });
    expect(hashed.externalModel?.customProviderConfig?.bearerTokenAuth?.tokenPlaintext).toBe(hashSecret("tok"));
    expect(JSON.stringify(hashed)).not.toContain("s3cr3t");
    // Hashing is idempotent, so stored outputs and new inputs compare on the same footing.
    expect(comparableEntity(hashed)).toEqual(hashed);
  });
});

describe("naming and sizing", () => {
  test("auto-names are stable per stack, distinct across stacks, and within 63 characters", () => {
    expect(endpointAutoName("llama-pt", "proj/dev")).toBe(endpointAutoName("llama-pt", "proj/dev"));
    expect(endpointAutoName("llama-pt", "proj/dev")).not.toBe(endpointAutoName("llama-pt", "proj/prod"));
    expect(endpointAutoName("llama-pt", "p/s")).toMatch(/^llama-pt-[0-9a-f]{7}$/);
    const long = endpointAutoName("x".repeat(100), "p/s");
    expect(long.length).toBe(63);
  });

  test("a band that is not a multiple of the chunk size names the nearest valid values", () => {
    expect(nearestValid(9000, 1580)).toBe("7900 or 9480");
    expect(nearestValid(100, 1580)).toBe("1580");
    const f = sizingFailures(
      { entityPath: "entity", throughputPath: "throughput", entityName: "system.ai.llama_v3_3_70b_instruct", entityVersion: "3", throughput: { min: 0, max: 9000 } },
      { kind: "tokens", chunkSize: 1580 },
    );
    expect(f).toEqual([{ property: "throughput.max", reason: "9000 is not a multiple of 1580 (the chunk size of system.ai.llama_v3_3_70b_instruct v3); nearest valid: 7900 or 9480" }]);
    expect(sizingFailures({ entityPath: "entity", throughputPath: "throughput", entityName: "system.ai.gpt-oss-120b", entityVersion: "1", throughput: { max: 100 } }, { kind: "model_units" })[0].property).toBe("throughput.max");
    expect(sizingFailures({ entityPath: "entity", throughputPath: "throughput", entityName: "m.s.x", entityVersion: "1", throughput: { modelUnits: 1 } }, { kind: "not_optimizable" })[0].reason).toMatch(/not eligible for provisioned throughput/);
  });
});
