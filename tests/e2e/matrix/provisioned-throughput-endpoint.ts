/** ProvisionedThroughputEndpoint's rows of the property matrix (see harness.ts). */
import { kind } from "../../../provider/resources/provisioned-throughput-endpoint";
import type { KindMatrix, Variant } from "./harness";

const EP = "/api/2.0/serving-endpoints";
const LLAMA = `{ name: "system.ai.llama_v3_3_70b_instruct", version: "3" }`;
const pt = (name: string, args: string) => `new serving.ProvisionedThroughputEndpoint("${name}", { ${args} });`;
const one = (over = "") => `entity: ${LLAMA}, throughput: { min: 0, max: 1580 }${over}`;
const pick = (v: Variant, before: string, after: string) => (v === "before" ? before : after);
const entities = (max: number, a: number) =>
  `servedEntities: [{ name: "a", entityName: "system.ai.llama_v3_3_70b_instruct", entityVersion: "3", throughput: { min: 0, max: ${max} } }, { name: "b", entityName: "system.ai.llama_v3_3_70b_instruct", entityVersion: "2", throughput: { min: 0, max: 1580 } }], traffic: [{ servedEntityName: "a", trafficPercentage: ${a} }, { servedEntityName: "b", trafficPercentage: ${100 - a} }]`;

export const ptEndpointMatrix: KindMatrix = {
  kind: "ProvisionedThroughputEndpoint",
  spec: kind.spec,
  keys: (o) => [o.name as string].filter(Boolean),
  notUserSet: {
    managedBy: "set by the Resource class (owner marker); covered by the ownership tests",
    logicalName: "set by the Resource class; feeds the default name",
    nameSeed: "set by the Resource class; feeds the default name",
  },
  cases: [
    { label: "name", field: "name", step: "replace", declare: (n, v) => pt(n, `name: "${pick(v, "mx-pt-name-a", "mx-pt-name-b")}", ${one()}`), writes: [`POST ${EP}`, `DELETE ${EP}/{0}`] },
    { label: "entity", field: "entity", step: "update", declare: (n, v) => pt(n, `entity: ${pick(v, LLAMA, `{ name: "system.ai.llama_v3_3_70b_instruct", version: "2" }`)}, throughput: { min: 0, max: 1580 }`), writes: [`PUT ${EP}/{0}/config`] },
    { label: "throughput", field: "throughput", step: "update", declare: (n, v) => pt(n, `entity: ${LLAMA}, throughput: { min: 0, max: ${pick(v, "1580", "3160")} }`), writes: [`PUT ${EP}/{0}/config`] },
    { label: "units", field: "throughput", step: "update", declare: (n, v) => pt(n, `entity: { name: "system.ai.gpt-oss-20b", version: "1" }, throughput: { modelUnits: ${pick(v, "1", "2")} }`), writes: [`PUT ${EP}/pt/{0}/config`] },
    { label: "scale-to-zero", field: "scaleToZero", step: "update", declare: (n, v) => pt(n, one(`, scaleToZero: ${pick(v, "false", "true")}`)), writes: [`PUT ${EP}/{0}/config`] },
    { label: "entities", field: "servedEntities", step: "update", declare: (n, v) => pt(n, entities(v === "before" ? 1580 : 3160, 50)), writes: [`PUT ${EP}/{0}/config`] },
    { label: "traffic", field: "traffic", step: "update", declare: (n, v) => pt(n, entities(1580, v === "before" ? 50 : 80)), writes: [`PUT ${EP}/{0}/config`] },
    { label: "gateway", field: "aiGateway", step: "update", declare: (n, v) => pt(n, `${one()}, aiGateway: { rateLimits: [{ calls: ${pick(v, "10", "20")}, key: "user" }] }`), writes: [`PUT ${EP}/{0}/ai-gateway`] },
    { label: "tags", field: "tags", step: "update", declare: (n, v) => pt(n, `${one()}, tags: { team: "${pick(v, "a", "b")}" }`), writes: [`PATCH ${EP}/{0}/tags`] },
    { label: "budget", field: "budgetPolicyId", step: "replace", declare: (n, v) => pt(n, `${one()}, budgetPolicyId: "${pick(v, "policy-a", "policy-b")}"`), writes: [`DELETE ${EP}/{0}`, `POST ${EP}`] },
    { label: "notifications", field: "emailNotifications", step: "update", declare: (n, v) => pt(n, `${one()}, emailNotifications: { onUpdateSuccess: ["${pick(v, "a", "b")}@example.com"] }`), writes: [`PATCH ${EP}/{0}/notifications`] },
    { label: "adopt", field: "adopt", step: "same", declare: (n, v) => pt(n, `${one()}, adopt: ${pick(v, "false", "true")}`), writes: [] },
    { label: "wait", field: "waitTimeoutSeconds", step: "same", declare: (n, v) => pt(n, `${one()}, waitTimeoutSeconds: ${pick(v, "600", "900")}`), writes: [] },
    { label: "geo", field: "workspaceGeo", step: "same", declare: (n, v) => pt(n, `${one()}${pick(v, "", `, workspaceGeo: { region: "eastus", crossGeoProcessing: false }`)}`), writes: [] },
    { label: "connection", field: "connection", step: "same", declare: (n, v) => pt(n, `${one()}${pick(v, "", ", connection: { host: process.env.DATABRICKS_HOST }")}`), writes: [] },
  ],
};
