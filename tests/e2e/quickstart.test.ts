/**
 * The README's main job: the quickstart program (Pulumi.yaml at the repo root runs examples/quickstart) against the
 * embedded plane the provider starts on demand — up, a quiet second preview, and destroy.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO, tempDir } from "../helpers/paths";
import { TestStack } from "../helpers/stack";

describe("the quickstart stack", () => {
  const dataDir = tempDir("quickstart-plane");
  let stack: TestStack;

  beforeAll(async () => {
    const rootProject = fs.readFileSync(path.join(REPO, "Pulumi.yaml"), "utf8");
    expect(rootProject).toContain("main: examples/quickstart/index.ts");
    stack = await TestStack.create({ program: fs.readFileSync(path.join(REPO, "examples/quickstart/index.ts"), "utf8"), env: { DBSERVE_DATA: dataDir } });
  });
  afterAll(() => {
    execFileSync(process.execPath, [path.join(REPO, "bin/dbserve.js"), "plane", "stop", "--data", dataDir]);
    fs.rmSync(dataDir, { recursive: true, force: true });
    stack?.dispose();
  });

  it("converges on the embedded plane", async () => {
    const up = await stack.up();
    expect(up.stdout + up.stderr).not.toMatch(/error:/);
    expect(up.code).toBe(0);
    const out = await stack.outputs();
    expect(out).toMatchObject({ workspaceGeo: "EU Data Boundary", registeredModel: "main.genai.support_bot", provisionedThroughput: { min: 0, max: 3160 } });

    const info = JSON.parse(fs.readFileSync(path.join(dataDir, "plane.json"), "utf8")) as { url: string };
    const token = fs.readFileSync(path.join(dataDir, "token"), "utf8").trim();
    const get = async (p: string) => (await fetch(`${info.url}${p}`, { headers: { Authorization: `Bearer ${token}` } })).json() as Promise<Record<string, unknown>>;
    const endpoint = await get(`/api/2.0/serving-endpoints/${String(out.provisionedEndpoint)}`);
    expect(endpoint.state).toEqual({ ready: "READY", config_update: "NOT_UPDATING" });
    const gateway = await get("/api/2.0/serving-endpoints/databricks-meta-llama-3-3-70b-instruct");
    expect(gateway.ai_gateway).toMatchObject({ usage_tracking_config: { enabled: true }, rate_limits: [expect.objectContaining({ calls: 20, key: "user" })] });
  });

  it("has nothing to do on a second preview", async () => {
    const preview = await stack.preview();
    expect(preview.code).toBe(0);
    expect(Object.keys(preview.changeSummary ?? {})).toEqual(["same"]);
  });

  it("destroys cleanly", async () => {
    expect((await stack.destroy()).code).toBe(0);
    expect(await stack.managedResources()).toEqual([]);
  });
});
