import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { assets } from "../../plane/ui/assets";
import { REPO } from "../helpers/paths";

/**
 * The Serving page as shipped: every file in the npm package, nothing from another origin, a small total weight, and
 * browser code that type-checks (plain ES modules with JSDoc types, checked by tsc with the DOM library).
 */
const run = (cmd: string, args: string[]) =>
  new Promise<string>((resolve, reject) =>
    execFile(cmd, args, { cwd: REPO, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stdout}\n${stderr}`)) : resolve(stdout))),
  );

/** What the whole page can load, in KB: the budget is a few hundred KB; the figure is written for the notes. */
const BUDGET_KB = 300;

test("npm pack ships every asset inside dist/ (the build's copy), the compiled UI modules, and uplot as a runtime dependency", async () => {
  // The same build steps as `npm run build` (tests/global-setup.js runs them too).
  await run(process.execPath, ["scripts/copy-ui-assets.js"]);
  const out = await run("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"]);
  const files = new Set((JSON.parse(out) as { files: { path: string }[] }[])[0].files.map((f) => f.path));
  const own = fs.readdirSync(path.join(REPO, "plane", "ui", "assets")).filter((f) => !f.startsWith("."));
  expect(own.length).toBeGreaterThan(5);
  for (const f of own) expect([f, files.has(`dist/plane/ui/assets/${f}`), files.has(`plane/ui/assets/${f}`)]).toEqual([f, true, false]);
  // From the compiled module, the assets resolve to dist's copy.
  const compiled = (await import(path.join(REPO, "dist", "plane", "ui", "assets.js"))) as { assetDir: () => string };
  expect(compiled.assetDir()).toBe(path.join(REPO, "dist", "plane", "ui", "assets"));
  const modules = fs.readdirSync(path.join(REPO, "plane", "ui")).filter((f) => f.endsWith(".ts")).map((f) => f.slice(0, -3));
  expect(modules).toEqual(expect.arrayContaining(["assets", "routes", "session"]));
  for (const f of modules) expect([f, files.has(`dist/plane/ui/${f}.js`)]).toEqual([f, true]);
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { dependencies: Record<string, string> };
  expect(pkg.dependencies.uplot).toBeDefined();
});

test("the page loads nothing from another origin and stays within its weight budget", () => {
  const all = assets();
  let bytes = 0;
  for (const [name, asset] of all) {
    bytes += asset.bytes.length;
    if (name.startsWith("vendor/")) continue;
    const text = asset.bytes.toString("utf8");
    // Our own files name no absolute URL (the SVG namespace is not a load).
    const urls = [...text.matchAll(/(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}[^\s"'`)]*/gi)].map((m) => m[0]).filter((u) => !u.includes("www.w3.org/2000/svg"));
    expect([name, urls]).toEqual([name, []]);
  }
  // Each module the page imports is in the table.
  for (const [name, asset] of all) {
    if (!name.endsWith(".js") || name.startsWith("vendor/")) continue;
    for (const m of asset.bytes.toString("utf8").matchAll(/from "\.\/([^"]+)"/g)) expect([name, all.has(m[1])]).toEqual([name, true]);
  }
  const kb = Math.round(bytes / 102.4) / 10;
  fs.mkdirSync(path.join(REPO, ".tmp", "ui"), { recursive: true });
  fs.writeFileSync(path.join(REPO, ".tmp", "ui", "weight.json"), JSON.stringify({ files: all.size, totalKB: kb, budgetKB: BUDGET_KB }) + "\n");
  expect(kb).toBeLessThan(BUDGET_KB);
});

test("the browser code type-checks (strict, DOM library)", async () => {
  await run(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join("tests", "ui", "tsconfig.assets.json")]);
});
