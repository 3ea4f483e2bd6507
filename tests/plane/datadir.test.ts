import * as fs from "node:fs";
import * as path from "node:path";
import { PlaneRunningError, startPlane } from "../../plane";
import { pidAlive } from "../../plane/datadir";
import { freshDir, sleep } from "./harness";
import { killHard, runCli, spawnCli, startCli } from "./cli";

/**
 * The data directory: one plane per directory, held by an exclusive lock taken before anything else (issue 9 item 3),
 * and private files, enforced at every start (item 7). Concurrency is tested with real processes.
 */
const envLines = (stdout: string) => stdout.trim().split("\n").filter((l) => /^DATABRICKS_(HOST|TOKEN)=/.test(l));

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (cond()) return true;
    await sleep(50);
  }
  return cond();
}

describe("one plane per data directory", () => {
  test("three `dbserve plane start` at once: one serves, the others print its URL lines and exit 0; `plane stop` stops it", async () => {
    const dir = freshDir("lock");
    const starts = [0, 1, 2].map(() => spawnCli(["plane", "start", "--data", dir, "--port", "0", "--deploy-seconds", "0.2"]));
    try {
      // Every start prints the same two lines: the winner's.
      expect(await waitFor(() => starts.every((s) => envLines(s.output().stdout).length === 2), 60_000)).toBe(true);
      const lines = starts.map((s) => envLines(s.output().stdout).join("\n"));
      expect(new Set(lines).size).toBe(1);
      // Exactly one keeps running; the others exited cleanly.
      expect(await waitFor(() => starts.filter((s) => s.child.exitCode === null).length === 1, 30_000)).toBe(true);
      const losers = starts.filter((s) => s.child.exitCode !== null);
      for (const l of losers) expect(l.child.exitCode).toBe(0);
      const winner = starts.find((s) => s.child.exitCode === null)!;
      const info = JSON.parse(fs.readFileSync(path.join(dir, "plane.json"), "utf8"));
      expect(info.pid).toBe(winner.child.pid);
      // Writes work (no `database is locked` from a second plane).
      const [host, token] = envLines(winner.output().stdout).map((l) => l.split("=")[1]);
      const created = await fetch(`${host}/api/2.0/serving-endpoints`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: JSON.stringify({ name: "after-race" }),
      });
      expect(created.status).toBe(200);

      const stopped = runCli(["plane", "stop", "--data", dir]);
      expect(stopped.status).toBe(0);
      const done = await winner.exited;
      expect(done.code).toBe(0);
      for (const s of starts) expect(pidAlive(s.child.pid!)).toBe(false);
      expect(runCli(["plane", "status", "--data", dir]).status).toBe(1);
    } finally {
      for (const s of starts) if (s.child.exitCode === null) s.child.kill("SIGKILL");
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("two `--detach` starts at once both print the one plane's lines and exit 0", async () => {
    const dir = freshDir("lock-detach");
    try {
      const a = spawnCli(["plane", "start", "--data", dir, "--detach"]);
      const b = spawnCli(["plane", "start", "--data", dir, "--detach"]);
      const [ra, rb] = await Promise.all([a.exited, b.exited]);
      expect([ra.code, rb.code]).toEqual([0, 0]);
      expect(envLines(ra.stdout)).toHaveLength(2);
      expect(envLines(ra.stdout)).toEqual(envLines(rb.stdout));
      const info = JSON.parse(fs.readFileSync(path.join(dir, "plane.json"), "utf8"));
      expect(pidAlive(info.pid)).toBe(true);
      expect(runCli(["plane", "stop", "--data", dir]).status).toBe(0);
      expect(await waitFor(() => !pidAlive(info.pid), 10_000)).toBe(true);
    } finally {
      runCli(["plane", "stop", "--data", dir]);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a plane killed with SIGKILL leaves no lock behind: the next start serves at once", async () => {
    const dir = freshDir("lock-kill");
    try {
      const first = await startCli(dir);
      await killHard(first.child);
      const t0 = Date.now();
      const second = await startCli(dir);
      expect(Date.now() - t0).toBeLessThan(20_000);
      expect(second.token).toBe(first.token);
      await killHard(second.child);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a plane from before the lock (serving, but holding no lock) is used, not raced", async () => {
    const other = freshDir("lock-legacy-a");
    const dir = freshDir("lock-legacy-b");
    const running = await startCli(other);
    try {
      // What a pre-lock plane leaves: a live plane.json and a token, no lock held.
      fs.copyFileSync(path.join(other, "plane.json"), path.join(dir, "plane.json"));
      fs.copyFileSync(path.join(other, "token"), path.join(dir, "token"));
      const err = await startPlane({ dataDir: dir }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(PlaneRunningError);
      expect((err as PlaneRunningError).info.url).toBe(running.url);
    } finally {
      await killHard(running.child);
      fs.rmSync(other, { recursive: true, force: true });
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("in one process, a second startPlane on the directory finds the running plane", async () => {
    const dir = freshDir("lock-inproc");
    const plane = await startPlane({ dataDir: dir });
    try {
      const err = await startPlane({ dataDir: dir }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(PlaneRunningError);
      expect((err as PlaneRunningError).info.url).toBe(plane.url);
      expect((err as PlaneRunningError).token).toBe(plane.token);
    } finally {
      await plane.close();
    }
    // Released on close: the directory can be served again.
    const again = await startPlane({ dataDir: dir });
    await again.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe("private data files", () => {
  const mode = (p: string) => fs.statSync(p).mode & 0o777;

  test("a 0755 directory with 0644 files is made 0700 / 0600 at start, WAL and SHM included", async () => {
    const dir = freshDir("perms");
    // A directory left world-readable, from an earlier run, with readable files.
    const first = await startPlane({ dataDir: dir });
    await fetch(`${first.url}/api/2.0/serving-endpoints`, {
      method: "POST",
      headers: { Authorization: `Bearer ${first.token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ name: "e", config: { served_entities: [{ entity_name: "system.ai.gpt-oss-20b", entity_version: "1", provisioned_model_units: 10, environment_vars: { SECRET: "s3cr3t" } }] } }),
    });
    await first.close();
    fs.writeFileSync(path.join(dir, "plane.log"), "old log\n");
    fs.chmodSync(dir, 0o755);
    for (const f of ["token", "plane.db", "plane.log", "plane.lock"]) fs.chmodSync(path.join(dir, f), 0o644);

    const plane = await startPlane({ dataDir: dir });
    try {
      // A write makes sure the WAL and SHM exist while it runs.
      await fetch(`${plane.url}/api/2.0/serving-endpoints`, {
        method: "POST",
        headers: { Authorization: `Bearer ${plane.token}`, "Content-Type": "application/json" },
        body: JSON.stringify({ name: "f" }),
      });
      expect(mode(dir)).toBe(0o700);
      const files = fs.readdirSync(dir);
      expect(files).toEqual(expect.arrayContaining(["token", "plane.db", "plane.db-wal", "plane.db-shm", "plane.log", "plane.json", "plane.lock"]));
      for (const f of files) expect([f, mode(path.join(dir, f))]).toEqual([f, 0o600]);
    } finally {
      await plane.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("`dbserve plane start --detach` creates its log 0600", async () => {
    const dir = freshDir("perms-detach");
    try {
      expect(runCli(["plane", "start", "--data", dir, "--detach"]).status).toBe(0);
      expect(mode(path.join(dir, "plane.log"))).toBe(0o600);
      expect(mode(path.join(dir, "plane.json"))).toBe(0o600);
      expect(mode(dir)).toBe(0o700);
    } finally {
      runCli(["plane", "stop", "--data", dir]);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
