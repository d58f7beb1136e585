import { createHmac, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { SandboxRequest, SandboxResponse } from '../shared/http';
import type { SandboxCompany } from './company';
import type { PipedriveControl } from './control';
import type { OAuthApp } from './oauth-server';
import { escapeHtml as h } from './oauth-pages';

/**
 * Pipedrive's side of an app extension: a person or deal detail page whose sidebar frames the
 * app's custom panel, and the host half of the app-extensions SDK protocol (postMessage with a
 * MessageChannel port per command, as in https://github.com/pipedrive/app-extensions-sdk/blob/master/src/index.ts). Tokens are signed the way
 * Pipedrive signs them: HS256 with the app's client secret (no separate JWT secret is set),
 * carrying the company and user ids, valid 5 minutes.
 *
 *   GET  /_panel-host/{domain}?resource=person&id=12[&theme=dark][&token=valid|expired|tampered|missing][&userId=][&clientId=][&panelUrl=]
 *   POST /_panel-host/{domain}/token {mode, userId?, clientId?} → {token}  (what get_signed_token answers)
 *
 * `token=…` and the page's "signed tokens" switch make Pipedrive hand out bad tokens on purpose,
 * so that tests can watch the app refuse them. Token times use the wall clock, not the sandbox
 * clock: the app checks expiry against real time, and tests move the sandbox clock for OAuth.
 */
export const TOKEN_TTL_SECONDS = 300;
const tokenModeSchema = z.enum(['valid', 'expired', 'tampered', 'missing']);
export type PanelTokenMode = z.infer<typeof tokenModeSchema>;

const pageQuerySchema = z.object({
  resource: z.enum(['person', 'deal', 'organization']).default('person'),
  id: z.coerce.number().int().positive(),
  theme: z.enum(['light', 'dark']).default('light'),
  token: tokenModeSchema.default('valid'),
  userId: z.coerce.number().int().positive().optional(),
  clientId: z.string().min(1).optional(),
  panelUrl: z.url().optional(),
});
const tokenBodySchema = z.object({ mode: tokenModeSchema.default('valid'), userId: z.number().int().positive().optional(), clientId: z.string().min(1).optional() });

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/** An HS256 JWT as Pipedrive issues them for custom UI extensions. */
export function signPanelToken(secret: string, claims: { companyId: number; userId: number }, opts: { nowSeconds?: number; mode?: PanelTokenMode } = {}): string {
  const mode = opts.mode ?? 'valid';
  if (mode === 'missing') return '';
  const now = opts.nowSeconds ?? Math.floor(Date.now() / 1000);
  // An expired token is one that Pipedrive issued 10 minutes ago, with its usual lifetime.
  const iat = mode === 'expired' ? now - 2 * TOKEN_TTL_SECONDS : now;
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64url(JSON.stringify({ userId: claims.userId, companyId: claims.companyId, iat, exp: iat + TOKEN_TTL_SECONDS }));
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  if (mode !== 'tampered') return `${header}.${payload}.${signature}`;
  // Tampered: someone swapped in another company id and kept Pipedrive's signature.
  const forged = b64url(JSON.stringify({ userId: claims.userId, companyId: claims.companyId + 1, iat, exp: iat + TOKEN_TTL_SECONDS }));
  return `${header}.${forged}.${signature}`;
}

function appFor(control: PipedriveControl, clientId: string | undefined): OAuthApp | undefined {
  if (clientId) return control.oauth.apps.get(clientId);
  const apps = [...control.oauth.apps.values()];
  return apps.length === 1 ? apps[0] : undefined;
}

function userFor(company: SandboxCompany, userId: number | undefined): number | undefined {
  const id = userId ?? company.adminUserId;
  return company.users.get(id) ? id : undefined;
}

const text = (status: number, body: string): SandboxResponse => ({ status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body });

export function handlePanelHost(control: PipedriveControl, req: SandboxRequest): SandboxResponse {
  const parts = req.path.split('/').filter(Boolean);
  const domain = parts[1];
  const company = domain ? control.byDomain.get(domain) : undefined;
  if (!company) return text(404, `No company with domain ${domain ?? '(none)'}: the URL is /_panel-host/{domain}?resource=person&id=…`);

  if (req.method === 'POST' && parts[2] === 'token') {
    const body = tokenBodySchema.safeParse(req.body ?? {});
    if (!body.success) return { status: 400, body: { error: z.prettifyError(body.error) } };
    const app = appFor(control, body.data.clientId);
    const userId = userFor(company, body.data.userId);
    if (!app || userId === undefined) return { status: 400, body: { error: 'unknown app or user' } };
    return { status: 200, headers: { 'cache-control': 'no-store' }, body: { token: signPanelToken(app.clientSecret, { companyId: company.id, userId }, { mode: body.data.mode }) } };
  }
  if (req.method !== 'GET' || parts.length !== 2) return text(404, 'Not found');

  const q = pageQuerySchema.safeParse(Object.fromEntries(req.query));
  if (!q.success) return text(400, `Bad query: ${z.prettifyError(q.error)}`);
  const app = appFor(control, q.data.clientId);
  if (!app) return text(400, 'Name the app with ?clientId=… (none, or several, are registered).');
  const userId = userFor(company, q.data.userId);
  if (userId === undefined) return text(400, `No user ${q.data.userId} in ${company.domain}`);

  const { resource, id, theme } = q.data;
  const record = resource === 'person' ? company.persons.get(id) : resource === 'deal' ? company.deals.get(id) : company.organizations.get(id);
  const title = record ? ('title' in record ? record.title : record.name) : `${resource} ${id} (not in this company)`;
  const identifier = randomUUID();
  const panel = new URL(q.data.panelUrl ?? new URL('/panel', app.redirectUri).toString());
  const params: Record<string, string> = { id: identifier, userId: String(userId), companyId: String(company.id), resource, view: 'details', selectedIds: String(id), theme };
  const token = signPanelToken(app.clientSecret, { companyId: company.id, userId }, { mode: q.data.token });
  if (token) params.token = token;
  for (const [k, v] of Object.entries(params)) panel.searchParams.set(k, v);

  const config = { identifier, panelUrl: panel.toString(), tokenUrl: `/_panel-host/${company.domain}/token`, clientId: app.clientId, userId, theme, initTimeoutMs: 10_000 };
  return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }, body: page(company, app, resource, id, title, config) };
}

function page(company: SandboxCompany, app: OAuthApp, resource: string, id: number, title: string, config: Record<string, unknown>): string {
  // JSON inside <script>: `<` is escaped so that no value can close the script element.
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${h(title)} — ${h(company.name)} (Pipedrive sandbox)</title>
<style>
:root{--bg:#f4f5f7;--card:#fff;--fg:#192435;--muted:#6a7485;--border:#dadde2}
body.dark{--bg:#1c2229;--card:#262d36;--fg:#e6e9ee;--muted:#9aa4b2;--border:#3a434f}
body{margin:0;font-family:system-ui,sans-serif;background:var(--bg);color:var(--fg)}
header{display:flex;align-items:center;gap:1rem;padding:.6rem 1rem;background:#0f2a43;color:#fff}
header .brand{font-weight:700}header .crumb{opacity:.8}
.tools{display:flex;gap:1rem;align-items:center;padding:.5rem 1rem;border-bottom:1px solid var(--border);font-size:.85rem;flex-wrap:wrap}
main{display:flex;gap:1rem;padding:1rem}
aside{width:360px;flex:none}
.card{background:var(--card);border:1px solid var(--border);border-radius:6px;margin-bottom:1rem}
.card h2{font-size:.8rem;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);margin:0;padding:.6rem .75rem;border-bottom:1px solid var(--border)}
iframe{display:block;width:100%;border:0;height:100px}
.detail{flex:1}.detail h1{margin:.2rem 0 1rem;font-size:1.4rem}
#snackbar{position:fixed;left:50%;bottom:1.5rem;transform:translateX(-50%);background:#192435;color:#fff;padding:.7rem 1rem;border-radius:6px;display:none;gap:.75rem;align-items:center}
#snackbar a{color:#8cc4ff}
#confirm{position:fixed;inset:0;background:rgba(0,0,0,.45);display:none;align-items:center;justify-content:center}
#confirm .box{background:var(--card);color:var(--fg);padding:1.25rem;border-radius:8px;width:24rem}
#confirm h3{margin:0 0 .5rem}#confirm .actions{display:flex;justify-content:flex-end;gap:.5rem;margin-top:1rem}
button{font:inherit;padding:.35rem .8rem;border-radius:4px;border:1px solid var(--border);background:var(--card);color:var(--fg);cursor:pointer}
button.primary{background:#2e7d32;color:#fff;border-color:#2e7d32}button.negative{background:#c62828;color:#fff;border-color:#c62828}
#hidden-note{display:none;padding:.75rem;color:var(--muted);font-size:.85rem}
#log{font:12px ui-monospace,monospace;color:var(--muted);max-height:12rem;overflow:auto;padding:.5rem .75rem;margin:0;list-style:none}
</style></head>
<body class="${config.theme === 'dark' ? 'dark' : ''}">
<header><span class="brand">Pipedrive</span><span class="crumb">${h(company.name)} · ${h(resource === 'person' ? 'Contacts' : resource === 'deal' ? 'Deals' : 'Organizations')}</span><span style="margin-left:auto;opacity:.7">sandbox</span></header>
<div class="tools">
  <span>Theme: <button type="button" data-theme-set="light">Light</button> <button type="button" data-theme-set="dark">Dark</button></span>
  <label>Signed tokens <select id="token-mode" aria-label="Signed tokens"><option value="valid">valid</option><option value="expired">expired</option><option value="tampered">tampered</option><option value="missing">missing</option></select></label>
  <button type="button" id="collapse" aria-pressed="false">Collapse panel</button>
  <span data-testid="host-init" id="init">Waiting for the panel to initialize…</span>
  <span data-testid="host-height" id="height"></span>
</div>
<main>
  <aside>
    <section class="card" aria-label="${h(app.name)} panel"><h2>${h(app.name)}</h2>
      <iframe id="panel" title="${h(app.name)} panel" src="${h(String(config.panelUrl))}"></iframe>
      <p id="hidden-note" role="note">The panel did not initialize within 10 seconds, so Pipedrive does not show it.</p>
    </section>
  </aside>
  <section class="detail"><h1>${h(title)}</h1><p style="color:var(--muted)">${h(resource)} #${id} in ${h(company.domain)}</p>
    <section class="card"><h2>SDK messages</h2><ul id="log" data-testid="host-log"></ul></section>
  </section>
</main>
<div id="snackbar" role="status" data-testid="host-snackbar"><span id="snackbar-text"></span><a id="snackbar-link" target="_blank" rel="noopener"></a></div>
<div id="confirm" role="dialog" aria-modal="true" aria-labelledby="confirm-title"><div class="box"><h3 id="confirm-title"></h3><p id="confirm-description"></p>
  <div class="actions"><button type="button" id="confirm-cancel"></button><button type="button" id="confirm-ok"></button></div></div></div>
<script>
(() => {
  const cfg = ${json};
  const frame = document.getElementById('panel');
  const started = performance.now();
  let initialized = false;
  const listeners = {};
  const log = (line) => { const li = document.createElement('li'); li.textContent = line; document.getElementById('log').prepend(li); };
  window.__pipedriveHost = { commands: [], listeners };

  // Pipedrive hides a panel that has not initialized through the SDK within 10 seconds.
  setTimeout(() => { if (!initialized) { frame.style.display = 'none'; document.getElementById('hidden-note').style.display = 'block'; document.getElementById('init').textContent = 'Panel hidden: no initialize within 10 s'; } }, cfg.initTimeoutMs);

  const setHeight = (h) => {
    if (typeof h !== 'number' || !isFinite(h)) return;
    const clamped = Math.max(100, Math.min(750, Math.round(h))); // panels are 100 to 750 px high
    frame.style.height = clamped + 'px';
    document.getElementById('height').textContent = 'Panel height: ' + clamped + ' px';
  };

  let snackTimer;
  const snackbar = (args) => {
    const box = document.getElementById('snackbar');
    document.getElementById('snackbar-text').textContent = String(args && args.message || '');
    const a = document.getElementById('snackbar-link');
    if (args && args.link && args.link.url) { a.href = args.link.url; a.textContent = args.link.label || args.link.url; a.style.display = ''; } else { a.removeAttribute('href'); a.textContent = ''; a.style.display = 'none'; }
    box.style.display = 'flex';
    clearTimeout(snackTimer);
    snackTimer = setTimeout(() => { box.style.display = 'none'; }, 8000);
  };

  const confirmDialog = (args) => new Promise((resolve) => {
    const box = document.getElementById('confirm');
    document.getElementById('confirm-title').textContent = String(args && args.title || '');
    document.getElementById('confirm-description').textContent = String(args && args.description || '');
    const ok = document.getElementById('confirm-ok');
    const cancel = document.getElementById('confirm-cancel');
    ok.textContent = (args && args.okText) || 'OK';
    cancel.textContent = (args && args.cancelText) || 'Cancel';
    ok.className = (args && args.okColor) || 'primary';
    const done = (confirmed) => { box.style.display = 'none'; ok.onclick = null; cancel.onclick = null; resolve({ confirmed }); };
    ok.onclick = () => done(true);
    cancel.onclick = () => done(false);
    box.style.display = 'flex';
  });

  const signedToken = async () => {
    const res = await fetch(cfg.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode: document.getElementById('token-mode').value, userId: cfg.userId, clientId: cfg.clientId }) });
    if (!res.ok) throw new Error('token endpoint answered ' + res.status);
    return (await res.json()).token;
  };

  const commands = {
    initialize: (args) => {
      initialized = true;
      document.getElementById('init').textContent = 'Panel initialized in ' + Math.round(performance.now() - started) + ' ms';
      if (args && args.size) setHeight(args.size.height);
    },
    resize: (args) => { setHeight(args && args.height); },
    get_signed_token: async () => ({ token: await signedToken() }),
    show_snackbar: (args) => { snackbar(args); },
    show_confirmation: (args) => confirmDialog(args),
    get_metadata: () => ({ windowHeight: window.innerHeight, windowWidth: window.innerWidth }),
    redirect_to: () => undefined,
  };

  window.addEventListener('message', async (event) => {
    // Only the framed panel speaks to us, and only with its runtime id.
    if (event.source !== frame.contentWindow) return;
    const msg = event.data || {};
    if (msg.id !== cfg.identifier || !msg.payload) return;
    const { type, command, args, event: name } = msg.payload;
    if (type === 'track') return;
    const port = event.ports[0];
    if (type === 'listener') { if (port) listeners[name] = port; log('listen ' + name); return; }
    if (type !== 'command' || !port) return;
    window.__pipedriveHost.commands.push({ command, args });
    log(command + (args === undefined ? '' : ' ' + JSON.stringify(args)));
    if (command !== 'initialize' && !initialized) { port.postMessage({ error: 'SDK is not initialized' }); return; }
    const run = commands[command];
    if (!run) { port.postMessage({ error: 'Command ' + command + ' is not supported for panels' }); return; }
    try { port.postMessage({ data: await run(args) }); } catch (err) { port.postMessage({ error: String(err && err.message || err) }); }
  });

  // Collapsing and expanding the sidebar panel: the SDK's visibility event, without context for panels.
  document.getElementById('collapse').addEventListener('click', (e) => {
    const collapsed = frame.style.display !== 'none';
    frame.style.display = collapsed ? 'none' : 'block';
    e.target.textContent = collapsed ? 'Expand panel' : 'Collapse panel';
    e.target.setAttribute('aria-pressed', String(collapsed));
    const port = listeners.visibility;
    if (port) port.postMessage({ data: { is_visible: !collapsed } });
    log('event visibility ' + !collapsed);
  });

  document.querySelectorAll('[data-theme-set]').forEach((b) => b.addEventListener('click', () => {
    const theme = b.getAttribute('data-theme-set');
    document.body.classList.toggle('dark', theme === 'dark');
    const port = listeners.user_settings_change;
    if (port) port.postMessage({ data: { theme } });
    log('event user_settings_change ' + theme);
  }));
})();
</script></body></html>`;
}
