// The app side: index docs/*.md with the embeddings endpoint, retrieve the passages nearest to a question, and ask the
// chat endpoint to answer from them — with the official `openai` client, as against any Databricks workspace
// (base URL `<host>/serving-endpoints`, the endpoint name as the model). Endpoints come from `pulumi stack output`.
//   npx ts-node rag.ts "How is provisioned throughput sized?" [--compare]
// Connection: DATABRICKS_HOST and DATABRICKS_TOKEN, else the embedded plane the stack used ($DBSERVE_DATA or ~/.dbserve).
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import OpenAI from "openai";

function connection(): { host: string; token: string } {
  if (process.env.DATABRICKS_HOST && process.env.DATABRICKS_TOKEN) return { host: process.env.DATABRICKS_HOST, token: process.env.DATABRICKS_TOKEN };
  const dir = process.env.DBSERVE_DATA || path.join(os.homedir(), ".dbserve");
  const info = JSON.parse(fs.readFileSync(path.join(dir, "plane.json"), "utf8")) as { url: string };
  return { host: info.url, token: fs.readFileSync(path.join(dir, "token"), "utf8").trim() };
}

function chunks(): { source: string; text: string }[] {
  const dir = path.join(__dirname, "docs");
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".md"))
    .sort()
    .flatMap((f) =>
      fs
        .readFileSync(path.join(dir, f), "utf8")
        .split(/\n\s*\n/)
        .map((p) => p.replace(/^#+\s.*$/gm, "").trim())
        .filter((p) => p.length > 0)
        .map((text) => ({ source: f, text })),
    );
}

const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const question = args.find((a) => !a.startsWith("--")) ?? "How is provisioned throughput sized?";
  const outputs = JSON.parse(execFileSync("pulumi", ["stack", "output", "--json"], { encoding: "utf8" })) as Record<string, string>;
  const { host, token } = connection();
  const client = new OpenAI({ apiKey: token, baseURL: `${host}/serving-endpoints` });

  const passages = chunks();
  const embedded = await client.embeddings.create({ model: outputs.embeddingsEndpoint, input: [question, ...passages.map((p) => p.text)] });
  const [q, ...vectors] = embedded.data.map((d) => d.embedding);
  const ranked = passages.map((p, i) => ({ ...p, score: dot(q, vectors[i]) })).sort((a, b) => b.score - a.score);
  const context = ranked.slice(0, 2);
  console.log(`retrieved: ${context.map((c) => `${c.source} (${c.score.toFixed(3)})`).join(", ")}`);

  const ask = async (model: string) => {
    const started = Date.now();
    const r = await client.chat.completions.create({
      model,
      messages: [
        { role: "system", content: `Answer from these passages only.\n\n${context.map((c) => c.text).join("\n\n")}` },
        { role: "user", content: question },
      ],
      max_tokens: 256,
    });
    return { model, answer: r.choices[0].message.content ?? "", tokens: r.usage?.total_tokens ?? 0, ms: Date.now() - started };
  };
  const models = args.includes("--compare") ? [outputs.chatEndpoint, outputs.compareEndpoint] : [outputs.chatEndpoint];
  for (const r of await Promise.all(models.map(ask))) {
    console.log(`\n[${r.model}] ${r.tokens} tokens, ${r.ms} ms\nanswer: ${r.answer}`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
