/**
 * `dbserve usage` and `dbserve inference-log`: read the usage table and the inference tables back from the local
 * plane (`/api/2.0/dbserve/…`). On a real workspace those are Unity Catalog tables, read with SQL; the commands say
 * so and print the query to run.
 */
import { flag, numberFlag, parseArgs, UsageError } from "./args";
import { getJson, resolveWorkspace } from "./workspace";

export const USAGE_USAGE = `  dbserve usage [--endpoint NAME] [--since 15m|2h|1d] [--limit N] [--json] [--data DIR]
  dbserve inference-log [--endpoint NAME] [--since 15m|2h|1d] [--limit N] [--json] [--data DIR]`;

const BOOLEAN_FLAGS = new Set(["json"]);

function sinceMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+)(s|m|h|d)$/.exec(text);
  if (!m) throw new UsageError(`--since must look like 30s, 15m, 2h or 1d; got '${text}'.`);
  const unit = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 }[m[2] as "s" | "m" | "h" | "d"];
  return Date.now() - Number(m[1]) * unit;
}

type Row = Record<string, unknown>;

function table(rows: Row[], columns: string[]): string {
  const cells = rows.map((r) => columns.map((c) => (r[c] === null || r[c] === undefined ? "" : typeof r[c] === "object" ? JSON.stringify(r[c]) : String(r[c]))));
  const widths = columns.map((c, i) => Math.min(60, Math.max(c.length, ...cells.map((row) => row[i].length))));
  const fmt = (row: string[]) => row.map((v, i) => (v.length > widths[i] ? `${v.slice(0, widths[i] - 1)}…` : v.padEnd(widths[i]))).join("  ").trimEnd();
  return [fmt(columns), fmt(widths.map((w) => "-".repeat(w))), ...cells.map(fmt)].join("\n");
}

async function readAll(kind: "usage" | "inference-log", argv: string[]): Promise<number> {
  const args = parseArgs(argv, BOOLEAN_FLAGS);
  const ws = await resolveWorkspace(args);
  const endpoint = flag(args, "endpoint");
  if (!ws.local) {
    const sql =
      kind === "usage"
        ? `SELECT * FROM system.serving.endpoint_usage${endpoint ? ` WHERE served_entity_id IN (SELECT served_entity_id FROM system.serving.served_entities WHERE endpoint_name = '${endpoint}')` : ""} ORDER BY request_time DESC`
        : "SELECT * FROM <catalog>.<schema>.<table_name_prefix>_payload ORDER BY request_time DESC";
    process.stderr.write(`On a workspace the ${kind === "usage" ? "usage table" : "inference table"} is a Unity Catalog table; query it with SQL:\n  ${sql}\n`);
    return 2;
  }
  const limit = numberFlag(args, "limit") ?? 100;
  const since = sinceMs(flag(args, "since"));
  const base = endpoint ? `/api/2.0/dbserve/serving-endpoints/${encodeURIComponent(endpoint)}/${kind}` : `/api/2.0/dbserve/${kind}`;
  const rows: Row[] = [];
  let token: string | undefined;
  do {
    const q = new URLSearchParams({ max_results: String(Math.min(1000, limit - rows.length)) });
    if (since !== undefined) q.set("since_ms", String(since));
    if (token) q.set("page_token", token);
    const page = await getJson<{ rows: Row[]; next_page_token?: string }>(ws, `${base}?${q}`);
    rows.push(...page.rows);
    token = page.next_page_token;
  } while (token && rows.length < limit);
  if (flag(args, "json") === "true") {
    for (const r of rows) process.stdout.write(JSON.stringify(r) + "\n");
    return 0;
  }
  const shown = rows.map((r) => ({ ...r, request_time: new Date(Number(r.request_time)).toISOString() }));
  const columns =
    kind === "usage"
      ? ["request_time", "endpoint_name", "served_entity_name", "requester", "status_code", "input_token_count", "output_token_count", "request_streaming", "usage_context"]
      : ["request_time", "table_name", "served_entity_name", "requester", "status_code", "execution_duration_ms", "input_token_count", "output_token_count", "request", "response"];
  process.stdout.write(rows.length === 0 ? `No ${kind} rows${endpoint ? ` for ${endpoint}` : ""}.\n` : `${table(shown, columns)}\n`);
  return 0;
}

export const usageCommand = (argv: string[]) => readAll("usage", argv);
export const inferenceLogCommand = (argv: string[]) => readAll("inference-log", argv);
