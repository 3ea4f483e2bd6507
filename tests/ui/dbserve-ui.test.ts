import { spawn, execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO, tempDir } from "../helpers/paths";
import { startPlaneProcess } from "../helpers/plane";

/** `dbserve ui`, run as users run it (the compiled bin): the sign-in link for a running plane, or a plane of its own. */
const BIN = path.join(REPO, "bin", "dbserve.js");

function runUi(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, "ui", ...args], { env: { ...process.env, ...env }, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function redeem(url: string): Promise<Response> {
  const u = new URL(url);
  const code = u.hash.replace(/^#code=/, "");
  return fetch(`${u.origin}/api/2.0/dbserve/ui/session`, { method: "POST", headers: { "Content-Type": "application/json", "X-Dbserve-UI": "1" }, body: JSON.stringify({ code }) });
}

test("with a plane running on the data dir: prints one sign-in link (stdout) that signs in once", async () => {
  const plane = await startPlaneProcess();
  try {
    const out = await runUi(["--data", plane.dataDir]);
    expect(out.code).toBe(0);
    const lines = out.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^${plane.url}/login#code=[A-Za-z0-9_-]+$`));
    expect(out.stdout + out.stderr).not.toContain(plane.token);
    expect(out.stderr).toContain("works once");
    const first = await redeem(lines[0]);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ user_name: "admin@dbserve.local", admin: true });
    expect((await redeem(lines[0])).status).toBe(401);
    // The compiled plane (dist/) finds the page's packaged assets.
    const shell = await fetch(`${plane.url}/ml/endpoints`);
    expect(shell.status).toBe(200);
    expect(await shell.text()).toContain('<script type="module" src="/ui/assets/app.js">');
  } finally {
    await plane.stop();
  }
});

test("with no plane running: starts one in the foreground, prints the link, stops cleanly on SIGTERM", async () => {
  const dataDir = tempDir("ui-cli");
  const child = spawn(process.execPath, [BIN, "ui", "--data", dataDir, "--port", "0", "--deploy-seconds", "0.1"], { stdio: ["ignore", "pipe", "pipe"] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error("no link within 30 s")), 30_000);
      child.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /^(http:\/\/127\.0\.0\.1:\d+\/login#code=\S+)$/m.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.on("exit", (code) => reject(new Error(`exited ${code}`)));
    });
    expect(fs.existsSync(path.join(dataDir, "plane.json"))).toBe(true);
    expect((await redeem(url)).status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(fs.existsSync(path.join(dataDir, "plane.json"))).toBe(false);
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test("usage errors exit 2 with what to do; an unreachable host exits 1 naming it", async () => {
  const noToken = await runUi(["--host", "http://127.0.0.1:9"], { DATABRICKS_TOKEN: "" });
  expect(noToken.code).toBe(2);
  expect(noToken.stderr).toContain("--host needs --token");
  const tokenOnly = await runUi(["--token", "dapi123"]);
  expect(tokenOnly.code).toBe(2);
  expect(tokenOnly.stderr).toContain("--token goes with --host");
  const detach = await runUi(["--detach"]);
  expect(detach.code).toBe(2);
  const down = await runUi(["--host", "http://127.0.0.1:9", "--token", "dapi123"]);
  expect(down.code).toBe(1);
  expect(down.stderr).toContain("No plane answers at http://127.0.0.1:9");
  expect(down.stderr).not.toContain("dapi123");
});
