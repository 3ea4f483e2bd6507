import type { IncomingMessage } from "node:http";
import { PlaneError } from "./errors";
import type { User } from "./auth";

/** What a handler sees: path parameters, the query string, the parsed body (or raw bytes) and the caller. */
export interface RequestContext {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed JSON object for JSON routes; `{}` when the body was empty. */
  body: unknown;
  /** The raw body, only filled for routes declared `raw`. */
  rawBody: Buffer;
  user: User;
  req: IncomingMessage;
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

export interface RouteOptions {
  /** "none": no token needed; "user": any valid token; "admin": the plane's own admin token only. */
  auth?: "none" | "user" | "admin";
  /** Counted against the workspace create/update operations limit (facts/geos.md: 50 per 5 minutes). */
  countsAsOperation?: boolean;
  /** Hand the handler the raw bytes instead of parsing JSON (artifact upload). */
  raw?: boolean;
}

interface Route {
  method: string;
  segments: string[];
  handler: Handler;
  options: Required<RouteOptions>;
}

export interface Match {
  route: { handler: Handler; options: Required<RouteOptions> };
  params: Record<string, string>;
}

/**
 * A deliberately tiny router: patterns are `/`-separated segments where `:name` captures one segment and `*name`
 * (last only) captures the rest of the path. Full UC names contain dots, never slashes, so one segment suffices.
 */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler, options: RouteOptions = {}): void {
    this.routes.push({
      method,
      segments: pattern.split("/").filter((s) => s !== ""),
      handler,
      options: { auth: options.auth ?? "user", countsAsOperation: options.countsAsOperation ?? false, raw: options.raw ?? false },
    });
  }

  /** Literal segments beat captures, so `/serving-endpoints/pt` is not taken for an endpoint called "pt". */
  match(method: string, path: string): Match {
    const parts = path.split("/").filter((s) => s !== "");
    let best: { route: Route; params: Record<string, string>; score: number } | undefined;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, parts);
      if (!params) continue;
      if (route.method !== method) continue;
      const score = route.segments.filter((s) => !s.startsWith(":") && !s.startsWith("*")).length;
      if (!best || score > best.score) best = { route, params, score };
    }
    if (best) return { route: best.route, params: best.params };
    // Databricks answers an unsupported method on a known path like an unknown path.
    throw new PlaneError(404, "ENDPOINT_NOT_FOUND", `No API found for '${method} ${path}'.`);
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
    if (seg.startsWith(":")) {
      params[seg.slice(1)] = decode(parts[i]);
    } else if (seg !== parts[i]) {
      return undefined;
    }
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
