import type { Router } from '../shared/http';
import type { BrevoControl } from './brevo-control';

const esc = (v: string | number | boolean | null | undefined): string =>
  String(v ?? '').replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);

const STYLE = `body{font:14px system-ui,sans-serif;margin:24px;color:#1f2933}table{border-collapse:collapse;margin:8px 0 24px;width:100%}
th,td{border:1px solid #d9e2ec;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f0f4f8}
.bl{color:#c62828;font-weight:600}code{font-size:12px}button{cursor:pointer}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

/**
 * A small HTML view of the sandbox for demos: accounts, then one account's contacts (attributes, lists),
 * lists, companies and event log, with an "unsubscribe" button that acts as the contact clicking the link.
 */
export function registerInspector(router: Router, control: BrevoControl): void {
  router.add('GET', '/_inspector', () => {
    const rows = control
      .accounts()
      .map((a) => `<tr><td>${a.accountId}</td><td><a href="/_inspector/${encodeURIComponent(a.apiKey)}">${esc(a.companyName)}</a></td><td>${a.contacts}</td></tr>`)
      .join('');
    return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: page('Brevo sandbox', `<h1>Brevo sandbox</h1><table><tr><th>#</th><th>Account</th><th>Contacts</th></tr>${rows}</table>`) };
  });

  router.add('GET', '/_inspector/:key', (req) => {
    const key = req.params.key ?? '';
    let s: ReturnType<BrevoControl['state']>;
    try {
      s = control.state(key);
    } catch {
      return { status: 404, headers: { 'content-type': 'text/html; charset=utf-8' }, body: page('Not found', '<p>No such account.</p>') };
    }
    const contacts = s.contacts
      .slice(-500)
      .reverse()
      .map(
        (c) => `<tr><td>${c.id}</td><td>${esc(c.email)}${c.emailBlacklisted ? ' <span class="bl">blocklisted</span>' : ''}</td><td>${esc(c.extId)}</td>
<td><code>${esc(JSON.stringify(c.attributes))}</code></td><td>${c.listNames.map(esc).join(', ')}</td>
<td>${c.emailBlacklisted ? '' : `<form method="post" action="/_inspector/${encodeURIComponent(key)}/unsubscribe/${c.id}"><button type="submit">Unsubscribe</button></form>`}</td></tr>`,
      )
      .join('');
    const folders = new Map(s.folders.map((f) => [f.id, f.name]));
    const lists = s.lists.map((l) => `<tr><td>${l.id}</td><td>${esc(folders.get(l.folderId))}</td><td>${esc(l.name)}</td><td>${l.contactIds.length}</td></tr>`).join('');
    const companies = s.companies
      .map((c) => `<tr><td><code>${esc(c.id)}</code></td><td>${esc(typeof c.attributes.name === 'string' ? c.attributes.name : '')}</td><td><code>${esc(JSON.stringify(c.attributes))}</code></td><td>${c.linkedContactsIds.join(', ')}</td></tr>`)
      .join('');
    const events = s.events
      .slice(-200)
      .reverse()
      .map((e) => `<tr><td>${e.seq}</td><td>${esc(e.eventName)}</td><td>${esc(e.eventDate)}</td><td><code>${esc(JSON.stringify(e.identifiers))}</code></td><td><code>${esc(JSON.stringify(e.eventProperties))}</code></td></tr>`)
      .join('');
    const body = `<p><a href="/_inspector">All accounts</a></p><h1>${esc(s.account.companyName)}</h1>
<h2>Contacts (${s.contacts.length})</h2><table><tr><th>Id</th><th>Email</th><th>ext_id</th><th>Attributes</th><th>Lists</th><th></th></tr>${contacts}</table>
<h2>Lists</h2><table><tr><th>Id</th><th>Folder</th><th>Name</th><th>Contacts</th></tr>${lists}</table>
<h2>Companies (${s.companies.length})</h2><table><tr><th>Id</th><th>Name</th><th>Attributes</th><th>Linked contacts</th></tr>${companies}</table>
<h2>Events (${s.events.length}, newest first)</h2><table><tr><th>#</th><th>Name</th><th>Date</th><th>Identifiers</th><th>Properties</th></tr>${events}</table>`;
    return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: page(s.account.companyName, body) };
  });

  router.add('POST', '/_inspector/:key/unsubscribe/:id', (req) => {
    const key = req.params.key ?? '';
    try {
      control.unsubscribe(key, Number(req.params.id));
    } catch (e) {
      return { status: 404, body: { error: e instanceof Error ? e.message : String(e) } };
    }
    return { status: 303, headers: { location: `/_inspector/${encodeURIComponent(key)}` } };
  });
}
