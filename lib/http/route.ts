import { NextResponse } from 'next/server';
import { ZodError } from 'zod';
import { AppError } from '../errors';
import { logger } from '../log';

/**
 * Wraps a route handler: maps AppError and ZodError to `{ error: { code, message } }` with the
 * right status, and anything unexpected to a 500 whose body reveals nothing internal (the
 * details go to the log with a reference the admin can quote).
 */
export function errorResponse(err: unknown): NextResponse {
  if (err instanceof AppError) {
    return NextResponse.json({ error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } }, { status: err.status });
  }
  if (err instanceof ZodError) {
    const issues = err.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    const first = issues[0];
    const message = first ? `Invalid request: ${first.path || 'body'} ${first.message}` : 'Invalid request.';
    return NextResponse.json({ error: { code: 'invalid_request', message, details: issues } }, { status: 400 });
  }
  const ref = Math.random().toString(36).slice(2, 10);
  logger().error({ err, ref }, 'unhandled error in route');
  return NextResponse.json({ error: { code: 'internal', message: `Something went wrong on our side (reference ${ref}). Try again; if it persists, contact support with the reference.` } }, { status: 500 });
}

export function route<Args extends unknown[]>(handler: (...args: Args) => Promise<Response>): (...args: Args) => Promise<Response> {
  return async (...args: Args) => {
    try {
      return await handler(...args);
    } catch (err) {
      return errorResponse(err);
    }
  };
}
