import * as http from "node:http";
import type { Socket } from "node:net";
import { ANONYMOUS, authenticate } from "./auth";
import { PlaneError, internalError } from "./errors";
import type { Faults } from "./faults";
import { parseJsonBody, readRawBody, sendError, sendJson } from "./http";
import type { OperationLimiter } from "./ratelimit";
import { Reply, type RequestContext, type Router } from "./router";
import { StreamReply } from "./streaming";
import type { DB } from "./store";
import { sessionUser } from "./ui/session";

/** Routes under this prefix are the plane's own control surface and are never subject to injected faults. */
const OWN_PREFIX = "/api/2.0/dbserve/";

export interface ServerDeps {
  db: DB;
  router: Router;
  faults: Faults;
  limiter: OperationLimiter;
  log: (line: string) => void;
}

export function createPlaneServer(deps: ServerDeps): http.Server {
  const server = http.createServer((req, res) => {
    handle(deps, req, res).catch((err: unknown) => {
      deps.log(`unhandled error: ${(err as Error).stack ?? String(err)}`);
      if (!res.headersSent) sendError(res, internalError("Internal error."));
      else res.destroy();
    });
  });
  // Keep-alive sockets would hold close() open; track them so close() can end them.
  server.keepAliveTimeout = 5000;
  return server;
}

async function handle(deps: ServerDeps, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const method = (req.method ?? "GET").toUpperCase();
  let url: URL;
  try {
    url = new URL(req.url ?? "/", "http://127.0.0.1");
  } catch {
    sendError(res, new PlaneError(400, "MALFORMED_REQUEST", "Malformed request URL."));
    return;
  }
  const path = url.pathname;
  try {
    if (!path.startsWith(OWN_PREFIX)) {
      const fault = deps.faults.onRequest(method, path);
      if (fault.kind === "drop") {
        // Drain nothing, answer nothing: the client sees the connection reset mid-request.
        (req.socket as Socket).destroy();
        return;
      }
      if (fault.kind === "latency") await new Promise((r) => setTimeout(r, fault.ms));
      if (fault.kind === "error") {
        const code = fault.status === 503 ? "TEMPORARILY_UNAVAILABLE" : fault.status === 504 ? "DEADLINE_EXCEEDED" : "INTERNAL_ERROR";
        throw new PlaneError(fault.status, code, fault.message);
      }
    }

    const match = deps.router.match(method, path);
    const { options } = match.route;
    // The Serving page authenticates with a session cookie (plane/ui/session.ts); a bearer token always wins.
    const user = options.auth === "none" ? ANONYMOUS : (sessionUser(deps.db, req) ?? authenticate(deps.db, req));
    if (options.auth === "admin" && !user.isAdmin) {
      throw new PlaneError(403, "PERMISSION_DENIED", "Only the plane's admin token may use this route.");
    }
    const rawBody = await readRawBody(req);
    if (options.countsAsOperation) deps.limiter.take();
    const ctx: RequestContext = {
      method,
      path,
      params: match.params,
      query: url.searchParams,
      body: options.raw ? {} : method === "GET" || method === "DELETE" ? {} : parseJsonBody(rawBody),
      rawBody,
      user,
      req,
    };
    const result = match.route.handler(ctx);
    const value = result instanceof Promise ? await result : result;
    if (value instanceof StreamReply) {
      await value.send(res);
      return;
    }
    if (value instanceof Reply) {
      if (value.bytes) {
        res.writeHead(value.status, { "Content-Length": value.bytes.length, ...value.headers });
        res.end(value.bytes);
      } else {
        sendJson(res, value.status, value.body, value.headers);
      }
      return;
    }
    sendJson(res, 200, value ?? {});
  } catch (err) {
    if (err instanceof PlaneError) {
      if (!res.headersSent) sendError(res, err);
      return;
    }
    throw err;
  }
}
