import type { ErrorCode } from '@messaging-app/shared';

/** An expected failure of a business action; the edges turn it into problem+json or an error frame. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
    /** Field errors (`body.password`), shown by clients on the field. */
    readonly errors: Array<{ path: string; message: string }> = [],
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (message: string, code: ErrorCode = 'bad_request') =>
  new AppError(400, code, message);
/** A 400 about one body field, with the reason on that field. */
export const invalidField = (field: string, message: string) =>
  new AppError(400, 'validation_failed', `${field}: ${message}`, {}, [{ path: `body.${field}`, message }]);
export const unauthorized = (message = 'authentication required', code: ErrorCode = 'unauthorized') =>
  new AppError(401, code, message);
export const forbidden = (message = 'not allowed') => new AppError(403, 'forbidden', message);
export const notFound = (what = 'resource') => new AppError(404, 'not_found', `${what} not found`);
export const conflict = (message: string, code: ErrorCode = 'conflict') => new AppError(409, code, message);
/** A 409 about one body field (a taken username or email), with the reason on that field. */
export const takenField = (field: string, code: ErrorCode, message: string) =>
  new AppError(409, code, message, {}, [{ path: `body.${field}`, message }]);
