import * as pulumi from "@pulumi/pulumi";
import * as serving from "pulumi-databricks-serving";

// Resize by changing stack config: `pulumi config set llamaMaxTokens 6320` (a multiple of the model's chunk
// size, checked at preview) or `pulumi config set gptModelUnits 2`. Both are in-place config updates.
const config = new pulumi.Config();
const llamaMaxTokens = config.getNumber("llamaMaxTokens") ?? 3160;
const gptModelUnits = config.getNumber("gptModelUnits") ?? 1;

// Token-band family: throughput is a tokens/s band in multiples of the chunk size get-model-optimization-info reports.
const llama = new serving.ProvisionedThroughputEndpoint("llama-pt", {
  entity: { name: "system.ai.llama_v3_3_70b_instruct", version: "3" },
  throughput: { min: 0, max: llamaMaxTokens },
  aiGateway: { usageTracking: true, rateLimits: [{ calls: 100, key: "user" }] },
  tags: { team: "platform", costCenter: "ml-42" },
});

// Model-unit family: sized in model units through the /pt API.
const gpt = new serving.ProvisionedThroughputEndpoint("gpt-oss-pt", {
  entity: { name: "system.ai.gpt-oss-120b", version: "1" },
  throughput: { modelUnits: gptModelUnits },
  tags: { team: "platform" },
});

export const llamaEndpoint = llama.name;
export const llamaEndpointId = llama.endpointId;
export const llamaThroughput = llama.throughput;
export const gptEndpoint = gpt.name;
