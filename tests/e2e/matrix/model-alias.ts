/** ModelAlias' rows of the property matrix (see harness.ts): each case has its own model with two versions. */
import { kind } from "../../../provider/resources/model-alias";
import type { KindMatrix, Variant } from "./harness";

const UC = "/api/2.1/unity-catalog/models";
const REG = "/api/2.0/mlflow/unity-catalog/registered-models";
const pick = (v: Variant, before: string, after: string) => (v === "before" ? before : after);
const setup = (name: string) => {
  const id = name.replace(/-/g, "_");
  return (
    `const m = new serving.RegisteredModel("${name}-m", { catalog: "main", schema: "mx", name: "${id}" });\n` +
    `const m2 = new serving.RegisteredModel("${name}-m2", { catalog: "main", schema: "mx", name: "${id}_2" });\n` +
    `const v1 = new serving.ModelVersion("${name}-v1", { model: m.fullName, source: "runs:/a/model" });\n` +
    `const v2 = new serving.ModelVersion("${name}-v2", { model: m.fullName, source: "runs:/b/model" }, { dependsOn: [v1] });\n` +
    `const w1 = new serving.ModelVersion("${name}-w1", { model: m2.fullName, source: "runs:/a/model" });\nvoid v2; void w1;`
  );
};
const alias = (name: string, args: string) => `${setup(name)}\nnew serving.ModelAlias("${name}", { ${args} });`;

export const modelAliasMatrix: KindMatrix = {
  kind: "ModelAlias",
  spec: kind.spec,
  // Alias names repeat across cases: they only template paths; the model (one per case) attributes the call.
  keys: (o) => [o.model as string, o.alias ? `~${o.alias as string}` : ""].filter(Boolean),
  notUserSet: { managedBy: "set by the Resource class (owner marker); covered by the ownership tests" },
  cases: [
    {
      label: "model",
      field: "model",
      step: "replace",
      declare: (n, v) => alias(n, `model: ${pick(v, "m", "m2")}.fullName, alias: "champion", version: ${pick(v, "v1", "w1")}.version`),
      paths: ["model"],
      writes: [`POST ${REG}/set-tag`, `PUT ${UC}/{2}/aliases/{1}`, `DELETE ${UC}/{0}/aliases/{1}`, `DELETE ${REG}/delete-tag`],
    },
    {
      label: "alias",
      field: "alias",
      step: "replace",
      declare: (n, v) => alias(n, `model: m.fullName, alias: "${pick(v, "champion", "challenger")}", version: v1.version`),
      writes: [`POST ${REG}/set-tag`, `PUT ${UC}/{0}/aliases/{2}`, `DELETE ${UC}/{0}/aliases/{1}`, `DELETE ${REG}/delete-tag`],
    },
    { label: "version", field: "version", step: "update", declare: (n, v) => alias(n, `model: m.fullName, alias: "champion", version: ${pick(v, "v1", "v2")}.version`), writes: [`PUT ${UC}/{0}/aliases/{1}`] },
    { label: "adopt", field: "adopt", step: "same", declare: (n, v) => alias(n, `model: m.fullName, alias: "champion", version: v1.version, adopt: ${pick(v, "false", "true")}`), writes: [] },
    { label: "connection", field: "connection", step: "same", declare: (n, v) => alias(n, `model: m.fullName, alias: "champion", version: v1.version${pick(v, "", ", connection: { host: process.env.DATABRICKS_HOST }")}`), writes: [] },
  ],
};
