#!/usr/bin/env node
// Makes `require("pulumi-databricks-serving")` resolve inside this repository, exactly as in a user's project:
// examples and test stacks import the package by its public name, and the serialized dynamic provider requires
// `pulumi-databricks-serving/dist/provider/dispatch` from the program's directory at run time.
// Runs from `npm run prepare` (after `npm ci`), which npm never runs when the package is installed as a dependency.
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const link = path.join(root, "node_modules", "pulumi-databricks-serving");
try {
  const target = fs.readlinkSync(link);
  if (path.resolve(path.dirname(link), target) === root) process.exit(0);
  fs.unlinkSync(link);
} catch {
  // no link yet
}
fs.mkdirSync(path.dirname(link), { recursive: true });
fs.symlinkSync(path.relative(path.dirname(link), root), link, "dir");
