/**
 * External models, forwarded for real: the request goes to the provider configured on the served entity with the
 * credential kept by `secrets-store.ts`, and the provider's answer (JSON or an SSE stream) comes back through the
 * gateway. Providers with an OpenAI-compatible API are forwarded:
 * - `openai`: `openai_api_base` (default `https://api.openai.com/v1`) + `/chat/completions|/completions|/embeddings`,
 *   `Authorization: Bearer <openai_api_key>`; with `openai_api_type` `azure`/`azuread`, Azure OpenAI's
 *   `/openai/deployments/<openai_deployment_name>/…?api-version=<openai_api_version>` and an `api-key` header;
 * - `custom`: `custom_provider_url` (a base URL; the task path is appended unless the URL already ends with it),
 *   with `api_key_auth` (`<key>: <value>`) or `bearer_token_auth`;
 * - `databricks-model-serving`: `<databricks_workspace_url>/serving-endpoints/<name>/invocations` with the token.
 * Other providers (Anthropic, Bedrock, Vertex AI, Cohere, AI21, PaLM) speak their own APIs; the plane does not
 * translate them and answers 501 NOT_IMPLEMENTED. Secret references (`{{secrets/scope/key}}`) cannot be resolved by
 * the plane, which has no secret scopes: such an entity answers 400 asking for the `*_plaintext` form.
 *
 * Provider errors map to the Databricks error model: 400/404/422 → 400 BAD_REQUEST; 401/403 → 403 PERMISSION_DENIED
 * (the endpoint's credential was refused, not the caller's token); 429 → 429 REQUEST_LIMIT_EXCEEDED (Retry-After
 * kept); 5xx and unreachable → 503 TEMPORARILY_UNAVAILABLE; no answer within 120 s → 504 DEADLINE_EXCEEDED. The message
 * names the provider and carries its own error message.
 */
import type * as s from "@databricks/sdk-experimental/dist/apis/serving/model";
import { PlaneError, invalidParameter } from "../errors";
import type { QueryKind } from "./formats";

/** Databricks' execution limit for a query (facts §7). */
export const UPSTREAM_TIMEOUT_MS = 120_000;

const PATHS: Record<string, string> = { chat: "/chat/completions", completions: "/completions", embeddings: "/embeddings" };

export interface UpstreamCall {
  url: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

function secret(creds: Record<string, string>, config: Record<string, unknown> | undefined, path: string, field: string): string {
  const plain = creds[`${path}.${field}_plaintext`];
  if (plain !== undefined) return plain;
  const ref = config?.[field];
  if (typeof ref === "string") {
    throw invalidParameter(
      `External model credential '${path}.${field}' is a secret reference (${ref.replace(/[^{}/a-z0-9_.-]/gi, "")}); the local plane has no secret scopes: use '${field}_plaintext'.`,
    );
  }
  return "";
}

function joinPath(base: string, path: string): string {
  const b = base.replace(/\/+$/, "");
  return Object.values(PATHS).some((p) => b.endsWith(p)) || b.endsWith("/invocations") ? b : `${b}${path}`;
}

/** Where and how to send a request of `kind` to an external model. */
export function upstreamCall(model: s.ExternalModel, creds: Record<string, string>, kind: QueryKind, body: Record<string, unknown>): UpstreamCall {
  const path = PATHS[kind];
  if (!path) throw invalidParameter(`External model endpoints take chat, completions or embeddings requests, not ${kind}.`);
  const forwarded = { ...body, model: model.name };
  switch (model.provider) {
    case "openai": {
      const c = (model.openai_config ?? {}) as Record<string, unknown>;
      const type = String(c.openai_api_type ?? "openai").toLowerCase();
      if (type === "azure" || type === "azuread") {
        const base = String(c.openai_api_base ?? "").replace(/\/+$/, "");
        if (!base) throw invalidParameter("openai_config.openai_api_base is required for Azure OpenAI.");
        const key = secret(creds, c, "openai_config", "openai_api_key");
        const { model: _m, ...rest } = forwarded;
        return {
          url: `${base}/openai/deployments/${encodeURIComponent(String(c.openai_deployment_name ?? model.name))}${path}?api-version=${encodeURIComponent(String(c.openai_api_version ?? "2024-06-01"))}`,
          headers: { "api-key": key },
          body: rest,
        };
      }
      const headers: Record<string, string> = { Authorization: `Bearer ${secret(creds, c, "openai_config", "openai_api_key")}` };
      if (typeof c.openai_organization === "string") headers["OpenAI-Organization"] = c.openai_organization;
      return { url: joinPath(String(c.openai_api_base ?? "https://api.openai.com/v1"), path), headers, body: forwarded };
    }
    case "custom": {
      const c = (model.custom_provider_config ?? {}) as { custom_provider_url?: string; api_key_auth?: Record<string, unknown>; bearer_token_auth?: Record<string, unknown> };
      const headers: Record<string, string> = {};
      if (c.api_key_auth) headers[String(c.api_key_auth.key)] = secret(creds, c.api_key_auth, "custom_provider_config.api_key_auth", "value");
      if (c.bearer_token_auth) headers.Authorization = `Bearer ${secret(creds, c.bearer_token_auth, "custom_provider_config.bearer_token_auth", "token")}`;
      return { url: joinPath(String(c.custom_provider_url ?? ""), path), headers, body: forwarded };
    }
    case "databricks-model-serving": {
      const c = (model.databricks_model_serving_config ?? {}) as Record<string, unknown>;
      const base = String(c.databricks_workspace_url ?? "").replace(/\/+$/, "");
      const token = secret(creds, c, "databricks_model_serving_config", "databricks_api_token");
      const { model: _m, ...rest } = forwarded;
      return { url: `${base}/serving-endpoints/${encodeURIComponent(model.name)}/invocations`, headers: { Authorization: `Bearer ${token}` }, body: rest };
    }
    default:
      throw new PlaneError(
        501,
        "NOT_IMPLEMENTED",
        `The local plane forwards only to OpenAI-compatible providers (openai, custom, databricks-model-serving); '${model.provider}' is not forwarded.`,
      );
  }
}

function providerMessage(text: string): string {
  try {
    const j = JSON.parse(text) as { error?: { message?: string } | string; message?: string };
    const m = typeof j.error === "string" ? j.error : (j.error?.message ?? j.message);
    if (m) return String(m).slice(0, 2000);
  } catch {
    /* not JSON */
  }
  return text.slice(0, 500);
}

/** The Databricks error for a provider's non-2xx answer. */
export function providerError(provider: string, status: number, text: string, retryAfter: string | null): PlaneError {
  const msg = `External model provider '${provider}' answered ${status}: ${providerMessage(text)}`;
  if (status === 429) return new PlaneError(429, "REQUEST_LIMIT_EXCEEDED", msg, { "Retry-After": retryAfter && /^\d+$/.test(retryAfter) ? retryAfter : "1" });
  if (status === 401 || status === 403) return new PlaneError(403, "PERMISSION_DENIED", msg);
  if (status >= 500) return new PlaneError(503, "TEMPORARILY_UNAVAILABLE", msg);
  return new PlaneError(400, "BAD_REQUEST", msg);
}

/** Errors after which the next served entity is tried, when fallbacks are enabled (rate limits and outages). */
export function fallsBack(err: unknown): boolean {
  return err instanceof PlaneError && (err.status === 429 || err.status >= 500);
}

/** Send the call; a non-2xx answer or a network failure becomes the mapped PlaneError. The body is left unread. */
export async function sendUpstream(provider: string, call: UpstreamCall, signal: AbortSignal): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(call.url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream", ...call.headers },
      body: JSON.stringify(call.body),
      signal: AbortSignal.any([signal, AbortSignal.timeout(UPSTREAM_TIMEOUT_MS)]),
    });
  } catch (err) {
    const e = err as Error;
    if (e.name === "TimeoutError") throw new PlaneError(504, "DEADLINE_EXCEEDED", `External model provider '${provider}' did not answer within ${UPSTREAM_TIMEOUT_MS / 1000} s.`);
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? e.message;
    throw new PlaneError(503, "TEMPORARILY_UNAVAILABLE", `External model provider '${provider}' is unreachable (${cause}).`);
  }
  if (!res.ok) throw providerError(provider, res.status, await res.text(), res.headers.get("retry-after"));
  return res;
}

/** A short description of a failure while relaying a provider's stream. */
export function readSseError(err: unknown): string {
  return `The external model's stream failed: ${(err as Error).message ?? String(err)}`;
}
