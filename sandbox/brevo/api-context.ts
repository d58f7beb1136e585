import { z } from 'zod';
import type { Handler, Router, SandboxRequest, SandboxResponse } from '../shared/http';
import { BrevoApiError, invalid, missing, outOfRange } from './api-error';
import type { BrevoAccount } from './brevo-account';
import type { FaultBook } from './faults';
import type { WebhookDispatcher } from './webhook-dispatcher';

/** What an API handler works on: the account the api-key selected and its background machinery. */
export interface AccountRuntime {
  account: BrevoAccount;
  dispatcher: WebhookDispatcher;
  faults: FaultBook;
  fetchImpl: typeof fetch;
}

export type ApiHandler = (req: SandboxRequest, rt: AccountRuntime) => SandboxResponse | Promise<SandboxResponse>;

const runtimes = new WeakMap<SandboxRequest, AccountRuntime>();

/** Registers API handlers on the shared Router; the server attaches the authenticated account to each request. */
export class ApiRoutes {
  constructor(private readonly router: Router) {}

  on(method: string, path: string, handler: ApiHandler): this {
    const wrapped: Handler = (req) => {
      const rt = runtimes.get(req);
      if (!rt) throw new Error('request reached an API handler without an account');
      return handler(req, rt);
    };
    this.router.add(method, path, wrapped);
    return this;
  }
}

export function attachRuntime(req: SandboxRequest, rt: AccountRuntime): void {
  runtimes.set(req, rt);
}

/** Parses a JSON body with zod and answers like Brevo (400 invalid/missing_parameter) when it does not fit. */
export function parseBody<T extends z.ZodType>(schema: T, req: SandboxRequest): z.infer<T> {
  if (req.bodyParseError) throw invalid('Invalid JSON in request body');
  if (req.body === undefined) throw missing('No inputs in the body');
  const result = schema.safeParse(req.body);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.join('.') || 'body';
    if (issue?.code === 'invalid_type' && issue.message.endsWith('received undefined')) throw missing(`${where} is missing`);
    if (issue?.code === 'too_big') throw outOfRange(`${where}: ${issue.message}`);
    throw invalid(`${where}: ${issue?.message ?? 'invalid value'}`);
  }
  return result.data;
}

export function intQuery(req: SandboxRequest, name: string, opts: { def: number; max?: number }): number {
  const raw = req.query.get(name);
  if (raw === null || raw === '') return opts.def;
  if (!/^\d+$/.test(raw)) throw invalid(`${name} must be a non-negative integer`);
  const n = Number(raw);
  if (opts.max !== undefined && n > opts.max) throw outOfRange(`${name} must be at most ${opts.max}`);
  return n;
}

export function dateQuery(req: SandboxRequest, name: string): number | undefined {
  const raw = req.query.get(name);
  if (raw === null || raw === '') return undefined;
  const t = Date.parse(raw);
  if (Number.isNaN(t)) throw invalid(`${name} must be a date-time such as 2024-01-31T10:00:00.000Z`);
  return t;
}

export function sortQuery(req: SandboxRequest): 'asc' | 'desc' {
  const raw = req.query.get('sort') ?? 'desc';
  if (raw !== 'asc' && raw !== 'desc') throw invalid('sort must be asc or desc');
  return raw;
}

export function idParam(req: SandboxRequest, name: string): number {
  const raw = req.params[name] ?? '';
  if (!/^\d+$/.test(raw)) throw invalid(`${name} must be an integer`);
  return Number(raw);
}

export const json = (status: number, body?: unknown, headers?: Record<string, string>): SandboxResponse => ({ status, body, headers });

export { BrevoApiError };
