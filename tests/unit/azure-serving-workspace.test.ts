/**
 * AzureServingWorkspace under Pulumi's mocks (Azure cannot be reached here): the workspace's inputs, the Geo derived
 * from the location, and that serving resources receive the new workspace's URL as their connection. The
 * examples/azure-workspace program itself is run under the same mocks.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { REPO } from "../helpers/paths";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

const registered: Registered[] = [];
const SUBSCRIPTION = "00000000-1111-2222-3333-444444444444";

pulumi.runtime.setMocks(
  {
    newResource(args) {
      registered.push({ type: args.type, name: args.name, inputs: args.inputs });
      const state: Record<string, unknown> = { ...args.inputs };
      if (args.type === "azure-native:databricks:Workspace") {
        state.workspaceUrl = "adb-1234567890123456.7.azuredatabricks.net";
        state.workspaceId = "1234567890123456";
      }
      if (args.type === "azure-native:resources:ResourceGroup") state.name = `${args.name}-abc123`;
      return { id: `${args.name}-id`, state };
    },
    call(args) {
      if (args.token === "azure-native:authorization:getClientConfig") {
        return { subscriptionId: SUBSCRIPTION, tenantId: "t", clientId: "c", objectId: "o" };
      }
      return {};
    },
  },
  "azure-workspace",
  "test",
  true, // preview: dynamic providers' checks must not run against anything
);

const value = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((resolve) => o.apply((v) => resolve(v)));
const byType = (suffix: string) => registered.filter((r) => r.type.endsWith(suffix));
const settle = () => new Promise((r) => setTimeout(r, 200));

describe("AzureServingWorkspace (mocks)", () => {
  // Imported after setMocks so that the component registers against the mock monitor.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { AzureServingWorkspace } = require("../../provider/components/azure-serving-workspace") as typeof import("../../provider/components/azure-serving-workspace");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { RegisteredModel } = require("../../provider/resources/registered-model") as typeof import("../../provider/resources/registered-model");

  beforeEach(() => registered.splice(0));

  it("creates a resource group and a premium workspace in the location, with the Geo derived from it", async () => {
    const ws = new AzureServingWorkspace("genai", { location: "West Europe", tags: { team: "ml" } });
    expect(ws.geo).toBe("EU Data Boundary");
    expect(await value(ws.workspaceUrl)).toBe("https://adb-1234567890123456.7.azuredatabricks.net");
    expect(await value(ws.connection)).toEqual({ host: "https://adb-1234567890123456.7.azuredatabricks.net" });
    expect(await value(ws.workspaceGeo)).toEqual({ region: "westeurope", geo: "EU Data Boundary", crossGeoProcessing: false });
    await settle();
    const [rg] = byType(":ResourceGroup");
    expect(rg.inputs).toMatchObject({ location: "westeurope", tags: { team: "ml" } });
    const [w] = byType("databricks:Workspace");
    expect(w.inputs).toMatchObject({
      location: "westeurope",
      sku: { name: "premium" },
      resourceGroupName: "genai-rg-abc123",
      managedResourceGroupId: `/subscriptions/${SUBSCRIPTION}/resourceGroups/genai-managed`,
      tags: { team: "ml" },
    });
  });

  it("uses an existing resource group when given one", async () => {
    const ws = new AzureServingWorkspace("east", { location: "eastus2", resourceGroupName: "shared-rg", crossGeoProcessing: true });
    expect(ws.geo).toBe("United States");
    expect(await value(ws.workspaceGeo)).toMatchObject({ geo: "United States", crossGeoProcessing: true });
    await settle();
    expect(byType(":ResourceGroup")).toEqual([]);
    expect(byType("databricks:Workspace")[0].inputs).toMatchObject({ resourceGroupName: "shared-rg", location: "eastus2" });
  });

  it("refuses a location that is not an Azure Databricks region, naming valid ones", () => {
    expect(() => new AzureServingWorkspace("bad", { location: "westeurop" })).toThrow(/location "westeurop" is not an Azure Databricks region; nearest: westeurope/);
    // An AWS region is a Databricks region, but not an Azure one.
    expect(() => new AzureServingWorkspace("aws", { location: "us-east-1" })).toThrow(/not an Azure Databricks region/);
    // Reported by Pulumi without a stack trace (the CLI-level check is in tests/package/installed-package.test.ts).
    let thrown: unknown;
    try {
      new AzureServingWorkspace("bad2", { location: "mars-north" });
    } catch (err) {
      thrown = err;
    }
    expect(pulumi.ResourceError.isInstance(thrown)).toBe(true);
    expect((thrown as pulumi.ResourceError).hideStack).toBe(true);
  });

  it("hands serving resources the workspace URL as their connection", async () => {
    const ws = new AzureServingWorkspace("conn", { location: "uksouth" });
    const model = new RegisteredModel("m", { catalog: "main", schema: "genai", name: "bot", connection: ws.connection });
    await value(model.urn);
    await settle();
    const [m] = byType(":RegisteredModel");
    expect(m.inputs.connection).toEqual({ host: "https://adb-1234567890123456.7.azuredatabricks.net" });
  });

  it("runs examples/azure-workspace: the PT endpoint gets the workspace URL and its Geo", async () => {
    process.chdir(path.join(REPO, "examples/azure-workspace"));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const program = require(path.join(REPO, "examples/azure-workspace/index.ts")) as { workspaceUrl: pulumi.Output<string>; geo: string };
    expect(program.geo).toBe("EU Data Boundary");
    expect(await value(program.workspaceUrl)).toBe("https://adb-1234567890123456.7.azuredatabricks.net");
    await settle();
    const [pt] = byType(":ProvisionedThroughputEndpoint");
    expect(pt.inputs.connection).toEqual({ host: "https://adb-1234567890123456.7.azuredatabricks.net" });
    expect(pt.inputs.workspaceGeo).toEqual({ region: "westeurope", geo: "EU Data Boundary", crossGeoProcessing: false });
    expect(pt.inputs.entity).toEqual({ name: "system.ai.llama_v3_3_70b_instruct", version: "3" });
  });
});
