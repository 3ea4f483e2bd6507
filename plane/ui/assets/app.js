// @ts-check
/**
 * The Serving page: a small single-page app over the plane's REST API. Paths mirror the service's own
 * (/ml/endpoints, /ml/endpoints/NAME, /ml/models, /ml/models/FULL_NAME); the server answers each with this shell.
 */
import { api, ApiError } from "./api.js";
import { h, replace } from "./dom.js";
import { renderLogin } from "./view-login.js";
import { renderEndpoints } from "./view-endpoints.js";
import { renderEndpoint } from "./view-endpoint.js";
import { renderModels, renderModel } from "./view-models.js";

/** @typedef {{ userName: string, admin: boolean }} Me */
/**
 * What a view gets: where to draw, who is looking, and a way to know it is still on screen (timers stop when not).
 * @typedef {{ main: HTMLElement, me: Me, alive: () => boolean, every: (ms: () => number, fn: () => Promise<void>) => void,
 *   announce: (text: string) => void, navigate: (path: string) => void, title: (text: string) => void }} View
 */

const main = /** @type {HTMLElement} */ (document.getElementById("main"));
const who = /** @type {HTMLElement} */ (document.getElementById("who"));
const workspace = /** @type {HTMLElement} */ (document.getElementById("workspace"));
const announcer = /** @type {HTMLElement} */ (document.getElementById("announcer"));

/** @type {Me | undefined} */
let me;
let generation = 0;
/** The path on screen: a fragment-only change (the skip link) must not redraw the view. */
let shownPath = "";
/** The first view after a load leaves focus where the browser puts it (so Tab reaches the skip link first). */
let moveFocus = false;
/** @type {Set<number>} */
const timers = new Set();

/** @param {string} text */
function announce(text) {
  announcer.textContent = "";
  // A fresh text node after a tick is what makes screen readers speak a repeated message.
  setTimeout(() => (announcer.textContent = text), 50);
}

/** @param {string} path */
function navigate(path) {
  history.pushState(null, "", path);
  route();
}

/** @type {[RegExp, (view: View, m: RegExpMatchArray) => void, string][]} */
const ROUTES = [
  [/^\/(?:ml\/endpoints\/?)?$/, (v) => renderEndpoints(v), "endpoints"],
  [/^\/ml\/endpoints\/([^/]+)\/?$/, (v, m) => renderEndpoint(v, decodeURIComponent(m[1])), "endpoints"],
  [/^\/ml\/models\/?$/, (v) => renderModels(v), "models"],
  [/^\/ml\/models\/([^/]+)\/?$/, (v, m) => renderModel(v, decodeURIComponent(m[1])), "models"],
];

function newView() {
  const mine = ++generation;
  for (const t of timers) clearTimeout(t);
  timers.clear();
  /** @type {View} */
  const view = {
    main,
    me: /** @type {Me} */ (me),
    alive: () => mine === generation,
    announce,
    navigate,
    title: (text) => (document.title = `${text} · dbserve`),
    every: (ms, fn) => {
      const tick = async () => {
        if (mine !== generation) return;
        // A hidden tab does not poll; it catches up when shown again.
        if (!document.hidden) await fn().catch(() => undefined);
        if (mine !== generation) return;
        const t = window.setTimeout(tick, ms());
        timers.add(t);
      };
      tick();
    },
  };
  return view;
}

function route() {
  const path = location.pathname;
  if (!me) return showLogin();
  if (path === "/login") {
    history.replaceState(null, "", "/ml/endpoints");
    return route();
  }
  const view = newView();
  for (const [re, render, nav] of ROUTES) {
    const m = path.match(re);
    if (m) {
      markNav(nav);
      shownPath = path;
      render(view, m);
      // After an in-page navigation, focus goes to the new content, as a page load would start there.
      if (moveFocus) main.focus({ preventScroll: true });
      moveFocus = true;
      return;
    }
  }
  markNav("");
  view.title("Not found");
  replace(main, h("h1", null, "Page not found"), h("p", null, h("a", { href: "/ml/endpoints" }, "Go to the serving endpoints")));
}

/** @param {string} nav */
function markNav(nav) {
  for (const a of document.querySelectorAll("a[data-nav]")) {
    if (a.getAttribute("data-nav") === nav) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

/** @param {string} [message] */
function showLogin(message) {
  me = undefined;
  newView();
  markNav("");
  replace(who);
  replace(workspace);
  document.title = "Sign in · dbserve";
  renderLogin(main, message, async (body) => {
    await api("POST", "/api/2.0/dbserve/ui/session", body);
    await start();
  });
}

async function loadWorkspace() {
  try {
    const g = await api("GET", "/api/2.0/dbserve/workspace-geo");
    replace(
      workspace,
      h("span", null, "Region ", h("strong", null, g.region)),
      h("span", null, "Geo ", h("strong", null, g.geo ?? "unknown")),
      h("span", null, "Cross-Geo processing ", h("strong", { id: "cross-geo" }, g.cross_geo_processing ? "on" : "off")),
    );
  } catch {
    replace(workspace);
  }
}

async function signOut() {
  await api("DELETE", "/api/2.0/dbserve/ui/session").catch(() => undefined);
  history.replaceState(null, "", "/login");
  showLogin("You are signed out.");
}

/** Who is signed in (SCIM Me, as any client would ask), then draw the page. */
async function start() {
  try {
    const scim = await api("GET", "/api/2.0/preview/scim/v2/Me");
    me = { userName: scim.userName, admin: (scim.groups ?? []).some((/** @type {any} */ g) => g.display === "admins") };
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return showLogin();
    replace(main, h("h1", null, "The plane is not answering"), h("p", { role: "alert" }, String(/** @type {Error} */ (err).message)));
    return;
  }
  replace(
    who,
    h("span", { id: "user-name" }, me.userName, me.admin ? h("span", { class: "pill" }, "admin") : null),
    h("button", { type: "button", class: "link-button", onclick: signOut }, "Sign out"),
  );
  await loadWorkspace();
  route();
}

/** A sign-in link carries a one-time code in its fragment (never sent to a server, never logged); trade it now. */
async function signInFromLink() {
  const m = /^#code=([A-Za-z0-9_-]+)$/.exec(location.hash);
  if (!m) return undefined;
  const target = location.pathname === "/login" || location.pathname === "/" ? "/ml/endpoints" : location.pathname;
  history.replaceState(null, "", target);
  try {
    await api("POST", "/api/2.0/dbserve/ui/session", { code: m[1] });
    return undefined;
  } catch (err) {
    return String(/** @type {Error} */ (err).message);
  }
}

document.addEventListener("click", (e) => {
  const a = /** @type {Element} */ (e.target).closest?.("a[href]");
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const href = a.getAttribute("href") ?? "";
  if (!href.startsWith("/") || href.startsWith("//") || href.startsWith("/api/")) return;
  e.preventDefault();
  navigate(href);
});
window.addEventListener("popstate", () => {
  if (location.pathname !== shownPath) route();
});
window.addEventListener("dbserve:signed-out", (e) => {
  if (me) showLogin(String(/** @type {CustomEvent} */ (e).detail ?? "Your session ended; sign in again."));
});

(async () => {
  const failed = await signInFromLink();
  if (failed) return showLogin(failed);
  await start();
})();
