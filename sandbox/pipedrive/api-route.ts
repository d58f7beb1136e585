import type { z } from 'zod';
import type { SandboxRequest, SandboxResponse } from '../shared/http';
import { SandboxError, type ChangeContext, type SandboxCompany } from './company';

/** What an API handler knows about the caller. */
export interface ApiContext {
  company: SandboxCompany;
  userId: number;
  change: ChangeContext;
  authKind: 'api_token' | 'oauth';
  clientId: string | null;
}

export type ApiHandler = (req: SandboxRequest, ctx: ApiContext) => SandboxResponse | Promise<SandboxResponse>;

export interface ApiRoute {
  method: string;
  /** Path below the company base, e.g. /api/v2/persons/:id */
  path: string;
  /** The spec's operationId; `x-token-cost` there must equal `cost` (checked by a contract test). */
  operationId: string;
  /** Which spec defines it; 'notes' for endpoints newer than the specs (v2 Fields API). */
  spec: 'v1' | 'v2' | 'notes';
  cost: number;
  /** OAuth scopes any of which allows the call (`base` routes need none). */
  scopes: string[];
  search?: boolean;
  handler: ApiHandler;
}

export function ok(data: unknown, additional?: unknown, status = 200): SandboxResponse {
  return { status, body: additional === undefined ? { success: true, data } : { success: true, data, additional_data: additional } };
}

export function fail(status: number, error: string, errorInfo = 'Please check developers.pipedrive.com'): SandboxResponse {
  return { status, body: { success: false, error, error_info: errorInfo, data: null, additional_data: null } };
}

export function errorResponse(e: unknown): SandboxResponse {
  if (e instanceof SandboxError) return fail(e.status, e.message, e.errorInfo);
  throw e;
}

/** Parses with zod and turns failures into Pipedrive-style 400s naming the offending field. */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'body';
    throw new SandboxError(400, `Validation failed: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return r.data;
}
