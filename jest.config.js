/**
 * One runner, six projects (`npm test` runs them all; `npm run test:<name>` or `jest --selectProjects <name>` one):
 *   unit     pure logic, transpiled without type-checking (`npm run typecheck` checks types): seconds, no build
 *   plane    the embedded plane through the official SDK
 *   e2e      resources through the real Pulumi CLI (needs dist/ and the CLI: tests/global-setup.js)
 *   package  the package as users install it (npm pack → fresh project), the GitOps pipeline, examples' types
 *   query    the query path (streaming, predictions, external forwarding, the enforced gateway) through OpenAI clients
 *   ui       the Serving page in headless Chromium (Debian's chromium), its sessions, routes, assets and `dbserve ui`
 */
const transform = (tsconfig) => ({ "^.+\\.ts$": ["ts-jest", { tsconfig }] });
// No test reaches or leaves running the embedded plane of the developer's home (tests/setup/own-embedded-plane.ts).
const common = { testEnvironment: "node", testMatch: ["**/*.test.ts"], setupFilesAfterEnv: ["<rootDir>/tests/setup/own-embedded-plane.ts"] };
// Type-checks the examples against the built package's public types: slow for a unit test, so it runs with the
// package tests.
const EXAMPLES_TYPECHECK = "<rootDir>/tests/unit/examples-typecheck.test.ts";

module.exports = {
  testTimeout: 600000,
  // e2e suites each start their own plane and Pulumi stacks; two cores run two at a time.
  maxWorkers: 2,
  projects: [
    {
      ...common,
      displayName: "unit",
      roots: ["<rootDir>/tests/unit"],
      testPathIgnorePatterns: [EXAMPLES_TYPECHECK],
      transform: transform("tests/tsconfig.transpile.json"),
    },
    {
      ...common,
      displayName: "plane",
      roots: ["<rootDir>/tests/plane"],
      transform: transform("tests/tsconfig.json"),
      globalSetup: "<rootDir>/tests/global-setup.js",
    },
    {
      ...common,
      displayName: "e2e",
      roots: ["<rootDir>/tests/e2e"],
      transform: transform("tests/tsconfig.json"),
      globalSetup: "<rootDir>/tests/global-setup.js",
    },
    {
      ...common,
      displayName: "query",
      roots: ["<rootDir>/tests/query"],
      transform: transform("tests/tsconfig.json"),
      globalSetup: "<rootDir>/tests/global-setup.js",
    },
    {
      ...common,
      displayName: "ui",
      roots: ["<rootDir>/tests/ui"],
      transform: transform("tests/tsconfig.json"),
      globalSetup: "<rootDir>/tests/global-setup.js",
    },
    {
      ...common,
      displayName: "package",
      roots: ["<rootDir>/tests/package", "<rootDir>/tests/unit"],
      testMatch: ["<rootDir>/tests/package/**/*.test.ts", EXAMPLES_TYPECHECK],
      transform: transform("tests/tsconfig.json"),
      globalSetup: "<rootDir>/tests/package/global-setup.js",
      globalTeardown: "<rootDir>/tests/package/global-teardown.js",
    },
  ],
};
