import { randomUUID } from "node:crypto";
import type { Router } from "../router";
import { PlaneError, invalidParameter, notFound } from "../errors";
import { isReady, loadEndpoint } from "./records";
import { fetchWithLevel, type ServingDeps } from "./access";
import { payPerTokenSpec } from "../catalog/foundation";
import { workspaceGeo } from "../geo";
import { countQuery } from "../ui/usage";

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

export function registerQueryRoutes(router: Router, deps: ServingDeps): void {
  const answer = (name: string, body: Record<string, unknown>, user: Parameters<typeof fetchWithLevel>[2]) => {
    const { rec } = fetchWithLevel(deps, name, user, "CAN_QUERY");
    if (!isReady(rec)) throw new PlaneError(400, "INVALID_STATE", `Endpoint '${name}' is not ready (state.ready is NOT_READY).`);
    const ppt = payPerTokenSpec(rec.name);
    if (ppt) {
      const geo = workspaceGeo(deps.plane);
      if (geo.geo !== null && !ppt.hostedGeos.includes(geo.geo) && !geo.cross_geo_processing) {
        throw new PlaneError(
          403,
          "PERMISSION_DENIED",
          `'${rec.name}' is not hosted in this workspace's Geo (${geo.geo}); it is available with cross-Geo processing enabled.`,
        );
      }
    }
    const now = Math.floor(Date.now() / 1000);
    if (rec.task === "llm/v1/embeddings") {
      const input = body.input;
      const inputs = Array.isArray(input) ? input.map(String) : typeof input === "string" ? [input] : undefined;
      if (!inputs) throw invalidParameter("'input' must be a string or an array of strings.");
      countQuery(deps.plane.db, rec.id, inputs.reduce((n, t) => n + tokens(t), 0));
      return {
        object: "list",
        model: rec.name,
        data: inputs.map((t, index) => ({ object: "embedding", index, embedding: Array.from({ length: 8 }, (_, k) => ((t.length + k) % 7) / 7) })),
        usage: { prompt_tokens: inputs.reduce((n, t) => n + tokens(t), 0), total_tokens: inputs.reduce((n, t) => n + tokens(t), 0) },
      };
    }
    const messages = Array.isArray(body.messages) ? (body.messages as { content?: unknown }[]) : undefined;
    if (rec.task === "llm/v1/chat" && !messages) throw invalidParameter("'messages' is required for a chat endpoint.");
    const prompt = messages ? messages.map((m) => String(m.content ?? "")).join("\n") : JSON.stringify(body);
    const content = `[dbserve] ${rec.name} received ${messages ? messages.length : 1} message(s).`;
    countQuery(deps.plane.db, rec.id, tokens(prompt) + tokens(content));
    return {
      id: `chatcmpl-${randomUUID()}`,
      object: "chat.completion",
      created: now,
      model: rec.name,
      choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
      usage: { prompt_tokens: tokens(prompt), completion_tokens: tokens(content), total_tokens: tokens(prompt) + tokens(content) },
    };
  };

  router.add("POST", "/serving-endpoints/:name/invocations", (ctx) => answer(ctx.params.name, asObject(ctx.body), ctx.user));
  for (const path of ["/serving-endpoints/chat/completions", "/serving-endpoints/embeddings"]) {
    router.add("POST", path, (ctx) => {
      const body = asObject(ctx.body);
      if (typeof body.model !== "string") throw invalidParameter("'model' (the endpoint name) is required.");
      if (!loadEndpoint(deps.plane.db, body.model)) throw notFound(`Endpoint with name '${body.model}' does not exist.`);
      return answer(body.model, body, ctx.user);
    });
  }
}
