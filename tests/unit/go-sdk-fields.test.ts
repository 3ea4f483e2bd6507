/**
 * The Go SDK comparison (scripts/go-sdk-fields.ts) as a test, on the copy of databricks-sdk-go in the Go module cache:
 * every field of every serving request body is covered by our inputs or left out with a written reason, and no
 * reason is stale. Without the cached module (a machine that never ran `npm run sdk:compare`) there is nothing to
 * compare, and the test says so instead of passing silently.
 */
import { compare, DEFAULT_VERSION, moduleDir } from "../../scripts/go-sdk-fields";

const dir = (() => {
  try {
    return moduleDir(DEFAULT_VERSION, { offline: true });
  } catch {
    return undefined; // no Go toolchain
  }
})();
const maybe = dir ? test : test.skip;
if (!dir) console.warn(`databricks-sdk-go ${DEFAULT_VERSION} is not in the Go module cache: run \`npm run sdk:compare\` once (needs the Go module proxy)`);

maybe(`every serving request field of databricks-sdk-go ${DEFAULT_VERSION} is an input of ours or left out with a reason`, () => {
  const c = compare(dir!, DEFAULT_VERSION);
  expect(c.fields.length).toBeGreaterThan(100);
  expect(c.fields.filter((f) => f.status === "not-covered").map((f) => `${f.goType}.${f.field.json}`)).toEqual([]);
  expect(c.unmapped).toEqual([]);
  expect(c.stale).toEqual([]);
  // The 2025–2026 fields this package promises are among the covered ones.
  const covered = new Set(c.fields.filter((f) => f.status === "covered").map((f) => `${f.goType}.${f.field.json}`));
  for (const f of ["CreateServingEndpoint.telemetry_config", "ServedEntityInput.burst_scaling_enabled", "PtServedModel.burst_scaling_enabled", "AiGatewayConfig.fallback_config", "AiGatewayRateLimit.tokens", "AiGatewayRateLimit.principal", "TelemetryConfig.table_names", "ServedEntityInput.instance_profile_arn"]) {
    expect(covered).toContain(f);
  }
});
