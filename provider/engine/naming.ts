import { randomBytes } from "node:crypto";

/**
 * Pulumi-style auto-naming for remote objects whose name the user did not give: the logical name plus a random
 * suffix, kept within `maxLength`. The suffix is drawn once, in `check`, and reused from the old inputs on every
 * later run, so names are stable and an interrupted `up` finds its own object again.
 */
export function autoName(logicalName: string, opts: { maxLength: number; separator?: string; allowed?: RegExp }): string {
  const sep = opts.separator ?? "-";
  const suffix = randomBytes(4).toString("hex").slice(0, 7);
  const allowed = opts.allowed ?? /[^A-Za-z0-9_-]/g;
  const base = logicalName.replace(allowed, sep).slice(0, opts.maxLength - suffix.length - sep.length);
  return `${base}${sep}${suffix}`;
}
