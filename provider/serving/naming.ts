import { createHash } from "node:crypto";
import { ENDPOINT_NAME_MAX } from "./schemas";

/**
 * Pulumi-style auto-names for endpoints: the logical name plus a 7-character suffix, within the 63-character
 * limit. The suffix is derived from `<project>/<stack>` and the logical name rather than drawn at random, because a create interrupted before Pulumi recorded anything has no
 * old inputs: a random name would create a second endpoint and orphan the first, while a stable name lets the
 * re-run find its own endpoint (managed-by tag) and adopt it. Consequence: a replacement reuses the name, so
 * replacements delete the old endpoint first.
 */
export function endpointAutoName(logicalName: string, seed: string): string {
  const suffix = createHash("sha256").update(`${seed}\0${logicalName}`).digest("hex").slice(0, 7);
  const base = logicalName.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, ENDPOINT_NAME_MAX - suffix.length - 1);
  return `${base}-${suffix}`;
}
