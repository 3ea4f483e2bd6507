import type { IncomingMessage } from "node:http";
import { PlaneError, invalidParameter, quote } from "./errors";
import type { User } from "./auth";
import type { PlaneContext } from "./context";

/**
 * The shapes of the route table (plane/routes.ts) and the matcher that reads it. A row names the method, the path
 * pattern, the handler (a named function in its API's module), who may call it, whether it counts against the
 * workspace operation limit, and how its body is read. The server (plane/server.ts) applies all of it, so a handler
 * starts with an authenticated, authorized caller and a parsed body.
 */
export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * What a handler sees. Handlers are synchronous — the server runs each one inside one SQLite transaction — except on
 * rows marked `async` (the query path).
 */
export interface RequestContext {
  plane: PlaneContext;
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed JSON object for JSON routes (`{}` for an allowed empty body); `{}` for routes without a body. */
  body: unknown;
  /** The raw body (artifact uploads). */
  rawBody: Buffer;
  user: User;
  req: IncomingMessage;
  /** The object the row's access rule resolved and authorized; undefined for rules without an object. */
  target: unknown;
  /** The caller's standing on `target` as its object type reports it (an endpoint's permission level). */
  standing: string | undefined;
  /** Run after the request's transaction commits (timers, anything outside the database). */
  afterCommit(fn: () => void): void;
}

/** A non-200 or header-carrying answer; plain return values are sent as 200 JSON. */
export class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
    /** When set, `body` is ignored and these bytes are sent verbatim. */
    readonly bytes?: Buffer,
  ) {}
}

export type Handler = (ctx: RequestContext) => unknown;

/**
 * How a body is read. `json`: a JSON object is required (an empty body is a 400, never "change everything to
 * nothing"); `json-optional`: an empty body means `{}` (PATCH, which the JS SDK sends without a body); `payload`: a
 * JSON query payload (larger limit, users' text unchecked for control characters); `raw`: bytes (artifact upload);
 * `none`: ignored.
 */
export type BodyMode = "json" | "json-optional" | "payload" | "raw" | "none";

export function bodyModeOf(row: RouteRow): BodyMode {
  if (row.body) return row.body;
  if (row.method === "POST" || row.method === "PUT") return "json";
  if (row.method === "PATCH") return "json-optional";
  return "none";
}

/** Where the object a rule protects is named: a path parameter, a body field, a query parameter. */
export interface ObjectRef {
  in: "path" | "body" | "query" | "body-or-query";
  field: string;
  /** Serving endpoints are addressed by name, except by the permissions API (by id). */
  by?: "name" | "id";
}

export type ObjectTypeName = "serving-endpoint" | "registered-model";

export type Access =
  /** No token needed. */
  | { kind: "none" }
  /** Any valid token. */
  | { kind: "user" }
  /** The plane's admin token (a workspace admin). */
  | { kind: "admin" }
  /** The caller must hold `level` on the object named by `ref`; `when` raises the level for one body value. */
  | { kind: "object"; type: ObjectTypeName; ref: ObjectRef; level: string; when?: { field: string; equals: string; level: string } };

export interface RouteRow {
  method: Method;
  /** `/`-separated; `:name` captures one segment, `*name` (last) the rest. */
  path: string;
  handler: Handler;
  access: Access;
  /** Counted against the workspace create/update operation limit (only when the request succeeds). */
  operation?: boolean;
  /**
   * The handler is asynchronous (it waits on the network or streams): it runs after authorization, outside the
   * request transaction, and may return a StreamReply. Only query routes are; they count no operations.
   */
  async?: boolean;
  /** Reshape every error of this route (query routes add an OpenAI-style `error` object beside the Databricks model). */
  wrapError?: (err: PlaneError) => PlaneError;
  body?: BodyMode;
  /**
   * The plane's own control surface for tests (health, users, faults, rate limit, call log): never subject to injected
   * faults and not in the call log. Routes that stand in for workspace features (artifact storage, the Geo setting) are
   * not control routes.
   */
  control?: boolean;
  /** Allowed values of path parameters (compared case-insensitively); others are a 400 naming the valid ones. */
  params?: Record<string, readonly string[]>;
  /** One line for plane/README.md. */
  note: string;
}

export interface Match {
  row: RouteRow;
  params: Record<string, string>;
}

interface Compiled {
  row: RouteRow;
  segments: string[];
  literals: number;
}

/** Literal segments beat captures, so `/serving-endpoints/pt` is not taken for an endpoint called "pt". */
export class Router {
  private readonly compiled: Compiled[];

  constructor(readonly rows: readonly RouteRow[]) {
    this.compiled = rows.map((row) => {
      const segments = row.path.split("/").filter((s) => s !== "");
      return { row, segments, literals: segments.filter((s) => !s.startsWith(":") && !s.startsWith("*")).length };
    });
  }

  match(method: string, path: string): Match {
    const parts = path.split("/").filter((s) => s !== "");
    let best: { c: Compiled; params: Record<string, string> } | undefined;
    for (const c of this.compiled) {
      if (c.row.method !== method) continue;
      const params = matchSegments(c.segments, parts);
      if (!params) continue;
      if (!best || c.literals > best.c.literals) best = { c, params };
    }
    // Databricks answers an unsupported method on a known path like an unknown path.
    if (!best) throw new PlaneError(404, "ENDPOINT_NOT_FOUND", `No API found for ${quote(`${method} ${path}`)}.`);
    for (const [name, allowed] of Object.entries(best.c.row.params ?? {})) {
      if (!allowed.includes(best.params[name].toLowerCase())) {
        throw invalidParameter(`Unsupported ${name} ${quote(best.params[name])}: the plane serves ${allowed.map((a) => `'${a}'`).join(", ")}.`);
      }
    }
    return { row: best.c.row, params: best.params };
  }
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const seg = pattern[i];
    if (seg.startsWith("*")) {
      if (i >= parts.length) return undefined;
      params[seg.slice(1)] = parts.slice(i).map(decode).join("/");
      return params;
    }
    if (i >= parts.length) return undefined;
    if (seg.startsWith(":")) params[seg.slice(1)] = decode(parts[i]);
    else if (seg !== parts[i]) return undefined;
  }
  return pattern.length === parts.length ? params : undefined;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
