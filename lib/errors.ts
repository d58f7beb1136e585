/**
 * The one error type the app throws on purpose. `message` is written for the person who will
 * read it (an admin): it names the problem and what to do. Route wrappers turn it into
 * `{ error: { code, message } }` with `status`.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const unauthorized = (message = 'Sign in with Pipedrive to continue.') => new AppError('unauthorized', message, 401);
export const forbidden = (message = 'This belongs to another company or needs admin rights.') => new AppError('forbidden', message, 403);
export const notFound = (what: string) => new AppError('not_found', `${what} was not found.`, 404);
export const badRequest = (message: string, details?: unknown) => new AppError('bad_request', message, 400, details);
