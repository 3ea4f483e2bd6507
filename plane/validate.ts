import { z } from "zod";
import { invalidParameter, malformedRequest, PlaneError } from "./errors";

/**
 * Parse a request body with a zod schema and turn the first issue into the error the real service would send:
 * a wrong JSON type fails at deserialisation there (MALFORMED_REQUEST), while missing fields, unknown fields and bad
 * values are INVALID_PARAMETER_VALUE. The message names the field path so a client can point at it.
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body, { reportInput: true });
  if (result.success) return result.data;
  throw issueToError(result.error.issues[0]);
}

function issueToError(issue: z.core.$ZodIssue): PlaneError {
  const path = issue.path.map(String).join(".");
  const where = path === "" ? "request body" : `'${path}'`;
  switch (issue.code) {
    case "unrecognized_keys": {
      const prefix = path === "" ? "" : `${path}.`;
      return invalidParameter(`Unknown field(s) ${issue.keys.map((k) => `'${prefix}${k}'`).join(", ")} in request body.`);
    }
    case "invalid_type":
      if (!("input" in issue) || issue.input === undefined) return invalidParameter(`Missing required field: ${path}`);
      return malformedRequest(`Invalid value for ${where}: expected ${issue.expected}, got ${describe(issue.input)}.`);
    case "invalid_value":
      return invalidParameter(
        `Invalid value ${describe(issue.input)} for ${where}; valid values are ${issue.values.map((v) => JSON.stringify(v)).join(", ")}.`,
      );
    default:
      return invalidParameter(`Invalid value for ${where}: ${issue.message}`);
  }
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  return JSON.stringify(v);
}

/** Query-string booleans arrive as text; the SDK sends `true`/`false`. */
export function queryBool(q: URLSearchParams, key: string): boolean {
  const v = q.get(key);
  if (v === null) return false;
  if (v === "true" || v === "1") return true;
  if (v === "false" || v === "0" || v === "") return false;
  throw invalidParameter(`Invalid value '${v}' for query parameter '${key}': expected true or false.`);
}

export function queryInt(q: URLSearchParams, key: string, min: number, max: number): number | undefined {
  const v = q.get(key);
  if (v === null || v === "") return undefined;
  if (!/^-?\d+$/.test(v)) throw invalidParameter(`Invalid value '${v}' for query parameter '${key}': expected an integer.`);
  const n = Number(v);
  if (n < min || n > max) throw invalidParameter(`'${key}' must be between ${min} and ${max}, got ${n}.`);
  return n;
}
