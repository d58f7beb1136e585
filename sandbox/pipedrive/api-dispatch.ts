import { Router, type Handler, type SandboxRequest, type SandboxResponse } from '../shared/http';
import { errorResponse, fail, type ApiRoute } from './api-route';
import { v1Routes } from './api-v1';
import { v2MetaRoutes } from './api-v2-meta';
import { v2RecordRoutes } from './api-v2-records';
import type { SandboxCompany } from './company';
import type { PipedriveControl } from './control';

/** Special answer: hold the connection open and never reply (the "timeout" fault). */
export const HANG = Symbol('hang');
export type DispatchResult = SandboxResponse | typeof HANG;

/** Every API route the sandbox serves; contract tests walk this list. */
export function allApiRoutes(): ApiRoute[] {
  // Literal paths (search, archived) must be tried before /:id patterns.
  return [...v2MetaRoutes(), ...v2RecordRoutes(), ...v1Routes()];
}

function unauthorized(): SandboxResponse {
  // The gateway's 401 has its own shape (errorCode) and a marker header.
  return { status: 401, headers: { 'x-401-by-gw': 'true' }, body: { success: false, error: 'unauthorized access', errorCode: 401 } };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class ApiDispatcher {
  private router = new Router();
  /** The shared Router matches paths; each placeholder handler maps back to its route. */
  private routeOf = new Map<Handler, ApiRoute>();

  constructor(private readonly control: PipedriveControl) {
    for (const route of allApiRoutes()) {
      const placeholder: Handler = () => fail(500, 'route placeholder called');
      this.routeOf.set(placeholder, route);
      this.router.add(route.method, route.path, placeholder);
    }
  }

  private findRoute(method: string, path: string): { route: ApiRoute; params: Record<string, string> } | 'method-not-allowed' | undefined {
    const m = this.router.match(method, path);
    if (!m || m === 'method-not-allowed') return m;
    const route = this.routeOf.get(m.handler);
    return route ? { route, params: m.params } : undefined;
  }

  private authenticate(req: SandboxRequest, company: SandboxCompany): { userId: number; authKind: 'api_token' | 'oauth'; clientId: string | null; scopes: string[] | null; tokenKey: string } | undefined {
    const apiToken = (req.headers['x-api-token'] as string | undefined) ?? req.query.get('api_token') ?? undefined;
    if (apiToken) {
      const userId = company.apiTokens.get(apiToken);
      return userId === undefined ? undefined : { userId, authKind: 'api_token', clientId: null, scopes: null, tokenKey: `t:${apiToken}` };
    }
    const auth = req.headers.authorization;
    if (!auth?.toLowerCase().startsWith('bearer ')) return undefined;
    const token = auth.slice(7).trim();
    const grant = this.control.oauth.resolveAccess(token);
    // A token minted for another company is refused on this company's api_domain.
    if (!grant || grant === 'expired' || grant.companyId !== company.id) return undefined;
    return { userId: grant.userId, authKind: 'oauth', clientId: grant.clientId, scopes: grant.scopes, tokenKey: `o:${token}` };
  }

  /** Logs each API request (bounded) so tests can see what an app really asked for. */
  async dispatch(req: SandboxRequest, domain: string, subPath: string): Promise<DispatchResult> {
    const at = this.control.clock.now();
    const out = await this.dispatchInner(req, domain, subPath);
    this.control.recordRequest({ at, domain, method: req.method, path: subPath.startsWith('/api/v1/') ? subPath.slice(4) : subPath, query: Object.fromEntries(req.query), status: out === HANG ? null : out.status, body: req.body });
    return out;
  }

  private async dispatchInner(req: SandboxRequest, domain: string, subPath: string): Promise<DispatchResult> {
    const company = this.control.byDomain.get(domain);
    if (!company) return fail(404, `Unknown company domain ${domain}`);
    // v1 answers on both /api/v1/... and /v1/...; v2 only on /api/v2/....
    const path = subPath.startsWith('/api/v1/') ? subPath.slice(4) : subPath;
    const found = this.findRoute(req.method, path);
    if (!found) return fail(404, 'Unknown method .');
    if (found === 'method-not-allowed') return fail(405, 'Method not allowed');
    const { route, params } = found;

    const fault = this.control.faultInjector.take(req.method, path, domain);
    if (fault) {
      switch (fault.kind) {
        case 'timeout':
          return HANG;
        case 'slow':
          await sleep(fault.delayMs);
          break;
        case 'server_error':
          return fail(fault.status, fault.status === 503 ? 'Service is temporarily unavailable' : 'Internal server error');
        case 'rate_limit':
          return { status: 429, headers: { 'x-ratelimit-limit': '80', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2', 'retry-after': '2' }, body: { success: false, error: 'Request over limit', error_info: 'Please check developers.pipedrive.com', data: null, additional_data: null } };
        case 'abuse_block':
          return { status: 403, headers: { 'content-type': 'text/html; charset=UTF-8', server: 'cloudflare' }, body: '<!DOCTYPE html><html><head><title>Attention Required! | Cloudflare</title></head><body><h1>Sorry, you have been blocked</h1></body></html>' };
        case 'malformed':
          return { status: 200, headers: { 'content-type': 'application/json' }, body: '{"success":true,"data":[{"id":1,"name":' };
      }
    }

    const who = this.authenticate(req, company);
    if (!who) return unauthorized();
    if (who.scopes && route.scopes.length > 0 && !route.scopes.some((s) => who.scopes!.includes(s))) {
      return fail(403, 'Scope and URL mismatch');
    }
    const rate = this.control.rateLimits.check({ tokenKey: who.tokenKey, authKind: who.authKind, companyId: company.id, plan: company.plan, seats: company.users.size, cost: route.cost, isSearch: route.search === true });
    if (!rate.allowed) {
      const msg = rate.reason === 'daily' ? 'API requests limit reached for a company' : 'Request over limit';
      return { ...fail(429, msg), headers: rate.headers };
    }
    let res: SandboxResponse;
    try {
      res = await route.handler({ ...req, path, params }, { company, userId: who.userId, authKind: who.authKind, clientId: who.clientId, change: { userId: who.userId, source: 'api' } });
    } catch (e) {
      res = errorResponse(e);
    }
    return { ...res, headers: { ...rate.headers, ...(res.headers ?? {}) } };
  }
}
