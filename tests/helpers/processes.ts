import { execFileSync } from "node:child_process";

/** Process ids under `root` (processes this test started), with their command names. */
export function descendants(root: number): { pid: number; comm: string }[] {
  const rows = execFileSync("ps", ["-eo", "pid=,ppid=,comm="], { encoding: "utf8" }).trim().split("\n").map((l) => l.trim().split(/\s+/));
  const out: { pid: number; comm: string }[] = [];
  const walk = (p: number) => rows.filter((r) => Number(r[1]) === p).forEach((r) => (out.push({ pid: Number(r[0]), comm: r[2] }), walk(Number(r[0]))));
  walk(root);
  return out;
}

/**
 * `kill -9` the one `pulumi` CLI this test process is running and everything it started (language host, dynamic
 * provider), as a crash would: nothing more gets recorded. Planes are children of the test process too: not touched.
 * Returns how many CLI processes were found (the caller expects exactly one).
 */
export function killPulumi(): number {
  const cli = descendants(process.pid).filter((p) => p.comm === "pulumi");
  for (const c of cli) {
    for (const p of [c, ...descendants(c.pid)]) {
      try {
        process.kill(p.pid, "SIGKILL");
      } catch {
        /* already gone */
      }
    }
  }
  return cli.length;
}
