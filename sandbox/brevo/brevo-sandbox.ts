import type http from 'node:http';
import { SandboxClock } from '../shared/clock';
import { listen, readRequest, Router, sendResponse, type SandboxRequest, type SandboxResponse } from '../shared/http';
import { ApiRoutes, attachRuntime } from './api-context';
import { BrevoApiError } from './api-error';
import { BrevoControl } from './brevo-control';
import { registerContactItemRoutes, registerContactRoutes } from './contacts-routes';
import { registerControlRoutes } from './control-routes';
import { registerInspector } from './inspector-page';
import { registerListRoutes } from './lists-routes';
import { registerOtherRoutes } from './other-routes';
import { familyOf, RATE_TABLES, SandboxRateLimiter, type RateLimitMode } from './rate-limits';
import type { RequestLogEntry } from './types';

export interface BrevoSandboxOptions {
  port?: number;
  rateLimits?: RateLimitMode;
  clock?: SandboxClock;
  /** How long a "timeout" fault holds a request before giving up (the client should abort sooner). */
  hangMs?: number;
  /** Used for webhook deliveries, notifyUrl calls and fileUrl imports. */
  fetch?: typeof fetch;
  /**
   * Sees every API request once answered, with its parsed body (the request log keeps no bodies):
   * a benchmark uses it to tell which call carried which change. Never given the API key.
   */
  onApiRequest?: (request: RequestLogEntry & { body: unknown }) => void;
}

export interface BrevoSandbox {
  /** Base URL of the server; the API lives under `${url}/v3`. */
  url: string;
  control: BrevoControl;
  clock: SandboxClock;
  close(): Promise<void>;
}

const REQUEST_LOG_MAX = 50_000;

const unauthorized = (message: string): SandboxResponse => ({ status: 401, body: { message, code: 'unauthorized' } });

export async function startBrevoSandbox(opts: BrevoSandboxOptions = {}): Promise<BrevoSandbox> {
  const clock = opts.clock ?? new SandboxClock();
  const mode = opts.rateLimits ?? 'real';
  const limiter = new SandboxRateLimiter(mode === 'off' ? null : RATE_TABLES[mode], () => clock.now());
  const control = new BrevoControl(clock, limiter, opts.fetch ?? fetch);
  const hangMs = opts.hangMs ?? 15_000;
  const hanging = new Set<NodeJS.Timeout>();

  const apiRouter = new Router();
  const api = new ApiRoutes(apiRouter);
  registerListRoutes(api);
  registerContactRoutes(api);
  registerContactItemRoutes(api);
  registerOtherRoutes(api);
  const controlRouter = new Router();
  registerControlRoutes(controlRouter, control);
  registerInspector(controlRouter, control);

  async function handleApi(req: SandboxRequest, apiPath: string): Promise<SandboxResponse> {
    const match = apiRouter.match(req.method, apiPath);
    if (match === undefined) return { status: 404, body: { code: 'document_not_found', message: 'Invalid route' } };
    if (match === 'method-not-allowed') return { status: 405, body: { code: 'method_not_allowed', message: `${req.method} Method is not allowed on this path` } };
    const keyHeader = req.headers['api-key'];
    const key = Array.isArray(keyHeader) ? keyHeader[0] : keyHeader;
    if (!key) return unauthorized('authentication not found in headers');
    const found = control.lookupKey(key);
    if (!found) return unauthorized('Key not found');
    if (found.role === 'ip_blocked') {
      return unauthorized(
        'We have detected you are using an unrecognised IP address 203.0.113.7. If you performed this action make sure to add the new IP address in this link: https://app.brevo.com/security/authorised_ips',
      );
    }
    if (found.role === 'restricted') return { status: 403, body: { code: 'permission_denied', message: 'This API key does not have permission to access this resource' } };
    const { rt } = found;
    rt.dispatcher.flushDue();
    const family = familyOf(req.method, apiPath);
    const rate = limiter.check(rt.account.keys.apiKey, family);
    const withRate = (r: SandboxResponse): SandboxResponse => ({ ...r, headers: { ...rate.headers, ...(r.headers ?? {}) } });
    const fault = rt.faults.takeRequestFault(req.method, apiPath);
    if (fault?.kind === 'rate-limit-storm') {
      const limit = rate.headers['x-sib-ratelimit-limit'] ?? '10';
      return {
        status: 429,
        headers: { 'x-sib-ratelimit-limit': limit, 'x-sib-ratelimit-remaining': '0', 'x-sib-ratelimit-reset': String(fault.resetSeconds ?? 1) },
        body: { code: 'too_many_requests', message: 'The expected rate limit is exceeded.' },
      };
    }
    if (!rate.allowed) return withRate({ status: 429, body: { code: 'too_many_requests', message: 'The expected rate limit is exceeded.' } });
    if (fault?.kind === 'status') {
      // Brevo's edge answers gateway errors with an HTML/text page, not JSON.
      return fault.status === 500
        ? { status: 500, body: { code: 'internal_error', message: 'Internal server error' } }
        : { status: fault.status, headers: { 'content-type': 'text/html' }, body: `<html><body><h1>${fault.status}</h1>upstream unavailable</body></html>` };
    }
    if (fault?.kind === 'timeout') {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          hanging.delete(t);
          resolve();
        }, hangMs);
        hanging.add(t);
      });
      return { status: 504, headers: { 'content-type': 'text/html' }, body: '<html><body>504 Gateway Time-out</body></html>' };
    }
    const routed: SandboxRequest = { ...req, params: match.params };
    attachRuntime(routed, rt);
    try {
      return withRate(await match.handler(routed));
    } catch (e) {
      if (e instanceof BrevoApiError) return withRate({ status: e.status, body: e.toBody() });
      throw e;
    }
  }

  async function handle(raw: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let parsed: Omit<SandboxRequest, 'params'>;
    try {
      parsed = await readRequest(raw);
    } catch (e) {
      sendResponse(res, { status: 413, body: { code: 'out_of_range', message: e instanceof Error ? e.message : 'request too large' } });
      return;
    }
    const req: SandboxRequest = { ...parsed, params: {} };
    let out: SandboxResponse;
    try {
      if (req.path.startsWith('/v3/')) {
        const apiPath = req.path.slice(3);
        out = await handleApi(req, apiPath);
        const key = req.headers['api-key'];
        const found = typeof key === 'string' ? control.lookupKey(key) : undefined;
        const log = found?.rt.account.requestLog;
        const entry: RequestLogEntry = { at: clock.now(), method: req.method, path: apiPath, family: familyOf(req.method, apiPath), status: out.status };
        log?.push(entry);
        opts.onApiRequest?.({ ...entry, body: req.body });
        // A long-running demo sandbox keeps the most recent requests only.
        if (log && log.length > REQUEST_LOG_MAX) log.splice(0, log.length - REQUEST_LOG_MAX);
      } else {
        const m = controlRouter.match(req.method, req.path);
        if (m === undefined) out = { status: 404, body: { error: 'not found' } };
        else if (m === 'method-not-allowed') out = { status: 405, body: { error: 'method not allowed' } };
        else out = await m.handler({ ...req, params: m.params });
      }
    } catch (e) {
      out = { status: 500, body: { code: 'internal_error', message: e instanceof Error ? e.message : String(e) } };
    }
    if (!res.destroyed) sendResponse(res, out);
  }

  const server = await listen((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) sendResponse(res, { status: 500, body: { code: 'internal_error', message: String(e) } });
    });
  }, opts.port ?? 0);

  return {
    url: server.url,
    control,
    clock,
    close: async () => {
      for (const t of hanging) clearTimeout(t);
      hanging.clear();
      await server.close();
    },
  };
}
