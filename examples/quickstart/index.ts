// The quickstart: a small serving estate. With no workspace configured it runs against the embedded control plane
// (started on demand in $DBSERVE_DATA); set DATABRICKS_HOST/DATABRICKS_TOKEN or a profile to manage a real one.
import * as serving from "pulumi-databricks-serving";

const model = new serving.RegisteredModel("support-bot", {
  catalog: "main",
  schema: "genai",
  name: "support_bot",
  comment: "Customer-support assistant, fine-tuned from Llama 3.3 70B",
});

export const registeredModel = model.fullName;
