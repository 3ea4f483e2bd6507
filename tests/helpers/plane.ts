import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { readPlaneInfo } from "../../plane/datadir";
import { REPO, tempDir } from "./paths";

/** An embedded plane running as its own process, as users run it (`dbserve plane start`). */
export interface PlaneProcess {
  url: string;
  token: string;
  dataDir: string;
  child: ChildProcess;
  /** Stops the plane (SIGTERM, then SIGKILL) and waits for it to exit. */
  stop(): Promise<void>;
}

export async function startPlaneProcess(opts: { dataDir?: string; deploySeconds?: number; args?: string[] } = {}): Promise<PlaneProcess> {
  const dataDir = opts.dataDir ?? tempDir("plane");
  const ownDir = opts.dataDir === undefined;
  const args = [path.join(REPO, "bin/dbserve.js"), "plane", "start", "--data", dataDir, "--port", "0", "--deploy-seconds", String(opts.deploySeconds ?? 0.3), ...(opts.args ?? [])];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env } });
  let out = "";
  let err = "";
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const vars = await new Promise<Record<string, string>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`plane did not start within 30s: ${err}`)), 30_000);
    child.on("exit", (code) => reject(new Error(`plane exited with ${code}: ${err}`)));
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const found = Object.fromEntries(out.split("\n").map((l) => l.match(/^(DATABRICKS_HOST|DATABRICKS_TOKEN)=(.*)$/)).filter((m): m is RegExpMatchArray => !!m).map((m) => [m[1], m[2]]));
      if (found.DATABRICKS_HOST && found.DATABRICKS_TOKEN) {
        clearTimeout(timer);
        resolve(found);
      }
    });
  });
  return {
    url: vars.DATABRICKS_HOST,
    token: vars.DATABRICKS_TOKEN,
    dataDir,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        // A data dir this helper made goes with the plane, so test runs leave nothing behind.
        const done = () => {
          if (ownDir) fs.rmSync(dataDir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null || child.signalCode !== null) return done();
        const kill = setTimeout(() => child.kill("SIGKILL"), 5_000);
        child.once("exit", () => {
          clearTimeout(kill);
          done();
        });
        child.kill("SIGTERM");
      }),
  };
}

/**
 * Stops the detached plane the provider started on its own in `dataDir` (code that finds no workspace starts the
 * embedded plane of $DBSERVE_DATA and leaves it running between runs, as users want; a test must not). Nothing to do
 * when none was started.
 */
export function stopEmbeddedPlane(dataDir: string): void {
  const info = readPlaneInfo(dataDir);
  if (!info) return;
  try {
    process.kill(info.pid, "SIGTERM");
  } catch {
    /* already gone */
  }
}
