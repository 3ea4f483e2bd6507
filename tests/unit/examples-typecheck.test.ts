/**
 * End-to-end suites run programs with ts-node in transpile-only mode (for speed), so type errors in the examples
 * would slip through them: compile every example against the package's public types here.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";

const REPO = path.resolve(__dirname, "../..");

it("every example program type-checks against the package's public API", () => {
  let output = "";
  try {
    execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "examples/tsconfig.json", "--noEmit"], { cwd: REPO, encoding: "utf8", stdio: "pipe" });
  } catch (err) {
    output = String((err as { stdout?: string }).stdout ?? err);
  }
  expect(output).toBe("");
});
