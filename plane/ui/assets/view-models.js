// @ts-check
import { api, ApiError, enc } from "./api.js";
import { badge, facts, h, notice, renderIfChanged, replace, table, when } from "./dom.js";

/** @typedef {import("./app.js").View} View */
/** @typedef {Record<string, any>} Json */

/** Follow page tokens, a bounded number of pages (the page is for looking, not for exporting). @param {string} path @param {string} field */
async function allPages(path, field) {
  /** @type {Json[]} */
  const out = [];
  let token = "";
  for (let i = 0; i < 20; i++) {
    const sep = path.includes("?") ? "&" : "?";
    const page = await api("GET", `${path}${sep}max_results=100${token ? `&page_token=${enc(token)}` : ""}`);
    out.push(...(page[field] ?? []));
    token = page.next_page_token ?? "";
    if (!token) break;
  }
  return out;
}

/**
 * Unity Catalog registered models: the workspace's own first, then the foundation models published in system.ai.
 * @param {View} view
 */
export function renderModels(view) {
  view.title("Models");
  const mine = h("div", { id: "models-own" }, "Loading models…");
  const system = h("div", { id: "models-system" });
  replace(
    view.main,
    h("div", { class: "page-head" }, h("h1", null, "Models")),
    h("p", { class: "hint" }, "Registered models in Unity Catalog. Versions must be READY to be served."),
    h("section", { "aria-labelledby": "own-title" }, h("h2", { id: "own-title" }, "Registered models"), mine),
    h("section", { "aria-labelledby": "system-title" }, h("h2", { id: "system-title" }, "Foundation models (system.ai)"), system),
  );
  view.every(
    () => 10_000,
    async () => {
      let models;
      try {
        models = await allPages("/api/2.1/unity-catalog/models", "registered_models");
      } catch (err) {
        if (err instanceof ApiError) replace(mine, notice(`Models are not visible to you: ${err.message}`));
        return;
      }
      if (!view.alive()) return;
      /** @param {Json[]} list @param {string} caption */
      const rows = (list, caption) =>
        table(
          caption,
          ["Name", "Owner", "Comment", "Updated"],
          list.map((m) => [h("a", { href: `/ml/models/${enc(m.full_name)}` }, m.full_name), m.owner ?? "—", m.comment ?? "", when(m.updated_at)]),
          { hideCaption: true, empty: "No registered models yet." },
        );
      const own = models.filter((m) => m.catalog_name !== "system");
      const sys = models.filter((m) => m.catalog_name === "system");
      renderIfChanged(mine, JSON.stringify(own), () => rows(own, "Registered models"));
      renderIfChanged(system, JSON.stringify(sys), () => rows(sys, "Foundation models in system.ai"));
    },
  );
}

const STATUS_TONE = { READY: "ok", PENDING_REGISTRATION: "busy", FAILED_REGISTRATION: "bad" };

/**
 * One registered model: its versions with status (and why a registration failed) and aliases.
 * @param {View} view
 * @param {string} fullName
 */
export function renderModel(view, fullName) {
  view.title(fullName);
  const about = h("div", { id: "model-about" });
  const versions = h("div", { id: "model-versions" }, "Loading versions…");
  const crumbs = h("nav", { "aria-label": "Breadcrumb", class: "crumbs" }, h("ol", null, h("li", null, h("a", { href: "/ml/models" }, "Models")), h("li", { "aria-current": "page" }, fullName)));
  replace(view.main, crumbs, h("div", { class: "page-head" }, h("h1", null, fullName)), about, h("section", { "aria-labelledby": "versions-title" }, h("h2", { id: "versions-title" }, "Versions"), versions));
  let pending = false;
  /** @type {Map<string, string>} */
  const messages = new Map();
  view.every(
    () => (pending ? 2000 : 10_000),
    async () => {
      let model, list;
      try {
        [model, list] = await Promise.all([
          api("GET", `/api/2.1/unity-catalog/models/${enc(fullName)}?include_aliases=true`),
          allPages(`/api/2.1/unity-catalog/models/${enc(fullName)}/versions`, "model_versions"),
        ]);
      } catch (err) {
        if (err instanceof ApiError) replace(versions, notice(err.message));
        return;
      }
      // The UC shape has no status message; the MLflow registry's does, for versions that are not READY.
      await Promise.all(
        list
          .filter((v) => v.status !== "READY" && !messages.has(`${v.version}|${v.status}`))
          .map(async (v) => {
            try {
              const r = await api("GET", `/api/2.0/mlflow/unity-catalog/model-versions/get?name=${enc(fullName)}&version=${v.version}`);
              messages.set(`${v.version}|${v.status}`, r.model_version?.status_message ?? "");
            } catch {
              messages.set(`${v.version}|${v.status}`, "");
            }
          }),
      );
      if (!view.alive()) return;
      pending = list.some((v) => v.status === "PENDING_REGISTRATION");
      /** @type {Map<number, string[]>} */
      const aliases = new Map();
      for (const a of model.aliases ?? []) aliases.set(a.version_num, [...(aliases.get(a.version_num) ?? []), a.alias_name]);
      renderIfChanged(about, JSON.stringify(model), () =>
        facts([
          ["Owner", model.owner ?? "—"],
          ["Comment", model.comment || "—"],
          ["Created", when(model.created_at)],
          ["Updated", when(model.updated_at)],
          ["Aliases", (model.aliases ?? []).length ? (model.aliases ?? []).map((/** @type {Json} */ a) => `@${a.alias_name} → v${a.version_num}`).join(", ") : "—"],
        ]),
      );
      const sorted = [...list].sort((a, b) => b.version - a.version);
      renderIfChanged(versions, JSON.stringify([sorted, [...aliases], [...messages]]), () =>
        table(
          "Versions",
          ["Version", "Status", "Aliases", "Source", "Created by", "Created"],
          sorted.map((v) => {
            const msg = messages.get(`${v.version}|${v.status}`);
            return [
              `v${v.version}`,
              [badge(/** @type {any} */ (STATUS_TONE)[v.status] ?? "idle", v.status ?? "—"), msg ? h("div", { class: "message" }, msg) : null],
              (aliases.get(v.version) ?? []).map((a) => h("span", { class: "pill" }, `@${a}`)),
              h("code", null, v.source ?? "—"),
              v.created_by ?? "—",
              when(v.created_at),
            ];
          }),
          { hideCaption: true, empty: "No versions yet." },
        ),
      );
    },
  );
}
