/**
 * Residency through the real CLI preview: a serving resource whose model is not available in the workspace's Geo
 * for its mode fails `pulumi preview`, naming the model, the Geo and the remedy. Cases are a subset of the table in
 * tests/unit/residency.test.ts (EU, US, a Geo with no pay-per-token, China), plus the Geo coming from a WorkspaceGeo
 * resource and from the plane's own workspace-geo route.
 */
import { startPlaneProcess, PlaneProcess } from "../helpers/plane";
import { stepsFor, TestStack } from "../helpers/stack";

interface Case {
  region: string;
  model: string;
  mode: "ppt" | "pt";
  cross: boolean;
}

const resource = (c: Case, i: number) =>
  c.mode === "ppt"
    ? `new serving.PayPerTokenGateway("case${i}", { endpoint: ${JSON.stringify(c.model)}, workspaceGeo: { region: ${JSON.stringify(c.region)}, crossGeoProcessing: ${c.cross} } });`
    : `new serving.ProvisionedThroughputEndpoint("case${i}", { entity: { name: ${JSON.stringify(c.model)}, version: "3" }, throughput: { min: 0, max: 1580 }, workspaceGeo: { region: ${JSON.stringify(c.region)}, crossGeoProcessing: ${c.cross} } });`;

const program = (cases: Case[]) => `import * as serving from "pulumi-databricks-serving";\n${cases.map(resource).join("\n")}\n`;

describe("residency at preview through the real CLI", () => {
  let plane: PlaneProcess;
  let stack: TestStack;

  beforeAll(async () => {
    plane = await startPlaneProcess();
    stack = await TestStack.create({ program: program([]), plane });
  });
  afterAll(async () => {
    await plane?.stop();
    stack?.dispose();
  });

  const errors = (p: { diagnostics?: { message: string; severity: string }[] }) =>
    (p.diagnostics ?? []).filter((d) => d.severity === "error").map((d) => d.message).join("\n");

  it("passes what is allowed: EU-hosted pay-per-token in westeurope, US pay-per-token in eastus, PT in Japan", async () => {
    stack.writeProgram(program([
      { region: "westeurope", model: "databricks-meta-llama-3-3-70b-instruct", mode: "ppt", cross: false },
      { region: "eastus", model: "databricks-claude-sonnet-4", mode: "ppt", cross: false },
      { region: "japaneast", model: "system.ai.llama_v3_3_70b_instruct", mode: "pt", cross: false },
    ]));
    const preview = await stack.preview();
    expect(errors(preview)).toBe("");
    expect(preview.code).toBe(0);
    expect(stepsFor(preview, "PayPerTokenGateway").map((s) => s.op)).toEqual(["create", "create"]);
  });

  it.each([
    [{ region: "westeurope", model: "databricks-claude-sonnet-4", mode: "ppt", cross: false }, /Claude Sonnet 4 \(databricks-claude-sonnet-4\) is hosted in US only, outside the workspace's EU Data Boundary Geo.*allow cross-Geo processing/],
    [{ region: "mexicocentral", model: "databricks-meta-llama-3-3-70b-instruct", mode: "ppt", cross: true }, /pay-per-token Foundation Model APIs are not available in the Mexico Geo, even with cross-Geo processing/],
    [{ region: "chinaeast2", model: "system.ai.llama_v3_3_70b_instruct", mode: "pt", cross: true }, /provisioned throughput Foundation Model APIs are not available in the Mainland China Geo/],
  ] as [Case, RegExp][])("fails the preview for %o", async (c, expected) => {
    stack.writeProgram(program([c]));
    const preview = await stack.preview();
    expect(preview.code).not.toBe(0);
    expect(errors(preview)).toMatch(expected);
    expect(errors(preview)).toMatch(c.mode === "ppt" ? /endpoint/ : /entity\.name/);
  });

  it("takes the Geo from a WorkspaceGeo resource, or from the plane's own workspace-geo route", async () => {
    // Declared through WorkspaceGeo.residency: known at the first preview, before anything exists.
    stack.writeProgram(`import * as serving from "pulumi-databricks-serving";
const geo = new serving.WorkspaceGeo("geo", { region: "northeurope", crossGeoProcessing: false });
new serving.PayPerTokenGateway("claude", { endpoint: "databricks-claude-sonnet-4", workspaceGeo: geo.residency });
export const g = geo.geo;
`);
    const declared = await stack.preview();
    expect(declared.code).not.toBe(0);
    expect(errors(declared)).toMatch(/outside the workspace's EU Data Boundary Geo/);

    // No workspaceGeo input: the plane (default region westeurope) answers at check time; after WorkspaceGeo allowed
    // cross-Geo processing on the plane, the same declaration passes.
    stack.writeProgram(`import * as serving from "pulumi-databricks-serving";
const geo = new serving.WorkspaceGeo("geo", { region: "westeurope", crossGeoProcessing: true });
export const g = geo.geo;
export const management = geo.management;
`);
    expect((await stack.up()).code).toBe(0);
    expect(await stack.outputs()).toMatchObject({ g: "EU Data Boundary", management: "set" });
    const state = await fetch(`${plane.url}/api/2.0/dbserve/workspace-geo`, { headers: { Authorization: `Bearer ${plane.token}` } });
    expect(await state.json()).toMatchObject({ region: "westeurope", cross_geo_processing: true });
    stack.writeProgram(`import * as serving from "pulumi-databricks-serving";
const geo = new serving.WorkspaceGeo("geo", { region: "westeurope", crossGeoProcessing: true });
new serving.PayPerTokenGateway("claude", { endpoint: "databricks-claude-sonnet-4" });
`);
    const fromPlane = await stack.preview();
    expect(errors(fromPlane)).toBe("");
    expect(fromPlane.code).toBe(0);
  });
});
