/**
 * Pacing of a workspace's limited operations, shared by every resource in one provider process.
 *
 * A workspace allows a fixed number of serving-endpoint create/update operations per sliding window (50 per 5 minutes
 * on the real service; the plane's `--rate-limit`/`--rate-window`). Retrying each refused request on its own burns
 * a 429 per waiting resource per window and wakes them all at once. Instead, every limited request of the process
 * passes one pacer per workspace host:
 * - until the workspace refuses one, nothing is paced (a workspace with room, or with no limit, pays nothing);
 * - a refusal (429) closes the gate for everyone until the server's Retry-After (without one: a tenth of the time
 *   since the first operation, 1 to 60 s, after which a single request probes before the others follow);
 * - from the first refusal the pacer knows the limit, as a token bucket whose tokens come back one window after they
 *   were spent: L = the operations accepted before the refusal, W = the end of the refusal's Retry-After minus the
 *   first accepted operation (without Retry-After: the first probe the server took, minus the first operation). It
 *   then sends an operation only when a token is free, so a long `up` runs at the limit's own pace instead of bouncing
 *   off it;
 * - a later refusal (someone else spends the same limit) shrinks L to what this process holds in the window; after a
 *   whole window without refusals, L grows back one token per accepted operation, up to what was first learned.
 * Refusals of requests that were already on their way when the gate closed teach nothing new.
 */
import { sleep as realSleep } from "./backoff";

export interface PacerClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: PacerClock = { now: () => Date.now(), sleep: realSleep };

/** What became of one paced request. */
export interface Permit {
  /** The server took the operation (it counts against the limit). */
  accepted(): void;
  /** The server refused it for the limit (429), with its Retry-After when it sent one. */
  limited(retryAfterMs: number | undefined): void;
  /** Anything else (an error, a dropped connection): it may or may not count; nothing is learned. */
  released(): void;
}

/** What the pacer has learned: L operations per window of W ms. */
export interface PacerModel {
  limit: number;
  windowMs: number;
}

export class OperationPacer {
  /** When each accepted operation was answered, oldest first (pruned once a window is known). */
  private stamps: number[] = [];
  /** The first operation this process had accepted: where the first window began. */
  private firstAccepted?: number;
  private inFlight = 0;
  /** The gate: closed from `closedAt` until `openAt`. */
  private closedAt = -Infinity;
  private openAt = -Infinity;
  /** Without Retry-After, one request probes after the gate opens; the others wait for its answer. */
  private probing = false;
  private limit?: number;
  private firstLimit = 0;
  /** 0 until known (a refusal without Retry-After leaves it to the first accepted probe). */
  private windowMs = 0;
  private lastRefusal = -Infinity;
  private wakers: (() => void)[] = [];

  constructor(
    private readonly clock: PacerClock = realClock,
    private readonly onPace?: (message: string) => void,
  ) {}

  /** The limit as learned so far (undefined until the workspace refused an operation). */
  get learned(): PacerModel | undefined {
    return this.limit === undefined ? undefined : { limit: this.limit, windowMs: this.windowMs };
  }

  /** Waits until an operation may be sent; the caller then reports the server's answer on the permit. */
  async acquire(): Promise<Permit> {
    for (let wait = this.waitMs(); wait > 0; wait = this.waitMs()) await this.nap(wait);
    const sentAt = this.clock.now();
    this.inFlight++;
    if (this.limit !== undefined && this.windowMs === 0) this.probing = true;
    let done = false;
    const finish = (f: () => void) => {
      if (done) return;
      done = true;
      this.inFlight--;
      f();
      this.wake();
    };
    return {
      accepted: () => finish(() => this.onAccepted()),
      limited: (ms) => finish(() => this.onLimited(sentAt, ms)),
      released: () => finish(() => (this.probing = false)),
    };
  }

  /** How long a new operation must wait now (0: go). */
  private waitMs(): number {
    const now = this.clock.now();
    if (now < this.openAt) return this.openAt - now;
    if (this.limit === undefined) return 0;
    // Without a known window, one probe at a time (woken early by its answer).
    if (this.windowMs === 0) return this.probing && this.inFlight > 0 ? 1000 : 0;
    const horizon = now - this.windowMs - this.margin();
    while (this.stamps.length > 0 && this.stamps[0] <= horizon) this.stamps.shift();
    if (this.stamps.length + this.inFlight < this.limit) return 0;
    // Full: the oldest token comes back one window (plus the margin) after it was spent; an answer of a request in
    // flight wakes us sooner.
    return this.stamps.length > 0 ? Math.max(1, this.stamps[0] - horizon) : 1000;
  }

  /** The server counts an operation before we see its answer, and rounds Retry-After up: keep a little slack. */
  private margin(): number {
    return 250 + Math.round(this.windowMs * 0.005);
  }

  private onAccepted(): void {
    const now = this.clock.now();
    this.firstAccepted ??= now;
    this.stamps.push(now);
    if (this.limit !== undefined && this.windowMs === 0 && this.probing) {
      this.windowMs = Math.max(1000, now - this.firstAccepted);
      this.say(`learned the workspace's operation limit: ${this.limit} per ${seconds(this.windowMs)}; pacing create/update operations to it`);
    }
    this.probing = false;
    if (this.limit !== undefined && this.limit < this.firstLimit && this.windowMs > 0 && now - this.lastRefusal > this.windowMs) this.limit++;
  }

  private onLimited(sentAt: number, retryAfterMs: number | undefined): void {
    const now = this.clock.now();
    this.probing = false;
    if (sentAt < this.closedAt) {
      // Already on its way when the gate closed: the same refusal again, nothing new to learn.
      if (retryAfterMs !== undefined) this.openAt = Math.max(this.openAt, now + retryAfterMs);
      return;
    }
    this.lastRefusal = now;
    const first = this.firstAccepted ?? now;
    const wait = retryAfterMs ?? Math.min(60_000, Math.max(1000, Math.round((now - first) / 10)));
    this.closedAt = now;
    this.openAt = now + wait;
    if (this.limit === undefined) {
      // The first refusal: everything accepted so far is still in the server's window.
      this.limit = this.firstLimit = Math.max(1, this.stamps.length);
      if (retryAfterMs !== undefined) {
        this.windowMs = Math.max(retryAfterMs, this.openAt - first);
        this.say(`workspace operation limit reached: ${this.limit} per ${seconds(this.windowMs)} by the server's answers; pacing create/update operations to it`);
      } else {
        this.say(`workspace operation limit reached after ${this.limit} operations: waiting ${seconds(wait)}, then probing`);
      }
      return;
    }
    if (this.windowMs === 0) return; // a probe refused: the gate stays shut a little longer
    // Someone else spends the same limit: hold what we have in the server's window, no more.
    const held = this.stamps.filter((t) => t > now - this.windowMs).length;
    this.limit = Math.max(1, Math.min(this.limit, held));
    this.say(`workspace operation limit reached again: pacing to ${this.limit} per ${seconds(this.windowMs)}, next in ${seconds(wait)}`);
  }

  private say(message: string): void {
    this.onPace?.(message);
  }

  private nap(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      let settled = false;
      const go = () => {
        if (settled) return;
        settled = true;
        resolve();
      };
      this.wakers.push(go);
      void this.clock.sleep(ms).then(go);
    });
  }

  private wake(): void {
    const wakers = this.wakers;
    this.wakers = [];
    for (const w of wakers) w();
  }
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** One pacer per workspace host, for the whole provider process. */
const pacers = new Map<string, OperationPacer>();

export function pacerFor(host: string, onPace?: (message: string) => void): OperationPacer {
  let pacer = pacers.get(host);
  if (!pacer) {
    pacer = new OperationPacer(realClock, onPace);
    pacers.set(host, pacer);
  }
  return pacer;
}

/**
 * The operations a workspace counts against its create/update limit: every write to a serving endpoint (create, both
 * config APIs, AI gateway, tags, rate limits, notifications). Deletes, reads, permissions and queries are not counted.
 */
export function isLimitedOperation(method: string, path: string): boolean {
  return (method === "POST" || method === "PUT" || method === "PATCH") && /^\/api\/2\.0\/serving-endpoints(\/|$)/.test(path);
}
