// @ts-check
/** Usage over time with uPlot (vendored from its npm package, loaded only on the pages that chart). */

/** @type {Promise<any> | undefined} */
let loading;

function loadUPlot() {
  loading ??= new Promise((resolve, reject) => {
    const s = document.createElement("script");
    s.src = "/ui/assets/vendor/uPlot.iife.min.js";
    s.onload = () => resolve(/** @type {any} */ (window).uPlot);
    s.onerror = () => reject(new Error("The chart library did not load."));
    document.head.appendChild(s);
  });
  return loading;
}

/**
 * Draw (or redraw) a requests-per-minute chart into `el`.
 * @param {HTMLElement} el
 * @param {{ timestamp: number, requests: number, tokens: number }[]} points
 * @returns {Promise<void>}
 */
export async function usageChart(el, points) {
  const uPlot = await loadUPlot();
  const data = [points.map((p) => p.timestamp), points.map((p) => p.requests), points.map((p) => p.tokens)];
  const width = Math.max(320, Math.min(el.getBoundingClientRect().width || 720, 960));
  /** @type {any} */
  const existing = /** @type {any} */ (el).uplot;
  if (existing && existing.width === width) {
    existing.setData(data);
    return;
  }
  if (existing) existing.destroy();
  el.replaceChildren();
  const plot = new uPlot(
    {
      width,
      height: 220,
      cursor: { drag: { x: false, y: false } },
      legend: { show: true },
      scales: { x: { time: true, range: (/** @type {any} */ _u, /** @type {number} */ min, /** @type {number} */ max) => [min - 30, max + 30] }, req: { range: (/** @type {any} */ _u, /** @type {number} */ _min, /** @type {number} */ max) => [0, Math.max(1, max)] } },
      axes: [
        { stroke: "#3b4350", grid: { stroke: "#e3e6ea" } },
        { scale: "req", label: "Requests / min", stroke: "#3b4350", grid: { stroke: "#e3e6ea" } },
        { scale: "tok", label: "Tokens / min", side: 1, stroke: "#3b4350", grid: { show: false } },
      ],
      series: [
        {},
        { label: "Requests", scale: "req", stroke: "#0b5cad", width: 1, fill: "rgba(11, 92, 173, 0.45)", paths: uPlot.paths.bars({ size: [0.8, 24] }), points: { show: false } },
        { label: "Tokens", scale: "tok", stroke: "#a34700", width: 1.5, dash: [4, 3], points: { show: false } },
      ],
    },
    data,
    el,
  );
  /** @type {any} */ (el).uplot = plot;
}
