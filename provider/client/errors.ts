/**
 * An error answered by the Databricks REST API (or the embedded plane), in its `{error_code, message}` model.
 * The message never includes request headers, so no credential can leak through it.
 */
export class DatabricksApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly method: string,
    readonly path: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(`${method} ${path} failed: ${status} ${errorCode}: ${message}`);
    this.name = "DatabricksApiError";
  }

  get isNotFound(): boolean {
    return this.status === 404;
  }
  get isConflict(): boolean {
    return this.status === 409;
  }
  /** 429 and 503 are the server asking us to come back later; 502/504 are transient gateways. */
  get isRetryable(): boolean {
    return this.status === 429 || this.status === 503 || this.status === 502 || this.status === 504;
  }
}

/** Removes anything that looks like a bearer token or PAT from a message before it is shown or logged. */
export function redact(text: string): string {
  return text
    .replace(/Bearer\s+[A-Za-z0-9._~+/=-]+/gi, "Bearer [redacted]")
    .replace(/\b(dapi|dbserve_)[A-Za-z0-9_-]{8,}/g, "[redacted-token]");
}
