import * as http from "node:http";
import * as https from "node:https";
import { backoffDelay, sleep } from "./backoff";
import { DatabricksApiError, redact } from "./errors";
import { isLimitedOperation, pacerFor, type OperationPacer, type Permit } from "./pacer";

/** Where an authenticator sets its headers: a fetch `Headers` is one (the SDK's credential providers only call `set`). */
export interface HeaderSink {
  set(name: string, value: string): void;
}

/** Adds authentication headers to a request; resolved at run time, never serialized. */
export type Authenticator = (headers: HeaderSink) => Promise<void>;

export interface ApiClientOptions {
  host: string;
  authenticate: Authenticator;
  /** How long to keep retrying throttled / unavailable / dropped requests before giving up. */
  retryBudgetMs?: number;
  userAgent?: string;
  /** Receives a line whenever the client waits before a retry (shown as progress by the engine). */
  onRetry?: (message: string) => void;
  /** Paces the workspace's limited operations (default: the process-wide pacer of `host`, see pacer.ts). */
  pacer?: OperationPacer;
}

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * A small JSON client for the Databricks REST API. It retries what the API asks to be retried (429, 503, 502, 504
 * and connections dropped before an answer) with Retry-After when the server sends it and capped jittered backoff
 * otherwise. Non-idempotent creates are retried too: a dropped POST may have been applied, so callers adopt an
 * object that appears with their own name instead of failing (see `adopt` logic in resources).
 */
export interface RequestOptions {
  /**
   * The request creates something anew each time it is applied (e.g. a model version): a dropped connection or a
   * gateway timeout, after which the server may or may not have applied it, throws LostAnswer instead of retrying.
   */
  notIdempotent?: boolean;
}

/** No answer came back for a request the server may have applied; the caller must look before trying again. */
export class LostAnswer extends Error {
  constructor(readonly method: string, readonly path: string, override readonly cause: Error) {
    super(redact(`${method} ${path}: the answer was lost (${cause.message}); the server may have applied the request`));
    this.name = "LostAnswer";
  }
}

/** A refused connection never reached the server, so nothing was applied and a retry is safe. */
function isRefused(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? (err as { cause?: { code?: string } }).cause?.code;
  return code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EAI_AGAIN";
}

/** One answer, read whole. */
interface Answer {
  status: number;
  statusText: string;
  header(name: string): string | null;
  text: string;
}

/**
 * Keep-alive connections, one pool per protocol, shared by every client of the provider process. An idle connection is
 * dropped after the server's Keep-Alive hint (Node reads it) or 4 s, before servers commonly close theirs, so a request
 * rarely meets a connection closing under it.
 */
const KEEP_ALIVE = { keepAlive: true, timeout: 4000 };
const agents: Record<string, http.Agent> = { "http:": new http.Agent(KEEP_ALIVE), "https:": new https.Agent(KEEP_ALIVE) };

/**
 * Sends one request on a kept-alive connection. node:http rather than fetch: for the small JSON requests a provider
 * makes, fetch's stream machinery costs two to three times the CPU per call (bench/: about 1.1 ms against 0.4 ms on
 * this machine). No redirect is followed: the API answers where it is asked, and credentials must not travel on.
 */
function send(url: URL, method: string, headers: Record<string, string>, body: string | undefined): Promise<Answer> {
  return new Promise((resolve, reject) => {
    if (body !== undefined) headers["content-length"] = String(Buffer.byteLength(body));
    const client = url.protocol === "https:" ? https : http;
    const req = client.request(url, { method, headers, agent: agents[url.protocol] }, (res) => {
      const chunks: Buffer[] = [];
      let ended = false;
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        ended = true;
        resolve({
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? "",
          header: (name) => {
            const v = res.headers[name.toLowerCase()];
            return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
          },
          text: Buffer.concat(chunks).toString("utf8"),
        });
      });
      // The connection closed before the whole answer arrived: as lost as no answer at all.
      res.on("close", () => {
        if (!ended) reject(Object.assign(new Error("the connection closed before the answer was complete"), { code: "ECONNRESET" }));
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** The header real workspaces (and the embedded plane) send with every answer: the workspace's numeric id. */
export const WORKSPACE_ID_HEADER = "x-databricks-org-id";

export class ApiClient {
  readonly host: string;
  private readonly retryBudgetMs: number;
  /** The workspace behind `host`, as its answers say (see WORKSPACE_ID_HEADER); undefined until one arrived. */
  workspaceId?: string;
  private identityRead?: Promise<string | undefined>;
  private readonly pacer: OperationPacer;

  constructor(private readonly opts: ApiClientOptions) {
    this.host = opts.host.replace(/\/+$/, "");
    this.retryBudgetMs = opts.retryBudgetMs ?? 10 * 60 * 1000;
    this.pacer = opts.pacer ?? pacerFor(this.host, opts.onRetry);
  }

  async request<T>(method: HttpMethod, path: string, body?: unknown, query?: Record<string, string | number | boolean | undefined>, opts: RequestOptions = {}): Promise<T> {
    const url = new URL(this.host + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    // The workspace's create/update limit is shared by every resource of this process: wait for a token first.
    const paced = isLimitedOperation(method, path);
    let permit: Permit | undefined = paced ? await this.pacer.acquire() : undefined;
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      permit ??= paced ? await this.pacer.acquire() : undefined;
      // A plain record: the first fetch `Headers` of a process loads undici (about 10 ms), which nothing else here needs.
      const headers: Record<string, string> = { accept: "application/json", "user-agent": this.opts.userAgent ?? "pulumi-databricks-serving" };
      if (body !== undefined) headers["content-type"] = "application/json";
      let res: Answer;
      try {
        await this.opts.authenticate({ set: (name, value) => (headers[name.toLowerCase()] = value) });
      } catch (err) {
        permit?.released();
        throw err;
      }
      try {
        res = await send(url, method, headers, body === undefined ? undefined : JSON.stringify(body));
      } catch (err) {
        permit?.released();
        permit = undefined;
        // A request the server may have applied before the connection dropped must not be sent twice blindly: the
        // caller finds out what happened (see LostAnswer).
        if (opts.notIdempotent && !isRefused(err)) throw new LostAnswer(method, path, err as Error);
        // The connection dropped or was refused: nothing came back, so try again within the budget.
        const waitMs = backoffDelay(attempt, { initialMs: 250, maxMs: 10_000 });
        if (Date.now() - started + waitMs > this.retryBudgetMs) {
          throw new Error(redact(`${method} ${path}: no answer from ${this.host} (${(err as Error).message})`), { cause: err });
        }
        this.opts.onRetry?.(`${method} ${path}: connection failed, retrying in ${waitMs} ms`);
        await sleep(waitMs);
        continue;
      }
      const id = res.header(WORKSPACE_ID_HEADER);
      if (id) this.workspaceId = id;
      const text = res.text;
      if (res.status >= 200 && res.status < 300) {
        permit?.accepted();
        return (text ? JSON.parse(text) : {}) as T;
      }
      const error = toApiError(res, text, method, path);
      if (permit && error.status === 429) {
        // The pacer holds every limited request of this process until the workspace has room again.
        permit.limited(error.retryAfterSeconds !== undefined ? error.retryAfterSeconds * 1000 : undefined);
        permit = undefined;
        if (Date.now() - started > this.retryBudgetMs) throw error;
        continue;
      }
      permit?.released();
      permit = undefined;
      if (!error.isRetryable) throw error;
      // A gateway timeout may hide an applied request; 429 and 503 say it was not taken.
      if (opts.notIdempotent && (error.status === 502 || error.status === 504)) throw new LostAnswer(method, path, error);
      const waitMs = error.retryAfterSeconds !== undefined
        ? error.retryAfterSeconds * 1000 + Math.round(Math.random() * 250)
        : backoffDelay(attempt, { initialMs: 500, maxMs: 20_000 });
      if (Date.now() - started + waitMs > this.retryBudgetMs) throw error;
      this.opts.onRetry?.(`${method} ${path}: ${error.status} ${error.errorCode}, retrying in ${waitMs} ms`);
      await sleep(waitMs);
    }
  }

  /**
   * A raw request (e.g. an artifact upload). The workspace's credentials are added only when `url` is on this
   * client's host, so they never reach a cloud storage URL; callers must not put such URLs (they may carry SAS
   * tokens) into errors.
   */
  async fetchRaw(url: string, init: { method: HttpMethod; body?: Uint8Array; headers?: Record<string, string> }): Promise<Response> {
    const headers = new Headers(init.headers ?? {});
    headers.set("User-Agent", this.opts.userAgent ?? "pulumi-databricks-serving");
    if (new URL(url).origin === new URL(this.host).origin) await this.opts.authenticate(headers);
    return fetch(url, { method: init.method, headers, body: init.body });
  }

  /**
   * The workspace id behind this connection: from any earlier answer, else from one cheap read (who am I). Undefined
   * when the workspace does not say (then identity checks are skipped rather than guessed).
   */
  identity(): Promise<string | undefined> {
    if (this.workspaceId !== undefined) return Promise.resolve(this.workspaceId);
    this.identityRead ??= this.get("/api/2.0/preview/scim/v2/Me").then(
      () => this.workspaceId,
      () => this.workspaceId,
    );
    return this.identityRead;
  }

  get<T>(path: string, query?: Record<string, string | number | boolean | undefined>): Promise<T> {
    return this.request<T>("GET", path, undefined, query);
  }
  post<T>(path: string, body: unknown, opts?: RequestOptions): Promise<T> {
    return this.request<T>("POST", path, body, undefined, opts);
  }
  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>("PUT", path, body);
  }
  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>("PATCH", path, body);
  }
  /** DELETE; a body is sent only when given (the MLflow registry's delete-tag routes take one). */
  delete<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>("DELETE", path, body);
  }
}

function toApiError(res: Answer, text: string, method: string, path: string): DatabricksApiError {
  let code = `HTTP_${res.status}`;
  let message = res.statusText || "request failed";
  try {
    const parsed = JSON.parse(text) as { error_code?: string; message?: string };
    if (parsed.error_code) code = parsed.error_code;
    if (parsed.message) message = parsed.message;
  } catch {
    if (text) message = text.slice(0, 500);
  }
  const retryAfter = res.header("retry-after");
  const seconds = retryAfter !== null && /^\d+(\.\d+)?$/.test(retryAfter.trim()) ? Number(retryAfter) : undefined;
  return new DatabricksApiError(res.status, code, redact(message), method, path, seconds);
}
