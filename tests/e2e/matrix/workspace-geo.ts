/** WorkspaceGeo's rows of the property matrix (see harness.ts): one per workspace, so each case runs alone. */
import { kind } from "../../../provider/resources/workspace-geo";
import type { KindMatrix, Variant } from "./harness";

const pick = (v: Variant, before: string, after: string) => (v === "before" ? before : after);
const geo = (name: string, args: string) => `new serving.WorkspaceGeo("${name}", { ${args} });`;

export const workspaceGeoMatrix: KindMatrix = {
  kind: "WorkspaceGeo",
  spec: kind.spec,
  exclusive: true,
  keys: () => ["workspace-geo"],
  notUserSet: { geo: "derived by check from `region`; covered by the `region` case" },
  cases: [
    { label: "region", field: "region", step: "update", paths: ["region", "geo"], declare: (n, v) => geo(n, `region: "${pick(v, "eastus", "westeurope")}"`), writes: [`PATCH /api/2.0/dbserve/{0}`] },
    { label: "cross-geo", field: "crossGeoProcessing", step: "update", declare: (n, v) => geo(n, `region: "eastus", crossGeoProcessing: ${pick(v, "false", "true")}`), writes: [`PATCH /api/2.0/dbserve/{0}`] },
    { label: "connection", field: "connection", step: "same", declare: (n, v) => geo(n, `region: "eastus"${pick(v, "", ", connection: { host: process.env.DATABRICKS_HOST }")}`), writes: [] },
  ],
};
