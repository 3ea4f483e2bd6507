/**
 * Per-endpoint serving metrics in the Prometheus text exposition format (`GET /api/2.0/serving-endpoints/{name}/metrics`),
 * labelled `endpoint_name` and `served_entity_name`: request counts (all, 4xx, 5xx), a latency histogram, token
 * counters and the requests in flight. Only what the plane measures is exported (no CPU or memory figures: the plane
 * runs no containers). Counters live in memory and restart from zero with the plane, as Prometheus counters may.
 */
const BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 120000];

interface Series {
  requests: number;
  r4xx: number;
  r5xx: number;
  inputTokens: number;
  outputTokens: number;
  latency: number[];
  latencySum: number;
  inFlight: number;
}

function series(): Series {
  return { requests: 0, r4xx: 0, r5xx: 0, inputTokens: 0, outputTokens: 0, latency: BUCKETS_MS.map(() => 0), latencySum: 0, inFlight: 0 };
}

export class QueryMetrics {
  private readonly byEndpoint = new Map<string, Map<string, Series>>();

  private get(endpoint: string, entity: string): Series {
    let m = this.byEndpoint.get(endpoint);
    if (!m) this.byEndpoint.set(endpoint, (m = new Map()));
    let s = m.get(entity);
    if (!s) m.set(entity, (s = series()));
    return s;
  }

  started(endpoint: string, entity: string): void {
    this.get(endpoint, entity).inFlight++;
  }

  finished(endpoint: string, entity: string, status: number, latencyMs: number, inputTokens: number, outputTokens: number, wasStarted: boolean): void {
    const s = this.get(endpoint, entity);
    if (wasStarted) s.inFlight = Math.max(0, s.inFlight - 1);
    s.requests++;
    if (status >= 400 && status < 500) s.r4xx++;
    if (status >= 500) s.r5xx++;
    s.inputTokens += inputTokens;
    s.outputTokens += outputTokens;
    s.latencySum += latencyMs;
    BUCKETS_MS.forEach((b, i) => {
      if (latencyMs <= b) s.latency[i]++;
    });
  }

  /** The exposition text for one endpoint (its entities as label values; `entities` lists ones with no traffic yet). */
  exposition(endpoint: string, entities: string[]): string {
    const m = this.byEndpoint.get(endpoint) ?? new Map<string, Series>();
    for (const e of entities) if (!m.has(e)) m.set(e, series());
    const esc = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
    const rows = [...m.entries()].sort(([a], [b]) => a.localeCompare(b));
    const lines: string[] = [];
    const metric = (name: string, type: string, help: string, value: (s: Series) => number) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [entity, s] of rows) lines.push(`${name}{endpoint_name="${esc(endpoint)}",served_entity_name="${esc(entity)}"} ${value(s)}`);
    };
    metric("request_count_total", "counter", "Requests served.", (s) => s.requests);
    metric("request_4xx_count_total", "counter", "Requests answered with a 4xx status.", (s) => s.r4xx);
    metric("request_5xx_count_total", "counter", "Requests answered with a 5xx status.", (s) => s.r5xx);
    metric("input_token_count_total", "counter", "Prompt tokens processed.", (s) => s.inputTokens);
    metric("output_token_count_total", "counter", "Completion tokens generated.", (s) => s.outputTokens);
    metric("concurrent_requests", "gauge", "Requests in flight.", (s) => s.inFlight);
    lines.push("# HELP request_latency_ms Request latency in milliseconds.", "# TYPE request_latency_ms histogram");
    for (const [entity, s] of rows) {
      const l = `endpoint_name="${esc(endpoint)}",served_entity_name="${esc(entity)}"`;
      BUCKETS_MS.forEach((b, i) => lines.push(`request_latency_ms_bucket{${l},le="${b}"} ${s.latency[i]}`));
      lines.push(`request_latency_ms_bucket{${l},le="+Inf"} ${s.requests}`, `request_latency_ms_sum{${l}} ${s.latencySum}`, `request_latency_ms_count{${l}} ${s.requests}`);
    }
    return lines.join("\n") + "\n";
  }
}
