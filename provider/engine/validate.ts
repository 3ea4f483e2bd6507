import { z } from "zod";
import { containsUnknown, isUnknown, touchesUnknown } from "./unknown";

/** One problem with a declaration: the engine shows `property` and `reason` at preview. */
export interface CheckFailure {
  property: string;
  reason: string;
}

/** Renders a zod issue path the way users write it in a program: `servedEntities[1].entityVersion`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const key of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

/**
 * A zod issue as a sentence that names the bad value and what would be valid. Where the value may be a secret, the
 * sentence keeps the reason and leaves the value out. A map key (an environment variable's name) is never secret.
 */
function explain(issue: z.core.$ZodIssue, input: unknown, secret: boolean): string {
  const value = valueAt(input, issue.path);
  const got = secret ? "" : `got ${describeValue(value)}`;
  const join = (...parts: string[]) => parts.filter((p) => p !== "").join("; ");
  switch (issue.code) {
    case "invalid_key": {
      const key = String(issue.path[issue.path.length - 1]);
      return `${JSON.stringify(key)} is not a valid name: ${issue.issues.map((i) => i.message).join("; ")}`;
    }
    case "invalid_value":
      return join(got, `valid values: ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`);
    case "unrecognized_keys":
      return `unknown field(s) ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}: remove them or check the spelling`;
    case "invalid_type":
      return value === undefined ? `is required (expected ${issue.expected})` : join(got, `expected ${issue.expected}`);
    default:
      return secret ? `${issue.message} (the value is not shown: it may be a secret)` : `${got}: ${issue.message}`;
  }
}

/**
 * A Resource class declares its outputs as `undefined` props so Pulumi registers them; during preview they reach
 * `check` as unknowns. They are not inputs: drop top-level keys the object schema does not know whose value is
 * unknown or undefined, so they neither fail strict parsing nor hide the parsed value from semantic checks.
 */
export function withoutOutputPlaceholders(schema: z.ZodType, input: unknown): unknown {
  if (!(schema instanceof z.ZodObject) || input === null || typeof input !== "object" || Array.isArray(input)) return input;
  const shape = schema.shape as Record<string, unknown>;
  return Object.fromEntries(Object.entries(input).filter(([k, v]) => k in shape || !(v === undefined || isUnknown(v))));
}

/**
 * Parses inputs with a zod schema, collecting every problem at once. Problems located at or inside a value that
 * is unknown during preview are dropped; the parsed value is only returned when there are no failures and
 * nothing is unknown (otherwise semantic checks must wait for the real values).
 */
export function parseInputs<S extends z.ZodType>(
  schema: S,
  raw: unknown,
  opts: { isSecretPath?: (property: string) => boolean } = {},
): { value?: z.infer<S>; failures: CheckFailure[]; input: unknown } {
  const input = withoutOutputPlaceholders(schema, raw);
  const result = schema.safeParse(input);
  if (result.success) {
    return containsUnknown(input) ? { failures: [], input } : { value: result.data, failures: [], input };
  }
  const failures: CheckFailure[] = [];
  for (const issue of result.error.issues) {
    if (touchesUnknown(input, issue.path)) continue;
    const property = formatPath(issue.path) || "(inputs)";
    const secret = issue.code !== "invalid_key" && (opts.isSecretPath?.(property) ?? false);
    failures.push({ property, reason: explain(issue, input, secret) });
  }
  return { failures, input };
}
