/** Unit, plane and end-to-end suites share one runner; e2e suites drive the real Pulumi CLI. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tests/tsconfig.json" }] },
  globalSetup: "<rootDir>/tests/global-setup.js",
  testTimeout: 600000,
  // e2e suites each start their own plane and Pulumi stacks; two cores run two at a time.
  maxWorkers: 2,
};
