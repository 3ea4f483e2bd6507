/**
 * The Databricks error model: every failure leaves the plane as `{error_code, message}` with the HTTP status the
 * real service uses. The JS SDK only builds a typed ApiError when *both* fields are present, so never omit either.
 */
export class PlaneError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    /** Extra response headers, e.g. Retry-After on 429. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
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
export const rateLimited = (message: string, retryAfterSeconds: number) =>
  new PlaneError(429, "REQUEST_LIMIT_EXCEEDED", message, { "Retry-After": String(retryAfterSeconds) });
export const internalError = (message: string) => new PlaneError(500, "INTERNAL_ERROR", message);
