/**
 * Where the provider finds its control plane, through the real CLI: the embedded default (nothing configured:
 * the provider starts a plane on demand), stack config with the token as a Pulumi secret, and a ~/.databrickscfg
 * profile through the SDK's unified auth (host and token alone take provider/engine/token-auth.ts's shortcut, which
 * tests/unit/token-auth.test.ts compares with the SDK; every other e2e file uses it).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { startPlaneProcess } from "../helpers/plane";
import { REPO, tempDir } from "../helpers/paths";
import { TestStack } from "../helpers/stack";

const program = `
import * as serving from "pulumi-databricks-serving";
const model = new serving.RegisteredModel("m", { catalog: "main", schema: "default", name: "connection_probe" });
export const fullName = model.fullName;
`;

describe("connection settings", () => {
  it("starts and uses the embedded plane when no workspace is configured", async () => {
    const dataDir = tempDir("embedded");
    const stack = await TestStack.create({ program, env: { DBSERVE_DATA: dataDir } });
    try {
      expect(fs.existsSync(path.join(dataDir, "plane.json"))).toBe(false);
      const up = await stack.up();
      expect(up.code).toBe(0);
      expect(up.stdout).toContain("starting the embedded control plane");
      const info = JSON.parse(fs.readFileSync(path.join(dataDir, "plane.json"), "utf8")) as { url: string };
      const token = fs.readFileSync(path.join(dataDir, "token"), "utf8").trim();
      expect(fs.statSync(path.join(dataDir, "token")).mode & 0o777).toBe(0o600);
      const res = await fetch(`${info.url}/api/2.1/unity-catalog/models/main.default.connection_probe`, { headers: { Authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      const state = await stack.exportState();
      expect(state.text).not.toContain(token);
      expect((await stack.destroy()).code).toBe(0);
    } finally {
      execFileSync(process.execPath, [path.join(REPO, "bin/dbserve.js"), "plane", "stop", "--data", dataDir]);
      fs.rmSync(dataDir, { recursive: true, force: true });
      stack.dispose();
    }
  });

  it("reads host and a secret token from stack config at run time", async () => {
    const plane = await startPlaneProcess();
    const stack = await TestStack.create({ program, config: { "databricks-serving:host": plane.url }, secrets: { "databricks-serving:token": plane.token } });
    try {
      const up = await stack.up();
      expect(up.code).toBe(0);
      expect((await stack.outputs()).fullName).toBe("main.default.connection_probe");
      const state = await stack.exportState();
      expect(state.text).not.toContain(plane.token);
      // The stack's config file holds the token encrypted, never in the clear.
      const configFile = fs.readFileSync(path.join(stack.dir, "Pulumi.test.yaml"), "utf8");
      expect(configFile).not.toContain(plane.token);
      expect((await stack.destroy()).code).toBe(0);
    } finally {
      await plane.stop();
      stack.dispose();
    }
  });

  it("authenticates through the SDK's unified auth with a profile from a Databricks config file", async () => {
    const plane = await startPlaneProcess();
    const cfg = path.join(tempDir("databrickscfg"), "databrickscfg");
    fs.writeFileSync(cfg, `[probe]\nhost = ${plane.url}\ntoken = ${plane.token}\n`, { mode: 0o600 });
    const stack = await TestStack.create({ program, env: { DATABRICKS_CONFIG_FILE: cfg, DATABRICKS_CONFIG_PROFILE: "probe" } });
    try {
      const up = await stack.up();
      expect(up.code).toBe(0);
      expect(up.stdout).not.toContain("embedded control plane");
      expect((await stack.outputs()).fullName).toBe("main.default.connection_probe");
      expect((await stack.exportState()).text).not.toContain(plane.token);
      expect((await stack.destroy()).code).toBe(0);
    } finally {
      await plane.stop();
      stack.dispose();
      fs.rmSync(path.dirname(cfg), { recursive: true, force: true });
    }
  });

  it("runs programs that read config on a stack that has none (the language host sends {} not null)", async () => {
    const stack = await TestStack.create({
      program: `import * as pulumi from "@pulumi/pulumi";\nexport const size = new pulumi.Config().get("size") ?? "default";\n`,
      env: { DBSERVE_DATA: path.join(REPO, ".tmp", "no-plane-needed") },
    });
    try {
      const up = await stack.up();
      expect(up.code).toBe(0);
      expect((await stack.outputs()).size).toBe("default");
    } finally {
      stack.dispose();
    }
  });

  it("fails with a clear, credential-free error when the token is wrong", async () => {
    const plane = await startPlaneProcess();
    const stack = await TestStack.create({ program, config: { "databricks-serving:host": plane.url }, secrets: { "databricks-serving:token": "dapiwrongwrongwrongwrong" } });
    try {
      const up = await stack.up();
      expect(up.code).not.toBe(0);
      expect(up.stdout).toMatch(/401 UNAUTHENTICATED/);
      expect(up.stdout + up.stderr).not.toContain("dapiwrongwrongwrongwrong");
      expect(up.stdout + up.stderr).not.toContain(plane.token);
    } finally {
      await plane.stop();
      stack.dispose();
    }
  });
});
