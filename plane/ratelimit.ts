import { rateLimited } from "./errors";

/**
 * The workspace limit on endpoint create/update operations (real service: 50 per 5 minutes), as a sliding window.
 * Kept in memory: a restart forgetting the window only makes the plane more lenient, never loses data.
 */
export class OperationLimiter {
  private stamps: number[] = [];

  constructor(
    public limit: number,
    public windowSeconds: number,
    private readonly now: () => number,
  ) {}

  /** Record one operation or throw 429 with Retry-After = seconds until the oldest counted operation expires. */
  take(): void {
    if (this.limit <= 0) return; // 0 disables the limit
    const now = this.now();
    const windowMs = this.windowSeconds * 1000;
    this.stamps = this.stamps.filter((t) => t > now - windowMs);
    if (this.stamps.length >= this.limit) {
      const retryAfter = Math.max(1, Math.ceil((this.stamps[0] + windowMs - now) / 1000));
      throw rateLimited(
        `Workspace limit of ${this.limit} serving endpoint create/update operations per ${this.windowSeconds} seconds exceeded. Retry after ${retryAfter} seconds.`,
        retryAfter,
      );
    }
    this.stamps.push(now);
  }

  reset(): void {
    this.stamps = [];
  }
}
