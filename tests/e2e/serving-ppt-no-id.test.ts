/**
 * Pay-per-token endpoints without an id (facts serving-api-2026: some workspaces serve them so, and permissions are
 * set by id): the plane started with --ppt-without-ids models such a workspace; through the real CLI, an
 * EndpointPermissions on a PayPerTokenGateway's `endpointId` fails with the explanation, and nothing is half-applied.
 */
import { startPlaneProcess, type PlaneProcess } from "../helpers/plane";
import { TestStack } from "../helpers/stack";
import { diagnosticsText, planeApi } from "./serving-helpers";

const program = `
import * as serving from "pulumi-databricks-serving";
const gw = new serving.PayPerTokenGateway("gte", { endpoint: "databricks-gte-large-en", aiGateway: { usageTracking: true } });
new serving.EndpointPermissions("gte-access", { endpointId: gw.endpointId, accessControl: [{ groupName: "users", permissionLevel: "CAN_QUERY" }] });
`;
const EXPLANATION = "pay-per-token endpoints have no id on some workspaces, so their permissions cannot be read or set through the API there";

let plane: PlaneProcess;
let stack: TestStack;
beforeAll(async () => {
  plane = await startPlaneProcess({ args: ["--ppt-without-ids"] });
  stack = await TestStack.create({ program, plane });
});
afterAll(async () => {
  await stack?.destroy();
  stack?.dispose();
  await plane?.stop();
});

test("EndpointPermissions on a pay-per-token endpoint without an id fails with the reason, at up and then at preview", async () => {
  // The first up learns the (empty) id only once the gateway exists: the permissions' check refuses it before any call.
  const up = await stack.up();
  expect(up.code).not.toBe(0);
  expect(up.stdout).toContain("endpointId: ");
  expect(up.stdout).toContain(EXPLANATION);
  // The gateway is in state with the empty id (stack outputs may not be written when an up fails, so read the state).
  const gw = (await stack.managedResources()).find((r) => r.urn.endsWith("::gte"));
  expect(gw?.outputs?.endpointId).toBe("");
  // The gateway was applied (it does not need the id); no permission call was ever made.
  const ep = await planeApi<{ id?: string; ai_gateway?: unknown }>(plane, "GET", "/api/2.0/serving-endpoints/databricks-gte-large-en");
  expect(ep.id).toBeUndefined();
  expect(ep.ai_gateway).toEqual({ usage_tracking_config: { enabled: true } });
  // From now on the id is known to be empty: the preview itself says why.
  const preview = await stack.preview();
  expect(preview.code).not.toBe(0);
  expect(diagnosticsText(preview)).toContain(`EndpointPermissions resource 'gte-access' has a problem: endpointId: `);
  expect(diagnosticsText(preview)).toContain(EXPLANATION);
});
