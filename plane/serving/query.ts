import { randomUUID } from "node:crypto";
import type { RequestContext } from "../router";
import { PlaneError, invalidParameter } from "../errors";
import { isReady } from "./records";
import { targetEndpoint } from "./access";
import { payPerTokenSpec } from "../catalog/foundation";
import { workspaceGeo } from "../geo";

/**
 * A minimal query path, enough to exercise CAN_QUERY and readiness: `POST /serving-endpoints/{name}/invocations`
 * and the OpenAI-compatible `/serving-endpoints/chat/completions` and `/embeddings` (routed on `body.model`).
 * Answers are canned: the plane runs no models.
 */
function asObject(body: unknown): Record<string, unknown> {
  return body as Record<string, unknown>;
}

function tokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function answer(ctx: RequestContext, body: Record<string, unknown>) {
  const { rec } = targetEndpoint(ctx);
  const name = rec.name;
  if (!isReady(rec)) throw new PlaneError(400, "INVALID_STATE", `Endpoint '${name}' is not ready (state.ready is NOT_READY).`);
  const ppt = payPerTokenSpec(rec.name);
  if (ppt) {
    const geo = workspaceGeo(ctx.plane);
    if (geo.geo !== null && !ppt.hostedGeos.includes(geo.geo) && !geo.cross_geo_processing) {
      throw new PlaneError(
        403,
        "PERMISSION_DENIED",
        `'${rec.name}' is not hosted in this workspace's Geo (${geo.geo}); it is available with cross-Geo processing enabled.`,
      );
    }
  }
  const now = Math.floor(ctx.plane.now() / 1000);
  if (rec.task === "llm/v1/embeddings") {
    const input = body.input;
    const inputs = Array.isArray(input) ? input.map((x) => (typeof x === "string" ? x : JSON.stringify(x) ?? "")) : typeof input === "string" ? [input] : undefined;
    if (!inputs) throw invalidParameter("'input' must be a string or an array of strings.");
    return {
      object: "list",
      model: rec.name,
      data: inputs.map((t, index) => ({ object: "embedding", index, embedding: Array.from({ length: 8 }, (_, k) => ((t.length + k) % 7) / 7) })),
      usage: { prompt_tokens: inputs.reduce((n, t) => n + tokens(t), 0), total_tokens: inputs.reduce((n, t) => n + tokens(t), 0) },
    };
  }
  const messages = Array.isArray(body.messages) ? (body.messages as unknown[]) : undefined;
  if (rec.task === "llm/v1/chat" && !messages) throw invalidParameter("'messages' is required for a chat endpoint.");
  const contentOf = (m: unknown) => {
    const c = m !== null && typeof m === "object" ? (m as { content?: unknown }).content : undefined;
    return typeof c === "string" ? c : JSON.stringify(c ?? "") ?? "";
  };
  const prompt = messages ? messages.map(contentOf).join("\n") : JSON.stringify(body);
  const content = `[dbserve] ${rec.name} received ${messages ? messages.length : 1} message(s).`;
  return {
    id: `chatcmpl-${randomUUID()}`,
    object: "chat.completion",
    created: now,
    model: rec.name,
    choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
    usage: { prompt_tokens: tokens(prompt), completion_tokens: tokens(content), total_tokens: tokens(prompt) + tokens(content) },
  };
}

/** `POST /serving-endpoints/{name}/invocations` */
export function invokeEndpoint(ctx: RequestContext) {
  return answer(ctx, asObject(ctx.body));
}

/** OpenAI-compatible `POST /serving-endpoints/chat/completions`, routed on `body.model` (the route table resolves it). */
export function chatCompletions(ctx: RequestContext) {
  return answer(ctx, asObject(ctx.body));
}

/** OpenAI-compatible `POST /serving-endpoints/embeddings`, routed on `body.model`. */
export function embeddings(ctx: RequestContext) {
  return answer(ctx, asObject(ctx.body));
}
