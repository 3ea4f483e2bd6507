/**
 * The query path's route handlers, one named function per route of the plane's route table (plane/routes.ts), which
 * also checks each route's permission before the handler runs (the handlers keep their own check as well).
 */
import { PlaneError, invalidParameter, quote } from "../errors";
import { Reply, type RequestContext } from "../router";
import { fetchWithLevel, endpointNotFound } from "../serving/access";
import { loadEndpoint } from "../serving/records";
import { queryInt } from "../validate";
import { openApiDocument } from "./openapi";
import { runQuery } from "./pipeline";
import { queryDeps } from "./routes";
import { accepts, targetsFor } from "./targets";
import { listInference, listUsage, type ListOptions } from "./usage-store";
import { KIND_OF_TASK } from "./formats";

const asJson = (ctx: RequestContext) => ctx.body as Record<string, unknown>;

/**
 * Errors of the query routes keep the Databricks model (`error_code`, `message`) and add an OpenAI-style `error`
 * object, which the OpenAI clients (openai ≥ 5, the AI SDK) read their message from; without it they report only
 * "400 status code (no body)".
 */
export class QueryError extends PlaneError {
  constructor(from: PlaneError) {
    super(from.status, from.errorCode, from.message, from.headers);
  }
  override body(): { error_code: string; message: string; error: { message: string; type: string; code: string } } {
    return { ...super.body(), error: { message: this.message, type: this.errorCode.toLowerCase(), code: this.errorCode } };
  }
}

/** The route table's `wrapError` for query routes: the same error, with the OpenAI-style `error` object. */
export function asQueryError(err: PlaneError): PlaneError {
  return err instanceof QueryError ? err : new QueryError(err);
}

async function withQueryErrors(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return await run();
  } catch (err) {
    throw err instanceof PlaneError && !(err instanceof QueryError) ? new QueryError(err) : err;
  }
}

/** `POST /serving-endpoints/{name}/invocations` (CAN_QUERY). */
export function invokeEndpoint(ctx: RequestContext): Promise<unknown> {
  const q = queryDeps(ctx.plane);
  return withQueryErrors(() => runQuery(q, { endpoint: ctx.params.name, body: asJson(ctx), bodyBytes: ctx.rawBody.length, user: ctx.user }));
}

/** `POST /serving-endpoints/{name}/served-models/{entity}/invocations` (CAN_QUERY): one entity, no traffic split. */
export function invokeServedEntity(ctx: RequestContext): Promise<unknown> {
  const q = queryDeps(ctx.plane);
  return withQueryErrors(() => runQuery(q, { endpoint: ctx.params.name, entity: ctx.params.entity, body: asJson(ctx), bodyBytes: ctx.rawBody.length, user: ctx.user }));
}

/**
 * `POST /serving-endpoints/chat/completions`, `/completions`, `/embeddings` (CAN_QUERY on `body.model`): OpenAI clients
 * use `base_url = <host>/serving-endpoints` and the endpoint name as the model.
 */
export function openAiCompatible(ctx: RequestContext): Promise<unknown> {
  const q = queryDeps(ctx.plane);
  return withQueryErrors(async () => {
    const body = asJson(ctx);
    if (typeof body.model !== "string" || body.model === "") throw invalidParameter("'model' (the serving endpoint's name) is required.");
    if (!loadEndpoint(q.plane.db, body.model)) throw endpointNotFound(body.model);
    const { model, ...rest } = body;
    return runQuery(q, { endpoint: model, body: rest, bodyBytes: ctx.rawBody.length, user: ctx.user });
  });
}

/** `GET /api/2.0/serving-endpoints/{name}/openapi` (CAN_QUERY). */
export function endpointOpenApi(ctx: RequestContext): unknown {
  const q = queryDeps(ctx.plane);
  const { rec } = fetchWithLevel(q, ctx.params.name, ctx.user, "CAN_QUERY");
  const targets = rec.config ? targetsFor(q.plane.db, rec, (rec.config.served_entities ?? rec.config.served_models ?? [])[0]?.name) : [];
  const kinds = [...new Set(targets.flatMap((t) => accepts(t)))];
  return openApiDocument({
    baseUrl: q.plane.baseUrl(),
    endpoint: rec.name,
    task: rec.task,
    kinds: kinds.length > 0 ? kinds : [KIND_OF_TASK[rec.task ?? ""] ?? "predictions"],
    entities: targets.map((t) => ({ name: t.entity, kinds: accepts(t) })),
  });
}

/** `GET /api/2.0/serving-endpoints/{name}/metrics` (CAN_VIEW): Prometheus text exposition. */
export function endpointMetrics(ctx: RequestContext): Reply {
  const q = queryDeps(ctx.plane);
  const { rec } = fetchWithLevel(q, ctx.params.name, ctx.user, "CAN_VIEW");
  const entities = [...(rec.config?.served_entities ?? []), ...(rec.config?.served_models ?? [])].map((e) => e.name!).filter(Boolean);
  const text = q.metrics.exposition(rec.name, entities);
  return new Reply(200, undefined, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" }, Buffer.from(text));
}

function listOptions(ctx: RequestContext, endpoint?: string): ListOptions {
  const token = ctx.query.get("page_token");
  if (token !== null && !/^\d{1,15}$/.test(token)) throw invalidParameter(`Invalid page_token ${quote(token)}.`);
  return {
    endpoint,
    sinceMs: queryInt(ctx.query, "since_ms", 0, Number.MAX_SAFE_INTEGER),
    maxResults: queryInt(ctx.query, "max_results", 1, 10_000) ?? 1000,
    after: token === null ? undefined : Number(token),
  };
}

/** `GET /api/2.0/dbserve/serving-endpoints/{name}/usage` (CAN_MANAGE): the endpoint's usage-table rows. */
export function endpointUsage(ctx: RequestContext): unknown {
  const q = queryDeps(ctx.plane);
  const { rec } = fetchWithLevel(q, ctx.params.name, ctx.user, "CAN_MANAGE");
  return listUsage(q.plane.db, listOptions(ctx, rec.name));
}

/** `GET /api/2.0/dbserve/serving-endpoints/{name}/inference-log` (CAN_MANAGE): the endpoint's inference-table rows. */
export function endpointInferenceLog(ctx: RequestContext): unknown {
  const q = queryDeps(ctx.plane);
  const { rec } = fetchWithLevel(q, ctx.params.name, ctx.user, "CAN_MANAGE");
  return listInference(q.plane.db, listOptions(ctx, rec.name));
}

/** `GET /api/2.0/dbserve/usage` (admin): usage rows of every endpoint, deleted ones included. */
export function allUsage(ctx: RequestContext): unknown {
  return listUsage(ctx.plane.db, listOptions(ctx));
}

/** `GET /api/2.0/dbserve/inference-log` (admin): inference rows of every endpoint. */
export function allInferenceLog(ctx: RequestContext): unknown {
  return listInference(ctx.plane.db, listOptions(ctx));
}
