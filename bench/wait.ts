/**
 * Waiting for READY: how soon after the plane reports an endpoint READY the provider notices, and how many polls a
 * wait takes. `pulumi up` creates endpoints on planes whose deployments take D seconds; from the time of each answer
 * (counting proxy): the create's POST sets the plane's deadline (its answer + D at the latest), and the wait ends with
 * the GET that saw READY (in an `up` of creates only, an endpoint's GETs after its POST are its wait's polls).
 * Figures only.
 *
 *   npx ts-node --transpile-only bench/wait.ts [--deploy 1,5,20] [--endpoints 8]
 */
import * as os from "node:os";
import { startPlaneProcess } from "../tests/helpers/plane";
import { TestStack } from "../tests/helpers/stack";
import { countingProxy, type Call } from "./calls";
import { oursProgram } from "./programs";
import { ensurePulumi, flagList, flagNumber, percentile, table } from "./util";

export interface WaitFigures {
  deploySeconds: number;
  endpoints: number;
  /** Seconds from the plane's READY to the poll that saw it, one per endpoint. */
  delays: number[];
  polls: number[];
  /** The provider's own lines: "ready after N s (P polls)". */
  reported: string[];
}

export async function waitBench(opts: { deploySeconds: number; endpoints: number }): Promise<WaitFigures> {
  ensurePulumi();
  const plane = await startPlaneProcess({ deploySeconds: opts.deploySeconds, args: ["--rate-limit", "0"] });
  const proxy = await countingProxy(plane.url);
  const stack = await TestStack.create({ program: oursProgram(opts.endpoints, 1), projectName: "bench-wait", plane: { url: proxy.url, token: plane.token } });
  try {
    const r = await stack.pulumi(["up", "--yes", "--skip-preview"]);
    if (r.code !== 0) throw new Error(`up failed:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
    const calls: Call[] = await proxy.take();
    const delays: number[] = [];
    const polls: number[] = [];
    for (const post of calls.filter((c) => c.method === "POST" && c.path === "/api/2.0/serving-endpoints" && c.status === 200 && c.target)) {
      // The wait's polls: this endpoint's GETs after its create (the create's last poll is the one that saw READY).
      const gets = calls.filter((c) => c.method === "GET" && c.path === `/api/2.0/serving-endpoints/${post.target}` && c.at >= post.at);
      if (gets.length === 0) continue;
      const readyAt = post.at + opts.deploySeconds * 1000;
      delays.push(Math.max(0, gets[gets.length - 1].at - readyAt) / 1000);
      polls.push(gets.length);
    }
    const reported = (r.stdout + r.stderr).split("\n").filter((l) => /ready after/.test(l)).map((l) => l.replace(/^.*serving endpoint /, "").trim());
    await stack.pulumi(["destroy", "--yes", "--skip-preview"]);
    return { deploySeconds: opts.deploySeconds, endpoints: opts.endpoints, delays, polls, reported };
  } finally {
    stack.dispose();
    await proxy.close();
    await plane.stop();
  }
}

export function reportWaits(all: WaitFigures[]): string {
  return [
    "waiting for READY: seconds from the plane's READY to the poll that saw it, and polls per wait",
    table(
      ["deploy s", "endpoints", "noticed p50 s", "p95 s", "max s", "polls mean", "polls max"],
      all.map((f) => [
        String(f.deploySeconds),
        String(f.delays.length),
        percentile(f.delays, 50).toFixed(2),
        percentile(f.delays, 95).toFixed(2),
        Math.max(...f.delays).toFixed(2),
        (f.polls.reduce((a, b) => a + b, 0) / f.polls.length).toFixed(1),
        String(Math.max(...f.polls)),
      ]),
    ),
    ...all.map((f) => `  deploy ${f.deploySeconds} s, the provider says: ${f.reported.slice(0, 3).join("; ")}${f.reported.length > 3 ? "; …" : ""}`),
  ].join("\n");
}

async function main(): Promise<void> {
  const deploys = flagList("deploy") ?? [1, 5, 20];
  const endpoints = flagNumber("endpoints") ?? 8;
  console.log(`wait bench: node ${process.version}, ${os.cpus().length} CPU(s), load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  const all: WaitFigures[] = [];
  for (const d of deploys) all.push(await waitBench({ deploySeconds: d, endpoints }));
  console.log(reportWaits(all));
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
