import { z } from "zod";
import { invalidParameter, malformedRequest, quote, PlaneError } from "./errors";
import { max, type LimitName } from "./limits";

/**
 * Parse a request body with a zod schema and turn the first issue into the error the real service would send:
 * a wrong JSON type fails at deserialisation there (MALFORMED_REQUEST), while missing fields, unknown fields and bad
 * values are INVALID_PARAMETER_VALUE. The message names the field path so a client can point at it; client values in
 * it are quoted short.
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body, { reportInput: true });
  if (result.success) return result.data;
  throw issueToError(result.error.issues[0]);
}

function issueToError(issue: z.core.$ZodIssue): PlaneError {
  const path = issue.path.map(String).join(".");
  const where = path === "" ? "request body" : quote(path);
  switch (issue.code) {
    case "unrecognized_keys": {
      const prefix = path === "" ? "" : `${path}.`;
      return invalidParameter(`Unknown field(s) ${issue.keys.slice(0, 5).map((k) => quote(prefix + k)).join(", ")} in request body.`);
    }
    case "invalid_type":
      if (!("input" in issue) || issue.input === undefined) return invalidParameter(`Missing required field: ${path}`);
      return malformedRequest(`Invalid value for ${where}: expected ${issue.expected}, got ${describe(issue.input)}.`);
    case "invalid_value":
      return invalidParameter(`Invalid value ${describe(issue.input)} for ${where}; valid values are ${issue.values.map((v) => JSON.stringify(v)).join(", ")}.`);
    default:
      return invalidParameter(`Invalid value for ${where}: ${issue.message}`);
  }
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  if (typeof v === "string") return quote(v);
  return String(v);
}

/** Query-string booleans arrive as text; the SDK sends `true`/`false`. */
export function queryBool(q: URLSearchParams, key: string): boolean {
  const v = q.get(key);
  if (v === null) return false;
  if (v === "true" || v === "1") return true;
  if (v === "false" || v === "0" || v === "") return false;
  throw invalidParameter(`Invalid value ${quote(v)} for query parameter '${key}': expected true or false.`);
}

export function queryInt(q: URLSearchParams, key: string, min: number, maxValue: number): number | undefined {
  const v = q.get(key);
  if (v === null || v === "") return undefined;
  if (!/^-?\d{1,16}$/.test(v)) throw invalidParameter(`Invalid value ${quote(v)} for query parameter '${key}': expected an integer.`);
  const n = Number(v);
  if (n < min || n > maxValue) throw invalidParameter(`'${key}' must be between ${min} and ${maxValue}, got ${n}.`);
  return n;
}

/** Control characters: none at all in identifiers; free text may carry tab, newline and carriage return. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const CONTROL_ANY = /[\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** A single-line string of at most `limitName` characters with no control characters. */
export function line(limitName: LimitName = "name"): z.ZodString {
  const n = max(limitName);
  return z
    .string()
    .max(n, { message: `must be at most ${n} characters` })
    .refine((s) => !CONTROL_ANY.test(s), { message: "must not contain control characters" });
}

/** Free text (comments, descriptions, tag values): newlines and tabs allowed, other control characters not. */
export function text(limitName: LimitName = "text"): z.ZodString {
  const n = max(limitName);
  return z
    .string()
    .max(n, { message: `must be at most ${n} characters` })
    .refine((s) => !CONTROL_TEXT.test(s), { message: "must not contain control characters other than tab and newline" });
}

/** An array of at most `limitName` items. */
export function list<T extends z.ZodType>(item: T, limitName: LimitName) {
  const n = max(limitName);
  return z.array(item).max(n, { message: `must have at most ${n} items` });
}

/**
 * A JSON object used as a map (environment variables). Unlike `z.record`, which assigns keys onto a plain object and so
 * silently loses `__proto__`, the result is built with Object.fromEntries: every accepted key is an own property, kept
 * through storage (JSON) and returned. Keys are checked by `key`, values by `value`.
 */
export function stringMap(key: { pattern: RegExp; what: string; limitName: LimitName }, value: z.ZodType<string>, entriesLimit: LimitName) {
  const n = max(entriesLimit);
  const keyMax = max(key.limitName);
  return z.unknown().transform((input, ctx): Record<string, string> => {
    if (typeof input !== "object" || input === null || Array.isArray(input)) {
      ctx.addIssue({ code: "invalid_type", expected: "object", input });
      return z.NEVER;
    }
    const entries = Object.entries(input as Record<string, unknown>);
    if (entries.length > n) {
      ctx.addIssue({ code: "custom", message: `has ${entries.length} entries; at most ${n} are allowed`, input });
      return z.NEVER;
    }
    const out: [string, string][] = [];
    for (const [k, v] of entries) {
      if (k.length > keyMax || !key.pattern.test(k)) {
        ctx.addIssue({ code: "custom", message: `${quote(k)} is not a valid ${key.what}`, input: k, path: [k] });
        return z.NEVER;
      }
      const r = value.safeParse(v);
      if (!r.success) {
        for (const issue of r.error.issues) ctx.addIssue({ ...issue, path: [k, ...issue.path] } as never);
        return z.NEVER;
      }
      out.push([k, r.data]);
    }
    return Object.fromEntries(out);
  });
}

/**
 * The structural check every JSON body passes before its schema: bounded depth, array and object sizes, string
 * lengths, and no control characters in strings or keys. `payload` bodies (queries: prompts, dataframes, inputs) keep
 * only the depth bound; the body size limit bounds the rest, and the text is the users' own. The first violation is reported with its JSON path.
 */
export function checkJsonShape(value: unknown, mode: "control" | "payload"): void {
  const fail = (path: string, what: string): PlaneError => invalidParameter(`Invalid value for ${path === "" ? "request body" : quote(path)}: ${what}.`);
  const walk = (v: unknown, path: string, depth: number): void => {
    if (depth > max("depth")) throw fail(path, `nested deeper than ${max("depth")} levels`);
    if (typeof v === "string") {
      if (mode === "control") {
        if (v.length > max("stringChars")) throw fail(path, `a string of ${v.length} characters exceeds ${max("stringChars")}`);
        if (CONTROL_TEXT.test(v)) throw fail(path, "control characters are not allowed");
      }
      return;
    }
    if (Array.isArray(v)) {
      if (mode === "control" && v.length > max("arrayItems")) throw fail(path, `an array of ${v.length} items exceeds ${max("arrayItems")}`);
      v.forEach((item, i) => walk(item, `${path}[${i}]`, depth + 1));
      return;
    }
    if (v !== null && typeof v === "object") {
      const keys = Object.keys(v);
      if (mode === "control" && keys.length > max("objectKeys")) throw fail(path, `an object of ${keys.length} keys exceeds ${max("objectKeys")}`);
      for (const k of keys) {
        const child = path === "" ? k : `${path}.${k}`;
        if (mode === "control" && (k.length > max("name") || CONTROL_ANY.test(k))) {
          throw invalidParameter(`Invalid field name ${quote(k)} in request body.`);
        }
        walk((v as Record<string, unknown>)[k], child, depth + 1);
      }
    }
  };
  walk(value, "", 0);
}
