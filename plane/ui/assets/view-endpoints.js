// @ts-check
import { api, ApiError, enc } from "./api.js";
import { badge, h, replace, syncRows } from "./dom.js";
import { deploymentMessage, entityLabel, gatewaySummary, isPayPerToken, productOrder, sizeOf, stateOf, tagsText } from "./model.js";

/** @typedef {import("./app.js").View} View */
/** @typedef {Record<string, any>} Json */

export const FAST_MS = 1000;
export const SLOW_MS = 2000;

/**
 * The endpoint list: pay-per-token endpoints first, then the caller's own and shared ones (the API lists only what
 * the caller may view). While a deployment is in progress it refreshes every second, in place.
 * @param {View} view
 */
export function renderEndpoints(view) {
  view.title("Serving endpoints");
  const status = h("p", { class: "refresh", id: "refresh-status" }, "Loading endpoints…");
  const filter = /** @type {HTMLInputElement} */ (h("input", { id: "filter", type: "search", placeholder: "Name, task, tag or owner", autocomplete: "off" }));
  const tbody = /** @type {HTMLTableSectionElement} */ (h("tbody"));
  const count = h("span", { class: "count", id: "endpoint-count" });
  const empty = h("p", { class: "empty", hidden: true }, "No endpoint matches.");
  const table = h(
    "div",
    { class: "table-wrap", tabindex: "0", role: "region", "aria-labelledby": "list-caption" },
    h(
      "table",
      { id: "endpoints" },
      h("caption", { id: "list-caption", class: "visually-hidden" }, "Serving endpoints"),
      h("thead", null, h("tr", null, ["Name", "State", "Task", "Served entities", "Throughput", "AI gateway", "Tags", "Owner"].map((x) => h("th", { scope: "col" }, x)))),
      tbody,
    ),
  );
  replace(
    view.main,
    h("div", { class: "page-head" }, h("h1", null, "Serving endpoints", " ", count)),
    h("div", { class: "toolbar" }, h("label", { for: "filter" }, "Filter endpoints"), filter, status),
    table,
    empty,
  );

  /** Detailed views of non-pay-per-token endpoints (throughput, deployment messages), refetched when they change. */
  /** @type {Map<string, { updated: number, detail: Json }>} */
  const details = new Map();
  /** @type {Map<string, string>} */
  const lastState = new Map();
  /** @type {Json[]} */
  let endpoints = [];
  let busy = false;

  const draw = () => {
    const q = filter.value.trim().toLowerCase();
    const shown = endpoints.filter((ep) => q === "" || rowText(ep, details.get(ep.name)?.detail).includes(q));
    syncRows(tbody, shown, (ep) => ep.name, (ep) => cells(ep, details.get(ep.name)?.detail));
    empty.hidden = shown.length > 0;
    count.textContent = `(${shown.length === endpoints.length ? endpoints.length : `${shown.length} of ${endpoints.length}`})`;
  };
  filter.addEventListener("input", draw);

  view.every(
    () => (busy ? FAST_MS : SLOW_MS),
    async () => {
      let list;
      try {
        list = (await api("GET", "/api/2.0/serving-endpoints")).endpoints ?? [];
      } catch (err) {
        status.textContent = `Could not refresh: ${/** @type {Error} */ (err).message}`;
        return;
      }
      await Promise.all(
        list
          .filter((/** @type {Json} */ ep) => !isPayPerToken(ep))
          .map(async (/** @type {Json} */ ep) => {
            const known = details.get(ep.name);
            if (known && known.updated === ep.last_updated_timestamp && ep.state?.config_update !== "IN_PROGRESS") return;
            try {
              details.set(ep.name, { updated: ep.last_updated_timestamp, detail: await api("GET", `/api/2.0/serving-endpoints/${enc(ep.name)}`) });
            } catch (err) {
              if (!(err instanceof ApiError)) throw err;
            }
          }),
      );
      if (!view.alive()) return;
      for (const ep of list) {
        const label = stateOf(ep).label;
        const before = lastState.get(ep.name);
        if (before !== undefined && before !== label) view.announce(`${ep.name} is now ${label}.`);
        lastState.set(ep.name, label);
      }
      endpoints = productOrder(list);
      busy = list.some((/** @type {Json} */ ep) => ep.state?.config_update === "IN_PROGRESS");
      draw();
      status.textContent = `Updated ${new Date().toLocaleTimeString()}. ${busy ? "A deployment is in progress: refreshing every second." : "Refreshing every 2 seconds."}`;
    },
  );
}

/** @param {Json} ep @param {Json | undefined} detail */
function rowText(ep, detail) {
  const entities = (ep.config?.served_entities ?? []).map(entityLabel);
  return [ep.name, ep.task, ep.creator, ...tagsText(ep.tags), ...entities, stateOf(detail ?? ep).label].join(" ").toLowerCase();
}

/**
 * @param {Json} ep summary from the list
 * @param {Json | undefined} detail detailed view, when fetched
 * @returns {[string, () => any][]}
 */
function cells(ep, detail) {
  const ppt = isPayPerToken(ep);
  const source = detail ?? ep;
  const state = stateOf(ep);
  const message = detail ? deploymentMessage(detail) : "";
  const entities = detail ? [...(detail.config?.served_entities ?? []), ...(detail.config?.served_models ?? [])] : (ep.config?.served_entities ?? []);
  const pending = detail?.pending_config ? [...(detail.pending_config.served_entities ?? []), ...(detail.pending_config.served_models ?? [])] : [];
  const shownEntities = entities.length > 0 ? entities : pending;
  const sizes = [...new Set(shownEntities.map((/** @type {Json} */ e) => sizeOf(e, ppt)))];
  return [
    [
      `${ep.name}|${ppt}`,
      () => [h("a", { href: `/ml/endpoints/${enc(ep.name)}` }, ep.name), ppt ? h("span", { class: "pill" }, "Pay-per-token") : null],
    ],
    [`${state.label}|${message}`, () => [badge(state.tone, state.label), message ? h("div", { class: "message" }, message) : null]],
    [String(ep.task ?? ""), () => ep.task ?? "—"],
    [JSON.stringify(shownEntities.map(entityLabel)), () => (shownEntities.length ? h("ul", { class: "plain" }, shownEntities.map((/** @type {Json} */ e) => h("li", null, entityLabel(e)))) : "—")],
    [JSON.stringify(sizes), () => (sizes.length ? sizes.join(", ") : detail || ppt ? "—" : "…")],
    [JSON.stringify(source.ai_gateway ?? null), () => gatewaySummary(source.ai_gateway)],
    [JSON.stringify(ep.tags ?? []), () => (ep.tags?.length ? h("ul", { class: "tags" }, tagsText(ep.tags).map((t) => h("li", null, t))) : "—")],
    [String(ep.creator ?? ""), () => ep.creator ?? "—"],
  ];
}
