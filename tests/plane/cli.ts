import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Running `dbserve` as users do, in child processes. Uses `bin/dbserve.js` when the build in dist/ is newer than the
 * sources (the global setup builds it), else the TypeScript source through ts-node, which is correct but slower.
 */
export const REPO = path.resolve(__dirname, "../..");

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

function cliArgs(): string[] {
  const dist = path.join(REPO, "dist/cli/main.js");
  const fresh =
    fs.existsSync(dist) &&
    Math.max(newestSource(path.join(REPO, "plane")), newestSource(path.join(REPO, "cli")), newestSource(path.join(REPO, "common"))) <= fs.statSync(dist).mtimeMs;
  return fresh ? [path.join(REPO, "bin/dbserve.js")] : ["-r", require.resolve("ts-node/register/transpile-only"), path.join(REPO, "cli/main.ts")];
}
const CLI = cliArgs();

export interface Started {
  child: ChildProcess;
  url: string;
  token: string;
  stdout: string;
}

export function startCli(dataDir: string, extra: string[] = []): Promise<Started> {
  const child = spawn(process.execPath, [...CLI, "plane", "start", "--data", dataDir, "--port", "0", ...extra], {
    cwd: REPO,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 30 s: ${err}`)), 30000);
    child.on("exit", (code) => reject(new Error(`exited ${code}: ${err}`)));
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const host = /^DATABRICKS_HOST=(.*)$/m.exec(out);
      const token = /^DATABRICKS_TOKEN=(.*)$/m.exec(out);
      if (host && token) {
        clearTimeout(timer);
        resolve({ child, url: host[1], token: token[1], stdout: out });
      }
    });
  });
}

export function runCli(args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...CLI, ...args], { cwd: REPO, encoding: "utf8", timeout: 60000 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export async function call(s: { url: string; token: string }, method: string, route: string, body?: unknown) {
  const res = await fetch(`${s.url}${route}`, {
    method,
    headers: { Authorization: `Bearer ${s.token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

export function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners("exit");
    const done = () => {
      // Its pipes go with it, so no handle outlives the test.
      child.stdout?.destroy();
      child.stderr?.destroy();
      resolve();
    };
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once("exit", done);
    child.kill("SIGKILL");
  });
}


export interface Finished {
  pid: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Start `dbserve <args>` and collect everything it prints; `exited` resolves when it ends (pass `until` to stop waiting). */
export function spawnCli(args: string[]): { child: ChildProcess; output: () => { stdout: string; stderr: string }; exited: Promise<Finished> } {
  const child = spawn(process.execPath, [...CLI, ...args], { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<Finished>((resolve) => child.on("exit", (code) => resolve({ pid: child.pid!, code, stdout, stderr })));
  return { child, output: () => ({ stdout, stderr }), exited };
}
