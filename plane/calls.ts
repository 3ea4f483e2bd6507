/**
 * The call log: every request except to the plane's control routes (see RouteRow.control) as `{seq, method, path, status, user, ms, target?, fault?}`, kept in a
 * bounded in-memory ring for tests and benchmarks (`GET /api/2.0/dbserve/calls?since=<seq>`). Sequence numbers only
 * grow, also across a clear, so a poller never sees one twice.
 */
export interface CallRecord {
  seq: number;
  method: string;
  path: string;
  /** The HTTP status sent; 0 when the connection was dropped before any answer (fault `drop`). */
  status: number;
  /** The authenticated caller, or null. */
  user: string | null;
  /** Milliseconds from the request's arrival to its answer. */
  ms: number;
  /** The object the call names in its body or query (`name`, `model`) where its path does not (creates, MLflow routes). */
  target?: string;
  /** The injected fault that shaped this call, if any (`error`, `latency`, `drop`, `lose_response`). */
  fault?: string;
}

export const CALL_LOG_CAPACITY = 10_000;

export class CallLog {
  private readonly ring: CallRecord[] = [];
  private nextSeq = 1;

  constructor(private readonly capacity = CALL_LOG_CAPACITY) {}

  record(call: Omit<CallRecord, "seq">): void {
    this.ring.push({ seq: this.nextSeq++, ...call });
    if (this.ring.length > this.capacity) this.ring.splice(0, this.ring.length - this.capacity);
  }

  /** Calls with `seq >= since`, oldest first, and the `since` to ask with next time. */
  since(since: number): { calls: CallRecord[]; next_seq: number } {
    return { calls: this.ring.filter((c) => c.seq >= since), next_seq: this.nextSeq };
  }

  clear(): void {
    this.ring.length = 0;
  }
}
