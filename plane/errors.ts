/**
 * The Databricks error model: every failure leaves the plane as `{error_code, message}` with the HTTP status the
 * real service uses. The JS SDK only builds a typed ApiError when *both* fields are present, so never omit either.
 */

import { LIMITS } from "./limits";

/** Error messages are capped: a client's megabyte input never comes back whole. */
const MAX_MESSAGE = LIMITS.errorMessage.value;
const MAX_ECHO = LIMITS.echo.value;

/** Quote a client-supplied value for an error message, cut to a readable length. */
export function quote(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
  if (text.length <= MAX_ECHO) return `'${text}'`;
  return `'${text.slice(0, MAX_ECHO)}…' (${text.length} characters)`;
}

export class PlaneError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    /** Extra response headers, e.g. Retry-After on 429. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 13)}… (truncated)` : message);
  }
  body(): { error_code: string; message: string } {
    return { error_code: this.errorCode, message: this.message };
  }
}

export const invalidParameter = (message: string) => new PlaneError(400, "INVALID_PARAMETER_VALUE", message);
export const malformedRequest = (message: string) => new PlaneError(400, "MALFORMED_REQUEST", message);
export const unauthenticated = (message: string) => new PlaneError(401, "UNAUTHENTICATED", message);
export const permissionDenied = (message: string) => new PlaneError(403, "PERMISSION_DENIED", message);
export const notFound = (message: string) => new PlaneError(404, "RESOURCE_DOES_NOT_EXIST", message);
export const alreadyExists = (message: string) => new PlaneError(409, "RESOURCE_ALREADY_EXISTS", message);
/** UC registry conflicts use the shorter code (facts §2). */
export const ucAlreadyExists = (message: string) => new PlaneError(409, "ALREADY_EXISTS", message);
export const conflict = (message: string) => new PlaneError(409, "RESOURCE_CONFLICT", message);
export const tooLarge = (message: string) => new PlaneError(413, "REQUEST_LIMIT_EXCEEDED", message);
export const rateLimited = (message: string, retryAfterSeconds: number) =>
  new PlaneError(429, "REQUEST_LIMIT_EXCEEDED", message, { "Retry-After": String(retryAfterSeconds) });
export const internalError = (message: string) => new PlaneError(500, "INTERNAL_ERROR", message);
