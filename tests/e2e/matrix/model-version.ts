/** ModelVersion's rows of the property matrix (see harness.ts): each case registers into a model of its own. */
import { kind } from "../../../provider/resources/model-version";
import type { KindMatrix, Variant } from "./harness";

const UC = "/api/2.1/unity-catalog/models";
const MV = "/api/2.0/mlflow/unity-catalog/model-versions";
const pick = (v: Variant, before: string, after: string) => (v === "before" ? before : after);
const withModels = (name: string, body: string) =>
  `const m = new serving.RegisteredModel("${name}-m", { catalog: "main", schema: "mx", name: "${name.replace(/-/g, "_")}" });\n` +
  `const m2 = new serving.RegisteredModel("${name}-m2", { catalog: "main", schema: "mx", name: "${name.replace(/-/g, "_")}_2" });\nvoid m2;\n${body}`;
const version = (name: string, args: string) => withModels(name, `new serving.ModelVersion("${name}", { model: m.fullName, ${args} });`);
const MLMODEL = (tag: string) => `artifact_path: model\nflavors:\n  python_function:\n    loader_module: mlflow.pyfunc.model\n# ${tag}\n`;
const created = [`POST ${MV}/create`, `POST ${MV}/finalize`];

export const modelVersionMatrix: KindMatrix = {
  kind: "ModelVersion",
  spec: kind.spec,
  // Each case has a model of its own, so its versions are numbered 1 (before) and 2 (a replacement).
  keys: (o) => [o.model as string].filter(Boolean),
  notUserSet: {
    managedBy: "set by the Resource class (owner marker); covered by the ownership tests",
    contentHash: "derived by check from `directory`'s files; covered by the `content` case",
  },
  cases: [
    {
      label: "model",
      field: "model",
      step: "replace",
      declare: (n, v) => withModels(n, `new serving.ModelVersion("${n}", { model: ${pick(v, "m", "m2")}.fullName, source: "runs:/r1/model" });`),
      writes: [...created, `DELETE ${UC}/{0}/versions/1`],
    },
    { label: "source", field: "source", step: "replace", declare: (n, v) => version(n, `source: "runs:/${pick(v, "r1", "r2")}/model"`), writes: [...created, `DELETE ${UC}/{0}/versions/1`] },
    { label: "run", field: "runId", step: "replace", declare: (n, v) => version(n, `source: "runs:/r1/model", runId: "${pick(v, "r1", "r2")}"`), writes: [...created, `DELETE ${UC}/{0}/versions/1`] },
    { label: "comment", field: "comment", step: "update", declare: (n, v) => version(n, `source: "runs:/r1/model", comment: "${pick(v, "first", "second")}"`), writes: [`PATCH ${UC}/{0}/versions/1`] },
    // The same files read from another folder are the same version; new files are a new one.
    {
      label: "directory",
      field: "directory",
      step: "same",
      files: (n) => ({ [`${n}-a/MLmodel`]: MLMODEL("same"), [`${n}-b/MLmodel`]: MLMODEL("same") }),
      declare: (n, v) => version(n, `directory: "${n}-${pick(v, "a", "b")}"`),
      writes: [],
    },
    {
      label: "content",
      field: "contentHash",
      step: "replace",
      files: (n, v) => ({ [`${n}/MLmodel`]: MLMODEL(v) }),
      declare: (n) => version(n, `directory: "${n}"`),
      writes: [...created, `POST ${MV}/generate-temporary-credentials`, `PUT /api/2.0/dbserve/artifacts/{0}/2/MLmodel`, `DELETE ${UC}/{0}/versions/1`],
    },
    { label: "wait", field: "waitTimeoutSeconds", step: "same", declare: (n, v) => version(n, `source: "runs:/r1/model", waitTimeoutSeconds: ${pick(v, "600", "900")}`), writes: [] },
    { label: "connection", field: "connection", step: "same", declare: (n, v) => version(n, `source: "runs:/r1/model"${pick(v, "", ", connection: { host: process.env.DATABRICKS_HOST }")}`), writes: [] },
  ],
};
