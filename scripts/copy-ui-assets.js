// Part of the build: the Serving page's files (plane/ui/assets, not TypeScript) are copied beside the compiled
// plane/ui modules, so the package ships them inside dist/ (package.json `files`) like the rest of the code.
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const from = path.join(root, "plane", "ui", "assets");
const to = path.join(root, "dist", "plane", "ui", "assets");
fs.rmSync(to, { recursive: true, force: true });
fs.mkdirSync(to, { recursive: true });
for (const name of fs.readdirSync(from)) {
  if (!name.startsWith(".") && fs.statSync(path.join(from, name)).isFile()) fs.copyFileSync(path.join(from, name), path.join(to, name));
}
