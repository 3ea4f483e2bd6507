import type { IncomingMessage, ServerResponse } from "node:http";
import { PlaneError, malformedRequest, tooLarge } from "./errors";
import { checkJsonShape } from "./validate";

/**
 * Reading request bodies and writing JSON answers. A body larger than `limit` is refused with 413 as soon as its
 * Content-Length (or its bytes so far) says so, without buffering it.
 */
export function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(tooLarge(`Request body of ${declared} bytes exceeds the limit of ${limit} bytes.`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on("data", (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(tooLarge(`Request body exceeds the limit of ${limit} bytes.`));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on("error", (err) => {
      if (!failed) reject(err);
    });
  });
}

/**
 * Parse a JSON request body into an object. `required`: an empty body is a 400 (a PUT without a body must never mean
 * "replace with nothing"); otherwise it is `{}` (the JS SDK sends PATCH without a body). The content type is not
 * checked, as the SDKs always send JSON; what matters is that the bytes are a JSON object within the shape limits.
 */
export function parseJsonBody(raw: Buffer, opts: { required: boolean; mode: "control" | "payload" }): Record<string, unknown> {
  const text = raw.toString("utf8");
  if (text.trim() === "") {
    if (opts.required) throw malformedRequest("This request needs a JSON object body; none was sent (send {} for an empty one).");
    return {};
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw malformedRequest(`Invalid JSON given in the body of the request - ${(err as Error).message.slice(0, 200)}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw malformedRequest("Invalid JSON given in the body of the request - expected a JSON object");
  }
  checkJsonShape(value, opts.mode);
  return value as Record<string, unknown>;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, err: PlaneError): void {
  sendJson(res, err.status, err.body(), err.headers);
}
