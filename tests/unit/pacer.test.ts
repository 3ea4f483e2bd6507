/**
 * The operation pacer (provider/client/pacer.ts) against a simulated workspace limit, in virtual time: a sliding window
 * of L operations per W that answers 429 with Retry-After like the plane and the real service, and a pool of workers
 * like Pulumi's `--parallel` creating endpoints through it. Nothing here waits in real time.
 */
import { OperationPacer, isLimitedOperation, type PacerClock } from "../../provider/client/pacer";

/** A discrete-event clock: `sleep` resolves when `run` advances virtual time past it. */
class VirtualClock implements PacerClock {
  t = 0;
  private timers: { at: number; seq: number; resolve: () => void }[] = [];
  private seq = 0;
  now(): number {
    return this.t;
  }
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.timers.push({ at: this.t + Math.max(0, ms), seq: this.seq++, resolve }));
  }
  /** Runs until `done` resolves: lets every promise chain settle, then jumps to the next timer. */
  async run<T>(done: Promise<T>): Promise<T> {
    let finished = false;
    let value: T | undefined;
    void done.then((v) => {
      finished = true;
      value = v;
    });
    for (let steps = 0; steps < 1_000_000; steps++) {
      await new Promise((r) => setImmediate(r));
      if (finished) return value as T;
      if (this.timers.length === 0) throw new Error("simulation stalled: no timer pending and not done");
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift()!;
      this.t = Math.max(this.t, next.at);
      next.resolve();
    }
    throw new Error("simulation did not finish");
  }
}

/** The workspace: L operations per sliding window of W ms, Retry-After in whole seconds (rounded up) or none. */
class Workspace {
  private stamps: number[] = [];
  refusals = 0;
  accepted: number[] = [];
  constructor(
    private readonly clock: VirtualClock,
    public limit: number,
    private readonly windowMs: number,
    private readonly sendsRetryAfter = true,
  ) {}
  refusalTimes: number[] = [];
  take(): { ok: true } | { ok: false; retryAfterMs?: number } {
    const now = this.clock.now();
    this.stamps = this.stamps.filter((t) => t > now - this.windowMs);
    if (this.limit > 0 && this.stamps.length >= this.limit) {
      this.refusals++;
      this.refusalTimes.push(now);
      const seconds = Math.max(1, Math.ceil((this.stamps[0] + this.windowMs - now) / 1000));
      return { ok: false, retryAfterMs: this.sendsRetryAfter ? seconds * 1000 : undefined };
    }
    this.stamps.push(now);
    this.accepted.push(now);
    return { ok: true };
  }
}

/**
 * `count` creates by `parallel` workers (Pulumi's default is 8): each sends its POST through the pacer (latency
 * `rttMs`, the server stamps half-way) and then waits `afterMs` for the endpoint to deploy before taking the next one.
 */
async function createAll(clock: VirtualClock, pacer: OperationPacer, ws: Workspace, count: number, opts: { parallel?: number; rttMs?: number; afterMs?: number } = {}): Promise<number> {
  const rtt = opts.rttMs ?? 20;
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      for (;;) {
        const permit = await pacer.acquire();
        await clock.sleep(rtt / 2);
        const answer = ws.take();
        await clock.sleep(rtt / 2);
        if (answer.ok) {
          permit.accepted();
          break;
        }
        permit.limited(answer.retryAfterMs);
      }
      await clock.sleep(opts.afterMs ?? 500);
    }
  };
  await clock.run(Promise.all(Array.from({ length: opts.parallel ?? 8 }, worker)));
  return clock.now();
}

describe("operation pacer", () => {
  test("200 creates against 50 per 5 minutes: no failure, at most one refusal per worker, within 1.1x of the limit's minimum time", async () => {
    const clock = new VirtualClock();
    const ws = new Workspace(clock, 50, 300_000);
    const pacer = new OperationPacer(clock);
    const elapsed = await createAll(clock, pacer, ws, 200);
    expect(ws.accepted).toHaveLength(200);
    // The limit alone forces the 200th operation 3 windows after the first.
    const minimum = 3 * 300_000;
    expect(ws.accepted[199] - ws.accepted[0]).toBeGreaterThanOrEqual(minimum);
    expect(elapsed).toBeLessThanOrEqual(1.1 * minimum);
    // Only the requests already in flight when the limit was first hit are refused; after that the pacer knows it.
    expect(ws.refusals).toBeLessThanOrEqual(8);
    expect(pacer.learned).toEqual({ limit: 50, windowMs: expect.any(Number) });
    expect(Math.abs(pacer.learned!.windowMs - 300_000)).toBeLessThanOrEqual(1_000);
  });

  test("the same at the bench's time scale (50 per 30 s) and with wider parallelism", async () => {
    for (const parallel of [1, 8, 32]) {
      const clock = new VirtualClock();
      const ws = new Workspace(clock, 50, 30_000);
      const elapsed = await createAll(clock, new OperationPacer(clock), ws, 200, { parallel, afterMs: 100 });
      expect(ws.accepted).toHaveLength(200);
      expect(elapsed).toBeLessThanOrEqual(1.1 * 3 * 30_000);
      expect(ws.refusals).toBeLessThanOrEqual(parallel);
    }
  });

  test("without Retry-After: the gate backs off, one request probes, and the window is learned from it", async () => {
    const clock = new VirtualClock();
    const ws = new Workspace(clock, 50, 300_000, false);
    const pacer = new OperationPacer(clock);
    const elapsed = await createAll(clock, pacer, ws, 200);
    expect(ws.accepted).toHaveLength(200);
    expect(elapsed).toBeLessThanOrEqual(1.1 * 3 * 300_000);
    // The first window's in-flight requests, then one probe at a time (every tenth of the time elapsed) until the
    // window ends: about 40 over the first 5 minutes, none after.
    expect(ws.refusals).toBeLessThanOrEqual(8 + 45);
    expect(ws.refusalTimes.filter((t) => t > 400_000)).toEqual([]);
    expect(pacer.learned?.limit).toBe(50);
    expect(pacer.learned!.windowMs).toBeGreaterThanOrEqual(300_000);
    expect(pacer.learned!.windowMs).toBeLessThanOrEqual(1.1 * 300_000);
  });

  test("someone else spending the same limit: the pacer shrinks its share instead of bouncing", async () => {
    const clock = new VirtualClock();
    const ws = new Workspace(clock, 50, 60_000);
    const pacer = new OperationPacer(clock);
    // Learn the limit first, alone.
    await createAll(clock, pacer, ws, 60, { afterMs: 10 });
    const before = ws.refusals;
    // Another client takes (tries to take) 20 operations at the start of every minute from now on.
    let stop = false;
    const other = (async () => {
      while (!stop) {
        for (let i = 0; i < 20; i++) ws.take();
        await clock.sleep(60_000);
      }
    })();
    await createAll(clock, pacer, ws, 120, { afterMs: 10 });
    stop = true;
    await clock.run(other);
    // It shrinks its share below what it learned alone and keeps to it: each later window sees at most the refusals
    // of the requests in flight when the other client took its share (2 here), not one per waiting resource.
    expect(pacer.learned!.limit).toBeLessThan(50);
    const perWindow = new Map<number, number>();
    for (const t of ws.refusalTimes.filter((t) => t > 60_000)) perWindow.set(Math.floor(t / 60_000), (perWindow.get(Math.floor(t / 60_000)) ?? 0) + 1);
    for (const [, n] of perWindow) expect(n).toBeLessThanOrEqual(8);
    expect(ws.refusals - before).toBeLessThanOrEqual(20);
  });

  test("a workspace with room pays nothing: no wait is added to any request", async () => {
    const clock = new VirtualClock();
    const ws = new Workspace(clock, 0, 300_000);
    const pacer = new OperationPacer(clock);
    const elapsed = await createAll(clock, pacer, ws, 200, { parallel: 8, rttMs: 20, afterMs: 500 });
    // 25 rounds of (20 ms + 500 ms) per worker: exactly the work itself.
    expect(elapsed).toBe(25 * 520);
    expect(pacer.learned).toBeUndefined();
  });

  test("which requests count against the limit: writes to serving endpoints only", () => {
    const rows: [string, string, boolean][] = [
      ["POST", "/api/2.0/serving-endpoints", true],
      ["POST", "/api/2.0/serving-endpoints/pt", true],
      ["PUT", "/api/2.0/serving-endpoints/a/config", true],
      ["PUT", "/api/2.0/serving-endpoints/pt/a/config", true],
      ["PUT", "/api/2.0/serving-endpoints/a/ai-gateway", true],
      ["PATCH", "/api/2.0/serving-endpoints/a/tags", true],
      ["PUT", "/api/2.0/serving-endpoints/a/rate-limits", true],
      ["PATCH", "/api/2.0/serving-endpoints/a/notifications", true],
      ["GET", "/api/2.0/serving-endpoints/a", false],
      ["DELETE", "/api/2.0/serving-endpoints/a", false],
      ["PUT", "/api/2.0/permissions/serving-endpoints/id", false],
      ["POST", "/serving-endpoints/a/invocations", false],
      ["POST", "/api/2.1/unity-catalog/models", false],
      ["POST", "/api/2.0/serving-endpoints-other", false],
    ];
    for (const [method, path, limited] of rows) expect([method, path, isLimitedOperation(method, path)]).toEqual([method, path, limited]);
  });
});
