import type { DB } from "./store";
import { rateLimited } from "./errors";

/**
 * The workspace limit on endpoint create/update operations (real service: 50 per 5 minutes), as a sliding window kept
 * in SQLite, so a restart does not reset it. `take()` runs inside the request's transaction after its handler
 * succeeded: a request refused for any reason (401, 403, 400, 404, 409) counts nothing, and a request refused with 429
 * rolls back with everything else it did.
 */
export const OPERATIONS_SCHEMA = "CREATE TABLE IF NOT EXISTS operations (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL);";

export class OperationLimiter {
  constructor(
    private readonly db: DB,
    public limit: number,
    public windowSeconds: number,
    private readonly now: () => number,
  ) {}

  /** Record one operation or throw 429 with Retry-After = seconds until the oldest counted operation expires. */
  take(): void {
    if (this.limit <= 0) return; // 0 disables the limit
    const now = this.now();
    const windowMs = this.windowSeconds * 1000;
    this.db.prepare("DELETE FROM operations WHERE at <= ?").run(now - windowMs);
    const { n, oldest } = this.db.prepare("SELECT COUNT(*) AS n, MIN(at) AS oldest FROM operations").get() as { n: number; oldest: number | null };
    if (n >= this.limit) {
      const retryAfter = Math.max(1, Math.ceil(((oldest ?? now) + windowMs - now) / 1000));
      throw rateLimited(
        `Workspace limit of ${this.limit} serving endpoint create/update operations per ${this.windowSeconds} seconds exceeded. Retry after ${retryAfter} seconds.`,
        retryAfter,
      );
    }
    this.db.prepare("INSERT INTO operations (at) VALUES (?)").run(now);
  }

  /** Operations counted in the current window. */
  used(): number {
    const since = this.now() - this.windowSeconds * 1000;
    return (this.db.prepare("SELECT COUNT(*) AS n FROM operations WHERE at > ?").get(since) as { n: number }).n;
  }

  reset(): void {
    this.db.prepare("DELETE FROM operations").run();
  }
}
