// The package project's setup: the common one (build dist/, resolve the Pulumi CLI), then `npm pack` once; every
// suite installs that tarball into its own fresh project outside the repository.
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const commonSetup = require("../global-setup");

module.exports = async function packageSetup() {
  await commonSetup();
  if (process.env.DBSERVE_TEST_TARBALL && fs.existsSync(process.env.DBSERVE_TEST_TARBALL)) return;
  const root = path.resolve(__dirname, "../..");
  const dest = fs.mkdtempSync(path.join(os.tmpdir(), "dbserve-pack-"));
  // Scripts are skipped: the common setup just built dist/, and `prepare` would build it again.
  const out = execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", dest], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [{ filename }] = JSON.parse(out);
  process.env.DBSERVE_TEST_TARBALL = path.join(dest, filename);
};
