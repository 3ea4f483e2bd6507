// Removes the tarball the package project's setup packed.
const fs = require("node:fs");
const path = require("node:path");

module.exports = async function packageTeardown() {
  const tarball = process.env.DBSERVE_TEST_TARBALL;
  if (tarball && path.basename(path.dirname(tarball)).startsWith("dbserve-pack-")) fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
};
