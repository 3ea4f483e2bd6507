/** EndpointPermissions' rows of the property matrix (see harness.ts): each case grants on endpoints of its own. */
import { kind } from "../../../provider/resources/endpoint-permissions";
import type { KindMatrix, Variant } from "./harness";

const PERMS = "/api/2.0/permissions/serving-endpoints";
const pick = (v: Variant, before: string, after: string) => (v === "before" ? before : after);
const target = (name: string) =>
  `const ep1 = new serving.ServingEndpoint("${name}-ep1", { servedEntities: [{ entityName: "main.mx.m", entityVersion: "1", scaleToZeroEnabled: true }] });\n` +
  `const ep2 = new serving.ServingEndpoint("${name}-ep2", { servedEntities: [{ entityName: "main.mx.m", entityVersion: "1", scaleToZeroEnabled: true }] });\nvoid ep2;`;
const perms = (name: string, endpoint: string, grants: string) => `${target(name)}\nnew serving.EndpointPermissions("${name}", { endpointId: ${endpoint}.endpointId, accessControl: ${grants} });`;
const USERS = `[{ groupName: "users", permissionLevel: "CAN_QUERY" }]`;

export const endpointPermissionsMatrix: KindMatrix = {
  kind: "EndpointPermissions",
  spec: kind.spec,
  keys: (o) => [o.endpointId as string].filter(Boolean),
  cases: [
    // A grant list that moves to another endpoint: the new endpoint's grants are set, the first one's cleared.
    { label: "endpoint", field: "endpointId", step: "replace", declare: (n, v) => perms(n, pick(v, "ep1", "ep2"), USERS), writes: [`PUT ${PERMS}/{0}`, `PUT ${PERMS}/{1}`] },
    { label: "grants", field: "accessControl", step: "update", declare: (n, v) => perms(n, "ep1", pick(v, USERS, `[{ groupName: "users", permissionLevel: "CAN_VIEW" }]`)), writes: [`PUT ${PERMS}/{0}`] },
    {
      label: "grants-order",
      field: "accessControl",
      step: "same",
      declare: (n, v) => perms(n, "ep1", pick(v, `[{ groupName: "users", permissionLevel: "CAN_QUERY" }, { userName: "zoe@example.com", permissionLevel: "CAN_MANAGE" }]`, `[{ userName: "zoe@example.com", permissionLevel: "CAN_MANAGE" }, { groupName: "users", permissionLevel: "CAN_QUERY" }]`)),
      writes: [],
    },
    { label: "connection", field: "connection", step: "same", declare: (n, v) => perms(n, "ep1", USERS).replace("accessControl:", `${pick(v, "", "connection: { host: process.env.DATABRICKS_HOST }, ")}accessControl:`), writes: [] },
  ],
};
