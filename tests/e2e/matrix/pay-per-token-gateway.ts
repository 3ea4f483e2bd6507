/** PayPerTokenGateway's rows of the property matrix (see harness.ts): each case manages its own pre-provisioned endpoint. */
import { kind } from "../../../provider/resources/pay-per-token-gateway";
import type { KindMatrix, Variant } from "./harness";

const EP = "/api/2.0/serving-endpoints";
const gw = (name: string, args: string) => `new serving.PayPerTokenGateway("${name}", { ${args} });`;
const pick = (v: Variant, before: string, after: string) => (v === "before" ? before : after);

export const payPerTokenGatewayMatrix: KindMatrix = {
  kind: "PayPerTokenGateway",
  spec: kind.spec,
  keys: (o) => [o.endpoint as string].filter(Boolean),
  notUserSet: { managedBy: "set by the Resource class (owner marker); covered by the ownership tests" },
  cases: [
    // Another endpoint's gateway: the new one is set up, the first one's is restored (gateway and tags).
    {
      label: "endpoint",
      field: "endpoint",
      step: "replace",
      declare: (n, v) => gw(n, `endpoint: "${pick(v, "databricks-claude-sonnet-4", "databricks-claude-opus-4")}", aiGateway: { usageTracking: true }, tags: { team: "a" }`),
      writes: [`PATCH ${EP}/{0}/tags`, `PATCH ${EP}/{1}/tags`, `PUT ${EP}/{0}/ai-gateway`, `PUT ${EP}/{1}/ai-gateway`],
    },
    { label: "gateway", field: "aiGateway", step: "update", declare: (n, v) => gw(n, `endpoint: "databricks-gpt-oss-120b", aiGateway: { rateLimits: [{ calls: ${pick(v, "5", "6")} }] }`), writes: [`PUT ${EP}/{0}/ai-gateway`] },
    { label: "tags", field: "tags", step: "update", declare: (n, v) => gw(n, `endpoint: "databricks-gpt-oss-20b", tags: { team: "${pick(v, "a", "b")}" }`), writes: [`PATCH ${EP}/{0}/tags`] },
    { label: "geo", field: "workspaceGeo", step: "same", declare: (n, v) => gw(n, `endpoint: "databricks-gemma-3-12b", tags: { t: "1" }${pick(v, "", `, workspaceGeo: { region: "eastus", crossGeoProcessing: false }`)}`), writes: [] },
    { label: "adopt", field: "adopt", step: "same", declare: (n, v) => gw(n, `endpoint: "databricks-bge-large-en", tags: { t: "1" }, adopt: ${pick(v, "false", "true")}`), writes: [] },
    { label: "connection", field: "connection", step: "same", declare: (n, v) => gw(n, `endpoint: "databricks-claude-3-7-sonnet", tags: { t: "1" }${pick(v, "", ", connection: { host: process.env.DATABRICKS_HOST }")}`), writes: [] },
  ],
};
