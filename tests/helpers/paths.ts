import * as fs from "node:fs";
import * as path from "node:path";
import { randomBytes } from "node:crypto";

export const REPO = path.resolve(__dirname, "../..");

/**
 * A fresh directory under the repo's ignored `.tmp/` (not /tmp): test programs must sit below the repo so that
 * `pulumi-databricks-serving` and `@pulumi/pulumi` resolve from node_modules as in a user's project.
 */
export function tempDir(prefix: string): string {
  const dir = path.join(REPO, ".tmp", `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
