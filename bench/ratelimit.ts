/**
 * Convergence under the workspace's operation limit: `pulumi up` of N endpoints (default 200) against a plane that
 * allows 50 create/update operations per window (the real service: per 5 minutes; here time-scaled, default 30 s).
 * The limit alone forces ceil(N/50) - 1 windows between the first and the last create; a provider that paces itself
 * spreads its creates over about that and no more, with few 429s. Figures only.
 *
 *   npx ts-node --transpile-only bench/ratelimit.ts [--endpoints 200] [--rate-limit 50] [--rate-window 30]
 */
import * as os from "node:os";
import { startPlaneProcess } from "../tests/helpers/plane";
import { TestStack } from "../tests/helpers/stack";
import { countingProxy, routeOf, type Call } from "./calls";
import { oursProgram } from "./programs";
import { ensurePulumi, flagNumber, median, percentile } from "./util";

export interface RateLimitFigures {
  endpoints: number;
  limit: number;
  windowSeconds: number;
  exitCode: number;
  created: number;
  wall: number;
  /** First accepted create to last accepted create, seconds. */
  span: number;
  /** What the limit alone forces between the first and the last create. */
  minimum: number;
  refused: number;
  creates: number;
  /** Seconds between op k + limit and op k, minus the window, for every k: how long a returned token waited to be used. */
  tokenLag: { median: number; p95: number };
  /** Seconds each batch of `limit` creates took to issue (first to last), batch by batch. */
  batchSeconds: number[];
  /** The provider's own account of its pacing (its progress lines). */
  paceLines: string[];
}

export async function rateLimitBench(opts: { endpoints: number; limit: number; windowSeconds: number }): Promise<RateLimitFigures> {
  ensurePulumi();
  const plane = await startPlaneProcess({ deploySeconds: 0, args: ["--rate-limit", String(opts.limit), "--rate-window", String(opts.windowSeconds)] });
  // The proxy (not the call log) because the figures need the time of each answer.
  const proxy = await countingProxy(plane.url);
  const stack = await TestStack.create({ program: oursProgram(opts.endpoints, 1), projectName: "bench-limit", plane: { url: proxy.url, token: plane.token } });
  try {
    const t0 = process.hrtime.bigint();
    const r = await stack.pulumi(["up", "--yes", "--skip-preview"]);
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    const calls: Call[] = await proxy.take();
    const creates = calls.filter((c) => c.method === "POST" && routeOf(c.path) === "/api/2.0/serving-endpoints");
    const accepted = creates
      .filter((c) => c.status === 200)
      .map((c) => c.at)
      .sort((a, b) => a - b);
    const lags = accepted.slice(opts.limit).map((t, k) => (t - accepted[k]) / 1000 - opts.windowSeconds);
    const batchSeconds: number[] = [];
    for (let b = 0; b * opts.limit < accepted.length; b++) {
      const batch = accepted.slice(b * opts.limit, (b + 1) * opts.limit);
      batchSeconds.push((batch[batch.length - 1] - batch[0]) / 1000);
    }
    const created = (await stack.managedResources()).length;
    const paceLines = [...new Set((r.stdout + r.stderr).split("\n").filter((l) => /operation limit/.test(l)).map((l) => l.replace(/^.*\[databricks-serving\] /, "").trim()))];
    const figures: RateLimitFigures = {
      endpoints: opts.endpoints,
      limit: opts.limit,
      windowSeconds: opts.windowSeconds,
      exitCode: r.code,
      created,
      wall,
      span: accepted.length > 1 ? (Math.max(...accepted) - Math.min(...accepted)) / 1000 : 0,
      minimum: (Math.ceil(opts.endpoints / opts.limit) - 1) * opts.windowSeconds,
      refused: creates.filter((c) => c.status === 429).length,
      creates: accepted.length,
      tokenLag: { median: lags.length ? median(lags) : 0, p95: lags.length ? percentile(lags, 95) : 0 },
      batchSeconds,
      paceLines,
    };
    if (r.code !== 0) console.error(r.stdout.slice(-3000), r.stderr.slice(-3000));
    // Clean up without the limit in the way (deletes are not counted, but keep the bench short either way).
    await stack.pulumi(["destroy", "--yes", "--skip-preview"]);
    return figures;
  } finally {
    stack.dispose();
    await proxy.close();
    await plane.stop();
  }
}

export function reportRateLimit(f: RateLimitFigures): string {
  const outside = f.wall - f.span;
  return [
    `rate limit: ${f.endpoints} endpoints, limit ${f.limit} create/update operations per ${f.windowSeconds} s (the real service: per 300 s)`,
    `  up: exit ${f.exitCode}, ${f.created}/${f.endpoints} in state, ${f.creates} creates accepted, ${f.refused} answered 429 (${((100 * f.refused) / Math.max(1, f.creates)).toFixed(1)}%)`,
    `  creates spread over ${f.span.toFixed(1)} s; the limit's own minimum for ${f.endpoints} creates: ${f.minimum.toFixed(1)} s → ${(f.span / f.minimum).toFixed(3)}×`,
    `  a token returned one window after it was spent was used ${f.tokenLag.median.toFixed(2)} s later (median; p95 ${f.tokenLag.p95.toFixed(2)} s); each batch of ${f.limit} took ${f.batchSeconds.map((b) => b.toFixed(1)).join(", ")} s to issue`,
    `  wall ${f.wall.toFixed(1)} s = ${outside.toFixed(1)} s outside the paced span + the span; vs the minimum plus that: ${(f.wall / (outside + f.minimum)).toFixed(3)}×`,
    ...f.paceLines.map((l) => `  provider: ${l}`),
  ].join("\n");
}

async function main(): Promise<void> {
  const endpoints = flagNumber("endpoints") ?? 200;
  const limit = flagNumber("rate-limit") ?? 50;
  const windowSeconds = flagNumber("rate-window") ?? 30;
  console.log(`rate-limit bench: node ${process.version}, ${os.cpus().length} CPU(s), load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  console.log(reportRateLimit(await rateLimitBench({ endpoints, limit, windowSeconds })));
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
