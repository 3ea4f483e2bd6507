// @ts-check
/** How the page reads serving endpoints: one place for state, entity, throughput and AI gateway wording. */

/** @typedef {Record<string, any>} Json */

/** Pay-per-token endpoints serve a foundation model that Databricks hosts: no UC entity behind them. @param {Json} ep */
export function isPayPerToken(ep) {
  const entities = ep.config?.served_entities ?? [];
  return entities.length > 0 && entities.every((/** @type {Json} */ e) => e.foundation_model && !e.entity_name);
}

/** Pay-per-token first (as in the product), then by name. @param {Json[]} list */
export function productOrder(list) {
  return [...list].sort((a, b) => Number(isPayPerToken(b)) - Number(isPayPerToken(a)) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** @param {Json | undefined} config */
function entitiesOf(config) {
  return [...(config?.served_entities ?? []), ...(config?.served_models ?? [])];
}

/** The deployment message to show: the pending config's while it deploys or failed, else the active one's. @param {Json} detail */
export function deploymentMessage(detail) {
  for (const config of [detail.pending_config, detail.config]) {
    const msg = entitiesOf(config)
      .map((e) => e.state?.deployment_state_message)
      .filter((m) => typeof m === "string" && m !== "");
    if (msg.length > 0) return msg.join(" ");
  }
  return "";
}

/**
 * Ready / Updating / Failed / Not ready, as the product words it.
 * @param {Json} ep summary or detailed endpoint
 * @returns {{ tone: "ok" | "busy" | "bad" | "idle", label: string }}
 */
export function stateOf(ep) {
  const update = ep.state?.config_update;
  if (update === "IN_PROGRESS") return { tone: "busy", label: "Updating" };
  if (update === "UPDATE_FAILED") return { tone: "bad", label: ep.state?.ready === "READY" ? "Update failed" : "Failed" };
  if (update === "UPDATE_CANCELED") return { tone: "idle", label: "Update canceled" };
  return ep.state?.ready === "READY" ? { tone: "ok", label: "Ready" } : { tone: "idle", label: "Not ready" };
}

/** @param {Json} e served entity or model */
export function entityLabel(e) {
  if (e.external_model) return `${e.external_model.provider} · ${e.external_model.name}`;
  if (e.foundation_model && !e.entity_name) return e.foundation_model.display_name ?? e.foundation_model.name;
  if (e.entity_name) return e.entity_version ? `${e.entity_name} v${e.entity_version}` : e.entity_name;
  if (e.model_name) return `${e.model_name} v${e.model_version}`;
  return e.name ?? "—";
}

/** Provisioned-throughput band, model units, or CPU/GPU size. @param {Json} e @param {boolean} ppt */
export function sizeOf(e, ppt) {
  if (ppt) return "Pay-per-token";
  if (e.external_model) return "External";
  if (e.provisioned_model_units !== undefined) return `${e.provisioned_model_units} model units`;
  if (e.max_provisioned_throughput !== undefined) {
    return `${e.min_provisioned_throughput ?? 0}–${e.max_provisioned_throughput} tokens/s`;
  }
  if (e.max_provisioned_concurrency !== undefined) {
    return `${e.min_provisioned_concurrency ?? 0}–${e.max_provisioned_concurrency} concurrency`;
  }
  const parts = [e.workload_size, e.workload_type].filter(Boolean);
  if (e.scale_to_zero_enabled) parts.push("scales to zero");
  return parts.length > 0 ? parts.join(" · ") : "—";
}

/** One line per endpoint for the list. @param {Json | undefined} g */
export function gatewaySummary(g) {
  if (!g) return "—";
  const parts = [];
  if (g.usage_tracking_config?.enabled) parts.push("usage tracking");
  if (g.inference_table_config?.enabled) parts.push("inference table");
  const limits = g.rate_limits ?? [];
  if (limits.length > 0) parts.push(`${limits.length} rate limit${limits.length === 1 ? "" : "s"}`);
  if (g.guardrails) parts.push("guardrails");
  if (g.fallback_config?.enabled) parts.push("fallbacks");
  return parts.length > 0 ? parts.join(", ") : "—";
}

/** @param {Json} r an AI gateway rate limit */
export function rateLimitText(r) {
  const what = [r.calls !== undefined ? `${r.calls} calls` : "", r.tokens !== undefined ? `${r.tokens} tokens` : ""].filter(Boolean).join(" and ");
  const who = r.principal ? `${r.key} ${r.principal}` : `per ${r.key ?? "endpoint"}`;
  return `${what} per ${r.renewal_period ?? "minute"}, ${who}`;
}

/** @param {Json[] | undefined} tags */
export function tagsText(tags) {
  return (tags ?? []).map((t) => (t.value ? `${t.key}: ${t.value}` : t.key));
}

/** The request body a query box sends for an endpoint's task. @param {string | undefined} task @param {string} text */
export function queryBody(task, text) {
  if (task === "llm/v1/chat") return { messages: [{ role: "user", content: text }], max_tokens: 256, stream: true };
  if (task === "llm/v1/completions") return { prompt: text, max_tokens: 256, stream: true };
  if (task === "llm/v1/embeddings") return { input: text };
  return JSON.parse(text);
}

/** What to show of an answer that did not stream. @param {Json} json */
export function answerText(json) {
  const choice = json?.choices?.[0];
  if (choice?.message?.content !== undefined) return String(choice.message.content);
  if (choice?.text !== undefined) return String(choice.text);
  if (Array.isArray(json?.data) && json.data[0]?.embedding) return `Embedding of ${json.data[0].embedding.length} dimensions.`;
  return JSON.stringify(json, null, 2);
}

/**
 * Usage-table rows bucketed per minute over the last `minutes`, oldest first, zero-filled (idle minutes show as 0).
 * @param {Json[]} rows rows of the usage table (`request_time` in epoch ms)
 * @param {number} now epoch ms
 * @param {number} minutes
 * @returns {{ timestamp: number, requests: number, errors: number, tokens: number }[]}
 */
export function usagePerMinute(rows, now, minutes) {
  const last = Math.floor(now / 60_000);
  const first = last - minutes + 1;
  const points = [];
  for (let m = first; m <= last; m++) points.push({ timestamp: m * 60, requests: 0, errors: 0, tokens: 0 });
  for (const r of rows) {
    const i = Math.floor(r.request_time / 60_000) - first;
    if (i < 0 || i >= points.length) continue;
    points[i].requests++;
    if (r.status_code >= 400) points[i].errors++;
    points[i].tokens += (r.input_token_count ?? 0) + (r.output_token_count ?? 0);
  }
  return points;
}

/**
 * Totals of an endpoint's Prometheus exposition (`GET …/metrics`), summed over served entities.
 * @param {string} text
 */
export function metricTotals(text) {
  const totals = { requests: 0, r4xx: 0, r5xx: 0, inputTokens: 0, outputTokens: 0 };
  /** @type {Record<string, keyof typeof totals>} */
  const names = {
    request_count_total: "requests",
    request_4xx_count_total: "r4xx",
    request_5xx_count_total: "r5xx",
    input_token_count_total: "inputTokens",
    output_token_count_total: "outputTokens",
  };
  for (const line of text.split("\n")) {
    const m = /^([a-z_0-9]+)(?:\{[^}]*\})?\s+([0-9.eE+-]+)$/.exec(line.trim());
    if (m && names[m[1]]) totals[names[m[1]]] += Number(m[2]);
  }
  return totals;
}
