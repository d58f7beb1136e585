import { z } from 'zod';
import { BrevoApiError, invalid, missing, notFound, outOfRange } from './api-error';
import { ApiRoutes, idParam, intQuery, json, parseBody, type AccountRuntime } from './api-context';
import type { BrevoAccount } from './brevo-account';
import { companyView, createCompany, createCompanyAttribute, getCompany, linkUnlink, listCompanyAttributes, searchCompanies, updateCompany } from './company-store';
import { recordEvent, validateEvent } from './event-log';
import { parseMultipart } from './multipart';
import type { WebhookRecord } from './types';

/** "You can create up to 40 webhooks" per account (developers.brevo.com/docs/how-to-use-webhooks). */
export const WEBHOOKS_MAX = 40;
const MARKETING_EVENTS = ['spam', 'opened', 'click', 'hardBounce', 'softBounce', 'unsubscribed', 'listAddition', 'delivered', 'contactUpdated', 'contactDeleted'];
const TRANSACTIONAL_EVENTS = ['sent', 'request', 'delivered', 'hardBounce', 'softBounce', 'blocked', 'spam', 'invalid', 'deferred', 'click', 'opened', 'uniqueOpened', 'unsubscribed'];

const webhookBody = z.object({
  url: z.string().url(),
  description: z.string().optional(),
  events: z.array(z.string()).min(1),
  type: z.enum(['transactional', 'marketing', 'inbound']).optional(),
  domain: z.string().optional(),
  batched: z.boolean().optional(),
  auth: z.object({ type: z.literal('bearer'), token: z.string().min(1) }).optional(),
  headers: z.array(z.object({ key: z.string().min(1), value: z.string() })).optional(),
  channel: z.enum(['email', 'sms']).optional(),
});

function webhookView(w: WebhookRecord) {
  return {
    url: w.url,
    id: w.id,
    description: w.description,
    events: w.events,
    type: w.type,
    createdAt: new Date(w.createdAt).toISOString(),
    modifiedAt: new Date(w.modifiedAt).toISOString(),
    batched: w.batched,
    ...(w.auth ? { auth: w.auth } : {}),
    ...(w.headers ? { headers: w.headers } : {}),
  };
}

function checkWebhookEvents(type: string, events: string[]): void {
  const allowed = type === 'marketing' ? MARKETING_EVENTS : type === 'inbound' ? ['inboundEmailProcessed'] : TRANSACTIONAL_EVENTS;
  const bad = events.filter((e) => !allowed.includes(e));
  if (bad.length > 0) throw invalid(`Invalid event(s) for a ${type} webhook: ${bad.join(', ')}`);
}

const companyBody = z.object({
  name: z.string().min(1),
  attributes: z.record(z.string(), z.unknown()).optional(),
  countryCode: z.number().int().optional(),
  linkedContactsIds: z.array(z.number().int()).optional(),
  linkedDealsIds: z.array(z.string()).optional(),
});

export function accountView(account: BrevoAccount) {
  return {
    email: account.ownerEmail,
    firstName: 'Sandbox',
    lastName: 'Owner',
    companyName: account.companyName,
    address: { street: '7 rue de Madrid', city: 'Paris', zipCode: '75008', country: 'France' },
    plan: [{ type: 'free', credits: 300, creditsType: 'sendLimit' }],
    relay: { enabled: true, data: { userName: account.ownerEmail, relay: 'smtp-relay.brevo.com', port: 587 } },
    marketingAutomation: { key: account.marketingKey, enabled: true },
  };
}

function importCompaniesCsv(rt: AccountRuntime, csv: string, mapping: { update_existing_records?: boolean; link_entities?: boolean }) {
  const { account } = rt;
  const lines = csv.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '').split(',').map((h) => h.trim());
  const processId = account.nextProcessId++;
  const t = account.now();
  let failed = 0;
  for (const line of lines) {
    const cells = line.split(',');
    const row: Record<string, string> = {};
    header.forEach((h, i) => (row[h] = (cells[i] ?? '').trim()));
    const { company_id, associated_contact, ...attrs } = row;
    const attributes: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(attrs)) {
      if (v === '' || k === 'name') continue;
      const def = listCompanyAttributes(account).find((d) => d.internalName === k);
      attributes[k] = def?.attributeTypeName === 'number' ? Number(v) : v;
    }
    const contacts = mapping.link_entities && associated_contact ? associated_contact.split(';').map(Number) : undefined;
    try {
      if (company_id && mapping.update_existing_records !== false) updateCompany(account, company_id, { name: attrs.name || undefined, attributes, linkedContactsIds: contacts });
      else createCompany(account, { name: attrs.name ?? '', attributes, linkedContactsIds: contacts });
    } catch (e) {
      if (!(e instanceof BrevoApiError)) throw e;
      failed += 1;
    }
  }
  account.processes.set(processId, { id: processId, name: 'IMPORT_COMPANIES', status: 'completed', createdAt: t, completedAt: t, ...(failed ? { error: `${failed} row(s) rejected` } : {}) });
  return processId;
}

export function registerOtherRoutes(api: ApiRoutes): void {
  api.on('GET', '/account', (_req, { account }) => json(200, accountView(account)));

  api.on('POST', '/events', (req, { account }) => {
    if (req.bodyParseError) throw invalid('Invalid JSON in request body');
    recordEvent(account, validateEvent(req.body), 'single');
    return json(204);
  });

  api.on('POST', '/events/batch', (req, { account }) => {
    if (req.bodyParseError) throw invalid('Invalid JSON in request body');
    // The docs describe { events: [...] }; the 2026 Python SDK sends a bare array. Both are accepted.
    const body = req.body;
    const items = Array.isArray(body) ? body : (body as { events?: unknown } | undefined)?.events;
    if (!Array.isArray(items) || items.length === 0) throw missing('events must be a non-empty array');
    const errors: { eventIndex: number[]; message: string }[] = [];
    let ok = 0;
    items.forEach((item, i) => {
      try {
        recordEvent(account, validateEvent(item), 'batch');
        ok += 1;
      } catch (e) {
        if (!(e instanceof BrevoApiError)) throw e;
        const same = errors.find((x) => x.message === e.message);
        if (same) same.eventIndex.push(i);
        else errors.push({ eventIndex: [i], message: e.message });
      }
    });
    if (errors.length === 0) return json(202, { message: 'Batch accepted. Valid events have been added to the processing queue.', count: ok });
    if (ok === 0) throw invalid(errors.map((e) => e.message).join('; '));
    return json(207, { status: 'partial_success', total_events: items.length, successful_events: ok, failed_events: items.length - ok, errors });
  });

  api.on('GET', '/events', (req, { account }) => {
    const limit = intQuery(req, 'limit', { def: 100, max: 10_000 });
    const offset = intQuery(req, 'offset', { def: 0 });
    const name = req.query.get('event_name');
    const contactId = req.query.get('contact_id');
    const matching = account.events.filter((e) => (!name || e.eventName === name) && (!contactId || String(e.contactId) === contactId));
    return json(200, {
      events: matching.slice(offset, offset + limit).map((e) => ({
        contact_id: e.contactId,
        event_date: e.eventDate,
        event_name: e.eventName,
        event_properties: e.eventProperties,
        contact_properties: e.contactProperties,
        source: 'api',
      })),
      count: matching.length,
    });
  });

  api.on('GET', '/companies', (req, { account }) => {
    const linked = req.query.get('linkedContactsIds');
    const modifiedSince = req.query.get('modifiedSince');
    const items = searchCompanies(account, {
      filters: req.query.get('filters') ?? undefined,
      linkedContactsIds: linked ? Number(linked) : undefined,
      page: intQuery(req, 'page', { def: 1 }),
      limit: intQuery(req, 'limit', { def: 50, max: 100 }),
      sort: req.query.get('sort') === 'asc' ? 'asc' : 'desc',
      modifiedSince: modifiedSince ? Date.parse(modifiedSince) : undefined,
    });
    return json(200, { items: items.map(companyView) });
  });
  api.on('GET', '/companies/attributes', (_req, { account }) => json(200, listCompanyAttributes(account)));
  api.on('GET', '/crm/attributes/companies', (_req, { account }) => json(200, listCompanyAttributes(account)));
  api.on('POST', '/crm/attributes', (req, { account }) => {
    const body = parseBody(
      z.object({
        label: z.string().min(1).max(50),
        attributeType: z.enum(['text', 'user', 'number', 'single-select', 'date', 'boolean', 'multi-choice']),
        objectType: z.enum(['companies', 'deals']),
        description: z.string().optional(),
        optionsLabels: z.array(z.string()).optional(),
      }),
      req,
    );
    if (body.objectType !== 'companies') throw invalid('Only company attributes are simulated by the sandbox');
    const def = createCompanyAttribute(account, body);
    return json(201, { id: def.internalName });
  });
  api.on('POST', '/companies', (req, { account }) => json(200, { id: createCompany(account, parseBody(companyBody, req)).id }));
  api.on('POST', '/companies/import', (req, rt) => {
    const parts = parseMultipart(req.headers['content-type'] ?? '', req.rawBody);
    const file = parts.get('file');
    if (!file) throw new BrevoApiError(400, 'missing_parameter', 'Bad request : file is required');
    let mapping: Record<string, boolean> = {};
    try {
      mapping = JSON.parse(parts.get('mapping') ?? '{}') as Record<string, boolean>;
    } catch {
      throw invalid('Bad request : mapping is not valid JSON');
    }
    return json(200, { processId: importCompaniesCsv(rt, file, mapping) });
  });
  api.on('PATCH', '/companies/link-unlink/:id', (req, { account }) => {
    const body = parseBody(
      z.object({
        linkContactIds: z.array(z.number().int()).optional(),
        unlinkContactIds: z.array(z.number().int()).optional(),
        linkDealsIds: z.array(z.string()).optional(),
        unlinkDealsIds: z.array(z.string()).optional(),
      }),
      req,
    );
    linkUnlink(account, req.params.id ?? '', body);
    return json(204);
  });
  api.on('GET', '/companies/:id', (req, { account }) => json(200, companyView(getCompany(account, req.params.id ?? ''))));
  api.on('PATCH', '/companies/:id', (req, { account }) => json(200, companyView(updateCompany(account, req.params.id ?? '', parseBody(companyBody.partial(), req)))));
  api.on('DELETE', '/companies/:id', (req, { account }) => {
    getCompany(account, req.params.id ?? '');
    account.companies.delete(req.params.id ?? '');
    return json(204);
  });

  api.on('GET', '/webhooks', (req, { account }) => {
    const type = req.query.get('type') ?? 'transactional';
    if (!['transactional', 'marketing', 'inbound'].includes(type)) throw invalid('type must be marketing, transactional or inbound');
    const hooks = [...account.webhooks.values()].filter((w) => w.type === type);
    if ((req.query.get('sort') ?? 'desc') === 'desc') hooks.reverse();
    return json(200, { webhooks: hooks.map(webhookView) });
  });
  api.on('POST', '/webhooks', (req, { account }) => {
    const body = parseBody(webhookBody, req);
    if (account.webhooks.size >= WEBHOOKS_MAX) throw outOfRange(`You can create a maximum of ${WEBHOOKS_MAX} webhooks`);
    const type = body.type ?? 'transactional';
    checkWebhookEvents(type, body.events);
    const t = account.now();
    const hook: WebhookRecord = {
      id: account.nextWebhookId++,
      url: body.url,
      description: body.description ?? '',
      events: body.events,
      type,
      batched: body.batched ?? false,
      auth: body.auth,
      headers: body.headers,
      createdAt: t,
      modifiedAt: t,
    };
    account.webhooks.set(hook.id, hook);
    return json(201, { id: hook.id });
  });
  api.on('GET', '/webhooks/:webhookId', (req, { account }) => {
    const w = account.webhooks.get(idParam(req, 'webhookId'));
    if (!w) throw notFound('Webhook ID not found');
    return json(200, webhookView(w));
  });
  api.on('PUT', '/webhooks/:webhookId', (req, { account }) => {
    const body = parseBody(webhookBody.partial(), req);
    const w = account.webhooks.get(idParam(req, 'webhookId'));
    if (!w) throw notFound('Webhook ID not found');
    if (body.events) checkWebhookEvents(w.type, body.events);
    Object.assign(w, {
      ...(body.url ? { url: body.url } : {}),
      ...(body.description !== undefined ? { description: body.description } : {}),
      ...(body.events ? { events: body.events } : {}),
      ...(body.batched !== undefined ? { batched: body.batched } : {}),
      ...(body.auth ? { auth: body.auth } : {}),
      ...(body.headers ? { headers: body.headers } : {}),
      modifiedAt: account.now(),
    });
    return json(204);
  });
  api.on('DELETE', '/webhooks/:webhookId', (req, { account }) => {
    const id = idParam(req, 'webhookId');
    if (!account.webhooks.delete(id)) throw notFound('Webhook ID not found');
    return json(204);
  });
}
