// Before any suite: compile the package (dynamic providers load dist/ at run time, as in a user's install) and
// resolve the Pulumi CLI once. Workers inherit PULUMI_BIN_DIR from here.
const { execFileSync } = require("node:child_process");
const path = require("node:path");

module.exports = async function globalSetup() {
  // Several jest projects name this setup; it runs once per `jest` process.
  if (process.env.DBSERVE_TEST_SETUP_DONE === "1") return;
  process.env.DBSERVE_TEST_SETUP_DONE = "1";
  const root = path.resolve(__dirname, "..");
  if (process.env.SKIP_BUILD !== "1") {
    execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.json"], { cwd: root, stdio: "inherit" });
    execFileSync(process.execPath, ["scripts/link-self.js"], { cwd: root, stdio: "inherit" });
  }
  if (!process.env.PULUMI_BIN_DIR) {
    process.env.PULUMI_BIN_DIR = execFileSync("bash", [path.join(root, "scripts/ensure-pulumi")], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
  }
};
