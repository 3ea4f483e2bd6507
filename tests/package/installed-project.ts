/**
 * A user's project outside the repository with the packed package installed from its tarball (packed once by
 * tests/package/global-setup.js), and the real Pulumi CLI run in it with a local file backend.
 *
 * Speed: a clean install compiles better-sqlite3 from source (about two minutes on two cores), so by default the
 * project's node_modules is first seeded with a copy of the repo's (same lockfile, same Node). That is only a cache:
 * `npm install <tarball>` then reshapes the tree to exactly what the tarball's package.json asks for and prunes
 * everything else (the repo's dev dependencies disappear: the suite checks it), so a runtime dependency missing
 * from `dependencies` is missing here too. `PACKAGE_TEST_CLEAN_INSTALL=1` installs from scratch instead.
 */
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO } from "../helpers/paths";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function packedTarball(): string {
  const tarball = process.env.DBSERVE_TEST_TARBALL;
  if (!tarball || !fs.existsSync(tarball))
    throw new Error("DBSERVE_TEST_TARBALL is not set: run the package project through jest (tests/package/global-setup.js packs it)");
  return tarball;
}

export class InstalledProject {
  readonly env: NodeJS.ProcessEnv;
  readonly stateDir: string;
  readonly dataDir: string;

  private constructor(readonly dir: string) {
    this.stateDir = path.join(dir, ".state");
    this.dataDir = path.join(dir, ".dbserve");
    fs.mkdirSync(this.stateDir, { recursive: true });
    const binDir = process.env.PULUMI_BIN_DIR;
    if (!binDir) throw new Error("PULUMI_BIN_DIR is not set: run the suites through jest (tests/global-setup.js resolves it)");
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) {
      // A developer's real workspace settings (and the test runner's own settings) must never leak into the project.
      if (k.startsWith("DATABRICKS_") || k.startsWith("PULUMI_") || k.startsWith("DBSERVE_") || k.startsWith("npm_") || k === "NODE_OPTIONS") continue;
      env[k] = v;
    }
    this.env = {
      ...env,
      PATH: `${path.join(dir, "node_modules", ".bin")}${path.delimiter}${binDir}${path.delimiter}${process.env.PATH}`,
      PULUMI_HOME: path.join(dir, ".pulumi-home"),
      PULUMI_BACKEND_URL: `file://${this.stateDir}`,
      PULUMI_CONFIG_PASSPHRASE: "installed-package-test",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      DBSERVE_DATA: this.dataDir,
      NO_COLOR: "1",
    };
  }

  /**
   * A fresh directory under the OS temp dir (never below the repository, so nothing can resolve from the repo's
   * node_modules or its self-link), with `files` written and the tarball installed.
   */
  static async create(prefix: string, files: Record<string, string>, opts: { fromDir?: string } = {}): Promise<InstalledProject> {
    if (!process.env.PULUMI_BIN_DIR) throw new Error("PULUMI_BIN_DIR is not set: run the suites through jest (tests/global-setup.js resolves it)");
    packedTarball();
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `dbserve-${prefix}-`)));
    if (path.relative(REPO, dir).split(path.sep)[0] !== "..") throw new Error(`${dir} is inside the repository`);
    if (opts.fromDir) fs.cpSync(opts.fromDir, dir, { recursive: true });
    if (!fs.existsSync(path.join(dir, "package.json")))
      fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: `${prefix}-project`, private: true }, null, 2) + "\n");
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    }
    const project = new InstalledProject(dir);
    try {
      await project.install();
    } catch (err) {
      project.dispose();
      throw err;
    }
    return project;
  }

  private async install(): Promise<void> {
    const dir = this.dir;
    if (process.env.PACKAGE_TEST_CLEAN_INSTALL !== "1") {
      execFileSync("cp", ["-a", "--reflink=auto", path.join(REPO, "node_modules"), path.join(dir, "node_modules")]);
      // The repo's self-link and its record of the repo's own tree are not part of the cache.
      fs.rmSync(path.join(dir, "node_modules", "pulumi-databricks-serving"), { force: true, recursive: true });
      fs.rmSync(path.join(dir, "node_modules", ".package-lock.json"), { force: true });
    }
    const install = await this.run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", packedTarball()]);
    if (install.code !== 0) throw new Error(`npm install of the tarball failed (${install.code}):\n${install.stdout}\n${install.stderr}`);
  }

  /** Runs a command in the project with its environment; never throws on a non-zero exit. */
  run(file: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<RunResult> {
    return new Promise((resolve) => {
      execFile(file, args, { cwd: this.dir, env: { ...this.env, ...extraEnv }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
      });
    });
  }

  pulumi(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<RunResult> {
    return this.run("pulumi", [...args, "--non-interactive"], extraEnv);
  }

  async must(file: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<RunResult> {
    const r = await this.run(file, args, extraEnv);
    if (r.code !== 0) throw new Error(`${file} ${args.join(" ")} failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
    return r;
  }

  /** Stops an embedded plane this project's provider started, then removes the project. */
  dispose(): void {
    const bin = path.join(this.dir, "node_modules", "pulumi-databricks-serving", "bin", "dbserve.js");
    if (fs.existsSync(path.join(this.dataDir, "plane.json")) && fs.existsSync(bin)) {
      try {
        execFileSync(process.execPath, [bin, "plane", "stop", "--data", this.dataDir], { stdio: "ignore" });
      } catch {
        // already stopped
      }
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
