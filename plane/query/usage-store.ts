/**
 * The plane's usage table and inference tables, in its SQLite store. Only this module reads or writes them.
 *
 * - Usage (`system.serving.endpoint_usage` on Databricks): one row per query of an endpoint whose AI gateway has
 *   `usage_tracking_config.enabled`, with the requester, status, token and character counts, and `usage_context`.
 * - Inference tables (`<catalog>.<schema>.<prefix>_payload`, prefix defaulting to the endpoint name): one row per query
 *   of an endpoint with `ai_gateway.inference_table_config.enabled` (or the legacy `auto_capture_config`), with the
 *   request and response payloads, status, latency, tokens and requester. When a PII guardrail is configured the
 *   payloads are stored masked, so a blocked e-mail address is not kept in the log either.
 * Rows are committed before the query's answer is sent (the store is synchronous=FULL), and outlive their endpoint,
 * as tables do.
 */
import type { DB } from "../store";

/** Created at plane start (plane/index.ts), so no request transaction ever holds the DDL. */
export const USAGE_SCHEMA = `
CREATE TABLE IF NOT EXISTS query_usage (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, endpoint_id TEXT NOT NULL, endpoint_name TEXT NOT NULL, served_entity_name TEXT,
  databricks_request_id TEXT NOT NULL, client_request_id TEXT, requester TEXT NOT NULL, status_code INTEGER NOT NULL,
  request_time INTEGER NOT NULL, input_token_count INTEGER NOT NULL, output_token_count INTEGER NOT NULL,
  input_character_count INTEGER NOT NULL, output_character_count INTEGER NOT NULL, request_streaming INTEGER NOT NULL,
  usage_context TEXT);
CREATE INDEX IF NOT EXISTS query_usage_endpoint ON query_usage (endpoint_name, seq);
CREATE TABLE IF NOT EXISTS inference_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, table_name TEXT NOT NULL, endpoint_id TEXT NOT NULL, endpoint_name TEXT NOT NULL,
  served_entity_name TEXT, databricks_request_id TEXT NOT NULL, client_request_id TEXT, requester TEXT NOT NULL,
  status_code INTEGER NOT NULL, request_time INTEGER NOT NULL, execution_duration_ms INTEGER NOT NULL,
  input_token_count INTEGER NOT NULL, output_token_count INTEGER NOT NULL, request TEXT NOT NULL, response TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS inference_log_endpoint ON inference_log (endpoint_name, seq);
`;

const ready = new WeakSet<DB>();
function ensure(db: DB): void {
  if (ready.has(db)) return;
  db.exec(USAGE_SCHEMA);
  ready.add(db);
}

/** What both tables record of every query (the service's usage and inference tables share these columns). */
export interface QueryRowBase {
  endpoint_id: string;
  endpoint_name: string;
  served_entity_name: string | null;
  databricks_request_id: string;
  client_request_id: string | null;
  requester: string;
  status_code: number;
  request_time: number;
  input_token_count: number;
  output_token_count: number;
}

export interface UsageRow extends QueryRowBase {
  input_character_count: number;
  output_character_count: number;
  request_streaming: boolean;
  usage_context: Record<string, string> | null;
}

export interface InferenceRow extends QueryRowBase {
  table_name: string;
  execution_duration_ms: number;
  /** JSON text of the request payload as the model received it. */
  request: string;
  /** JSON text of the answer (for a stream: the assembled completion), or of the error. */
  response: string;
}

export function recordUsage(db: DB, row: UsageRow): void {
  ensure(db);
  db.prepare(
    `INSERT INTO query_usage (endpoint_id, endpoint_name, served_entity_name, databricks_request_id, client_request_id, requester, status_code,
      request_time, input_token_count, output_token_count, input_character_count, output_character_count, request_streaming, usage_context)
     VALUES (@endpoint_id, @endpoint_name, @served_entity_name, @databricks_request_id, @client_request_id, @requester, @status_code,
      @request_time, @input_token_count, @output_token_count, @input_character_count, @output_character_count, @request_streaming, @usage_context)`,
  ).run({ ...row, request_streaming: row.request_streaming ? 1 : 0, usage_context: row.usage_context ? JSON.stringify(row.usage_context) : null });
}

export function recordInference(db: DB, row: InferenceRow): void {
  ensure(db);
  db.prepare(
    `INSERT INTO inference_log (table_name, endpoint_id, endpoint_name, served_entity_name, databricks_request_id, client_request_id, requester,
      status_code, request_time, execution_duration_ms, input_token_count, output_token_count, request, response)
     VALUES (@table_name, @endpoint_id, @endpoint_name, @served_entity_name, @databricks_request_id, @client_request_id, @requester,
      @status_code, @request_time, @execution_duration_ms, @input_token_count, @output_token_count, @request, @response)`,
  ).run(row);
}

export interface Page<T> {
  rows: (T & { seq: number })[];
  next_page_token?: string;
}

export interface ListOptions {
  /** Only this endpoint's rows; all endpoints when absent. */
  endpoint?: string;
  /** Rows with request_time ≥ this (epoch ms). */
  sinceMs?: number;
  maxResults: number;
  /** The seq after which to continue (from `next_page_token`). */
  after?: number;
}

function list<T>(db: DB, table: "query_usage" | "inference_log", o: ListOptions, decode: (r: Record<string, unknown>) => T & { seq: number }): Page<T> {
  ensure(db);
  const rows = db
    .prepare(
      `SELECT * FROM ${table} WHERE seq > @after AND (@endpoint IS NULL OR endpoint_name = @endpoint) AND request_time >= @since ORDER BY seq LIMIT @limit`,
    )
    .all({ after: o.after ?? 0, endpoint: o.endpoint ?? null, since: o.sinceMs ?? 0, limit: o.maxResults + 1 }) as Record<string, unknown>[];
  const page = rows.slice(0, o.maxResults).map(decode);
  return rows.length > o.maxResults ? { rows: page, next_page_token: String(page[page.length - 1].seq) } : { rows: page };
}

export function listUsage(db: DB, o: ListOptions): Page<UsageRow> {
  return list<UsageRow>(db, "query_usage", o, (r) => ({
    ...(r as unknown as UsageRow & { seq: number }),
    request_streaming: r.request_streaming === 1,
    usage_context: r.usage_context ? (JSON.parse(String(r.usage_context)) as Record<string, string>) : null,
  }));
}

export function listInference(db: DB, o: ListOptions): Page<InferenceRow> {
  return list<InferenceRow>(db, "inference_log", o, (r) => r as unknown as InferenceRow & { seq: number });
}
