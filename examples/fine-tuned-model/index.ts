// A fine-tuned model, from files to a serving endpoint:
//   RegisteredModel → ModelVersion v1, v2 (uploaded from ./model-v1, ./model-v2) → ModelAlias @champion → endpoint.
// Promote v2 with `pulumi config set champion 2 && pulumi up`: the alias moves in place and the endpoint follows in the
// same update, after the alias (it consumes the alias's `entityVersion`).
//
// Serving: by default a ProvisionedThroughputEndpoint, as for a fine-tune of a PT-eligible base model (the base here
// is Llama 3.3 70B, named in the MLmodel files, so the workspace sizes it in bands of 1580 tokens/s). `servingMode: gpu`
// serves the same alias from a GPU ServingEndpoint instead, for custom architectures that PT does not optimize.
import * as pulumi from "@pulumi/pulumi";
import * as serving from "pulumi-databricks-serving";

const config = new pulumi.Config();
const champion = config.getNumber("champion") ?? 1;
const servingMode = config.get("servingMode") ?? "provisioned-throughput";
if (champion !== 1 && champion !== 2) throw new Error(`config champion: got ${champion}; valid: 1 or 2 (the versions this program registers)`);
if (servingMode !== "provisioned-throughput" && servingMode !== "gpu") throw new Error(`config servingMode: got ${JSON.stringify(servingMode)}; valid: "provisioned-throughput", "gpu"`);

// Where the workspace is: the residency check of the PT endpoint uses it at preview.
const geo = new serving.WorkspaceGeo("workspace-geo", { region: config.get("region") ?? "westeurope", crossGeoProcessing: false });

const model = new serving.RegisteredModel("support-bot", {
  catalog: "main",
  schema: "genai",
  name: "support_bot_ft",
  comment: "Support assistant fine-tuned from Llama 3.3 70B",
});

// Each directory holds an MLflow model (MLmodel + weights). Editing a file registers a new version on the next up.
// Unity Catalog numbers versions in the order they are created, so v2 waits for v1: on a fresh model they become
// versions 1 and 2 (created in parallel, either could be first).
const v1 = new serving.ModelVersion("support-bot-v1", { model: model.fullName, directory: "model-v1", comment: "first fine-tune" });
const v2 = new serving.ModelVersion("support-bot-v2", { model: model.fullName, directory: "model-v2", comment: "retrained on Q3 tickets" }, { dependsOn: [v1] });
const versions = { 1: v1, 2: v2 };

const alias = new serving.ModelAlias("champion", { model: model.fullName, alias: "champion", version: versions[champion].version });

// Endpoint inputs take Outputs at the top level: build the nested values from the model and alias outputs.
const served = pulumi.all([model.fullName, alias.entityVersion]);
const endpoint =
  servingMode === "provisioned-throughput"
    ? new serving.ProvisionedThroughputEndpoint("support-bot", {
        entity: served.apply(([name, version]) => ({ name, version })),
        throughput: { min: 0, max: 1580 },
        workspaceGeo: geo.residency,
      })
    : new serving.ServingEndpoint("support-bot", {
        servedEntities: served.apply(([entityName, entityVersion]) => [
          { entityName, entityVersion, workloadType: "GPU_SMALL" as const, workloadSize: "Small" as const, scaleToZeroEnabled: true },
        ]),
      });

export const registeredModel = model.fullName;
export const championVersion = alias.version;
export const endpointName = endpoint.name;
export const workspaceGeo = geo.geo;
