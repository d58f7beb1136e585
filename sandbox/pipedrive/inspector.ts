import type { SandboxRequest, SandboxResponse } from '../shared/http';
import type { PipedriveControl } from './control';
import { escapeHtml as h } from './oauth-pages';

function html(body: string, title = 'Pipedrive sandbox inspector'): SandboxResponse {
  return {
    status: 200,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: `<!doctype html><html><head><meta charset="utf-8"><title>${h(title)}</title><style>
body{font-family:system-ui;margin:1.5rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem;vertical-align:top}
.stages{display:flex;gap:1rem;overflow-x:auto}.stage{min-width:14rem;background:#f5f5f5;padding:.5rem}.deal{background:#fff;margin:.25rem 0;padding:.25rem;border:1px solid #ddd}
form{margin:.5rem 0}fieldset{margin:1rem 0}</style></head><body>${body}</body></html>`,
  };
}

function seeOther(location: string): SandboxResponse {
  return { status: 303, headers: { location }, body: undefined };
}

/**
 * A small page to drive the demo by hand: deals by stage, and forms that act as a Pipedrive user
 * (move a deal, edit a person, log an activity). Every action goes through the control API, so
 * webhooks fire with change_source "app".
 */
export function handleInspector(control: PipedriveControl, req: SandboxRequest): SandboxResponse {
  const parts = req.path.split('/').filter(Boolean);
  const domain = parts[1];
  if (!domain) {
    const rows = control
      .listCompanies()
      .map((c) => `<li><a href="/_inspector/${h(c.domain)}">${h(c.name)}</a> (${h(c.domain)}, ${c.id})</li>`)
      .join('');
    return html(`<h1>Companies</h1><ul>${rows || '<li>none yet</li>'}</ul>`);
  }
  const company = control.byDomain.get(domain);
  if (!company) return { status: 404, body: 'no such company' };
  const back = `/_inspector/${domain}`;
  if (req.method === 'POST') {
    const f = (req.body ?? {}) as Record<string, string>;
    const num = (k: string) => Number(f[k]);
    try {
      if (parts[2] === 'move-deal') control.moveDeal(domain, num('dealId'), num('stageId'));
      else if (parts[2] === 'edit-person') {
        const edit: { name?: string; emails?: { value: string; primary: boolean; label: string }[] } = {};
        if (f.name) edit.name = f.name;
        if (f.email) edit.emails = [{ value: f.email, primary: true, label: 'work' }];
        control.editPerson(domain, num('personId'), edit);
      } else if (parts[2] === 'log-activity') control.logActivity(domain, { subject: f.subject ?? 'Call', type: f.type || 'call', dealId: f.dealId ? num('dealId') : undefined, done: true });
      else return { status: 404, body: 'unknown action' };
    } catch (e) {
      return html(`<p>Failed: ${h((e as Error).message)}</p><p><a href="${back}">back</a></p>`);
    }
    return seeOther(back);
  }

  const stageOptions = [...company.stages.values()]
    .filter((s) => !s.is_deleted)
    .map((s) => `<option value="${s.id}">${h(company.pipelines.get(s.pipeline_id)?.name ?? '')}: ${h(s.name)}</option>`)
    .join('');
  const pipelines = [...company.pipelines.values()].filter((p) => !p.is_deleted);
  const boards = pipelines
    .map((p) => {
      const stages = [...company.stages.values()].filter((s) => s.pipeline_id === p.id && !s.is_deleted).sort((a, b) => a.order_nr - b.order_nr);
      const cols = stages
        .map((s) => {
          const deals = [...company.deals.values()].filter((d) => d.stage_id === s.id && !d.is_deleted && d.status === 'open').slice(0, 50);
          const cards = deals
            .map((d) => `<div class="deal">#${d.id} ${h(d.title)}<br><small>${d.value} ${h(d.currency)}</small><form method="post" action="${back}/move-deal"><input type="hidden" name="dealId" value="${d.id}"><select name="stageId">${stageOptions}</select><button>Move</button></form></div>`)
            .join('');
          return `<div class="stage"><h3>${h(s.name)}</h3>${cards || '<em>no open deals</em>'}</div>`;
        })
        .join('');
      return `<h2>${h(p.name)}</h2><div class="stages">${cols}</div>`;
    })
    .join('');
  const persons = [...company.persons.values()]
    .filter((p) => !p.is_deleted)
    .slice(0, 25)
    .map((p) => `<tr><td>${p.id}</td><td>${h(p.name)}</td><td>${h(p.emails.map((e) => e.value).join(', '))}</td></tr>`)
    .join('');
  return html(
    `<p><a href="/_inspector">all companies</a></p><h1>${h(company.name)}</h1>${boards}
<fieldset><legend>Edit a person</legend><form method="post" action="${back}/edit-person"><input name="personId" placeholder="person id" required> <input name="name" placeholder="new name"> <input name="email" placeholder="new primary email"> <button>Save</button></form></fieldset>
<fieldset><legend>Log an activity</legend><form method="post" action="${back}/log-activity"><input name="dealId" placeholder="deal id"> <input name="subject" placeholder="subject" required> <input name="type" placeholder="call"> <button>Log</button></form></fieldset>
<h2>Persons (first 25)</h2><table><tr><th>id</th><th>name</th><th>emails</th></tr>${persons}</table>`,
    `${company.name}: inspector`,
  );
}
