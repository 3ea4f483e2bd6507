/**
 * One query, end to end, in the order a workspace applies things:
 * CAN_QUERY → endpoint ready → Geo residency → traffic split picks the served entity → AI-gateway rate limits → the
 * request format the entity takes → input guardrails → the model (stand-in, or the external provider, falling back to
 * the next external entity on 429/5xx when `fallback_config` is on) → output guardrails → the answer (JSON, or SSE
 * when `stream: true`). Every outcome, refusals included, lands in the metrics, and in the usage and inference tables
 * when the endpoint has them enabled.
 */
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { User } from "../auth";
import { PlaneError, internalError } from "../errors";
import { Reply } from "../router";
import { StreamReply } from "../streaming";
import { workspaceGeo } from "../geo";
import { payPerTokenSpec } from "../catalog/foundation";
import { isReady, type EndpointRecord } from "../serving/records";
import { fetchWithLevel, type ServingDeps } from "../serving/access";
import { chatAnswer, completionAnswer, embeddingsAnswer, predictionsAnswer, type ChatResponse, type CompletionResponse } from "./answers";
import { fallsBack, readSseError, sendUpstream, upstreamCall } from "./external";
import { messageText, parseQuery, type QueryRequest } from "./formats";
import { applyGuardrails, maskPii, masksLogs } from "./guardrails";
import type { QueryLimiter } from "./limits";
import type { QueryMetrics } from "./metrics";
import { loadExternalCredentials } from "./secrets-store";
import { SSE_HEADERS, assemble, chatChunks, completionChunks, readSse, writeChunks, writeEvent } from "./sse";
import { accepts, targetsFor, type Target } from "./targets";
import { countTokens } from "./tokens";
import { recordInference, recordUsage, type QueryRowBase } from "./usage-store";

export interface QueryDeps extends ServingDeps {
  limiter: QueryLimiter;
  metrics: QueryMetrics;
}

export interface QueryCall {
  endpoint: string;
  /** `/served-models/{entity}/invocations`: bypass the traffic split. */
  entity?: string;
  body: Record<string, unknown>;
  bodyBytes: number;
  user: User;
}

/** Foundation-model and external-model endpoints take at most 4 MB per request (facts §7). */
export const LLM_PAYLOAD_LIMIT = 4 * 1024 * 1024;

type Json = Record<string, unknown>;

/** What one query did, for the metrics and the two tables; finished exactly once. */
class QueryRecord {
  readonly requestId = randomUUID();
  readonly started = Date.now();
  entity: string | null = null;
  request: unknown;
  response: unknown;
  inputTokens = 0;
  outputTokens = 0;
  inputChars = 0;
  outputChars = 0;
  streaming = false;
  private inFlight = false;
  private done = false;

  constructor(
    private readonly q: QueryDeps,
    private readonly rec: EndpointRecord,
    private readonly user: User,
    private readonly body: Json,
  ) {
    this.request = body;
  }

  begin(entity: string): void {
    this.entity = entity;
    this.inFlight = true;
    this.q.metrics.started(this.rec.name, entity);
  }

  finish(status: number): void {
    if (this.done) return;
    this.done = true;
    const latency = Date.now() - this.started;
    this.q.metrics.finished(this.rec.name, this.entity ?? "", status, latency, this.inputTokens, this.outputTokens, this.inFlight);
    const g = this.rec.ai_gateway;
    const clientRequestId = typeof this.body.client_request_id === "string" ? this.body.client_request_id : null;
    const { db } = this.q.plane;
    const base: QueryRowBase = {
      endpoint_id: this.rec.id,
      endpoint_name: this.rec.name,
      served_entity_name: this.entity,
      databricks_request_id: this.requestId,
      client_request_id: clientRequestId,
      requester: this.user.userName,
      status_code: status,
      request_time: this.started,
      input_token_count: this.inputTokens,
      output_token_count: this.outputTokens,
    };
    if (g?.usage_tracking_config?.enabled) {
      recordUsage(db, {
        ...base,
        input_character_count: this.inputChars,
        output_character_count: this.outputChars,
        request_streaming: this.streaming,
        usage_context: (this.body.usage_context as Record<string, string> | undefined) ?? null,
      });
    }
    const table = inferenceTable(this.rec);
    if (table) {
      const text = (v: unknown) => {
        const t = JSON.stringify(v ?? null);
        return masksLogs(g) ? maskPii(t) : t;
      };
      recordInference(db, {
        ...base,
        table_name: table,
        execution_duration_ms: latency,
        request: text(this.request),
        response: text(this.response),
      });
    }
  }
}

/** `<catalog>.<schema>.<prefix>_payload` of the AI gateway's inference table, else the legacy auto-capture table. */
export function inferenceTable(rec: EndpointRecord): string | undefined {
  const it = rec.ai_gateway?.inference_table_config;
  if (it?.enabled && it.catalog_name && it.schema_name) return `${it.catalog_name}.${it.schema_name}.${it.table_name_prefix ?? rec.name}_payload`;
  const ac = rec.config?.auto_capture_config;
  if (ac?.enabled && ac.catalog_name && ac.schema_name) return `${ac.catalog_name}.${ac.schema_name}.${ac.table_name_prefix ?? rec.name}_payload`;
  return undefined;
}

function checkGeo(q: QueryDeps, rec: EndpointRecord): void {
  const ppt = payPerTokenSpec(rec.name);
  if (!ppt || rec.kind !== "pay_per_token") return;
  const geo = workspaceGeo(q.plane);
  if (geo.geo !== null && !(ppt.hostedGeos as readonly string[]).includes(geo.geo) && !geo.cross_geo_processing) {
    throw new PlaneError(403, "PERMISSION_DENIED", `'${rec.name}' is not hosted in this workspace's Geo (${geo.geo}); it is available with cross-Geo processing enabled.`);
  }
}

/** The user-visible texts of a request, and a way to put (masked) texts back. */
function requestTexts(r: QueryRequest): { texts: string[]; put(texts: string[]): void } {
  switch (r.kind) {
    case "chat":
      return {
        texts: r.body.messages.map(messageText),
        put: (t) => r.body.messages.forEach((m, i) => (m.content = t[i])),
      };
    case "completions": {
      const list = typeof r.body.prompt === "string" ? [r.body.prompt] : r.body.prompt;
      return { texts: list, put: (t) => (r.body.prompt = typeof r.body.prompt === "string" ? t[0] : t) };
    }
    case "embeddings": {
      const list = typeof r.body.input === "string" ? [r.body.input] : r.body.input;
      return { texts: list, put: (t) => (r.body.input = typeof r.body.input === "string" ? t[0] : t) };
    }
    case "predictions":
      return { texts: [], put: () => undefined };
  }
}

function answerTexts(kind: "chat" | "completions", a: ChatResponse | CompletionResponse): { texts: string[]; put(texts: string[]): void } {
  if (kind === "chat") {
    const c = (a as ChatResponse).choices;
    return { texts: c.map((x) => x.message?.content ?? ""), put: (t) => c.forEach((x, i) => (x.message.content = t[i])) };
  }
  const c = (a as CompletionResponse).choices;
  return { texts: c.map((x) => x.text ?? ""), put: (t) => c.forEach((x, i) => (x.text = t[i])) };
}

/** The model's body without the tracking fields, which never reach a model. */
function modelBody(r: QueryRequest): Json {
  const { client_request_id: _c, usage_context: _u, ...rest } = r.body as Json;
  return rest;
}

type Outcome = { kind: "json"; body: Json } | { kind: "upstream-stream"; response: Response; target: Target };

async function execute(q: QueryDeps, rec: EndpointRecord, t: Target, r: QueryRequest, stream: boolean, signal: AbortSignal): Promise<Outcome> {
  if (t.kind === "external") {
    const creds = loadExternalCredentials(q.plane.db, rec.id, t.configVersion, t.entity);
    const body = modelBody(r);
    if (stream) body.stream_options = { include_usage: true };
    const call = upstreamCall(t.model, creds, r.kind, body);
    const res = await sendUpstream(t.model.provider, call, signal);
    if (stream && (res.headers.get("content-type") ?? "").includes("text/event-stream")) return { kind: "upstream-stream", response: res, target: t };
    const text = await res.text();
    try {
      return { kind: "json", body: JSON.parse(text) as Json };
    } catch {
      throw new PlaneError(503, "TEMPORARILY_UNAVAILABLE", `External model provider '${t.model.provider}' answered with a body that is not JSON.`);
    }
  }
  const facts = t.kind === "foundation" ? t.facts : undefined;
  const model = rec.name;
  switch (r.kind) {
    case "chat":
      return { kind: "json", body: chatAnswer({ ...r.body, stream: false }, model, facts) as unknown as Json };
    case "completions":
      return { kind: "json", body: completionAnswer(r.body, model, facts) as unknown as Json };
    case "embeddings":
      return { kind: "json", body: embeddingsAnswer(r.body, model, facts) as unknown as Json };
    case "predictions":
      return { kind: "json", body: predictionsAnswer(r.body) };
  }
}

function tokensOf(rec: QueryRecord, r: QueryRequest, body: Json): void {
  const usage = body.usage as { prompt_tokens?: number; completion_tokens?: number } | undefined;
  rec.inputChars = requestTexts(r).texts.reduce((n, t) => n + t.length, 0);
  if (r.kind === "chat" || r.kind === "completions") {
    const out = answerTexts(r.kind, body as unknown as ChatResponse).texts;
    rec.outputChars = out.reduce((n, t) => n + t.length, 0);
    rec.inputTokens = usage?.prompt_tokens ?? requestTexts(r).texts.reduce((n, t) => n + countTokens(t), 0);
    rec.outputTokens = usage?.completion_tokens ?? out.reduce((n, t) => n + countTokens(t), 0);
  } else if (r.kind === "embeddings") {
    rec.inputTokens = usage?.prompt_tokens ?? requestTexts(r).texts.reduce((n, t) => n + countTokens(t), 0);
  }
}

export async function runQuery(q: QueryDeps, call: QueryCall): Promise<unknown> {
  const { rec } = fetchWithLevel(q, call.endpoint, call.user, "CAN_QUERY");
  if (!isReady(rec)) throw new PlaneError(400, "INVALID_STATE", `Endpoint '${rec.name}' is not ready (state.ready is NOT_READY).`);
  checkGeo(q, rec);
  const log = new QueryRecord(q, rec, call.user, call.body);
  const controller = new AbortController();
  let handedOver = false;
  try {
    const targets = targetsFor(q.plane.db, rec, call.entity);
    const primary = targets[0];
    if (!primary) throw new PlaneError(400, "INVALID_STATE", `Endpoint '${rec.name}' serves no entity.`);
    log.begin(primary.entity);
    if (primary.kind !== "custom" && call.bodyBytes > LLM_PAYLOAD_LIMIT) {
      throw new PlaneError(413, "REQUEST_LIMIT_EXCEEDED", `Request body of ${call.bodyBytes} bytes exceeds the ${LLM_PAYLOAD_LIMIT} bytes foundation and external model endpoints take.`);
    }
    const admission = q.limiter.admit(rec, call.user);
    const request = parseQuery(call.body, accepts(primary), rec.name);
    const stream = (request.kind === "chat" || request.kind === "completions") && request.body.stream === true;
    log.streaming = stream;
    const includeUsage = stream && (request.body as { stream_options?: { include_usage?: boolean } | null }).stream_options?.include_usage === true;

    const g = rec.ai_gateway?.guardrails;
    const input = requestTexts(request);
    if (input.texts.length > 0) input.put(applyGuardrails(g?.input, "input", input.texts));
    log.request = modelBody(request);

    const candidates = rec.ai_gateway?.fallback_config?.enabled && primary.kind === "external" ? targets.filter((t) => t.kind === "external") : [primary];
    let outcome: Outcome | undefined;
    for (const [i, t] of candidates.entries()) {
      try {
        if (i > 0) log.entity = t.entity;
        outcome = await execute(q, rec, t, request, stream, controller.signal);
        break;
      } catch (err) {
        if (i === candidates.length - 1 || !fallsBack(err)) throw err;
      }
    }
    const headers = { "x-request-id": log.requestId, "x-dbserve-served-entity": log.entity ?? "" };

    if (outcome!.kind === "upstream-stream") {
      const kind = request.kind as "chat" | "completions";
      const upstream = outcome!.response;
      if (g?.output) {
        // Output guardrails need the whole answer before a byte goes out: read the stream, check, then stream it.
        const chunks: Json[] = [];
        for await (const data of readSse(upstream.body!)) if (data !== "[DONE]") chunks.push(JSON.parse(data) as Json);
        const whole = assemble(kind, chunks);
        outcome = { kind: "json", body: whole as unknown as Json };
      } else {
        handedOver = true;
        return new StreamReply(200, { ...SSE_HEADERS, ...headers }, (res) => pipeUpstream(res, upstream, kind, includeUsage, request, log, admission, controller));
      }
    }
    const body = (outcome as { body: Json }).body;
    if (request.kind === "chat" || request.kind === "completions") {
      const out = answerTexts(request.kind, body as unknown as ChatResponse);
      out.put(applyGuardrails(g?.output, "output", out.texts));
    }
    tokensOf(log, request, body);
    admission.settle(log.inputTokens + log.outputTokens);
    log.response = body;
    if (stream) {
      const chunks = request.kind === "chat" ? chatChunks(body as unknown as ChatResponse, includeUsage) : completionChunks(body as unknown as CompletionResponse, includeUsage);
      handedOver = true;
      return new StreamReply(200, { ...SSE_HEADERS, ...headers }, async (res) => {
        try {
          await writeChunks(res, chunks);
        } finally {
          log.finish(200);
        }
      });
    }
    log.finish(200);
    return new Reply(200, body, headers);
  } catch (err) {
    if (!handedOver) {
      const e = err instanceof PlaneError ? err : internalError("Internal error.");
      log.response = e.body();
      log.finish(e.status);
    }
    throw err;
  }
}

/** Relay an upstream SSE stream chunk by chunk, keeping what the tables need. */
async function pipeUpstream(
  res: ServerResponse,
  upstream: Response,
  kind: "chat" | "completions",
  includeUsage: boolean,
  request: QueryRequest,
  log: QueryRecord,
  admission: { settle(tokens: number): void },
  controller: AbortController,
): Promise<void> {
  const onClose = () => {
    if (!res.writableFinished) controller.abort();
  };
  res.on("close", onClose);
  const chunks: Json[] = [];
  let status = 200;
  try {
    for await (const data of readSse(upstream.body!)) {
      if (data === "[DONE]") break;
      let chunk: Json;
      try {
        chunk = JSON.parse(data) as Json;
      } catch {
        continue;
      }
      chunks.push(chunk);
      const isUsageOnly = Array.isArray(chunk.choices) && chunk.choices.length === 0 && chunk.usage !== undefined;
      if (isUsageOnly && !includeUsage) continue;
      if (!includeUsage && chunk.usage !== undefined) delete chunk.usage;
      await writeEvent(res, JSON.stringify(chunk));
    }
    await writeEvent(res, "[DONE]");
  } catch (err) {
    status = controller.signal.aborted ? 499 : 502;
    await writeEvent(res, JSON.stringify({ error: { message: readSseError(err), type: "upstream_error" } }));
  } finally {
    res.off("close", onClose);
    const whole = assemble(kind, chunks);
    tokensOf(log, request, whole as unknown as Json);
    admission.settle(log.inputTokens + log.outputTokens);
    log.response = whole;
    log.finish(status);
  }
}
