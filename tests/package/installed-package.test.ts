/**
 * The package as users install it: `npm pack`, `npm install <tarball>` into a fresh project outside the repository
 * (no self-link), then the quickstart through the real Pulumi CLI — preview, up, refresh, destroy — and the
 * `dbserve` bin from node_modules/.bin. Also the published metadata: files, types, exports, engines.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { builtinModules } from "node:module";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO } from "../helpers/paths";
import { InstalledProject, packedTarball } from "./installed-project";

const PKG = "pulumi-databricks-serving";
const repoPackage = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  engines: { node: string };
  exports: Record<string, unknown>;
};

const QUICKSTART_YAML = "name: installed-quickstart\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: index.ts\n";
// What `pulumi new typescript` writes, trimmed: users' programs compile with these settings.
const USER_TSCONFIG = {
  compilerOptions: {
    strict: true,
    outDir: "bin",
    target: "es2020",
    module: "commonjs",
    moduleResolution: "node",
    sourceMap: true,
    skipLibCheck: true,
    types: ["node"],
  },
  files: ["index.ts"],
};

describe("the package installed from its tarball", () => {
  let project: InstalledProject;
  let installed: string;

  beforeAll(async () => {
    project = await InstalledProject.create("installed", {
      "Pulumi.yaml": QUICKSTART_YAML,
      "index.ts": fs.readFileSync(path.join(REPO, "examples/quickstart/index.ts"), "utf8"),
      "tsconfig.json": JSON.stringify(USER_TSCONFIG, null, 2),
    });
    installed = path.join(project.dir, "node_modules", PKG);
    await project.pulumi(["stack", "init", "dev", "--secrets-provider", "passphrase"]);
  });
  afterAll(() => project?.dispose());

  it("is a real install: a directory from the tarball, with only runtime dependencies beside it", () => {
    expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(project.dir, "package.json"), "utf8")).dependencies[PKG]).toMatch(/^file:.*\.tgz$/);
    // The seeded cache of the repo's node_modules was pruned to the tarball's dependency tree.
    for (const dev of ["jest", "ts-jest", "eslint", "prettier", "typescript-eslint"])
      expect(fs.existsSync(path.join(project.dir, "node_modules", dev))).toBe(false);
    const ls = execFileSync("npm", ["ls", "--all", "--json"], { cwd: project.dir, env: project.env, encoding: "utf8" });
    expect(JSON.parse(ls)).not.toHaveProperty("problems");
  });

  it("ships dist/ and the bin, and no sources, tests or build maps", () => {
    const files = execFileSync("tar", ["-tzf", packedTarball()], { encoding: "utf8" })
      .trim()
      .split("\n")
      .map((f) => f.replace(/^package\//, ""));
    for (const f of [
      "package.json",
      "README.md",
      "CHANGELOG.md",
      "LICENSE",
      "bin/dbserve.js",
      "dist/provider/index.js",
      "dist/provider/index.d.ts",
      "dist/provider/dispatch.js",
      "dist/cli/main.js",
      "dist/plane/index.js",
    ])
      expect(files).toContain(f);
    expect(
      files.filter(
        (f) =>
          /^(tests|examples|scripts|tools|bench|provider|plane|cli|common)\//.test(f) ||
          f.endsWith(".map") ||
          f.endsWith(".test.js") ||
          /(^|\/)\.tmp\//.test(f),
      ),
    ).toEqual([]);
  });

  it("declares every module its compiled code requires: all of dist/ resolves from the user's project", () => {
    // Every bare specifier in every compiled file (not only what the quickstart happens to load).
    const specifiers = new Set<string>();
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith(".js"))
          for (const m of fs.readFileSync(p, "utf8").matchAll(/require\("([^".][^"]*)"\)|import\("([^".][^"]*)"\)/g)) specifiers.add(m[1] ?? m[2]);
      }
    };
    walk(path.join(installed, "dist"));
    const builtins = new Set(builtinModules);
    const external = [...specifiers].filter((s) => !s.startsWith("node:") && !builtins.has(s.split("/")[0]));
    const packageOf = (s: string) =>
      s
        .split("/")
        .slice(0, s.startsWith("@") ? 2 : 1)
        .join("/");
    expect(external.length).toBeGreaterThan(5);
    // Declared as runtime dependencies of the package as published (the provider text's self-reference aside)…
    const published = JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
    expect([...new Set(external.map(packageOf))].filter((p) => p !== PKG && !(p in (published.dependencies ?? {})))).toEqual([]);
    // …and resolvable from inside the installed package, as Node resolves them for a user.
    const unresolved = external.filter((s) => {
      try {
        require.resolve(s, { paths: [installed] });
        return false;
      } catch {
        return true;
      }
    });
    expect(unresolved).toEqual([]);
  });

  it("exports its entry point, its types and the dispatch module the serialized provider requires", async () => {
    const r = await project.must(process.execPath, [
      "-e",
      `const m = require("${PKG}"); const d = require("${PKG}/dist/provider/dispatch"); console.log(JSON.stringify([typeof m.ServingEndpoint, typeof m.AzureServingWorkspace, typeof d.dispatch, require.resolve("${PKG}")]))`,
    ]);
    const [endpoint, azure, dispatch, resolved] = JSON.parse(r.stdout) as string[];
    expect([endpoint, azure, dispatch]).toEqual(["function", "function", "function"]);
    expect(resolved).toBe(path.join(installed, "dist/provider/index.js"));
    // Internals stay private.
    const hidden = await project.run(process.execPath, ["-e", `require("${PKG}/dist/plane/server")`]);
    expect(hidden.stderr).toContain("ERR_PACKAGE_PATH_NOT_EXPORTED");
    // The user's program type-checks against the published declarations, with classic and with Node16 resolution.
    const tsc = require.resolve("typescript/bin/tsc");
    expect((await project.run(process.execPath, [tsc, "-p", "tsconfig.json", "--noEmit"])).stdout).toBe("");
    expect((await project.run(process.execPath, [tsc, "-p", "tsconfig.json", "--noEmit", "--module", "node16", "--moduleResolution", "node16"])).stdout).toBe(
      "",
    );
  });

  it("runs the quickstart: preview, up (starting the embedded plane from the installed bin), refresh, destroy", async () => {
    const preview = await project.pulumi(["preview", "--json"]);
    expect(preview.code).toBe(0);
    const planned = JSON.parse(preview.stdout) as { changeSummary: Record<string, number> };
    expect(planned.changeSummary.create).toBeGreaterThanOrEqual(6);

    const up = await project.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.stdout + up.stderr).not.toMatch(/error:/);
    expect(up.code).toBe(0);
    const outputs = JSON.parse((await project.pulumi(["stack", "output", "--json"])).stdout) as Record<string, unknown>;
    expect(outputs).toMatchObject({ workspaceGeo: "EU Data Boundary", registeredModel: "main.genai.support_bot" });

    // The plane the provider started runs the installed package's bin, not the repository's.
    const plane = JSON.parse(fs.readFileSync(path.join(project.dataDir, "plane.json"), "utf8")) as { pid: number };
    const cmdline = fs.readFileSync(`/proc/${plane.pid}/cmdline`, "utf8").split("\0");
    expect(cmdline).toContain(path.join(installed, "bin", "dbserve.js"));

    // State holds the one-line provider text that requires the package by name: no path of this machine, no repository path.
    const state = (await project.pulumi(["stack", "export"])).stdout;
    expect(state).toContain(`${PKG}/dist/provider/dispatch`);
    expect(state).not.toContain(REPO);
    expect(state).not.toContain(project.dir);

    const refresh = await project.pulumi(["refresh", "--yes", "--skip-preview", "--json"]);
    expect(refresh.code).toBe(0);
    const second = JSON.parse((await project.pulumi(["preview", "--json"])).stdout) as { changeSummary: Record<string, number> };
    expect(Object.keys(second.changeSummary)).toEqual(["same"]);

    // The bin from node_modules/.bin renders the PR comment.
    const comment = await project.run("dbserve", ["preview-comment", "--stack", "dev"]);
    expect(comment.code).toBe(0);
    expect(comment.stdout).toContain("No changes.");

    const destroy = await project.pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(destroy.code).toBe(0);
    const after = JSON.parse((await project.pulumi(["stack", "export"])).stdout) as { deployment: { resources?: unknown[] } };
    expect(after.deployment.resources ?? []).toEqual([]);
  });
});

describe("AzureServingWorkspace as users meet it", () => {
  it("a bad location fails the preview with one clean line naming valid regions, without a stack trace", async () => {
    const project = await InstalledProject.create("azure-location", {
      "Pulumi.yaml": QUICKSTART_YAML.replace("installed-quickstart", "azure-location"),
      "index.ts": `import * as serving from "${PKG}";\nnew serving.AzureServingWorkspace("genai", { location: "westeurop" });\n`,
    });
    try {
      await project.must("pulumi", ["stack", "init", "dev", "--secrets-provider", "passphrase", "--non-interactive"]);
      const r = await project.pulumi(["preview"]);
      const out = r.stdout + r.stderr;
      expect(r.code).not.toBe(0);
      expect(out).toContain('AzureServingWorkspace genai: location "westeurop" is not an Azure Databricks region; nearest: westeurope');
      expect(out).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
      expect(out).not.toContain("unhandled exception");
    } finally {
      project.dispose();
    }
  });
});

describe("published metadata", () => {
  it("says which Node versions work, consistent with what the dependencies declare and with the one under test", () => {
    // semver is npm's own range logic (a transitive dev dependency here).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const semver = require("semver") as { satisfies(v: string, r: string): boolean };
    expect(semver.satisfies(process.version, repoPackage.engines.node)).toBe(true);
    // Every runtime dependency's own engines range must admit our newest supported line (22+).
    for (const dep of Object.keys(repoPackage.dependencies)) {
      const range = (JSON.parse(fs.readFileSync(path.join(REPO, "node_modules", dep, "package.json"), "utf8")) as { engines?: { node?: string } }).engines
        ?.node;
      if (range) expect({ dep, ok: semver.satisfies("22.12.0", range) && semver.satisfies("24.0.0", range) }).toEqual({ dep, ok: true });
    }
  });

  it("passes `npm publish --dry-run` without warnings", () => {
    const r = spawnSync("npm", ["publish", "--dry-run", "--ignore-scripts", "--json"], { cwd: REPO, encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`"id": "${PKG}@`);
    // Not logged in to the registry is the one expected remark of a dry run here.
    expect(r.stderr.split("\n").filter((l) => /npm warn/i.test(l) && !/requires you to be logged in/.test(l))).toEqual([]);
  });
});
