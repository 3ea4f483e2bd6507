import * as http from "node:http";
import type { Duplex } from "node:stream";
import { STATUS_CODES } from "node:http";
import { ANONYMOUS, authenticate, type User } from "./auth";
import { authorize, requireAdmin } from "./authz";
import { PlaneError, internalError, malformedRequest } from "./errors";
import { parseJsonBody, readRawBody, sendError, sendJson } from "./http";
import { max } from "./limits";
import { Reply, bodyModeOf, type RequestContext, type Router, type RouteRow } from "./router";
import { StreamReply } from "./streaming";
import type { PlaneContext } from "./context";
import type { FaultDecision } from "./faults";
import { sessionUser } from "./ui/session";

/** Every response carries the workspace id, as a workspace's do. */
export const ORG_ID_HEADER = "x-databricks-org-id";

/**
 * The request pipeline, the same for every route of the table:
 * route match → faults (except on control routes) → authentication → admin check → body (size, JSON, shape) → one SQLite transaction holding
 * authorization (object lookup and level), the handler, and the operation count → after-commit hooks → answer (or,
 * for `lose_response`, a dropped connection) → call log. A request that fails at any step leaves nothing written.
 * Malformed HTTP (oversized headers, bad request lines) is answered in the error model too.
 */
export function createPlaneServer(plane: PlaneContext, router: Router): http.Server {
  const server = http.createServer({ maxHeaderSize: max("headerBytes") }, (req, res) => {
    handle(plane, router, req, res).catch((err: unknown) => {
      plane.log(`unhandled error: ${(err as Error).stack ?? String(err)}`);
      if (!res.headersSent) sendError(res, internalError("Internal error."));
      else res.destroy();
    });
  });
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => answerClientError(plane, err, socket));
  // Keep-alive sockets would hold close() open; close() ends them.
  server.keepAliveTimeout = 5000;
  return server;
}

/** Node's own answers to malformed HTTP are bare (a 431 with no body); these carry the Databricks error model. */
function answerClientError(plane: PlaneContext, err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, code, message] =
    err.code === "HPE_HEADER_OVERFLOW"
      ? [431, "REQUEST_LIMIT_EXCEEDED", `Request headers exceed ${max("headerBytes")} bytes.`]
      : err.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? [408, "REQUEST_TIMEOUT", "The request was not received in time."]
        : [400, "MALFORMED_REQUEST", "Malformed HTTP request."];
  const body = JSON.stringify({ error_code: code, message });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `${ORG_ID_HEADER}: ${plane.workspaceId}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function bodyLimit(row: RouteRow): number {
  const mode = bodyModeOf(row);
  return mode === "payload" || mode === "raw" ? max("payloadBytes") : max("jsonBodyBytes");
}

function parseBodyFor(row: RouteRow, raw: Buffer): unknown {
  switch (bodyModeOf(row)) {
    case "json":
      return parseJsonBody(raw, { required: true, mode: "control" });
    case "json-optional":
      return parseJsonBody(raw, { required: false, mode: "control" });
    case "payload":
      return parseJsonBody(raw, { required: true, mode: "payload" });
    default:
      return {};
  }
}

/** What the call log learns about a request as it runs. */
interface CallState {
  /** False for the plane's control routes (rows marked `control`): they are not recorded. */
  logged: boolean;
  /** The matched row, once known. */
  row?: RouteRow;
  user: User | undefined;
  fault: FaultDecision;
  target?: string;
}

type Answer = { kind: "reply"; value: unknown } | { kind: "error"; err: PlaneError };

async function handle(plane: PlaneContext, router: Router, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const started = performance.now();
  res.setHeader(ORG_ID_HEADER, plane.workspaceId);
  const method = (req.method ?? "GET").toUpperCase();
  const path = pathOf(req.url);
  const call: CallState = { logged: true, user: undefined, fault: { kind: "none" } };
  let answer: Answer;
  try {
    answer = { kind: "reply", value: await run(plane, router, req, method, call) };
  } catch (err) {
    if (err instanceof PlaneError) answer = { kind: "error", err };
    else {
      plane.log(`unhandled error on ${method} ${path}: ${(err as Error).stack ?? String(err)}`);
      answer = { kind: "error", err: internalError("Internal error.") };
    }
  }

  if (answer.kind === "error" && call.row?.wrapError) answer = { kind: "error", err: call.row.wrapError(answer.err) };
  let status: number;
  const replyStatus = (v: unknown) => (v instanceof Reply || v instanceof StreamReply ? v.status : 200);
  if (call.fault.kind === "drop" || call.fault.kind === "lose_response") {
    // drop: nothing was handled; lose_response: the work is committed and the answer is lost on the way back.
    status = call.fault.kind === "drop" ? 0 : answer.kind === "error" ? answer.err.status : replyStatus(answer.value);
    req.socket.destroy();
  } else if (answer.kind === "error") {
    status = answer.err.status;
    if (!res.headersSent) {
      // A refused oversized body is not read further: close the connection after answering.
      if (status === 413) res.setHeader("Connection", "close");
      sendError(res, answer.err);
    }
  } else {
    const value = answer.value;
    status = replyStatus(value);
    if (value instanceof StreamReply) {
      try {
        await value.send(res);
      } catch (err) {
        // The status went out with the headers; a stream that breaks later can only be cut short.
        plane.log(`stream on ${method} ${path} ended early: ${(err as Error).message}`);
        res.destroy();
      }
    } else if (value instanceof Reply && value.bytes) {
      res.writeHead(value.status, { "Content-Length": value.bytes.length, ...value.headers });
      res.end(value.bytes);
    } else if (value instanceof Reply) sendJson(res, value.status, value.body, value.headers);
    else sendJson(res, 200, value ?? {});
  }
  if (call.logged) {
    plane.calls.record({
      method,
      path,
      status,
      user: call.user && call.user !== ANONYMOUS ? call.user.userName : null,
      ms: Math.round((performance.now() - started) * 100) / 100,
      ...(call.target !== undefined ? { target: call.target } : {}),
      ...(call.fault.kind !== "none" ? { fault: call.fault.kind } : {}),
    });
  }
}

/**
 * The object a call names outside its path, for the call log: the key of its access rule when that comes from the body
 * or query (`name`, `model`), else the `name` a path without parameters is sent with (creates).
 */
function targetOf(row: RouteRow, ctx: RequestContext): string | undefined {
  const body = (ctx.body ?? {}) as Record<string, unknown>;
  const field = row.access.kind === "object" && row.access.ref.in !== "path" ? row.access.ref.field : /[:*]/.test(row.path) ? undefined : "name";
  if (field === undefined) return undefined;
  const value = body[field] ?? ctx.query.get(field) ?? undefined;
  return typeof value === "string" ? value.slice(0, 255) : undefined;
}

function pathOf(url: string | undefined): string {
  try {
    return new URL(url ?? "/", "http://127.0.0.1").pathname;
  } catch {
    return "/";
  }
}

/** Everything up to the handler's result; throws PlaneError for every refusal. */
async function run(plane: PlaneContext, router: Router, req: http.IncomingMessage, method: string, call: CallState): Promise<unknown> {
  let url: URL;
  try {
    url = new URL(req.url ?? "/", "http://127.0.0.1");
  } catch {
    throw malformedRequest("Malformed request URL.");
  }
  const path = url.pathname;
  // An unknown route is answered 404 after faults had their chance, like any route of a workspace.
  let matched: ReturnType<Router["match"]> | undefined;
  let unmatched: unknown;
  try {
    matched = router.match(method, path);
  } catch (err) {
    unmatched = err;
  }
  call.logged = matched?.row.control !== true;
  if (call.logged) {
    const fault = (call.fault = plane.faults.onRequest(method, path));
    if (fault.kind === "drop") return undefined;
    if (fault.kind === "latency") await new Promise((r) => setTimeout(r, fault.ms));
    if (fault.kind === "error") {
      const code = fault.status === 503 ? "TEMPORARILY_UNAVAILABLE" : fault.status === 504 ? "DEADLINE_EXCEEDED" : "INTERNAL_ERROR";
      throw new PlaneError(fault.status, code, fault.message);
    }
  }

  if (!matched) throw unmatched;
  const { row, params } = matched;
  call.row = row;
  // The Serving page authenticates with a session cookie (plane/ui/session.ts); a bearer token always wins.
  const user = (call.user = row.access.kind === "none" ? ANONYMOUS : (sessionUser(plane.db, req) ?? authenticate(plane.db, req)));
  // Admin routes refuse others before their body is even read.
  if (row.access.kind === "admin") requireAdmin(user);
  const rawBody = await readRawBody(req, bodyLimit(row));
  const hooks: (() => void)[] = [];
  const ctx: RequestContext = {
    plane,
    method,
    path,
    params,
    query: url.searchParams,
    body: parseBodyFor(row, rawBody),
    rawBody,
    user,
    req,
    target: undefined,
    standing: undefined,
    afterCommit: (fn) => hooks.push(fn),
  };
  call.target = targetOf(row, ctx);
  if (row.async) {
    // Query routes wait on the network and stream: authorized first, then run outside any transaction, keeping their
    // own writes (usage and inference tables) each in one statement.
    plane.db.transaction(() => authorize(ctx, row.access))();
    return await row.handler(ctx);
  }
  const value = plane.db.transaction(() => {
    authorize(ctx, row.access);
    const result = row.handler(ctx);
    if (result instanceof Promise) throw new Error(`handler ${row.handler.name} must be synchronous: it runs inside a transaction`);
    // Counted only now: the request was authorized, valid and applied; a 429 here rolls all of it back.
    if (row.operation) plane.limiter.take();
    return result;
  })();
  for (const hook of hooks) hook();
  return value;
}
