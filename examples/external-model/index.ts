// An external model (OpenAI-compatible) served through Databricks, with an AI gateway in front of it.
// Set the key with `pulumi config set --secret openaiApiKey sk-...`: it reaches the API as
// `openai_api_key_plaintext`, is stored only encrypted in state, and is the only value a preview masks.
import * as pulumi from "@pulumi/pulumi";
import * as serving from "pulumi-databricks-serving";

const config = new pulumi.Config();
const apiKey = config.requireSecret("openaiApiKey");
const callsPerMinute = config.getNumber("callsPerMinute") ?? 60;

const chat = new serving.ServingEndpoint("chat", {
  servedEntities: [
    {
      name: "gpt-4o-mini",
      externalModel: {
        name: "gpt-4o-mini",
        provider: "openai",
        task: "llm/v1/chat",
        openaiConfig: { openaiApiKeyPlaintext: apiKey, openaiApiBase: config.get("openaiApiBase") ?? "https://api.openai.com/v1" },
      },
    },
  ],
  aiGateway: {
    usageTracking: true,
    rateLimits: [{ calls: callsPerMinute, key: "user" }],
    guardrails: { input: { pii: "BLOCK" } },
  },
  tags: { team: "assistants" },
});

export const endpointName = chat.name;
export const endpointId = chat.endpointId;
