/**
 * `dbserve batch`: run a JSONL file of request bodies through an endpoint's `/invocations` — on the local plane or a
 * real workspace — with bounded concurrency, retries on 429/502/503/504 and dropped connections (honouring
 * `Retry-After`, else capped exponential backoff with jitter), a progress bar, and resumption: every finished row is
 * appended to the output as `{"row", "status", "response" | "error"}` the moment it finishes, so a rerun after an
 * interruption (Ctrl-C, a kill, a crash) skips the rows already there and never sends them again. Rows whose retries
 * ran out are not written, so the next run tries them again. Output lines are in completion order; `row` is the
 * input line number (1-based, blank lines counted).
 */
import * as fs from "node:fs";
import { SingleBar } from "cli-progress";
import { flag, numberFlag, parseArgs, UsageError } from "./args";
import { resolveWorkspace, type Workspace } from "./workspace";

export const BATCH_USAGE = `  dbserve batch --endpoint NAME --input rows.jsonl --output out.jsonl [--concurrency 4] [--max-retries 8] [--data DIR]`;

const RETRYABLE = new Set([429, 502, 503, 504]);

export interface BatchOptions {
  endpoint: string;
  input: string;
  output: string;
  concurrency: number;
  maxRetries: number;
  /** Progress output (stderr); tests pass a sink. */
  progress?: NodeJS.WritableStream;
  /** Stop scheduling new rows when aborted (SIGINT). */
  signal?: AbortSignal;
}

export interface BatchSummary {
  total: number;
  skipped: number;
  ok: number;
  failed: number;
  left: number;
  retries: number;
  seconds: number;
}

/** Row numbers already in the output; a torn last line (killed mid-write) is cut off first. */
export function finishedRows(output: string): Set<number> {
  const done = new Set<number>();
  if (!fs.existsSync(output)) return done;
  let text = fs.readFileSync(output, "utf8");
  if (text.length > 0 && !text.endsWith("\n")) {
    text = text.slice(0, text.lastIndexOf("\n") + 1);
    fs.truncateSync(output, Buffer.byteLength(text));
  }
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const row = (JSON.parse(line) as { row?: unknown }).row;
      if (typeof row === "number") done.add(row);
    } catch {
      /* a line we did not write: leave it */
    }
  }
  return done;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });

type Outcome = { kind: "done"; line: Record<string, unknown>; ok: boolean } | { kind: "gave-up" };

async function send(ws: Workspace, opts: BatchOptions, row: number, body: string, onRetry: () => void): Promise<Outcome> {
  for (let attempt = 0; ; attempt++) {
    let status: number;
    let text: string;
    let retryAfter: string | null = null;
    try {
      const headers = new Headers({ "Content-Type": "application/json", Accept: "application/json" });
      await ws.authenticate(headers);
      const res = await fetch(`${ws.host}/serving-endpoints/${encodeURIComponent(opts.endpoint)}/invocations`, { method: "POST", headers, body });
      status = res.status;
      text = await res.text();
      retryAfter = res.headers.get("retry-after");
    } catch (err) {
      status = 0;
      text = (err as Error).message;
    }
    if (status === 200) return { kind: "done", ok: true, line: { row, status, response: JSON.parse(text) } };
    if ((status === 0 || RETRYABLE.has(status)) && attempt < opts.maxRetries && !opts.signal?.aborted) {
      onRetry();
      const wait = retryAfter && /^\d+$/.test(retryAfter) ? Number(retryAfter) * 1000 : Math.min(30_000, 500 * 2 ** attempt);
      await sleep(wait + Math.round(Math.random() * 200), opts.signal);
      continue;
    }
    if (status === 0 || RETRYABLE.has(status)) return { kind: "gave-up" };
    let error: unknown = text;
    try {
      error = JSON.parse(text);
    } catch {
      /* keep text */
    }
    return { kind: "done", ok: false, line: { row, status, error } };
  }
}

export async function runBatch(ws: Workspace, opts: BatchOptions): Promise<BatchSummary> {
  const started = Date.now();
  const lines = fs.readFileSync(opts.input, "utf8").split("\n");
  const rows = lines.map((text, i) => ({ row: i + 1, text: text.trim() })).filter((r) => r.text !== "");
  const done = finishedRows(opts.output);
  const todo = rows.filter((r) => !done.has(r.row));
  const summary: BatchSummary = { total: rows.length, skipped: rows.length - todo.length, ok: 0, failed: 0, left: 0, retries: 0, seconds: 0 };
  const out = fs.openSync(opts.output, "a");
  const stream = opts.progress ?? process.stderr;
  const bar = new SingleBar(
    {
      format: `${opts.endpoint} [{bar}] {percentage}% | {value}/{total} rows | {rate} rows/s | retries {retries} | failed {failed}`,
      stream,
      noTTYOutput: true,
      notTTYSchedule: 2000,
      hideCursor: false,
      etaBuffer: 50,
    },
    undefined,
  );
  bar.start(rows.length, summary.skipped, { rate: "0.0", retries: 0, failed: 0 });
  const tick = () => {
    const secs = (Date.now() - started) / 1000;
    bar.update(summary.skipped + summary.ok + summary.failed, { rate: ((summary.ok + summary.failed) / Math.max(secs, 0.001)).toFixed(1), retries: summary.retries, failed: summary.failed });
  };
  let next = 0;
  const worker = async () => {
    while (next < todo.length && !opts.signal?.aborted) {
      const r = todo[next++];
      let body: string;
      try {
        const parsed = JSON.parse(r.text) as unknown;
        if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("a row must be a JSON object (a request body)");
        body = JSON.stringify(parsed);
      } catch (err) {
        fs.writeSync(out, JSON.stringify({ row: r.row, status: 0, error: { error_code: "INVALID_INPUT_ROW", message: (err as Error).message } }) + "\n");
        summary.failed++;
        tick();
        continue;
      }
      const outcome = await send(ws, opts, r.row, body, () => {
        summary.retries++;
        tick();
      });
      if (outcome.kind === "gave-up") summary.left++;
      else {
        // One write per finished row, straight away: what is in the file is done, whatever happens next.
        fs.writeSync(out, JSON.stringify(outcome.line) + "\n");
        if (outcome.ok) summary.ok++;
        else summary.failed++;
      }
      tick();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, worker));
  } finally {
    fs.closeSync(out);
    bar.stop();
  }
  summary.left += todo.length - next;
  summary.seconds = (Date.now() - started) / 1000;
  return summary;
}

export async function batchCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, new Set());
  const need = (name: string) => {
    const v = flag(args, name);
    if (!v) throw new UsageError(`--${name} is required.\n${BATCH_USAGE}`);
    return v;
  };
  const opts: BatchOptions = {
    endpoint: need("endpoint"),
    input: need("input"),
    output: need("output"),
    concurrency: numberFlag(args, "concurrency") ?? 4,
    maxRetries: numberFlag(args, "max-retries") ?? 8,
  };
  if (!fs.existsSync(opts.input)) throw new UsageError(`--input ${opts.input} does not exist.`);
  if (!Number.isInteger(opts.concurrency) || opts.concurrency < 1 || opts.concurrency > 64) throw new UsageError("--concurrency must be an integer 1-64.");
  const ws = await resolveWorkspace(args);
  const controller = new AbortController();
  const stop = () => {
    process.stderr.write("\nInterrupted: finishing the rows in flight; run the same command again to resume.\n");
    controller.abort();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const s = await runBatch(ws, { ...opts, signal: controller.signal });
  process.off("SIGINT", stop);
  process.off("SIGTERM", stop);
  process.stderr.write(
    `${s.total} rows: ${s.ok} ok, ${s.failed} failed, ${s.skipped} already done, ${s.left} left; ${s.retries} retries; ` +
      `${s.seconds.toFixed(1)} s (${((s.ok + s.failed) / Math.max(s.seconds, 0.001)).toFixed(1)} rows/s).\n`,
  );
  if (controller.signal.aborted) return 130;
  return s.failed > 0 || s.left > 0 ? 1 : 0;
}
