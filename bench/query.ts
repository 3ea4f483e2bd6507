/**
 * Query-path figures of the plane on this machine: throughput of each request kind, the cost of the AI gateway's
 * tables, external-model forwarding against a loopback upstream, and streaming latency (time to first chunk vs a whole
 * answer). Printed as figures and ratios against floors measured in the same run; asserts nothing.
 * Run: `npm run bench` (both benches) or `npx ts-node --transpile-only bench/query.ts`.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import type { AddressInfo } from "node:net";
import { startPlane } from "../plane";

async function timed(label: string, seconds: number, concurrency: number, op: () => Promise<void>): Promise<number> {
  const end = Date.now() + seconds * 1000;
  let done = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        await op();
        done++;
      }
    }),
  );
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  const rate = done / elapsed;
  console.log(`${label.padEnd(52)} ${rate.toFixed(0).padStart(7)} /s  (${done} in ${elapsed.toFixed(2)} s, concurrency ${concurrency})`);
  return rate;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

/** An OpenAI-compatible upstream on loopback that answers at once (the forwarding floor). */
async function upstream(): Promise<{ url: string; close(): Promise<void> }> {
  const body = JSON.stringify({ id: "u", object: "chat.completion", created: 0, model: "m", choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } });
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, close: () => new Promise((r) => (server.close(() => r()), server.closeAllConnections())) };
}

async function main(): Promise<void> {
  const seconds = Number(process.env.BENCH_SECONDS ?? "2");
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "dbserve-qbench-"));
  const plane = await startPlane({ dataDir, deploySeconds: 0.05, rateLimit: { limit: 0 } });
  const up = await upstream();
  const headers = { Authorization: `Bearer ${plane.token}`, "Content-Type": "application/json" };
  const post = async (route: string, body: unknown, base = plane.url) => {
    const res = await fetch(`${base}${route}`, { method: "POST", headers, body: JSON.stringify(body) });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${route}: ${res.status}`);
  };
  const ready = async (name: string) => {
    for (;;) {
      const r = (await (await fetch(`${plane.url}/api/2.0/serving-endpoints/${name}`, { headers })).json()) as { state?: { ready?: string } };
      if (r.state?.ready === "READY") return;
      await new Promise((res) => setTimeout(res, 20));
    }
  };
  console.log(`dbserve query bench: node ${process.version}, ${os.cpus().length} CPU(s), ${seconds} s per figure\n`);
  try {
    await post("/api/2.0/serving-endpoints", { name: "tracked", config: { served_entities: [{ entity_name: "system.ai.llama_v3_3_70b_instruct", entity_version: "3", max_provisioned_throughput: 1580 }] } });
    await post("/api/2.0/serving-endpoints", { name: "ext", config: { served_entities: [{ name: "e", external_model: { name: "m", provider: "openai", task: "llm/v1/chat", openai_config: { openai_api_key_plaintext: "k", openai_api_base: up.url } } }] } });
    await ready("tracked");
    await ready("ext");
    await fetch(`${plane.url}/api/2.0/serving-endpoints/tracked/ai-gateway`, {
      method: "PUT",
      headers,
      body: JSON.stringify({ usage_tracking_config: { enabled: true }, inference_table_config: { enabled: true, catalog_name: "main", schema_name: "b" } }),
    });
    const chat = { messages: [{ role: "system", content: "Provisioned throughput is sized in tokens per second. Pay-per-token endpoints are pre-provisioned." }, { role: "user", content: "How is throughput sized?" }] };
    const ppt = "/serving-endpoints/databricks-meta-llama-3-3-70b-instruct/invocations";

    const health = await timed("floor: GET /api/2.0/dbserve/health", seconds, 8, async () => {
      const r = await fetch(`${plane.url}/api/2.0/dbserve/health`);
      await r.arrayBuffer();
    });
    const chatRate = await timed("chat (pay-per-token, no tables)", seconds, 8, () => post(ppt, chat));
    const tracked = await timed("chat + usage and inference tables (fsynced rows)", seconds, 8, () => post("/serving-endpoints/tracked/invocations", chat));
    const emb = await timed("embeddings, 8 inputs x 1024 dims, float", seconds, 8, () =>
      post("/serving-endpoints/databricks-gte-large-en/invocations", { input: Array.from({ length: 8 }, (_, i) => `passage ${i} about serving`), encoding_format: "float" }),
    );
    const direct = await timed("floor: loopback upstream, direct", seconds, 8, () => post("/chat/completions", { model: "m", ...chat }, up.url));
    const forwarded = await timed("external model through the gateway", seconds, 8, () => post("/serving-endpoints/ext/invocations", chat));

    // Streaming latency: one client at a time, so the figures are latencies, not queueing.
    const long = { messages: [{ role: "user", content: "word ".repeat(200) }], stream: true };
    const ttfb: number[] = [];
    const total: number[] = [];
    const whole: number[] = [];
    let chunks = 0;
    const end = Date.now() + seconds * 1000;
    while (Date.now() < end) {
      const t0 = performance.now();
      const res = await fetch(`${plane.url}${ppt}`, { method: "POST", headers, body: JSON.stringify(long) });
      const reader = res.body!.getReader();
      let first = true;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (first) {
          ttfb.push(performance.now() - t0);
          first = false;
        }
        chunks += (Buffer.from(value).toString().match(/^data: /gm) ?? []).length;
      }
      total.push(performance.now() - t0);
      const t1 = performance.now();
      await post(ppt, { ...long, stream: false });
      whole.push(performance.now() - t1);
    }
    console.log(`\nstreaming an ~80-piece chat answer (${total.length} streams, ${Math.round(chunks / total.length)} events each)`);
    console.log(`  time to first chunk      p50 ${pct(ttfb, 50).toFixed(2)} ms   p95 ${pct(ttfb, 95).toFixed(2)} ms`);
    console.log(`  whole stream             p50 ${pct(total, 50).toFixed(2)} ms   p95 ${pct(total, 95).toFixed(2)} ms`);
    console.log(`  same answer, not streamed p50 ${pct(whole, 50).toFixed(2)} ms   p95 ${pct(whole, 95).toFixed(2)} ms`);

    console.log("\nratios");
    console.log(`  chat / health                          ${(chatRate / health).toFixed(2)}`);
    console.log(`  chat with tables / chat without        ${(tracked / chatRate).toFixed(2)}  (2 fsynced inserts per query)`);
    console.log(`  embeddings (8x1024) / chat             ${(emb / chatRate).toFixed(2)}`);
    console.log(`  forwarded / upstream direct            ${(forwarded / direct).toFixed(2)}`);
    console.log(`  first chunk / whole non-streamed (p50) ${(pct(ttfb, 50) / pct(whole, 50)).toFixed(2)}`);
  } finally {
    await plane.close();
    await up.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
