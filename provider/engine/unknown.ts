/**
 * During `pulumi preview`, values that are not known yet (outputs of resources still to be created) reach
 * dynamic providers as this sentinel string, whatever the declared type (pulumi/pulumi#6310). Validation must
 * never reject them: a problem we cannot see yet is not a problem.
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}

/** True when the value at `path` inside `root`, or any value on the way to it, is unknown. */
export function touchesUnknown(root: unknown, path: readonly PropertyKey[]): boolean {
  let cur: unknown = root;
  if (isUnknown(cur)) return true;
  for (const key of path) {
    if (cur === null || typeof cur !== "object") return false;
    cur = (cur as Record<PropertyKey, unknown>)[key];
    if (isUnknown(cur)) return true;
  }
  return containsUnknown(cur);
}

/** True when the value is, or deeply contains, an unknown. */
export function containsUnknown(value: unknown): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}
