// Two versions of a Unity Catalog model served side by side: v1 takes 80% of the traffic, v2 (the challenger) 20%.
// Shift the split with `pulumi config set v1TrafficPercent 100 && pulumi up`: one in-place config update.
import * as pulumi from "@pulumi/pulumi";
import * as serving from "pulumi-databricks-serving";

const config = new pulumi.Config();
const v1Percent = config.getNumber("v1TrafficPercent") ?? 80;
// A secret the model reads at run time; stored encrypted in state, never in plaintext.
const featureStoreToken = config.getSecret("featureStoreToken") ?? pulumi.secret("example-token-not-real");

const model = new serving.RegisteredModel("churn", {
  catalog: "main",
  schema: "default",
  name: config.get("modelName") ?? "churn_classifier",
  comment: "Churn classifier (example)",
});
// Each folder holds an MLflow model; the resource uploads it and registers a READY version.
const v1 = new serving.ModelVersion("churn-v1", { model: model.fullName, directory: "model-v1", comment: "baseline" });
// Registered after v1, so the version numbers follow the folders (parallel registrations could swap them).
const v2 = new serving.ModelVersion("churn-v2", { model: model.fullName, directory: "model-v2", comment: "challenger" }, { dependsOn: [v1] });

const endpoint = new serving.ServingEndpoint("churn", {
  servedEntities: pulumi.all([model.fullName, v1.version, v2.version, featureStoreToken]).apply(([entityName, a, b, token]) => [
    { name: "baseline", entityName, entityVersion: String(a), workloadSize: "Small" as const, scaleToZeroEnabled: true, environmentVars: { FEATURE_STORE_TOKEN: token, LOG_LEVEL: "info" } },
    { name: "challenger", entityName, entityVersion: String(b), workloadSize: "Small" as const, scaleToZeroEnabled: true, environmentVars: { FEATURE_STORE_TOKEN: token, LOG_LEVEL: "debug" } },
  ]),
  traffic: [
    { servedEntityName: "baseline", trafficPercentage: v1Percent },
    { servedEntityName: "challenger", trafficPercentage: 100 - v1Percent },
  ],
  tags: { team: "growth" },
});

// Who may query it: the endpoint's id flows in, so a replaced endpoint gets its ACL again.
new serving.EndpointPermissions("churn-acl", {
  endpointId: endpoint.endpointId,
  accessControl: [{ groupName: "users", permissionLevel: "CAN_QUERY" }],
});

export const endpointName = endpoint.name;
export const endpointId = endpoint.endpointId;
export const versions = pulumi.all([v1.version, v2.version]);
