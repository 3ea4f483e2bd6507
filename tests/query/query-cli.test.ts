/**
 * `dbserve batch`, `dbserve usage` and `dbserve inference-log` as a user runs them: the built CLI against a plane
 * process. Batch: retries through injected 503s, a kill -9 mid-run, and a resumed run that sends no finished row again.
 */
import { execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { startPlaneProcess, type PlaneProcess } from "../helpers/plane";
import { REPO, tempDir } from "../helpers/paths";

const ENDPOINT = "databricks-gte-large-en";
let plane: PlaneProcess;
let dir: string;

const cli = (args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATABRICKS_HOST: plane.url, DATABRICKS_TOKEN: plane.token };
    delete env.DATABRICKS_CONFIG_PROFILE;
    execFile(process.execPath, [path.join(REPO, "bin/dbserve.js"), ...args], { env, cwd: dir }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr }),
    );
  });

async function admin(method: string, route: string, body?: unknown): Promise<Record<string, unknown>> {
  const r = await fetch(`${plane.url}${route}`, { method, headers: { Authorization: `Bearer ${plane.token}`, "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  return (await r.json()) as Record<string, unknown>;
}

beforeAll(async () => {
  plane = await startPlaneProcess();
  dir = tempDir("batch");
  await admin("PUT", `/api/2.0/serving-endpoints/${ENDPOINT}/ai-gateway`, { usage_tracking_config: { enabled: true }, inference_table_config: { enabled: true, catalog_name: "main", schema_name: "logs" } });
});
afterAll(async () => {
  await plane?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const ROWS = 40;
function writeInput(file: string): void {
  const lines = Array.from({ length: ROWS }, (_, i) => JSON.stringify({ input: [`document number ${i + 1} about serving`], client_request_id: `row-${i + 1}` }));
  lines.splice(10, 0, ""); // a blank line keeps its number
  lines.push("not json");
  fs.writeFileSync(file, lines.join("\n") + "\n");
}

function outputRows(file: string): Record<string, unknown>[] {
  return fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

test("batch retries 503s, survives kill -9, and a rerun finishes without sending a finished row again", async () => {
  const input = path.join(dir, "rows.jsonl");
  const output = path.join(dir, "out.jsonl");
  writeInput(input);
  // Three outages to retry through (rules fire in order), then slow queries so the kill lands mid-run.
  await admin("POST", "/api/2.0/dbserve/faults", { kind: "error", status: 503, route: `/serving-endpoints/${ENDPOINT}/invocations`, times: 3 });
  await admin("POST", "/api/2.0/dbserve/faults", { kind: "latency", latency_ms: 150, route: `/serving-endpoints/${ENDPOINT}/invocations` });
  const child = spawn(process.execPath, [path.join(REPO, "bin/dbserve.js"), "batch", "--endpoint", ENDPOINT, "--input", input, "--output", output, "--concurrency", "3"], {
    env: { ...process.env, DATABRICKS_HOST: plane.url, DATABRICKS_TOKEN: plane.token },
    stdio: "ignore",
  });
  const killedAfter = await new Promise<number>((resolve) => {
    const poll = setInterval(() => {
      const n = fs.existsSync(output) ? outputRows(output).length : 0;
      if (n >= 8) {
        clearInterval(poll);
        child.kill("SIGKILL");
        resolve(n);
      }
    }, 20);
  });
  await new Promise((r) => child.once("exit", r));
  const firstRun = outputRows(output);
  expect(firstRun.length).toBeGreaterThanOrEqual(killedAfter);
  expect(firstRun.length).toBeLessThan(ROWS);
  // The three injected 503s were spent in the first run, and no row ended as a 503: they were retried.
  const left = (await admin("GET", "/api/2.0/dbserve/faults")).faults as { kind: string }[];
  expect(left.map((f) => f.kind)).toEqual(["latency"]);
  expect(firstRun.filter((r) => r.status === 503)).toEqual([]);
  await admin("DELETE", "/api/2.0/dbserve/faults");

  const rerun = await cli(["batch", "--endpoint", ENDPOINT, "--input", input, "--output", output, "--concurrency", "4"]);
  expect(rerun.stderr).toMatch(new RegExp(`${ROWS + 1} rows: \\d+ ok, 1 failed, ${firstRun.length} already done, 0 left`));
  expect(rerun.code).toBe(1); // the "not json" row failed

  const all = outputRows(output);
  const byRow = new Map(all.map((r) => [r.row as number, r]));
  expect(all).toHaveLength(ROWS + 1);
  expect(byRow.size).toBe(ROWS + 1); // each row once
  expect(byRow.get(11)).toBeUndefined(); // the blank line
  const ok = all.filter((r) => r.status === 200);
  expect(ok).toHaveLength(ROWS);
  for (const r of ok) expect(((r.response as { data: { embedding: string | number[] }[] }).data[0].embedding as number[]).length).toBe(1024);
  expect(all.find((r) => r.status === 0)).toMatchObject({ row: ROWS + 2, error: { error_code: "INVALID_INPUT_ROW" } });

  // What the plane saw: rows finished in the first run were never sent again.
  const usage = (await admin("GET", `/api/2.0/dbserve/serving-endpoints/${ENDPOINT}/usage?max_results=1000`)).rows as { client_request_id: string; status_code: number }[];
  const sent = new Map<string, number>();
  for (const u of usage.filter((x) => x.status_code === 200)) sent.set(u.client_request_id, (sent.get(u.client_request_id) ?? 0) + 1);
  for (const r of firstRun.filter((x) => x.status === 200)) {
    const id = `row-${(r.row as number) <= 10 ? (r.row as number) : (r.row as number) - 1}`;
    expect(sent.get(id)).toBe(1);
  }
});

test("usage and inference-log read the tables back", async () => {
  const usage = await cli(["usage", "--endpoint", ENDPOINT, "--limit", "5"]);
  expect(usage.code).toBe(0);
  expect(usage.stdout.split("\n")[0]).toMatch(/^request_time\s+endpoint_name\s+served_entity_name\s+requester\s+status_code/);
  expect(usage.stdout).toContain("admin@dbserve.local");
  const json = await cli(["usage", "--endpoint", ENDPOINT, "--json", "--limit", "3"]);
  const rows = json.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(rows).toHaveLength(3);
  expect(rows[0]).toMatchObject({ endpoint_name: ENDPOINT, requester: "admin@dbserve.local" });
  const log = await cli(["inference-log", "--endpoint", ENDPOINT, "--json", "--since", "1h", "--limit", "2"]);
  const logRows = log.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(logRows[0]).toMatchObject({ table_name: `main.logs.${ENDPOINT}_payload` });
  expect(JSON.parse(String(logRows[0].request)).input).toBeDefined();
  const bad = await cli(["usage", "--since", "yesterday"]);
  expect([bad.code, bad.stderr]).toEqual([2, expect.stringMatching(/--since must look like/)]);
});
