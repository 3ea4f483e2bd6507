// The serving estate of one environment: the stack (dev, prod) picks the workspace and the sizes from
// Pulumi.<stack>.yaml. Deployed by the pipelines in .github/workflows (or .gitlab-ci.yml), never by hand.
import * as pulumi from "@pulumi/pulumi";
import * as serving from "pulumi-databricks-serving";

const config = new pulumi.Config();
const stack = pulumi.getStack();

const model = new serving.RegisteredModel("assistant", {
  catalog: config.get("catalog") ?? "main",
  schema: "genai",
  name: `assistant_${stack}`,
  comment: "Internal assistant: fine-tunes are registered here by the training pipeline.",
});

const llama = new serving.ProvisionedThroughputEndpoint("llama-pt", {
  entity: { name: "system.ai.llama_v3_3_70b_instruct", version: "3" },
  throughput: { min: 0, max: config.getNumber("throughputMax") ?? 1580 },
  aiGateway: { usageTracking: true, rateLimits: [{ calls: 100, key: "user" }] },
  tags: { env: stack, managedBy: "gitops" },
});

new serving.EndpointPermissions("llama-pt-access", {
  endpointId: llama.endpointId,
  accessControl: [{ groupName: "users", permissionLevel: "CAN_QUERY" }],
});

export const registeredModel = model.fullName;
export const endpoint = llama.name;
