// @ts-check
/**
 * The page is a client of the plane's REST API, like any SDK: the same routes, the same error model. The browser
 * holds no token; the HttpOnly session cookie travels by itself, and the X-Dbserve-UI header marks the request as
 * coming from this page (the plane refuses a cookie without it).
 */

export class ApiError extends Error {
  /** @param {number} status @param {string} code @param {string} message */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const HEADERS = { "X-Dbserve-UI": "1" };

/** @param {Response} res */
async function failure(res) {
  let code = `HTTP_${res.status}`;
  let message = res.statusText || `HTTP ${res.status}`;
  try {
    const body = await res.json();
    if (body && typeof body.message === "string") message = body.message;
    if (body && typeof body.error_code === "string") code = body.error_code;
  } catch {
    /* not JSON: keep the status line */
  }
  if (res.status === 401) window.dispatchEvent(new CustomEvent("dbserve:signed-out", { detail: message }));
  return new ApiError(res.status, code, message);
}

/**
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
export async function api(method, path, body) {
  const text = await apiText(method, path, body);
  return text === "" ? {} : JSON.parse(text);
}

/**
 * The same call, answered as text (e.g. the Prometheus exposition of /metrics).
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<string>}
 */
export async function apiText(method, path, body) {
  /** @type {RequestInit} */
  const init = { method, headers: { ...HEADERS }, credentials: "same-origin", cache: "no-store" };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { ...HEADERS, "Content-Type": "application/json" };
  }
  const res = await fetch(path, init);
  if (!res.ok) throw await failure(res);
  return res.text();
}

/** @param {string} s */
export const enc = (s) => encodeURIComponent(s);

/**
 * Query an endpoint. Chat and completion requests ask for a stream; a plane (or workspace) that streams answers with
 * Server-Sent Events, which arrive chunk by chunk through `onText`; one that does not answers one JSON document.
 * @param {string} name
 * @param {Record<string, unknown>} body
 * @param {(text: string) => void} onText called with each streamed piece of text
 * @returns {Promise<{ streamed: boolean, json?: any, chunks: number }>}
 */
export async function invoke(name, body, onText) {
  const res = await fetch(`/serving-endpoints/${enc(name)}/invocations`, {
    method: "POST",
    headers: { ...HEADERS, "Content-Type": "application/json", Accept: "text/event-stream, application/json" },
    credentials: "same-origin",
    body: JSON.stringify(body),
  });
  if (!res.ok) throw await failure(res);
  const type = res.headers.get("Content-Type") ?? "";
  if (!type.includes("text/event-stream") || !res.body) return { streamed: false, json: await res.json(), chunks: 0 };
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let chunks = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      for (const line of event.split("\n")) {
        if (!line.startsWith("data:")) continue;
        const data = line.slice(5).trim();
        if (data === "[DONE]") continue;
        try {
          const chunk = JSON.parse(data);
          const choice = chunk.choices?.[0];
          const text = choice?.delta?.content ?? choice?.text ?? "";
          chunks++;
          if (text) onText(text);
        } catch {
          /* a keep-alive or comment line */
        }
      }
    }
  }
  return { streamed: true, chunks };
}
