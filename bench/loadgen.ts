/**
 * A load generator run as its own process (so the plane's figures are not capped by a client sharing its event loop):
 * keep-alive HTTP/1.1 connections, `concurrency` requests in flight, for `seconds`. Prints one JSON line:
 * `{done, seconds, rate, p50, p95, p99, errors, statuses}` (latencies in ms).
 *
 *   node -r ts-node/register/transpile-only bench/loadgen.ts '<json options>'
 */
import * as http from "node:http";

export interface LoadOptions {
  url: string;
  token: string;
  seconds: number;
  concurrency: number;
  /** What each iteration does. `cycle` creates an endpoint and deletes it (two durable writes). */
  scenario: "get" | "cycle";
  /** For `get`: the path to read. For `cycle`: the create body (its `name` gets a unique suffix). */
  path?: string;
  body?: Record<string, unknown>;
  auth?: boolean;
}

export interface LoadResult {
  done: number;
  seconds: number;
  rate: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  statuses: Record<string, number>;
}

function request(agent: http.Agent, base: URL, method: string, path: string, headers: Record<string, string>, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: base.hostname, port: base.port, method, path, agent, headers: body ? { ...headers, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) } : headers }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

export async function run(o: LoadOptions): Promise<LoadResult> {
  const base = new URL(o.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency });
  const headers: Record<string, string> = o.auth === false ? {} : { Authorization: `Bearer ${o.token}` };
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let seq = 0;
  const count = (status: number) => {
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (status < 200 || status >= 300) errors++;
  };
  // A short warm-up opens the connections and lets the plane's JIT settle; it is not counted.
  const iteration = async (): Promise<void> => {
    if (o.scenario === "get") {
      count(await request(agent, base, "GET", o.path ?? "/api/2.0/dbserve/health", headers));
      return;
    }
    const name = `load-${process.pid}-${seq++}`;
    count(await request(agent, base, "POST", "/api/2.0/serving-endpoints", headers, JSON.stringify({ ...(o.body ?? {}), name })));
    count(await request(agent, base, "DELETE", `/api/2.0/serving-endpoints/${name}`, headers));
  };
  const warmEnd = Date.now() + 500;
  await Promise.all(Array.from({ length: o.concurrency }, async () => {
    while (Date.now() < warmEnd) await iteration();
  }));
  for (const k of Object.keys(statuses)) delete statuses[k];
  errors = 0;
  const end = Date.now() + o.seconds * 1000;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: o.concurrency }, async () => {
      while (Date.now() < end) {
        const s = process.hrtime.bigint();
        await iteration();
        latencies.push(Number(process.hrtime.bigint() - s) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  return { done: latencies.length, seconds, rate: latencies.length / seconds, p50: at(0.5), p95: at(0.95), p99: at(0.99), errors, statuses };
}

if (require.main === module) {
  run(JSON.parse(process.argv[2]) as LoadOptions)
    .then((r) => process.stdout.write(`${JSON.stringify(r)}\n`))
    .catch((err) => {
      console.error(err);
      process.exitCode = 1;
    });
}
