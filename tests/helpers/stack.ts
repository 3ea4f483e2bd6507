import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO, tempDir } from "./paths";
import { stopEmbeddedPlane } from "./plane";

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** One planned step of `pulumi preview --json`. */
export interface PreviewStep {
  op: string;
  urn: string;
  type?: string;
  diffReasons?: string[];
  replaceReasons?: string[];
  detailedDiff?: Record<string, { kind: string; inputDiff?: boolean }>;
  oldState?: { inputs?: Record<string, unknown>; outputs?: Record<string, unknown> };
  newState?: { inputs?: Record<string, unknown>; outputs?: Record<string, unknown> };
}
export interface PreviewJson {
  steps: PreviewStep[];
  diagnostics?: { message: string; severity: string; urn?: string }[];
  changeSummary?: Record<string, number>;
}

export interface StackOptions {
  /** TypeScript source of the program's index.ts. */
  program?: string;
  /** Or: a folder under examples/ to copy and run. */
  example?: string;
  /** Control plane to point the stack at (DATABRICKS_HOST/TOKEN); omit to use DBSERVE_DATA (embedded default). */
  plane?: { url: string; token: string };
  /** Extra environment for every pulumi command (e.g. DBSERVE_DATA). */
  env?: Record<string, string>;
  config?: Record<string, string>;
  secrets?: Record<string, string>;
  projectName?: string;
}

const PASSPHRASE = "test-passphrase-not-a-secret";

/** The project name of an example is read from its Pulumi.yaml, otherwise a fixed test name. */
function projectYaml(name: string): string {
  return `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: index.ts\n`;
}

/**
 * A real Pulumi stack driven through the real CLI with a local file backend and a passphrase secrets provider.
 * Nothing reaches the network: plugin acquisition is disabled and the program talks to a local plane.
 */
export class TestStack {
  readonly stateDir: string;
  private constructor(readonly dir: string, private readonly env: NodeJS.ProcessEnv) {
    this.stateDir = path.join(dir, ".state");
  }

  static async create(opts: StackOptions): Promise<TestStack> {
    const dir = tempDir(opts.example ? `ex-${opts.example}` : "stack");
    if (opts.example) {
      fs.cpSync(path.join(REPO, "examples", opts.example), dir, { recursive: true, filter: (src) => !/Pulumi\.[^/]*\.yaml$/.test(src) || src.endsWith("Pulumi.yaml") });
    } else {
      fs.writeFileSync(path.join(dir, "Pulumi.yaml"), projectYaml(opts.projectName ?? "dbs-test"));
      fs.writeFileSync(path.join(dir, "index.ts"), opts.program ?? "");
    }
    fs.mkdirSync(path.join(dir, ".state"), { recursive: true });
    const binDir = process.env.PULUMI_BIN_DIR;
    if (!binDir) throw new Error("PULUMI_BIN_DIR is not set: run the suites through jest (tests/global-setup.js resolves it)");
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) {
      // A developer's real workspace settings must never leak into tests.
      if (k.startsWith("DATABRICKS_") || k.startsWith("PULUMI_") || k === "DBSERVE_DATA") continue;
      env[k] = v;
    }
    Object.assign(env, {
      PATH: `${binDir}${path.delimiter}${process.env.PATH}`,
      PULUMI_HOME: path.join(REPO, ".tmp", "pulumi-home"),
      PULUMI_BACKEND_URL: `file://${path.join(dir, ".state")}`,
      PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
      PULUMI_SKIP_CONFIRMATIONS: "true",
      NO_COLOR: "1",
      ...(opts.plane ? { DATABRICKS_HOST: opts.plane.url, DATABRICKS_TOKEN: opts.plane.token } : {}),
      // A stack given no workspace gets an embedded plane of its own, stopped by dispose(), never ~/.dbserve's.
      DBSERVE_DATA: path.join(dir, ".dbserve"),
      ...(opts.env ?? {}),
    });
    const stack = new TestStack(dir, env);
    await stack.must(["stack", "init", "test", "--secrets-provider", "passphrase"]);
    for (const [k, v] of Object.entries(opts.config ?? {})) await stack.setConfig(k, v);
    for (const [k, v] of Object.entries(opts.secrets ?? {})) await stack.setConfig(k, v, { secret: true });
    return stack;
  }

  /** Runs `pulumi <args>` in the stack's folder; never throws on a non-zero exit. */
  pulumi(args: string[], extraEnv: Record<string, string> = {}): Promise<CommandResult> {
    return new Promise((resolve) => {
      execFile("pulumi", [...args, "--non-interactive"], { cwd: this.dir, env: { ...this.env, ...extraEnv }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  }

  /** Runs any command in the stack's folder with the stack's environment (e.g. `dbserve drift`). */
  exec(file: string, args: string[]): Promise<CommandResult> {
    return new Promise((resolve) => {
      execFile(file, args, { cwd: this.dir, env: this.env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
      });
    });
  }

  /** Runs `pulumi <args>` and throws with the CLI's output when it fails. */
  async must(args: string[], extraEnv: Record<string, string> = {}): Promise<CommandResult> {
    const r = await this.pulumi(args, extraEnv);
    if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
    return r;
  }

  async setConfig(key: string, value: string, opts: { secret?: boolean } = {}): Promise<void> {
    await this.must(["config", "set", key, value, ...(opts.secret ? ["--secret"] : [])]);
  }

  writeProgram(source: string): void {
    fs.writeFileSync(path.join(this.dir, "index.ts"), source);
  }

  /** `pulumi preview --json`: the planned steps. Resolves even when the preview fails (diagnostics tell why). */
  async preview(extraArgs: string[] = []): Promise<PreviewJson & { code: number; stderr: string }> {
    const r = await this.pulumi(["preview", "--json", ...extraArgs]);
    let parsed: PreviewJson;
    try {
      parsed = JSON.parse(r.stdout) as PreviewJson;
    } catch {
      throw new Error(`preview printed no JSON (${r.code}):\n${r.stdout}\n${r.stderr}`);
    }
    return { steps: parsed.steps ?? [], diagnostics: parsed.diagnostics ?? [], changeSummary: parsed.changeSummary, code: r.code, stderr: r.stderr };
  }

  up(extraArgs: string[] = []): Promise<CommandResult> {
    return this.pulumi(["up", "--yes", "--skip-preview", ...extraArgs]);
  }
  refresh(extraArgs: string[] = []): Promise<CommandResult> {
    return this.pulumi(["refresh", "--yes", "--skip-preview", ...extraArgs]);
  }
  destroy(extraArgs: string[] = []): Promise<CommandResult> {
    return this.pulumi(["destroy", "--yes", "--skip-preview", ...extraArgs]);
  }

  async outputs(): Promise<Record<string, unknown>> {
    const r = await this.must(["stack", "output", "--json", "--show-secrets"]);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  }

  /** The stack's state as `pulumi stack export` prints it (secrets stay encrypted). */
  async exportState(): Promise<{ text: string; resources: { urn: string; type: string; id?: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }[] }> {
    const r = await this.must(["stack", "export"]);
    const parsed = JSON.parse(r.stdout) as { deployment: { resources?: { urn: string; type: string; id?: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }[] } };
    return { text: r.stdout, resources: parsed.deployment.resources ?? [] };
  }

  /** Custom resources of ours in the state (not the stack or provider entries). */
  async managedResources(): Promise<{ urn: string; type: string; id?: string; outputs?: Record<string, unknown> }[]> {
    return (await this.exportState()).resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic"));
  }

  dispose(): void {
    stopEmbeddedPlane(this.env.DBSERVE_DATA ?? "");
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Steps of a preview that touch resources of a type (e.g. "RegisteredModel"), ignoring the stack itself. */
export function stepsFor(preview: PreviewJson, typeSuffix: string): PreviewStep[] {
  return preview.steps.filter((s) => s.urn.split("::")[2]?.endsWith(`:${typeSuffix}`));
}
