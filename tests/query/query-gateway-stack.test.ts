/**
 * Acceptance, end to end: a Pulumi program (through the real Pulumi CLI) declares an AI gateway on a pay-per-token
 * endpoint with `calls: 2` per minute per user, a PII BLOCK input guardrail, usage tracking and an inference table;
 * the official `openai` client then queries the plane the way an application would.
 */
import OpenAI from "openai";
import { startPlaneProcess, type PlaneProcess } from "../helpers/plane";
import { TestStack } from "../helpers/stack";

const ENDPOINT = "databricks-meta-llama-3-3-70b-instruct";
const PROGRAM = `
import * as serving from "pulumi-databricks-serving";
const gw = new serving.PayPerTokenGateway("llama-governed", {
  endpoint: "${ENDPOINT}",
  aiGateway: {
    usageTracking: true,
    rateLimits: [{ calls: 2, key: "user" }],
    guardrails: { input: { pii: "BLOCK" } },
    inferenceTable: { enabled: true, catalogName: "main", schemaName: "governance", tableNamePrefix: "llama" },
  },
});
export const endpoint = gw.endpoint;
`;

let plane: PlaneProcess;
let stack: TestStack;

beforeAll(async () => {
  plane = await startPlaneProcess();
  stack = await TestStack.create({ program: PROGRAM, plane });
});
afterAll(async () => {
  if (stack) {
    await stack.destroy();
    stack.dispose();
  }
  await plane?.stop();
});

async function api(path: string, token = plane.token): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(`${plane.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

test("the declared gateway governs queries: 2 calls a minute, PII blocked, every query in the usage and inference tables", async () => {
  const up = await stack.up();
  if (up.code !== 0) console.log(up.stdout, up.stderr);
  expect(up.code).toBe(0);

  const client = (token: string) => new OpenAI({ apiKey: token, baseURL: `${plane.url}/serving-endpoints`, maxRetries: 0 });
  const ask = (token: string, content: string) => client(token).chat.completions.create({ model: ENDPOINT, messages: [{ role: "user", content }] });

  const first = await ask(plane.token, "What is a serving endpoint?");
  expect(first.choices[0].message.content).toBe("You asked: What is a serving endpoint?");
  await ask(plane.token, "And a gateway?");
  const third = await ask(plane.token, "One more?").catch((e: unknown) => e);
  expect(third).toBeInstanceOf(OpenAI.RateLimitError);
  const retryAfter = Number((third as InstanceType<typeof OpenAI.RateLimitError>).headers?.get("retry-after"));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);

  // Another user has their own two calls; their prompt with an e-mail address is blocked by the guardrail.
  const res = await fetch(`${plane.url}/api/2.0/dbserve/users`, {
    method: "POST",
    headers: { Authorization: `Bearer ${plane.token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ user_name: "analyst@example.com" }),
  });
  const analyst = String(((await res.json()) as { token: string }).token);
  const blocked = await ask(analyst, "Summarise the ticket from maria.rossi@example.com").catch((e: unknown) => e);
  expect(blocked).toBeInstanceOf(OpenAI.BadRequestError);
  expect((blocked as InstanceType<typeof OpenAI.BadRequestError>).message).toMatch(/guardrail.*EMAIL_ADDRESS/);

  const usage = await api(`/api/2.0/dbserve/serving-endpoints/${ENDPOINT}/usage`);
  expect((usage.body.rows as { status_code: number; requester: string }[]).map((r) => [r.status_code, r.requester])).toEqual([
    [200, "admin@dbserve.local"],
    [200, "admin@dbserve.local"],
    [429, "admin@dbserve.local"],
    [400, "analyst@example.com"],
  ]);
  const log = await api(`/api/2.0/dbserve/serving-endpoints/${ENDPOINT}/inference-log`);
  const rows = log.body.rows as { table_name: string; request: string; response: string; status_code: number }[];
  expect(rows.map((r) => r.table_name)).toEqual(Array(4).fill("main.governance.llama_payload"));
  expect(JSON.parse(rows[0].response).choices[0].message.content).toBe("You asked: What is a serving endpoint?");
  expect(rows[3].request).not.toContain("maria.rossi");
  // The tables are not for every user.
  expect((await api(`/api/2.0/dbserve/serving-endpoints/${ENDPOINT}/usage`, analyst)).status).toBe(403);
});
