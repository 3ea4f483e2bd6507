// A serving-ready Azure Databricks workspace and an endpoint on it, in one program.
// Needs Azure credentials (azure-native reads them from `az login` or ARM_* variables) and Databricks auth for the
// new workspace (e.g. Azure CLI auth: the serving resources get only the workspace URL through `connection`).
import * as pulumi from "@pulumi/pulumi";
import * as serving from "pulumi-databricks-serving";

const config = new pulumi.Config();
const location = config.get("location") ?? "westeurope";

const ws = new serving.AzureServingWorkspace("genai", {
  location,
  crossGeoProcessing: config.getBoolean("crossGeoProcessing") ?? false,
  tags: { team: "ml-platform" },
});

// Llama 3.3 70B with provisioned throughput, in the workspace's own Geo: preview fails, naming the Geo and the remedy,
// if the location is in a Geo where that is not available.
const llama = new serving.ProvisionedThroughputEndpoint(
  "llama-pt",
  {
    entity: { name: "system.ai.llama_v3_3_70b_instruct", version: "3" },
    throughput: { min: 0, max: 1580 },
    workspaceGeo: ws.workspaceGeo,
    connection: ws.connection,
  },
  { dependsOn: [ws] },
);

export const workspaceUrl = ws.workspaceUrl;
export const geo = ws.geo;
export const endpointName = llama.name;
