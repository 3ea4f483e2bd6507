import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PlaneRunningError, startPlane, type PlaneOptions } from "../plane";
import { FaultRuleInput } from "../plane/faults";
import { defaultDataDir, ensureDataDir, loadOrCreateToken, pidAlive, readPlaneInfo, runningPlane } from "../plane/datadir";
import { flag, numberFlag, parseArgs, UsageError, type ParsedArgs } from "./args";

export const PLANE_USAGE = `Usage:
  dbserve plane start [--port N] [--data DIR] [--deploy-seconds S] [--region R] [--rate-limit N] [--rate-window S]
                      [--fault JSON]... [--ppt-without-ids] [--detach] [--verbose]
  dbserve plane stop [--data DIR]
  dbserve plane status [--data DIR]`;

const BOOLEAN_FLAGS = new Set(["detach", "verbose", "ppt-without-ids"]);

function dataDirOf(args: ParsedArgs): string {
  return path.resolve(flag(args, "data") ?? defaultDataDir());
}

export function planeOptions(args: ParsedArgs): PlaneOptions {
  const opts: PlaneOptions = { dataDir: dataDirOf(args) };
  const port = numberFlag(args, "port");
  if (port !== undefined) {
    if (!Number.isInteger(port) || port > 65535) throw new UsageError(`--port must be an integer 0-65535.`);
    opts.port = port;
  }
  const deploy = numberFlag(args, "deploy-seconds");
  if (deploy !== undefined) opts.deploySeconds = deploy;
  const region = flag(args, "region");
  if (region !== undefined) opts.region = region;
  const limit = numberFlag(args, "rate-limit");
  const window = numberFlag(args, "rate-window");
  if (limit !== undefined || window !== undefined) opts.rateLimit = { limit: limit ?? 50, windowSeconds: window ?? 300 };
  const faults = args.flags.get("fault") ?? [];
  opts.faults = faults.map((text) => {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new UsageError(`--fault must be JSON, e.g. '{"kind":"error","status":503,"route":"/api/2.0/serving-endpoints*","probability":0.2}'`);
    }
    const r = FaultRuleInput.safeParse(json);
    if (!r.success) throw new UsageError(`Invalid --fault ${text}: ${r.error.issues[0].message} at ${r.error.issues[0].path.join(".")}`);
    return r.data;
  });
  // Pay-per-token endpoints without an id, as some workspaces serve them (their permissions cannot be managed).
  if (flag(args, "ppt-without-ids") === "true") opts.payPerTokenIds = false;
  if (flag(args, "verbose") === "true") opts.log = (line) => process.stderr.write(`[dbserve] ${line}\n`);
  return opts;
}

function printEnv(url: string, token: string): void {
  process.stdout.write(`DATABRICKS_HOST=${url}\nDATABRICKS_TOKEN=${token}\n`);
}

/**
 * Run the plane in the foreground. One plane serves a data directory: when another holds its lock (two `pulumi up`
 * runs starting the embedded default at once), this start prints the running plane's two lines and exits 0, so the
 * caller uses that plane.
 */
async function startForeground(args: ParsedArgs): Promise<number> {
  let plane;
  try {
    plane = await startPlane(planeOptions(args));
  } catch (err) {
    if (!(err instanceof PlaneRunningError)) throw err;
    process.stderr.write(`${err.message} Using it.\n`);
    printEnv(err.info.url, err.token);
    return 0;
  }
  printEnv(plane.url, plane.token);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await plane.close();
  return 0;
}

/**
 * Spawn the foreground server detached, wait until a plane serves the directory, print its two lines, exit 0. When a
 * plane already runs there (or another start wins the race: the child then exits 0 having found it), that plane's
 * lines are printed.
 */
async function startDetached(argv: string[], args: ParsedArgs): Promise<number> {
  const dataDir = dataDirOf(args);
  ensureDataDir(dataDir);
  const running = await runningPlane(dataDir);
  if (running) {
    process.stderr.write(`A plane (pid ${running.pid}) is already running on ${dataDir} at ${running.url}. Using it.\n`);
    printEnv(running.url, loadOrCreateToken(dataDir));
    return 0;
  }
  const childArgs = ["plane", "start", ...argv.filter((a) => a !== "--detach" && a !== "--detach=true")];
  const script = process.argv[1];
  const execArgv = script.endsWith(".ts") ? ["-r", "ts-node/register/transpile-only"] : [];
  const logFile = path.join(dataDir, "plane.log");
  const logFd = fs.openSync(logFile, "a", 0o600);
  fs.chmodSync(logFile, 0o600);
  const child = spawn(process.execPath, [...execArgv, script, ...childArgs], { detached: true, stdio: ["ignore", "ignore", logFd] });
  fs.closeSync(logFd);
  let exited: number | null = null;
  child.on("exit", (code) => (exited = code ?? 1));
  child.unref();
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline) {
    if (exited !== null && exited !== 0) {
      process.stderr.write(`The plane exited with code ${exited}; see ${logFile}.\n`);
      return 1;
    }
    // Our child, or the plane that won the directory's lock before it.
    const info = await runningPlane(dataDir);
    if (info) {
      printEnv(info.url, loadOrCreateToken(dataDir));
      return 0;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  process.stderr.write(`The plane did not start within 30 s; see ${path.join(dataDir, "plane.log")}.\n`);
  return 1;
}

async function stop(args: ParsedArgs): Promise<number> {
  const dataDir = dataDirOf(args);
  const info = readPlaneInfo(dataDir);
  if (!info || !pidAlive(info.pid)) {
    process.stdout.write(`No plane is running on ${dataDir}.\n`);
    return 0;
  }
  process.kill(info.pid, "SIGTERM");
  const deadline = Date.now() + 15000;
  while (Date.now() < deadline) {
    // A clean stop removes plane.json just before exiting; checking it too means a plane left as an unreaped
    // zombie (a container whose PID 1 does not reap) still counts as stopped.
    if (!pidAlive(info.pid) || readPlaneInfo(dataDir)?.pid !== info.pid) {
      process.stdout.write(`Stopped the plane (pid ${info.pid}).\n`);
      return 0;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  process.stderr.write(`The plane (pid ${info.pid}) did not stop within 15 s.\n`);
  return 1;
}

async function status(args: ParsedArgs): Promise<number> {
  const dataDir = dataDirOf(args);
  const info = readPlaneInfo(dataDir);
  if (!info || !pidAlive(info.pid)) {
    process.stdout.write(`stopped (data ${dataDir})\n`);
    return 1;
  }
  let health = "not answering";
  try {
    const res = await fetch(`${info.url}/api/2.0/dbserve/health`, { signal: AbortSignal.timeout(2000) });
    health = res.ok ? "healthy" : `unhealthy (HTTP ${res.status})`;
  } catch {
    /* keep "not answering" */
  }
  process.stdout.write(`running pid=${info.pid} url=${info.url} ${health} (data ${dataDir})\n`);
  return health === "healthy" ? 0 : 1;
}

export async function planeCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const args = parseArgs(rest, BOOLEAN_FLAGS);
  switch (sub) {
    case "start":
      return flag(args, "detach") === "true" ? startDetached(rest, args) : startForeground(args);
    case "stop":
      return stop(args);
    case "status":
      return status(args);
    default:
      throw new UsageError(PLANE_USAGE);
  }
}
