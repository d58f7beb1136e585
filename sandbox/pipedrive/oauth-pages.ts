import type { SandboxRequest, SandboxResponse } from '../shared/http';
import type { PipedriveControl } from './control';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

function page(status: number, title: string, inner: string): SandboxResponse {
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>body{font-family:system-ui;margin:3rem auto;max-width:32rem}button{padding:.5rem 1rem;margin-right:.5rem}</style></head><body>${inner}</body></html>`,
  };
}

function redirect(location: string): SandboxResponse {
  return { status: 302, headers: { location }, body: undefined };
}

function withParams(base: string, params: Record<string, string | undefined>): string {
  const u = new URL(base);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
  return u.toString();
}

/**
 * GET /oauth/authorize: the consent page ("Allow and install" / "Cancel"). With auto-approve on
 * (tests), it redirects straight to the callback with a code, as a user clicking Allow would.
 */
export function handleAuthorize(control: PipedriveControl, req: SandboxRequest): SandboxResponse {
  const clientId = req.query.get('client_id') ?? '';
  const redirectUri = req.query.get('redirect_uri') ?? '';
  const state = req.query.get('state') ?? undefined;
  const app = control.oauth.apps.get(clientId);
  if (!app) return page(400, 'Error', '<h1>Invalid client</h1>');
  // Never redirect to an unregistered URL: show the error instead.
  if (redirectUri !== app.redirectUri) return page(400, 'Error', '<h1>Invalid request: redirect_uri is invalid</h1>');
  const companies = [...control.companies.values()];
  const login = control.loginUser ?? (companies[0] ? { companyId: companies[0].id, userId: companies[0].adminUserId } : undefined);
  if (!login) return page(400, 'Error', '<h1>No company in the sandbox: create one through the control API first</h1>');
  if (control.autoApprove) {
    return redirect(withParams(redirectUri, { code: control.oauth.issueCode(clientId, redirectUri, login.companyId, login.userId), state }));
  }
  const options = companies
    .flatMap((c) => [...c.users.values()].map((u) => ({ value: `${c.id}:${u.id}`, label: `${u.name} (${c.name}, ${c.domain})`, selected: c.id === login.companyId && u.id === login.userId })))
    .map((o) => `<option value="${o.value}"${o.selected ? ' selected' : ''}>${escapeHtml(o.label)}</option>`)
    .join('');
  return page(
    200,
    `Install ${app.name}`,
    `<h1>${escapeHtml(app.name)} wants to access your Pipedrive account</h1>
<p>Scopes: ${escapeHtml(app.scopes.join(', '))}</p>
<form method="post" action="/oauth/authorize">
<input type="hidden" name="client_id" value="${escapeHtml(clientId)}">
<input type="hidden" name="redirect_uri" value="${escapeHtml(redirectUri)}">
${state === undefined ? '' : `<input type="hidden" name="state" value="${escapeHtml(state)}">`}
<label>Signed in as <select name="login">${options}</select></label>
<p><button name="decision" value="approve" type="submit">Allow and install</button><button name="decision" value="deny" type="submit">Cancel</button></p>
</form>`,
  );
}

/** POST /oauth/authorize: the consent form's answer. */
export function handleAuthorizeDecision(control: PipedriveControl, req: SandboxRequest): SandboxResponse {
  const form = (req.body ?? {}) as Record<string, string>;
  const app = control.oauth.apps.get(form.client_id ?? '');
  if (!app || form.redirect_uri !== app.redirectUri) return page(400, 'Error', '<h1>Invalid request</h1>');
  if (form.decision !== 'approve') return redirect(withParams(app.redirectUri, { error: 'user_denied', state: form.state }));
  const [companyId, userId] = (form.login ?? '').split(':').map(Number);
  const company = companyId === undefined ? undefined : control.companies.get(companyId);
  if (!company || userId === undefined || !company.users.get(userId)) return page(400, 'Error', '<h1>Unknown user</h1>');
  return redirect(withParams(app.redirectUri, { code: control.oauth.issueCode(app.clientId, app.redirectUri, company.id, userId), state: form.state }));
}
