import { jwtVerify, decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { SandboxClock } from '../shared/clock';
import type { SandboxRequest } from '../shared/http';
import { PipedriveControl } from './control';
import { handlePanelHost, signPanelToken, TOKEN_TTL_SECONDS } from './panel-host';

function setup() {
  const control = new PipedriveControl(new SandboxClock(), () => 'http://127.0.0.1:1', { mode: 'off' }, false);
  const company = control.createCompany({ name: 'Host Co', domain: 'host-co' });
  const app = control.registerApp({ name: 'Panel App', redirectUri: 'http://app.test:3000/api/auth/callback/pipedrive', clientId: 'panel-app', clientSecret: 'panel-app-secret' });
  const person = control.createPerson('host-co', { name: 'Pat Person', emails: ['pat@host.test'] });
  return { control, company, app, person };
}

const req = (method: string, path: string, query: Record<string, string> = {}, body?: unknown): SandboxRequest => ({
  method,
  path,
  params: {},
  query: new URLSearchParams(query),
  headers: {},
  rawBody: body === undefined ? '' : JSON.stringify(body),
  body,
});

const secret = new TextEncoder().encode('panel-app-secret');

describe('panel host page', () => {
  it("frames the app's panel URL with Pipedrive's query parameters and a token signed with the client secret", async () => {
    const { control, company, person } = setup();
    const res = handlePanelHost(control, req('GET', '/_panel-host/host-co', { resource: 'person', id: String(person.id), theme: 'dark' }));
    expect(res.status).toBe(200);
    const html = String(res.body);
    expect(html).toContain('Pat Person');
    const src = /<iframe id="panel" title="[^"]*" src="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
    const url = new URL(src!);
    expect(url.origin + url.pathname).toBe('http://app.test:3000/panel');
    expect(Object.fromEntries([...url.searchParams].filter(([k]) => k !== 'token' && k !== 'id'))).toEqual({
      userId: String(company.adminUserId),
      companyId: String(company.id),
      resource: 'person',
      view: 'details',
      selectedIds: String(person.id),
      theme: 'dark',
    });
    expect(url.searchParams.get('id')).toMatch(/^[0-9a-f-]{36}$/);
    const { payload, protectedHeader } = await jwtVerify(url.searchParams.get('token')!, secret);
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload).toMatchObject({ companyId: company.id, userId: company.adminUserId });
    expect(payload.exp! - payload.iat!).toBe(TOKEN_TTL_SECONDS);
  });

  it('hands out fresh tokens for get_signed_token, or bad ones on request', async () => {
    const { control, company } = setup();
    const token = (mode?: string) => (handlePanelHost(control, req('POST', '/_panel-host/host-co/token', {}, mode ? { mode } : {})).body as { token: string }).token;
    await expect(jwtVerify(token(), secret)).resolves.toBeDefined();
    await expect(jwtVerify(token('expired'), secret)).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
    await expect(jwtVerify(token('tampered'), secret)).rejects.toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
    expect(decodeJwt(token('tampered')).companyId).not.toBe(company.id);
    expect(token('missing')).toBe('');
  });

  it('omits the token parameter when asked for a missing one, and explains bad requests', () => {
    const { control, person } = setup();
    const html = String(handlePanelHost(control, req('GET', '/_panel-host/host-co', { id: String(person.id), token: 'missing' })).body);
    expect(html).not.toMatch(/[?&;]token=/);
    expect(handlePanelHost(control, req('GET', '/_panel-host/nope', { id: '1' })).status).toBe(404);
    expect(handlePanelHost(control, req('GET', '/_panel-host/host-co', { id: 'x' })).status).toBe(400);
    expect(handlePanelHost(control, req('GET', '/_panel-host/host-co', { id: '1', userId: '999999' })).status).toBe(400);
  });

  it('signs exactly like a standard HS256 JWT library', () => {
    const t = signPanelToken('s3cret', { companyId: 7, userId: 9 }, { nowSeconds: 1_700_000_000 });
    expect(decodeJwt(t)).toEqual({ companyId: 7, userId: 9, iat: 1_700_000_000, exp: 1_700_000_000 + TOKEN_TTL_SECONDS });
  });
});
