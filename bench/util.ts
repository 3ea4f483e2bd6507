/** Small helpers the benches share: flags, medians, percentiles, plain-text tables, the Pulumi CLI. */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { REPO } from "../tests/helpers/paths";

/** `--name value` or `--name=value` from argv. */
export function flag(name: string): string | undefined {
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === `--${name}`) return argv[i + 1];
    if (argv[i].startsWith(`--${name}=`)) return argv[i].slice(name.length + 3);
  }
  return undefined;
}

export function flagNumber(name: string): number | undefined {
  const v = flag(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number, got ${JSON.stringify(v)}`);
  return n;
}

export function flagList(name: string): number[] | undefined {
  const v = flag(name);
  if (v === undefined) return undefined;
  return v.split(",").map((x) => {
    const n = Number(x);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} takes positive integers separated by commas, got ${JSON.stringify(v)}`);
    return n;
  });
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  // The last column (calls) may be long: it is not padded.
  const fmt = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join("  ");
  return [fmt(header), fmt(widths.map((w) => "-".repeat(w))), ...rows.map(fmt)].join("\n");
}

/** Makes the Pulumi CLI available to TestStack (as tests/global-setup.js does): PULUMI_BIN_DIR. */
export function ensurePulumi(): void {
  if (process.env.PULUMI_BIN_DIR) return;
  process.env.PULUMI_BIN_DIR = execFileSync("bash", [path.join(REPO, "scripts/ensure-pulumi")], { cwd: REPO, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
}
