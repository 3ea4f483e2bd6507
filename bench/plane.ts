/**
 * Plane throughput on this machine: GET requests/second and create/delete cycles/second, as figures and ratios.
 * Run after `npm run build` with `node -r ts-node/register/transpile-only bench/plane.ts` (or `npx ts-node bench/plane.ts`).
 * Prints only; asserts nothing.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startPlane } from "../plane";

async function timed(label: string, seconds: number, concurrency: number, op: (i: number) => Promise<void>): Promise<number> {
  const end = Date.now() + seconds * 1000;
  let done = 0;
  let next = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        await op(next++);
        done++;
      }
    }),
  );
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  const rate = done / elapsed;
  console.log(`${label.padEnd(44)} ${rate.toFixed(0).padStart(7)} /s  (${done} in ${elapsed.toFixed(2)} s, concurrency ${concurrency})`);
  return rate;
}

async function main(): Promise<void> {
  const seconds = Number(process.env.BENCH_SECONDS ?? "3");
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "dbserve-bench-"));
  const plane = await startPlane({ dataDir, deploySeconds: 0.05, rateLimit: { limit: 0 } });
  const headers = { Authorization: `Bearer ${plane.token}`, "Content-Type": "application/json" };
  const call = async (method: string, route: string, body?: unknown, want = 200) => {
    const res = await fetch(`${plane.url}${route}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    await res.arrayBuffer();
    if (res.status !== want) throw new Error(`${method} ${route}: ${res.status}`);
  };
  console.log(`dbserve plane bench: node ${process.version}, ${os.cpus().length} CPU(s), ${seconds} s per figure\n`);
  try {
    const health = await timed("GET /api/2.0/dbserve/health (no auth, no DB)", seconds, 8, () => call("GET", "/api/2.0/dbserve/health"));
    const get = await timed("GET /api/2.0/serving-endpoints/{name}", seconds, 8, () => call("GET", "/api/2.0/serving-endpoints/databricks-gte-large-en"));
    const list = await timed("GET /api/2.0/serving-endpoints (list)", seconds, 8, () => call("GET", "/api/2.0/serving-endpoints"));
    const cycle = await timed("create+delete endpoint cycle (no config)", seconds, 4, async (i) => {
      await call("POST", "/api/2.0/serving-endpoints", { name: `bench-${i}` });
      await call("DELETE", `/api/2.0/serving-endpoints/bench-${i}`);
    });
    const cycleCfg = await timed("create+delete cycle (PT config, deploys)", seconds, 4, async (i) => {
      await call("POST", "/api/2.0/serving-endpoints", {
        name: `benchpt-${i}`,
        config: { served_entities: [{ entity_name: "system.ai.gpt-oss-20b", entity_version: "1", provisioned_model_units: 10 }] },
      });
      await call("DELETE", `/api/2.0/serving-endpoints/benchpt-${i}`);
    });
    console.log("\nratios");
    console.log(`  GET endpoint / health                 ${(get / health).toFixed(2)}`);
    console.log(`  list / GET endpoint                   ${(list / get).toFixed(2)}`);
    console.log(`  create+delete cycle / GET endpoint    ${(cycle / get).toFixed(3)}  (each cycle = 2 durable, fsynced writes)`);
    console.log(`  PT cycle / plain cycle                ${(cycleCfg / cycle).toFixed(2)}`);
  } finally {
    await plane.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
