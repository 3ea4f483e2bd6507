import * as fs from "node:fs";
import * as path from "node:path";
import { freshDir, sleep } from "./harness";
import { call, killHard, runCli, startCli } from "./cli";

/**
 * The plane as users run it: `dbserve plane start|stop|status` in child processes, killed with SIGKILL mid-deployment
 * and restarted on the same data dir.
 */
test("start prints exactly the two env lines; token file is 0600; plane.json while listening", async () => {
  const dir = freshDir("cli");
  const s = await startCli(dir);
  try {
    await sleep(100);
    expect(s.stdout).toMatch(/^DATABRICKS_HOST=http:\/\/127\.0\.0\.1:\d+\nDATABRICKS_TOKEN=\S+\n$/);
    expect(fs.statSync(path.join(dir, "token")).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(path.join(dir, "token"), "utf8").trim()).toBe(s.token);
    const info = JSON.parse(fs.readFileSync(path.join(dir, "plane.json"), "utf8"));
    expect(info).toEqual({ pid: s.child.pid, port: Number(new URL(s.url).port), url: s.url });
  } finally {
    await new Promise<void>((resolve) => {
      s.child.removeAllListeners("exit");
      s.child.once("exit", () => resolve());
      s.child.kill("SIGTERM");
    });
  }
  expect(fs.existsSync(path.join(dir, "plane.json"))).toBe(false);
});

test("kill -9 mid-deployment, restart: the endpoint converges and nothing acknowledged is lost", async () => {
  const dir = freshDir("durable");
  const first = await startCli(dir, ["--deploy-seconds", "2"]);
  expect((await call(first, "POST", "/api/2.1/unity-catalog/models", { catalog_name: "main", schema_name: "d", name: "m" })).status).toBe(200);
  const created = await call(first, "POST", "/api/2.0/serving-endpoints", {
    name: "durable",
    config: { served_entities: [{ entity_name: "system.ai.gpt-oss-20b", entity_version: "1", provisioned_model_units: 10 }] },
    tags: [{ key: "k", value: "v" }],
  });
  expect(created.body.state).toEqual({ ready: "NOT_READY", config_update: "IN_PROGRESS" });
  expect((await call(first, "PUT", "/api/2.0/serving-endpoints/durable/ai-gateway", { usage_tracking_config: { enabled: true } })).status).toBe(200);
  await killHard(first.child);
  // The stale plane.json of the dead process does not stop a restart.
  expect(fs.existsSync(path.join(dir, "plane.json"))).toBe(true);

  const second = await startCli(dir, ["--deploy-seconds", "2"]);
  try {
    expect(second.token).toBe(first.token);
    const got = await call(second, "GET", "/api/2.0/serving-endpoints/durable");
    expect(got.status).toBe(200);
    expect(got.body.id).toBe(created.body.id);
    expect(got.body.tags).toEqual([{ key: "k", value: "v" }]);
    expect(got.body.ai_gateway).toEqual({ usage_tracking_config: { enabled: true } });
    expect((await call(second, "GET", "/api/2.1/unity-catalog/models/main.d.m")).status).toBe(200);
    // The deployment resumes from its stored deadline and completes.
    const deadline = Date.now() + 10000;
    let state: unknown;
    while (Date.now() < deadline) {
      state = (await call(second, "GET", "/api/2.0/serving-endpoints/durable")).body.state;
      if ((state as { ready: string }).ready === "READY") break;
      await sleep(100);
    }
    expect(state).toEqual({ ready: "READY", config_update: "NOT_UPDATING" });
    expect(Date.now() - (created.body.creation_timestamp as number)).toBeGreaterThanOrEqual(1900);
  } finally {
    await killHard(second.child);
  }
});

test("--detach, status and stop", async () => {
  const dir = freshDir("detach");
  const started = runCli(["plane", "start", "--data", dir, "--detach", "--deploy-seconds", "0.2"]);
  expect(started.status).toBe(0);
  const lines = started.stdout.trim().split("\n");
  expect(lines).toHaveLength(2);
  const url = lines[0].replace("DATABRICKS_HOST=", "");
  const token = lines[1].replace("DATABRICKS_TOKEN=", "");
  try {
    expect((await call({ url, token }, "GET", "/api/2.0/serving-endpoints")).status).toBe(200);
    const status = runCli(["plane", "status", "--data", dir]);
    expect(status.status).toBe(0);
    expect(status.stdout).toMatch(/running .*healthy/);
    // Already running: a second start uses it (prints its lines, exits 0) rather than starting another.
    const again = runCli(["plane", "start", "--data", dir, "--detach"]);
    expect(again.status).toBe(0);
    expect(again.stdout.trim().split("\n")).toEqual(lines);
  } finally {
    const stopped = runCli(["plane", "stop", "--data", dir]);
    expect(stopped.status).toBe(0);
  }
  expect(fs.existsSync(path.join(dir, "plane.json"))).toBe(false);
  const after = runCli(["plane", "status", "--data", dir]);
  expect(after.status).toBe(1);
  expect(after.stdout).toMatch(/stopped/);
});
