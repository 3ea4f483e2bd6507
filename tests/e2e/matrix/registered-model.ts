/** RegisteredModel's rows of the property matrix (see harness.ts). Models live in main.mx / main.mx2. */
import { kind } from "../../../provider/resources/registered-model";
import type { KindMatrix, Variant } from "./harness";

const UC = "/api/2.1/unity-catalog/models";
const REG = "/api/2.0/mlflow/unity-catalog/registered-models";
const pick = (v: Variant, before: string, after: string) => (v === "before" ? before : after);
const model = (name: string, args: string) => `new serving.RegisteredModel("${name}", { ${args} });`;
const base = (label: string, over = "") => `catalog: "main", schema: "mx", name: "rm_${label}"${over}`;

export const registeredModelMatrix: KindMatrix = {
  kind: "RegisteredModel",
  spec: kind.spec,
  // The UC create names the model by its parts: its short name (unique per case here) identifies that call.
  keys: (o) => [o.fullName as string, o.name as string].filter(Boolean),
  notUserSet: { managedBy: "set by the Resource class (owner marker); covered by the ownership tests" },
  cases: [
    // A new full name is a new model, created before the old one is deleted.
    { label: "catalog", field: "catalog", step: "replace", declare: (n, v) => model(n, `catalog: "${pick(v, "main", "other")}", schema: "mx", name: "rm_catalog"`), writes: [`POST ${REG}/create`, `DELETE ${UC}/{0}`] },
    { label: "schema", field: "schema", step: "replace", declare: (n, v) => model(n, `catalog: "main", schema: "${pick(v, "mx", "mx2")}", name: "rm_schema"`), writes: [`POST ${REG}/create`, `DELETE ${UC}/{0}`] },
    { label: "name", field: "name", step: "replace", declare: (n, v) => model(n, base(pick(v, "name", "name2"))), writes: [`POST ${REG}/create`, `DELETE ${UC}/{0}`] },
    // Identifiers are case-insensitive in Unity Catalog: a new spelling is the same model.
    { label: "case", field: "name", step: "same", declare: (n, v) => model(n, `catalog: "main", schema: "mx", name: "${pick(v, "rm_case", "RM_Case")}"`), writes: [] },
    { label: "comment", field: "comment", step: "update", declare: (n, v) => model(n, base("comment", `, comment: "${pick(v, "v1", "v2")}"`)), writes: [`PATCH ${UC}/{0}`] },
    { label: "owner", field: "owner", step: "update", declare: (n, v) => model(n, base("owner", `, owner: "${pick(v, "a@example.com", "b@example.com")}"`)), writes: [`PATCH ${UC}/{0}`] },
    // Fixed at creation, same full name: the old model goes first; the marker rides in the comment until tagged.
    {
      label: "storage",
      field: "storageLocation",
      step: "replace",
      declare: (n, v) => model(n, base("storage", `, storageLocation: "${pick(v, "s3://bucket/a", "s3://bucket/b")}"`)),
      writes: [`DELETE ${UC}/{0}`, `POST ${UC}`, `POST ${REG}/set-tag`, `POST ${REG}/set-tag`, `PATCH ${UC}/{0}`],
    },
    { label: "adopt", field: "adopt", step: "same", declare: (n, v) => model(n, base("adopt", `, adopt: ${pick(v, "false", "true")}`)), writes: [] },
    { label: "connection", field: "connection", step: "same", declare: (n, v) => model(n, base("connection", pick(v, "", ", connection: { host: process.env.DATABRICKS_HOST }"))), writes: [] },
  ],
};
