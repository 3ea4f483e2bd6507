/**
 * `npm run bench`: the engine bench (ours vs the no-op floor and the same-work floor, every operation), waiting for
 * READY, convergence under the workspace's operation limit, and the plane's own throughput; then bench/query.ts (the
 * query path).
 *
 * The default set finishes in about ten minutes on a loaded 2-core machine: N = 10 and 30, one run per operation,
 * the operation limit's window scaled to 20 s. `npm run bench -- --full` runs what issue 13 reports: N = 10, 100, 300
 * (read-only operations three times each, medians), a 30 s window, deployments of 1, 5 and 20 s (about 90 minutes).
 * `--skip-checkpoints` runs the engine bench with PULUMI_SKIP_CHECKPOINTS=true on both sides (see README "Calls and
 * speed"). Any single bench runs on its own too (see each file). Figures only: nothing here asserts a time.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO } from "../tests/helpers/paths";
import { engineBench, report } from "./engine";
import { planeBench } from "./plane";
import { rateLimitBench, reportRateLimit } from "./ratelimit";
import { flag, flagList, flagNumber } from "./util";
import { reportWaits, waitBench, type WaitFigures } from "./wait";

/** The query path's bench (issue 10's), run as it runs alone. */
function queryBench(): string {
  const r = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(__dirname, "query.ts")], { cwd: REPO, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  return r.stdout.trim() + (r.status === 0 ? "" : `\n(exited ${r.status})`);
}

async function main(): Promise<void> {
  const full = process.argv.includes("--full");
  const sizes = flagList("n") ?? (full ? [10, 100, 300] : [10, 30]);
  const repeat = flagNumber("repeat") ?? (full ? 3 : 1);
  const windowSeconds = flagNumber("rate-window") ?? (full ? 30 : 20);
  const deploys = flagList("deploy") ?? (full ? [1, 5, 20] : [1, 5]);
  const only = flag("only")?.split(",");
  const want = (name: string) => !only || only.includes(name);
  const started = Date.now();
  const out: string[] = [`pulumi-databricks-serving bench: node ${process.version}, ${os.cpus().length} CPU(s), load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}${full ? " (--full)" : " (default set: --full for N = 10, 100, 300)"}`];
  const section = (title: string, body: string) => {
    out.push(`\n== ${title}\n${body}`);
    console.log(`\n== ${title}\n${body}`);
  };
  if (want("engine")) {
    const skipCheckpoints = process.argv.includes("--skip-checkpoints");
    const rows = await engineBench({ sizes, repeat, skipCheckpoints });
    fs.mkdirSync(path.join(REPO, ".tmp"), { recursive: true });
    fs.writeFileSync(path.join(REPO, ".tmp", "bench-engine.json"), JSON.stringify(rows, null, 2));
    section(`engine: ${sizes.join(", ")} ServingEndpoints vs as many no-op dynamic resources and the same-work floor (wall = median of ${repeat} for read-only operations)${skipCheckpoints ? ", PULUMI_SKIP_CHECKPOINTS=true" : ""}`, report(rows));
  }
  if (want("wait")) {
    const waits: WaitFigures[] = [];
    for (const d of deploys) waits.push(await waitBench({ deploySeconds: d, endpoints: 8 }));
    section("waiting for READY", reportWaits(waits));
  }
  if (want("ratelimit")) section("convergence under the operation limit", reportRateLimit(await rateLimitBench({ endpoints: 200, limit: 50, windowSeconds })));
  if (want("plane")) section("plane throughput", await planeBench({ seconds: full ? 3 : 2, concurrency: 8 }));
  if (want("query")) section("query path (bench/query.ts)", queryBench());
  console.log(`\n${"=".repeat(100)}\nsummary (${Math.round((Date.now() - started) / 1000)} s)\n${out.join("\n")}`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
