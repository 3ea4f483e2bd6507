// @ts-check
/** Tiny DOM helpers: the page builds its views from these, never from HTML strings, so API data is always text. */

/**
 * Create an element. `attrs` keys starting with "on" attach listeners; `class`, `for`, `aria-*`, `data-*` and other
 * keys become attributes; `false`/`null`/`undefined` values are left out. Children may be strings, nodes or arrays.
 * @param {string} tag
 * @param {Record<string, any> | null} [attrs]
 * @param {...any} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === false || v === null || v === undefined) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === "value" && "value" in el) /** @type {HTMLInputElement} */ (el).value = String(v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

/** @param {Node} el @param {any[]} children */
function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replace an element's children. @param {Element} el @param {...any} children */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

/** @param {number | undefined} ms */
export function when(ms) {
  if (!ms) return "—";
  return new Date(ms).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** A definition list from [label, value] pairs; pairs with an undefined value are skipped. @param {[string, any][]} pairs */
export function facts(pairs) {
  return h(
    "dl",
    { class: "facts" },
    pairs.filter(([, v]) => v !== undefined).map(([k, v]) => [h("dt", null, k), h("dd", null, v === "" || v === null ? "—" : v)]),
  );
}

/**
 * A table with a caption (visually hidden when `hideCaption`), header cells scoped to columns.
 * @param {string} caption
 * @param {string[]} headers
 * @param {any[][]} rows
 * @param {{ hideCaption?: boolean, empty?: string, id?: string }} [opts]
 */
export function table(caption, headers, rows, opts = {}) {
  if (rows.length === 0) return h("p", { class: "empty" }, opts.empty ?? "Nothing here yet.");
  return h(
    "div",
    { class: "table-wrap", tabindex: "0", role: "region", "aria-label": `${caption} table` },
    h(
      "table",
      { id: opts.id },
      h("caption", { class: opts.hideCaption ? "visually-hidden" : null }, caption),
      h("thead", null, h("tr", null, headers.map((x) => h("th", { scope: "col" }, x)))),
      h("tbody", null, rows.map((r) => h("tr", null, r.map((c) => h("td", null, c))))),
    ),
  );
}

/** @param {string} tone one of ok, busy, bad, idle @param {string} text */
export function badge(tone, text) {
  return h("span", { class: `badge badge-${tone}` }, text);
}

/** A status message for a failed section (e.g. 403): shown in place, not as a page error. @param {string} text */
export function notice(text) {
  return h("p", { class: "notice" }, text);
}

/** Signatures of what each live cell last showed, so a refresh only touches cells whose data changed. */
const shown = new WeakMap();

/**
 * Draw `content` into `el` only when `signature` differs from what it shows: live refreshes then never rebuild (and
 * never steal focus from) parts of the page that did not change.
 * @param {Element} el
 * @param {string} signature
 * @param {() => any} content
 */
export function renderIfChanged(el, signature, content) {
  if (shown.get(el) === signature) return false;
  shown.set(el, signature);
  replace(el, content());
  return true;
}

/**
 * Keep a table body's rows in step with `items`, keyed by `key`: rows are added, removed and reordered, and a cell
 * is redrawn only when its signature changes. The first cell is a row header.
 * @template T
 * @param {HTMLTableSectionElement} tbody
 * @param {T[]} items
 * @param {(item: T) => string} key
 * @param {(item: T) => [string, () => any][]} cells signature and content of each cell
 */
export function syncRows(tbody, items, key, cells) {
  /** @type {Map<string, HTMLTableRowElement>} */
  const existing = new Map();
  for (const tr of /** @type {HTMLTableRowElement[]} */ ([...tbody.rows])) existing.set(tr.dataset.key ?? "", tr);
  /** @type {ChildNode | null} */
  let next = tbody.firstChild;
  for (const item of items) {
    const k = key(item);
    let tr = existing.get(k);
    existing.delete(k);
    if (!tr) tr = /** @type {HTMLTableRowElement} */ (h("tr", { "data-key": k }));
    cells(item).forEach(([sig, content], i) => {
      let cell = tr.cells[i];
      if (!cell) {
        cell = /** @type {HTMLTableCellElement} */ (i === 0 ? h("th", { scope: "row" }) : h("td"));
        tr.appendChild(cell);
      }
      renderIfChanged(cell, sig, content);
    });
    if (tr !== next) tbody.insertBefore(tr, next);
    next = tr.nextSibling;
  }
  for (const tr of existing.values()) tr.remove();
}
