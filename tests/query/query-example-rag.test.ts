/**
 * examples/rag-local end to end: `pulumi up` declares the estate, then the example's own app (rag.ts, the openai
 * client) retrieves with the embeddings endpoint and answers with the chat endpoint, comparing two models; the chat
 * endpoint's usage and inference tables hold the queries.
 */
import { startPlaneProcess, type PlaneProcess } from "../helpers/plane";
import { TestStack } from "../helpers/stack";

let plane: PlaneProcess;
let stack: TestStack;

beforeAll(async () => {
  plane = await startPlaneProcess();
  stack = await TestStack.create({ example: "rag-local", plane });
});
afterAll(async () => {
  if (stack) {
    await stack.destroy();
    stack.dispose();
  }
  await plane?.stop();
});

test("up, then the app retrieves the right passage and both models answer from it", async () => {
  const up = await stack.up();
  if (up.code !== 0) console.log(up.stdout, up.stderr);
  expect(up.code).toBe(0);
  const run = await stack.exec(process.execPath, ["-r", "ts-node/register/transpile-only", "rag.ts", "How is provisioned throughput sized?", "--compare"]);
  if (run.code !== 0) console.log(run.stdout, run.stderr);
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(/^retrieved: provisioned-throughput\.md/m);
  const answers = run.stdout.match(/^answer: .*$/gm) ?? [];
  expect(answers).toEqual(Array(2).fill("answer: Provisioned throughput is sized in tokens per second, in multiples of the chunk size the model reports."));
  expect(run.stdout).toContain("[databricks-meta-llama-3-3-70b-instruct]");

  const chat = String((await stack.outputs()).chatEndpoint);
  const usage = await fetch(`${plane.url}/api/2.0/dbserve/serving-endpoints/${chat}/inference-log`, { headers: { Authorization: `Bearer ${plane.token}` } });
  const rows = ((await usage.json()) as { rows: { table_name: string; status_code: number }[] }).rows;
  expect(rows.map((r) => [r.table_name, r.status_code])).toEqual([["main.rag.assistant_payload", 200]]);
});
