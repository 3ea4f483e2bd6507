/**
 * The plane's own throughput on this machine, measured from a separate load-generating process (bench/loadgen.ts; and
 * `wrk` too when it is on PATH) against a plane running as its own process, as users run it: GET and list reads,
 * create+delete cycles (durable writes), against the health route as the floor (no auth, no database). Also what one
 * durable SQLite commit costs on this disk, since every acknowledged write waits for one. Figures only.
 *
 *   npx ts-node --transpile-only bench/plane.ts [--seconds 3] [--concurrency 8]
 */
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Database from "better-sqlite3";
import { startPlaneProcess } from "../tests/helpers/plane";
import { REPO } from "../tests/helpers/paths";
import type { LoadOptions, LoadResult } from "./loadgen";
import { flagNumber, table } from "./util";

function loadgen(o: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(__dirname, "loadgen.ts"), JSON.stringify(o)], { cwd: REPO, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`loadgen exited ${code}`))));
  });
}

/** `wrk` (Debian's package), when installed: a C load generator, so the figure is the plane's and not the client's. */
function wrk(url: string, token: string | undefined, seconds: number, concurrency: number): number | undefined {
  try {
    const args = ["-t1", `-c${concurrency}`, `-d${seconds}s`, ...(token ? ["-H", `Authorization: Bearer ${token}`] : []), url];
    const out = execFileSync("wrk", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const m = out.match(/Requests\/sec:\s+([\d.]+)/);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Milliseconds per committed single-row transaction on this disk, WAL with synchronous FULL (the plane's) and NORMAL. */
function commitCost(dir: string): { full: number; normal: number } {
  const measure = (mode: string) => {
    const file = path.join(dir, `commit-${mode}.db`);
    const db = new Database(file);
    db.pragma("journal_mode = WAL");
    db.pragma(`synchronous = ${mode}`);
    db.exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)");
    const insert = db.prepare("INSERT INTO t (v) VALUES (?)");
    const n = 300;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) db.transaction(() => insert.run("x".repeat(500)))();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6 / n;
    db.close();
    return ms;
  };
  return { full: measure("FULL"), normal: measure("NORMAL") };
}

export async function planeBench(opts: { seconds: number; concurrency: number }): Promise<string> {
  const plane = await startPlaneProcess({ deploySeconds: 0.05, args: ["--rate-limit", "0"] });
  const lines: string[] = [];
  try {
    const base = { url: plane.url, token: plane.token, seconds: opts.seconds, concurrency: opts.concurrency };
    const pt = { config: { served_entities: [{ entity_name: "system.ai.gpt-oss-20b", entity_version: "1", provisioned_model_units: 10 }] } };
    const runs: [string, LoadOptions, string?][] = [
      ["GET /api/2.0/dbserve/health (floor: no auth, no DB)", { ...base, scenario: "get", path: "/api/2.0/dbserve/health", auth: false }, `${plane.url}/api/2.0/dbserve/health`],
      ["GET /api/2.0/serving-endpoints/{name}", { ...base, scenario: "get", path: "/api/2.0/serving-endpoints/databricks-gte-large-en" }, `${plane.url}/api/2.0/serving-endpoints/databricks-gte-large-en`],
      ["GET /api/2.0/serving-endpoints (list)", { ...base, scenario: "get", path: "/api/2.0/serving-endpoints" }],
      ["create + delete cycle (no config): 2 writes", { ...base, scenario: "cycle", concurrency: Math.min(4, opts.concurrency) }],
      ["create + delete cycle (PT config, deploys)", { ...base, scenario: "cycle", body: pt, concurrency: Math.min(4, opts.concurrency) }],
    ];
    const rows: string[][] = [];
    let floor = 0;
    for (const [label, o, wrkUrl] of runs) {
      const r = await loadgen(o);
      if (floor === 0) floor = r.rate;
      const w = wrkUrl ? wrk(wrkUrl, o.auth === false ? undefined : plane.token, opts.seconds, opts.concurrency) : undefined;
      rows.push([
        label,
        r.rate.toFixed(0),
        (r.rate / floor).toFixed(2),
        `${r.p50.toFixed(1)} / ${r.p95.toFixed(1)} / ${r.p99.toFixed(1)}`,
        String(r.errors),
        w === undefined ? "-" : w.toFixed(0),
      ]);
    }
    lines.push(table(["route (per second, from a separate process)", "node", "vs floor", "p50/p95/p99 ms", "errors", "wrk"], rows));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dbserve-commit-"));
    const cost = commitCost(dir);
    fs.rmSync(dir, { recursive: true, force: true });
    lines.push(`\none durable commit on this disk: ${cost.full.toFixed(2)} ms (WAL, synchronous=FULL, the plane's), ${cost.normal.toFixed(2)} ms with synchronous=NORMAL`);
  } finally {
    await plane.stop();
  }
  return lines.join("\n");
}

async function main(): Promise<void> {
  const seconds = flagNumber("seconds") ?? 3;
  const concurrency = flagNumber("concurrency") ?? 8;
  console.log(`plane bench: node ${process.version}, ${os.cpus().length} CPU(s), load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}, ${seconds} s per figure, ${concurrency} in flight`);
  console.log(await planeBench({ seconds, concurrency }));
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
