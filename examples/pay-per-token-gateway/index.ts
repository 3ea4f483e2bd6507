// Govern a pay-per-token endpoint: per-user rate limits, usage tracking and a PII guardrail, plus tags.
// Destroying the stack puts the endpoint's gateway and tags back as they were.
import * as pulumi from "@pulumi/pulumi";
import * as serving from "pulumi-databricks-serving";

const config = new pulumi.Config();
const callsPerUser = config.getNumber("callsPerUser") ?? 20;

// What this workspace offers, read from the API (tasks and PT sizing), e.g. to pick a chat model.
const models = serving.getFoundationModelsOutput();
const endpoint = config.get("endpoint") ?? "databricks-meta-llama-3-3-70b-instruct";

new serving.PayPerTokenGateway("llama-gateway", {
  endpoint,
  aiGateway: {
    usageTracking: true,
    rateLimits: [
      { calls: callsPerUser, key: "user" },
      { calls: 1000, key: "endpoint" },
    ],
    guardrails: { input: { pii: "MASK", safety: true } },
  },
  tags: { team: "platform", budget: "genai-shared" },
});

export const chatEndpoints = models.apply((m) => m.payPerToken.filter((p) => p.task === "llm/v1/chat").map((p) => p.endpoint));
export const llamaChunkSize = models.apply((m) => {
  const s = m.systemModels.find((x) => x.fullName === "system.ai.llama_v3_3_70b_instruct")?.sizing;
  return s?.kind === "tokens" ? s.chunkSize : undefined;
});
