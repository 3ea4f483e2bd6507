// @ts-check
import { api, apiText, ApiError, enc, invoke } from "./api.js";
import { badge, facts, h, notice, renderIfChanged, replace, table, when } from "./dom.js";
import { answerText, deploymentMessage, entityLabel, isPayPerToken, metricTotals, queryBody, rateLimitText, sizeOf, stateOf, tagsText, usagePerMinute } from "./model.js";
import { usageChart } from "./chart.js";
import { FAST_MS, SLOW_MS } from "./view-endpoints.js";

/** @typedef {import("./app.js").View} View */
/** @typedef {Record<string, any>} Json */

const RANK = { CAN_VIEW: 1, CAN_QUERY: 2, CAN_MANAGE: 3 };
/** @param {string | undefined} level @param {keyof typeof RANK} needed */
const atLeast = (level, needed) => (RANK[/** @type {keyof typeof RANK} */ (level)] ?? 0) >= RANK[needed];

/**
 * One endpoint: its state, active and pending config side by side, a query box, usage over time, AI gateway,
 * permissions and logs. Every part comes from the REST API with the viewer's permissions; what the viewer may not
 * see is said in place.
 * @param {View} view
 * @param {string} name
 */
export function renderEndpoint(view, name) {
  view.title(name);
  const head = h("div", { class: "page-head" });
  const summary = h("div", { id: "summary" });
  const config = h("div", { class: "columns", id: "config" });
  const queryBox = h("div", { id: "query" });
  const usageText = h("p", { id: "usage-summary" }, "Loading usage…");
  const chart = h("div", { id: "usage-chart", class: "chart", role: "img", "aria-labelledby": "usage-summary", hidden: true });
  const counters = h("p", { id: "usage-counters", class: "hint" });
  const gateway = h("div", { id: "gateway" });
  const perms = h("div", { id: "permissions" });
  const logs = h("div", { id: "logs" });
  const crumbs = h(
    "nav",
    { "aria-label": "Breadcrumb", class: "crumbs" },
    h("ol", null, h("li", null, h("a", { href: "/ml/endpoints" }, "Serving endpoints")), h("li", { "aria-current": "page" }, name)),
  );
  replace(
    view.main,
    crumbs,
    head,
    summary,
    section("Configuration", "config-title", config),
    section("Query", "query-title", queryBox),
    section("Usage", "usage-title", usageText, chart, counters),
    section("AI gateway", "gateway-title", gateway),
    section("Permissions", "permissions-title", perms),
    section("Logs", "logs-title", logs),
  );
  renderIfChanged(head, "loading", () => h("h1", null, name));

  /** @type {Json | undefined} */
  let detail;
  let busy = false;
  let refused = false;
  let usageStarted = false;
  /** @type {string | undefined} */
  let lastState;

  view.every(
    () => (refused ? 60_000 : busy ? FAST_MS : SLOW_MS),
    async () => {
      if (refused) return;
      try {
        detail = await api("GET", `/api/2.0/serving-endpoints/${enc(name)}`);
      } catch (err) {
        if (err instanceof ApiError && (err.status === 403 || err.status === 404)) {
          refused = true;
          replace(
            view.main,
            crumbs,
            h("h1", null, name),
            h("p", { class: "notice refused", role: "alert" }, err.status === 403 ? `You do not have access to this endpoint. ${err.message}` : err.message),
          );
        }
        return;
      }
      if (!view.alive() || !detail) return;
      const d = detail;
      busy = d.state?.config_update === "IN_PROGRESS";
      const state = stateOf(d);
      if (lastState !== undefined && lastState !== state.label) view.announce(`${name} is now ${state.label}.`);
      lastState = state.label;
      drawHead(head, d);
      drawSummary(summary, d);
      drawConfig(config, d);
      drawQuery(queryBox, d, () => refreshUsage());
      if (!usageStarted) {
        usageStarted = true;
        view.every(() => 10_000, refreshUsage);
      }
      renderIfChanged(gateway, JSON.stringify(d.ai_gateway ?? null), () => gatewayView(d.ai_gateway));
      await Promise.all([drawPermissions(perms, d), drawLogs(logs, d)]);
    },
  );

  /**
   * Usage over the last hour from the usage table (its route needs CAN_MANAGE, and rows exist only while the
   * endpoint's AI gateway tracks usage), and the endpoint's counters since the plane started (from /metrics, CAN_VIEW).
   */
  const refreshUsage = async () => {
    const now = Date.now();
    const tracking = Boolean(detail?.ai_gateway?.usage_tracking_config?.enabled);
    /** @type {Json[] | undefined} */
    let rows;
    try {
      rows = await usageRows(name, now - 60 * 60_000);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      usageText.textContent =
        err.status === 403 ? "Usage over time comes from the usage table, which needs CAN_MANAGE on this endpoint." : `Usage is not available: ${err.message}`;
    }
    if (!view.alive()) return;
    if (rows) {
      const points = usagePerMinute(rows, now, 60);
      const total = points.reduce((n, p) => n + p.requests, 0);
      const errors = points.reduce((n, p) => n + p.errors, 0);
      const tokens = points.reduce((n, p) => n + p.tokens, 0);
      if (total === 0 && !tracking) {
        usageText.textContent = "Usage tracking is off for this endpoint, so its queries are not recorded in the usage table; turn it on in its AI gateway (usage tracking).";
        chart.hidden = true;
      } else {
        usageText.textContent = `${total} request${total === 1 ? "" : "s"} (${errors} failed) and ${tokens} tokens in the last 60 minutes, per minute, from the usage table.`;
        chart.hidden = false;
        await usageChart(chart, points);
      }
    } else chart.hidden = true;
    try {
      const m = metricTotals(await apiText("GET", `/api/2.0/serving-endpoints/${enc(name)}/metrics`));
      counters.textContent = `Since the plane started: ${m.requests} request${m.requests === 1 ? "" : "s"} (${m.r4xx} 4xx, ${m.r5xx} 5xx), ${m.inputTokens} input and ${m.outputTokens} output tokens.`;
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      counters.textContent = "";
    }
  };
}

/** The usage table's rows for an endpoint since `sinceMs`, following page tokens (bounded). @param {string} name @param {number} sinceMs */
async function usageRows(name, sinceMs) {
  /** @type {Json[]} */
  const out = [];
  let token = "";
  for (let i = 0; i < 10; i++) {
    const page = await api("GET", `/api/2.0/dbserve/serving-endpoints/${enc(name)}/usage?since_ms=${sinceMs}&max_results=10000${token ? `&page_token=${enc(token)}` : ""}`);
    out.push(...(page.rows ?? []));
    token = page.next_page_token ?? "";
    if (!token) break;
  }
  return out;
}

/** @param {string} title @param {string} id @param {...any} content */
function section(title, id, ...content) {
  return h("section", { "aria-labelledby": id }, h("h2", { id }, title), ...content);
}

/** @param {HTMLElement} el @param {Json} d */
function drawHead(el, d) {
  const state = stateOf(d);
  const message = deploymentMessage(d);
  renderIfChanged(el, JSON.stringify([d.name, state, message, isPayPerToken(d)]), () => [
    h("h1", null, d.name, " ", h("span", { id: "endpoint-state" }, badge(state.tone, state.label)), isPayPerToken(d) ? h("span", { class: "pill" }, "Pay-per-token") : null),
    message ? h("p", { class: `message ${state.tone === "bad" ? "error" : ""}`, id: "deployment-message" }, message) : null,
  ]);
}

/** @param {HTMLElement} el @param {Json} d */
function drawSummary(el, d) {
  renderIfChanged(el, JSON.stringify([d.task, d.creator, d.creation_timestamp, d.last_updated_timestamp, d.permission_level, d.tags, d.description]), () =>
    facts([
      ["Task", d.task ?? "—"],
      ["Owner", d.creator ?? "—"],
      ["Created", when(d.creation_timestamp)],
      ["Last updated", when(d.last_updated_timestamp)],
      ["Your permission", d.permission_level ?? "—"],
      ["Query URL", h("code", null, `${location.origin}/serving-endpoints/${d.name}/invocations`)],
      ["Tags", d.tags?.length ? h("ul", { class: "tags" }, tagsText(d.tags).map((t) => h("li", null, t))) : "—"],
      ["Description", d.description || undefined],
    ]),
  );
}

/** @param {HTMLElement} el @param {Json} d */
function drawConfig(el, d) {
  const ppt = isPayPerToken(d);
  renderIfChanged(el, JSON.stringify([d.config, d.pending_config, d.state]), () => [
    h(
      "div",
      { class: "card", id: "active-config" },
      h("h3", null, d.config ? `Active config (version ${d.config.config_version})` : "Active config"),
      d.config ? configView(d.config, ppt, "Active") : notice("Nothing is deployed yet."),
    ),
    h(
      "div",
      { class: "card", id: "pending-config" },
      h("h3", null, d.pending_config ? `Pending config (version ${d.pending_config.config_version})` : "Pending config"),
      d.pending_config
        ? [
            h("p", { class: "hint" }, d.state?.config_update === "UPDATE_FAILED" ? "This update failed; the active config keeps serving." : `Deploying since ${when(d.pending_config.start_time)}.`),
            configView(d.pending_config, ppt, "Pending"),
          ]
        : notice("No update in progress."),
    ),
  ]);
}

/** @param {Json} c @param {boolean} ppt @param {string} which */
function configView(c, ppt, which) {
  const entities = [...(c.served_entities ?? []), ...(c.served_models ?? [])];
  const routes = c.traffic_config?.routes ?? [];
  return [
    table(
      `${which} served entities`,
      ["Served entity", "Size", "State"],
      entities.map((e) => {
        const st = e.state?.deployment ?? "";
        const tone = st === "DEPLOYMENT_READY" ? "ok" : st === "DEPLOYMENT_FAILED" ? "bad" : st === "DEPLOYMENT_CREATING" ? "busy" : "idle";
        const label = st === "" ? "—" : st.replace("DEPLOYMENT_", "").toLowerCase().replace(/^./, (/** @type {string} */ x) => x.toUpperCase());
        return [[h("div", null, e.name), h("div", { class: "message" }, entityLabel(e))], sizeOf(e, ppt), [badge(tone, label), e.state?.deployment_state_message ? h("div", { class: "message" }, e.state.deployment_state_message) : null]];
      }),
      { hideCaption: true },
    ),
    routes.length > 0
      ? h("p", { class: "hint" }, "Traffic: ", routes.map((/** @type {Json} */ r) => `${r.served_entity_name ?? r.served_model_name} ${r.traffic_percentage}%`).join(", "))
      : null,
    c.auto_capture_config?.enabled ? h("p", { class: "hint" }, `Inference table: ${c.auto_capture_config.catalog_name}.${c.auto_capture_config.schema_name}`) : null,
  ];
}

/** The query box is built once per endpoint and kept across refreshes (typing is never interrupted). */
const builtFor = new WeakMap();

/** @param {HTMLElement} el @param {Json} d @param {() => Promise<void>} afterQuery */
function drawQuery(el, d, afterQuery) {
  const key = `${d.name}|${d.task}|${d.permission_level}`;
  if (builtFor.get(el) === key) return;
  builtFor.set(el, key);
  if (!atLeast(d.permission_level, "CAN_QUERY")) {
    replace(el, notice(`Querying needs CAN_QUERY; you have ${d.permission_level ?? "no permission"} on this endpoint.`));
    return;
  }
  const task = d.task;
  const label = task === "llm/v1/chat" ? "Message" : task === "llm/v1/completions" ? "Prompt" : task === "llm/v1/embeddings" ? "Text to embed" : "Request body (JSON)";
  const initial = task?.startsWith("llm/") ? "Hello! What can you do?" : '{"dataframe_records": [{"x": 1}]}';
  const input = /** @type {HTMLTextAreaElement} */ (h("textarea", { id: "query-input", rows: task?.startsWith("llm/") ? 3 : 6, spellcheck: "false" }, initial));
  const send = /** @type {HTMLButtonElement} */ (h("button", { type: "submit", class: "primary", id: "query-send" }, "Send query"));
  const answer = h("div", { id: "query-answer", class: "answer", "aria-live": "polite" });
  const meta = h("p", { class: "hint", id: "query-meta" });
  const error = h("p", { class: "error", role: "alert", id: "query-error" });
  const raw = h("pre", { id: "query-json" });
  const form = h(
    "form",
    {
      class: "query",
      onsubmit: async (/** @type {SubmitEvent} */ e) => {
        e.preventDefault();
        error.textContent = "";
        answer.textContent = "";
        meta.textContent = "";
        raw.textContent = "";
        let body;
        try {
          body = queryBody(task, input.value);
        } catch {
          error.textContent = "The request body is not valid JSON.";
          return;
        }
        send.disabled = true;
        const started = performance.now();
        try {
          const result = await invoke(d.name, body, (text) => (answer.textContent += text));
          const ms = Math.round(performance.now() - started);
          if (result.streamed) {
            meta.textContent = `Streamed in ${result.chunks} chunks, ${ms} ms.`;
            raw.textContent = "(The answer arrived as Server-Sent Events; its text is shown above.)";
          }
          else {
            answer.textContent = answerText(result.json);
            meta.textContent = `Answered in one response, ${ms} ms.`;
            raw.textContent = JSON.stringify(result.json, null, 2);
          }
        } catch (err) {
          error.textContent = String(/** @type {Error} */ (err).message);
        } finally {
          send.disabled = false;
          afterQuery();
        }
      },
    },
    h("label", { for: "query-input" }, label),
    input,
    h("div", { class: "actions" }, send, h("span", { class: "hint" }, task?.startsWith("llm/") ? `POST /serving-endpoints/${d.name}/invocations (${task})` : `POST /serving-endpoints/${d.name}/invocations`)),
    error,
    h("h3", { class: "visually-hidden" }, "Answer"),
    answer,
    meta,
    h("details", null, h("summary", null, "Response JSON"), raw),
  );
  replace(el, form);
}

/** @param {Json | undefined} g */
function gatewayView(g) {
  if (!g) return notice("No AI gateway settings on this endpoint.");
  const it = g.inference_table_config;
  const guard = g.guardrails;
  /** @param {Json | undefined} side */
  const guardText = (side) => {
    if (!side) return "—";
    const parts = [];
    if (side.pii?.behavior) parts.push(`PII ${side.pii.behavior}`);
    if (side.safety) parts.push("safety filter");
    if (side.invalid_keywords?.length) parts.push(`${side.invalid_keywords.length} blocked keywords`);
    if (side.valid_topics?.length) parts.push(`topics: ${side.valid_topics.join(", ")}`);
    return parts.length > 0 ? parts.join(", ") : "—";
  };
  return [
    facts([
      ["Usage tracking", g.usage_tracking_config?.enabled ? "On" : "Off"],
      ["Inference table", it?.enabled ? `${it.catalog_name}.${it.schema_name}${it.table_name_prefix ? `.${it.table_name_prefix}_payload` : ""}` : "Off"],
      ["Input guardrails", guard ? guardText(guard.input) : "—"],
      ["Output guardrails", guard ? guardText(guard.output) : "—"],
      ["Fallbacks", g.fallback_config?.enabled ? "On" : "Off"],
    ]),
    table("Rate limits", ["Limit"], (g.rate_limits ?? []).map((/** @type {Json} */ r) => [rateLimitText(r)]), { empty: "No rate limits." }),
  ];
}

/** @param {HTMLElement} el @param {Json} d */
async function drawPermissions(el, d) {
  const sig = `${d.id}|${d.last_updated_timestamp}`;
  if (el.dataset.sig === sig) return;
  el.dataset.sig = sig;
  try {
    const p = await api("GET", `/api/2.0/permissions/serving-endpoints/${enc(d.id)}`);
    const rows = (p.access_control_list ?? []).flatMap((/** @type {Json} */ a) =>
      (a.all_permissions ?? []).map((/** @type {Json} */ perm) => [
        a.user_name ?? a.group_name ?? a.service_principal_name ?? "—",
        a.user_name ? "User" : a.group_name ? "Group" : "Service principal",
        perm.permission_level,
        perm.inherited ? `Inherited from ${(perm.inherited_from_object ?? []).join(", ")}` : "Direct",
      ]),
    );
    replace(el, table("Permissions", ["Principal", "Type", "Permission", "Source"], rows, { hideCaption: true, empty: "No grants." }));
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    replace(el, notice(`Permissions are not visible to you: ${err.message}`));
  }
}

/** @param {HTMLElement} el @param {Json} d */
async function drawLogs(el, d) {
  const entities = [...(d.config?.served_entities ?? []), ...(d.pending_config?.served_entities ?? []), ...(d.config?.served_models ?? [])];
  const names = [...new Set(entities.map((e) => e.name))];
  const sig = JSON.stringify([names, d.last_updated_timestamp, d.permission_level]);
  if (el.dataset.sig === sig) return;
  el.dataset.sig = sig;
  if (isPayPerToken(d)) return replace(el, notice("Databricks runs pay-per-token endpoints; they have no build or server logs."));
  if (!atLeast(d.permission_level, "CAN_MANAGE")) return replace(el, notice(`Logs need CAN_MANAGE; you have ${d.permission_level ?? "no permission"}.`));
  if (names.length === 0) return replace(el, notice("No served entities."));
  const blocks = await Promise.all(
    names.flatMap((n) =>
      [["build-logs", "Build logs"], ["logs", "Server logs"]].map(async ([kind, title]) => {
        let text;
        try {
          text = (await api("GET", `/api/2.0/serving-endpoints/${enc(d.name)}/served-models/${enc(n)}/${kind}`)).logs ?? "";
        } catch (err) {
          text = `Not available: ${/** @type {Error} */ (err).message}`;
        }
        return h("details", { class: "log" }, h("summary", null, `${title} · ${n}`), h("pre", null, text || "(empty)"));
      }),
    ),
  );
  replace(el, blocks);
}
