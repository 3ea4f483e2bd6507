import type { DB } from "../store";

/**
 * Requests served per endpoint and minute: what the Serving page charts until the AI-gateway usage table exists.
 * Keyed by endpoint id, so an endpoint deleted and re-created under the same name starts from zero. When the usage
 * table lands, `usageSeries` reads from it instead and the page does not change.
 */
export const BUCKET_SECONDS = 60;
export const MAX_MINUTES = 24 * 60;

export interface UsagePoint {
  /** Start of the bucket, epoch seconds. */
  timestamp: number;
  requests: number;
  tokens: number;
}

const prepared = new WeakSet<DB>();
function table(db: DB): DB {
  if (!prepared.has(db)) {
    db.exec(
      "CREATE TABLE IF NOT EXISTS ui_request_counts (endpoint_id TEXT NOT NULL, minute INTEGER NOT NULL, requests INTEGER NOT NULL, tokens INTEGER NOT NULL, PRIMARY KEY (endpoint_id, minute))",
    );
    prepared.add(db);
  }
  return db;
}

const minuteOf = (ms: number) => Math.floor(ms / 1000 / BUCKET_SECONDS);

/** Count one served query (called by the query path once an answer is produced). */
export function countQuery(db: DB, endpointId: string, tokens: number, now: number = Date.now()): void {
  table(db)
    .prepare(
      "INSERT INTO ui_request_counts (endpoint_id, minute, requests, tokens) VALUES (?, ?, 1, ?) " +
        "ON CONFLICT(endpoint_id, minute) DO UPDATE SET requests = requests + 1, tokens = tokens + excluded.tokens",
    )
    .run(endpointId, minuteOf(now), Math.max(0, Math.round(tokens)));
}

/** The last `minutes` buckets up to now, oldest first, zero-filled so a chart shows idle minutes as zero. */
export function usageSeries(db: DB, endpointId: string, minutes: number, now: number = Date.now()): UsagePoint[] {
  const last = minuteOf(now);
  const first = last - minutes + 1;
  const rows = table(db)
    .prepare("SELECT minute, requests, tokens FROM ui_request_counts WHERE endpoint_id = ? AND minute BETWEEN ? AND ?")
    .all(endpointId, first, last) as { minute: number; requests: number; tokens: number }[];
  const byMinute = new Map(rows.map((r) => [r.minute, r]));
  const out: UsagePoint[] = [];
  for (let m = first; m <= last; m++) {
    const r = byMinute.get(m);
    out.push({ timestamp: m * BUCKET_SECONDS, requests: r?.requests ?? 0, tokens: r?.tokens ?? 0 });
  }
  return out;
}
