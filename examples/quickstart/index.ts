// The quickstart: a small serving estate in one stack. With no workspace configured it runs against the embedded
// control plane (started on demand in $DBSERVE_DATA); set DATABRICKS_HOST/DATABRICKS_TOKEN or a profile to manage a
// real workspace with the same program.
import * as serving from "pulumi-databricks-serving";

// The workspace's region and Geo: serving resources check data residency against it at preview.
const geo = new serving.WorkspaceGeo("workspace-geo", { region: "westeurope", crossGeoProcessing: false });

// A Unity Catalog home for the team's fine-tunes.
const model = new serving.RegisteredModel("support-bot", {
  catalog: "main",
  schema: "genai",
  name: "support_bot",
  comment: "Customer-support assistant, fine-tuned from Llama 3.3 70B",
});

// Provisioned throughput for Llama 3.3 70B: a tokens/s band in multiples of the model's chunk size (1580), with
// per-user rate limits and usage tracking on its AI gateway.
const llama = new serving.ProvisionedThroughputEndpoint("llama-pt", {
  entity: { name: "system.ai.llama_v3_3_70b_instruct", version: "3" },
  throughput: { min: 0, max: 3160 },
  aiGateway: { usageTracking: true, rateLimits: [{ calls: 100, key: "user" }] },
  tags: { team: "support", costCenter: "cx-7" },
  workspaceGeo: geo.residency,
});

// Who may query it (workspace admins always keep CAN_MANAGE).
new serving.EndpointPermissions("llama-pt-access", {
  endpointId: llama.endpointId,
  accessControl: [{ groupName: "users", permissionLevel: "CAN_QUERY" }],
});

// Govern the pre-provisioned pay-per-token endpoint of the same model (EU-hosted, so no cross-Geo processing).
new serving.PayPerTokenGateway("llama-ppt-gateway", {
  endpoint: "databricks-meta-llama-3-3-70b-instruct",
  aiGateway: { usageTracking: true, rateLimits: [{ calls: 20, key: "user" }] },
  tags: { team: "support" },
  workspaceGeo: geo.residency,
});

export const workspaceGeo = geo.geo;
export const registeredModel = model.fullName;
export const provisionedEndpoint = llama.name;
export const provisionedThroughput = llama.throughput;
