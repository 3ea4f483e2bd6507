// The serving side of a small retrieval-augmented (RAG) assistant, declared as code:
// - embeddings through the pay-per-token GTE endpoint, with usage tracking and a per-user rate limit;
// - answers from a provisioned-throughput Llama 3.3 70B endpoint whose AI gateway masks PII in prompts, tracks usage
//   and keeps an inference table.
// After `pulumi up`, run the app: `npx ts-node rag.ts "How is provisioned throughput sized?"` (add `--compare` to ask
// the pay-per-token Llama too and compare answers, tokens and latency).
import * as pulumi from "@pulumi/pulumi";
import * as serving from "pulumi-databricks-serving";

const config = new pulumi.Config();
const callsPerUser = config.getNumber("callsPerUser") ?? 600;

const embeddings = new serving.PayPerTokenGateway("rag-embeddings", {
  endpoint: "databricks-gte-large-en",
  aiGateway: { usageTracking: true, rateLimits: [{ calls: callsPerUser, key: "user" }] },
  tags: { app: "rag-local" },
});

const chat = new serving.ProvisionedThroughputEndpoint("rag-chat", {
  entity: { name: "system.ai.llama_v3_3_70b_instruct", version: "3" },
  throughput: { min: 0, max: 1580 },
  aiGateway: {
    usageTracking: true,
    rateLimits: [{ calls: callsPerUser, key: "user" }],
    guardrails: { input: { pii: "MASK" } },
    inferenceTable: { enabled: true, catalogName: "main", schemaName: "rag", tableNamePrefix: "assistant" },
  },
  tags: { app: "rag-local" },
});

export const embeddingsEndpoint = embeddings.endpoint;
export const chatEndpoint = chat.name;
export const compareEndpoint = "databricks-meta-llama-3-3-70b-instruct";
