import type { IncomingMessage, ServerResponse } from "node:http";
import { PlaneError, malformedRequest } from "./errors";

/** The real service caps payloads at 16 MB (facts §7); we refuse larger bodies before buffering them. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

export function readRawBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on("data", (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        failed = true;
        reject(new PlaneError(413, "REQUEST_LIMIT_EXCEEDED", `Request body exceeds ${MAX_BODY_BYTES} bytes.`));
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
 * Parse a JSON request body. An empty body counts as `{}`: the JS SDK never sends a body for PATCH (it only attaches
 * payloads to POST/PUT), so a PATCH from it arrives empty and must be treated as "change nothing", not as an error.
 */
export function parseJsonBody(raw: Buffer): unknown {
  const text = raw.toString("utf8");
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw malformedRequest(`Invalid JSON given in the body of the request - ${(err as Error).message}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw malformedRequest("Invalid JSON given in the body of the request - expected a JSON object");
  }
  return value;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, err: PlaneError): void {
  sendJson(res, err.status, err.body(), err.headers);
}
