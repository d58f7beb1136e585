import type http from 'node:http';
import { SandboxClock } from '../shared/clock';
import { listen, readRequest, sendResponse, type SandboxRequest, type SandboxResponse } from '../shared/http';
import { ApiDispatcher, HANG } from './api-dispatch';
import { SandboxError } from './company';
import { PipedriveControl } from './control';
import { controlRouter } from './control-routes';
import { handleInspector } from './inspector';
import { handleAuthorize, handleAuthorizeDecision } from './oauth-pages';
import { handlePanelHost } from './panel-host';
import type { RateLimitMode } from './rate-limits';

export { PipedriveControl } from './control';
export type { CompanyInfo, UninstallResult, RequestLogEntry } from './control';
export { seedDemoCompany } from './demo-company';
export type { SeedOptions } from './generator';
export type { DeliveryAttempt } from './webhook-dispatcher';
export type { TokenSet, OAuthApp } from './oauth-server';

export interface PipedriveSandboxOptions {
  port?: number;
  rateLimits?: RateLimitMode;
  clock?: SandboxClock;
  autoApprove?: boolean;
  /** How often queued webhook deliveries are checked in real time (ms). */
  webhookPollMs?: number;
}

export interface RunningPipedriveSandbox {
  url: string;
  control: PipedriveControl;
  close(): Promise<void>;
}

/** A held ("timeout" fault) connection is cut after this long so nothing leaks. */
const HANG_LIMIT_MS = 60_000;

export async function startPipedriveSandbox(opts: PipedriveSandboxOptions = {}): Promise<RunningPipedriveSandbox> {
  const clock = opts.clock ?? new SandboxClock();
  let baseUrl = '';
  const control = new PipedriveControl(clock, () => baseUrl, { mode: opts.rateLimits ?? 'off' }, opts.autoApprove ?? false);
  const api = new ApiDispatcher(control);
  const controls = controlRouter(control);

  const route = async (req: Omit<SandboxRequest, 'params'>): Promise<SandboxResponse | typeof HANG> => {
    const company = /^\/d\/([a-z0-9-]+)(\/.*)$/.exec(req.path);
    if (company) return api.dispatch({ ...req, params: {} }, company[1]!, company[2]!);
    if (req.path === '/oauth/authorize' && req.method === 'GET') return handleAuthorize(control, { ...req, params: {} });
    if (req.path === '/oauth/authorize' && req.method === 'POST') return handleAuthorizeDecision(control, { ...req, params: {} });
    if (req.path === '/oauth/token' && req.method === 'POST') return control.oauth.handleToken({ ...req, params: {} });
    if (req.path === '/oauth/revoke' && req.method === 'POST') {
      const pending: Promise<unknown>[] = [];
      const res = control.oauth.handleRevoke({ ...req, params: {} }, (g) => {
        const app = control.oauth.apps.get(g.clientId);
        const c = control.companies.get(g.companyId);
        if (app && c) pending.push(control.finishUninstall(app, c, g.userId, 0));
      });
      await Promise.all(pending);
      return res;
    }
    if (req.path.startsWith('/_inspector')) return handleInspector(control, { ...req, params: {} });
    // Pipedrive's side of the app panel (panel-host.ts, owned by the panel work).
    if (req.path.startsWith('/_panel-host/')) return handlePanelHost(control, { ...req, params: {} });
    if (req.path.startsWith('/_control/')) {
      const m = controls.match(req.method, req.path);
      if (m === 'method-not-allowed') return { status: 405, body: { error: 'method not allowed' } };
      if (m) return m.handler({ ...req, params: m.params });
    }
    if (req.path.startsWith('/api/') || req.path.startsWith('/v1/')) {
      // A client that ignores api_domain lands here.
      return { status: 404, body: { success: false, error: 'No company domain in the URL: call the API at the api_domain from the token response', error_info: 'Please check developers.pipedrive.com', data: null, additional_data: null } };
    }
    return { status: 404, body: { success: false, error: 'Not found' } };
  };

  const handler = (rawReq: http.IncomingMessage, res: http.ServerResponse) => {
    void (async () => {
      try {
        const req = await readRequest(rawReq);
        const out = await route(req);
        if (out === HANG) {
          const t = setTimeout(() => res.destroy(), HANG_LIMIT_MS);
          res.on('close', () => clearTimeout(t));
          return;
        }
        sendResponse(res, out);
      } catch (e) {
        if (e instanceof SandboxError) sendResponse(res, { status: e.status, body: { success: false, error: e.message, error_info: e.errorInfo, data: null, additional_data: null } });
        else sendResponse(res, { status: 500, body: { success: false, error: (e as Error).message } });
      }
    })();
  };

  const server = await listen(handler, opts.port ?? 0);
  baseUrl = server.url;
  control.dispatcher.start(opts.webhookPollMs);
  return {
    url: server.url,
    control,
    close: async () => {
      control.dispatcher.stop();
      await server.close();
    },
  };
}
