import { parseInputs } from "../../provider/engine/validate";
import { UNKNOWN } from "../../provider/engine/unknown";
import { servingEndpointInputs, kind as endpointKind } from "../../provider/resources/serving-endpoint";
import { ptEndpointInputs } from "../../provider/resources/provisioned-throughput-endpoint";
import { endpointRules } from "../../provider/serving/rules";

const custom = { entityName: "main.default.churn", entityVersion: "1", workloadSize: "Small" };

function failuresOf(input: Record<string, unknown>): string[] {
  // The engine prints "property <path> … has a problem: <reason>"; join them the same way.
  return parseInputs(servingEndpointInputs, input).failures.map((f) => `${f.property}: ${f.reason}`);
}

describe("served entity schema", () => {
  test("a valid custom entity parses", () => {
    expect(failuresOf({ servedEntities: [custom] })).toEqual([]);
  });

  test.each([
    [{ ...custom, entityName: "churn" }, "servedEntities[0].entityName"],
    [{ ...custom, entityVersion: "v1" }, "servedEntities[0].entityVersion"],
    [{ ...custom, workloadSize: "Huge" }, "servedEntities[0].workloadSize"],
    [{ ...custom, minProvisionedConcurrency: 4, maxProvisionedConcurrency: 8 }, "servedEntities[0].workloadSize"],
    [{ entityName: "main.default.churn", entityVersion: "1", minProvisionedConcurrency: 8, maxProvisionedConcurrency: 4 }, "servedEntities[0].minProvisionedConcurrency"],
    [{ ...custom, environmentVars: { "1BAD": "x" } }, "servedEntities[0].environmentVars.1BAD"],
    [{ name: "x", externalModel: { name: "gpt", provider: "openai", task: "llm/v1/chat" } }, "servedEntities[0].externalModel.openaiConfig"],
    [{ externalModel: { name: "gpt", provider: "openai", task: "llm/v1/chat", openaiConfig: {} } }, "servedEntities[0].externalModel.openaiConfig.openaiApiKey"],
    [{ externalModel: { name: "gpt", provider: "openai", task: "llm/v1/chat", openaiConfig: { openaiApiKey: "{{secrets/a/b}}" } }, workloadSize: "Small" }, "servedEntities[0].workloadSize"],
  ])("rejects %j at %s", (entity, path) => {
    const reasons = failuresOf({ servedEntities: [entity] });
    expect(reasons.length).toBeGreaterThan(0);
    expect(reasons.join("\n")).toContain(`${path}:`);
  });

  test("a plaintext secret in a bad place is named by path, never echoed", async () => {
    const out = await endpointKind.check(undefined, {
      servedEntities: [{ externalModel: { name: "gpt", provider: "anthropic", task: "llm/v1/chat", anthropicConfig: { anthropicApiKeyPlaintext: 12345 } } }],
    });
    expect(out.failures.map((f) => f.property)).toEqual(["servedEntities[0].externalModel.anthropicConfig.anthropicApiKeyPlaintext"]);
    expect(JSON.stringify(out.failures)).not.toContain("12345");
  });

  test("unknown values during preview are never rejected", () => {
    expect(failuresOf({ servedEntities: [{ ...custom, entityVersion: UNKNOWN }], traffic: UNKNOWN })).toEqual([]);
    expect(failuresOf({ servedEntities: UNKNOWN })).toEqual([]);
  });
});

describe("endpoint rules", () => {
  const e = (name: string, external?: string) => ({ name, ...(external ? { externalModel: { task: external } } : {}) });
  test("traffic is required with several entities, must name them and sum to 100", () => {
    expect(endpointRules("servedEntities", [e("a"), e("b")], "traffic", undefined).map((f) => f.property)).toEqual(["traffic"]);
    const bad = endpointRules("servedEntities", [e("a"), e("b")], "traffic", [
      { servedEntityName: "a", trafficPercentage: 80 },
      { servedEntityName: "c", trafficPercentage: 10 },
    ]);
    expect(bad.map((f) => `${f.property}: ${f.reason}`)).toEqual([
      'traffic[1].servedEntityName: "c" is not a served entity of this endpoint; valid: "a", "b"',
      "traffic: traffic percentages must sum to 100 (got 90)",
    ]);
  });
  test("duplicate names and mixed external models are refused", () => {
    const f = endpointRules("servedEntities", [e("a"), e("a", "llm/v1/chat")], "traffic", [{ servedEntityName: "a", trafficPercentage: 100 }]);
    expect(f.map((x) => x.property)).toEqual(["servedEntities[1].name", "servedEntities[0]"]);
  });
});

describe("provisioned throughput schema", () => {
  const base = { entity: { name: "system.ai.llama_v3_3_70b_instruct", version: "3" } };
  test.each([
    [{ ...base }, "throughput"],
    [{ ...base, throughput: { min: 0 } }, "throughput.max"],
    [{ ...base, throughput: { max: 100, modelUnits: 1 } }, "throughput.modelUnits"],
    [{ ...base, throughput: { min: 200, max: 100 } }, "throughput.min"],
    [{ throughput: { max: 1580 } }, "entity"],
    [{ ...base, throughput: { max: 1580 }, servedEntities: [] }, "servedEntities"],
  ])("rejects %j at %s", (input, path) => {
    const reasons = parseInputs(ptEndpointInputs, input).failures.map((f) => `${f.property}: ${f.reason}`).join("\n");
    expect(reasons).toContain(`${path}:`);
  });
});
