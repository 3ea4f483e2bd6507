import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The page's files, read once into memory and served by name from a fixed table (no path from a request ever
 * reaches the file system). The page's own files live in `plane/ui/assets/`; the build copies them beside the
 * compiled modules (`scripts/copy-ui-assets.js` → `dist/plane/ui/assets/`), which is what the package ships. The
 * chart library comes from its npm package (`uplot`), never from a CDN.
 */
export interface Asset {
  bytes: Buffer;
  contentType: string;
  etag: string;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

/** Vendored files: URL name → file inside an npm package. */
const VENDOR: Record<string, string> = {
  "vendor/uPlot.iife.min.js": "uplot/dist/uPlot.iife.min.js",
  "vendor/uPlot.min.css": "uplot/dist/uPlot.min.css",
};

/**
 * `assets/` beside this module: the sources when run from source, the build's copy when run from `dist/`. In a
 * checkout whose `dist/` was compiled without the copy (a bare `tsc`), the sources are used.
 */
export function assetDir(): string {
  const candidates = [path.join(__dirname, "assets"), path.join(__dirname, "..", "..", "..", "plane", "ui", "assets")];
  const found = candidates.find((d) => fs.existsSync(path.join(d, "index.html")));
  if (!found) throw new Error(`The Serving page's assets are missing (looked in ${candidates.join(", ")}).`);
  return found;
}

function load(file: string): Asset {
  const bytes = fs.readFileSync(file);
  const type = TYPES[path.extname(file)];
  if (!type) throw new Error(`No content type for ${file}.`);
  return { bytes, contentType: type, etag: `"${createHash("sha256").update(bytes).digest("base64url").slice(0, 22)}"` };
}

let cache: Map<string, Asset> | undefined;

/** Every servable file by its name under `/ui/assets/`. */
export function assets(): Map<string, Asset> {
  if (cache) return cache;
  const out = new Map<string, Asset>();
  const dir = assetDir();
  for (const name of fs.readdirSync(dir).sort()) {
    if (TYPES[path.extname(name)] && fs.statSync(path.join(dir, name)).isFile()) out.set(name, load(path.join(dir, name)));
  }
  for (const [name, spec] of Object.entries(VENDOR)) out.set(name, load(require.resolve(spec)));
  cache = out;
  return out;
}
