import { z } from 'zod';
import { BrevoApiError, invalid } from './api-error';
import { duplicateError, type BrevoAccount, type ContactWrite } from './brevo-account';
import { ApiRoutes, dateQuery, intQuery, json, parseBody, sortQuery, type AccountRuntime } from './api-context';
import { processView, startImport } from './contact-import';
import type { ContactRecord } from './types';

const attributeValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.null()]);
const listIds = z.array(z.number().int().positive());

const createContactBody = z.object({
  email: z.string().optional(),
  ext_id: z.string().optional(),
  attributes: z.record(z.string(), attributeValue).optional(),
  emailBlacklisted: z.boolean().optional(),
  smsBlacklisted: z.boolean().optional(),
  listIds: listIds.optional(),
  updateEnabled: z.boolean().optional(),
  smtpBlacklistSender: z.array(z.string()).optional(),
});

const updateContactBody = z.object({
  attributes: z.record(z.string(), attributeValue).optional(),
  ext_id: z.string().optional(),
  emailBlacklisted: z.boolean().optional(),
  smsBlacklisted: z.boolean().optional(),
  listIds: listIds.optional(),
  unlinkListIds: listIds.optional(),
  smtpBlacklistSender: z.array(z.string()).optional(),
});

const batchBody = z.object({
  contacts: z
    .array(
      updateContactBody.extend({
        email: z.string().optional(),
        id: z.number().int().optional(),
        sms: z.string().optional(),
      }),
    )
    .min(1),
});

const importBody = z.object({
  fileUrl: z.string().optional(),
  fileBody: z.string().optional(),
  jsonBody: z.array(z.object({ email: z.string().optional(), attributes: z.record(z.string(), z.unknown()).optional() })).optional(),
  listIds: listIds.optional(),
  newList: z.object({ listName: z.string().optional(), folderId: z.number().int().optional() }).optional(),
  notifyUrl: z.string().optional(),
  emailBlacklist: z.boolean().optional(),
  smsBlacklist: z.boolean().optional(),
  disableNotification: z.boolean().optional(),
  updateExistingContacts: z.boolean().optional(),
  emptyContactsAttributes: z.boolean().optional(),
});

/** A write refused by an injected "reject-record" fault, answered with the error Brevo gives for that cause. */
function recordFault(rt: AccountRuntime, verb: 'create' | 'update', ids: (string | undefined)[]): void {
  const f = rt.faults.takeRecordFault(ids);
  if (!f) return;
  switch (f.reason) {
    case 'invalid_phone':
      throw invalid('Invalid phone number');
    case 'invalid_email':
      throw invalid('Invalid email address');
    case 'duplicate_sms':
      throw duplicateError(verb, ['SMS']);
    case 'blocklisted':
      throw new BrevoApiError(400, 'invalid_parameter', `Unable to ${verb} contact, the contact is blocklisted`);
  }
}

function toWrite(b: z.infer<typeof updateContactBody> & { email?: string }): ContactWrite {
  return {
    email: b.email,
    extId: b.ext_id,
    attributes: b.attributes ?? undefined,
    emailBlacklisted: b.emailBlacklisted,
    smsBlacklisted: b.smsBlacklisted,
    listIds: b.listIds,
    unlinkListIds: b.unlinkListIds,
    smtpBlacklistSender: b.smtpBlacklistSender,
  };
}

function filterByAttribute(account: BrevoAccount, raw: string | null): ((c: ContactRecord) => boolean) | undefined {
  if (!raw) return undefined;
  const m = /^equals\(\s*([A-Za-z0-9_-]+)\s*,\s*(?:"([^"]*)"|([^)]*?))\s*\)$/.exec(raw);
  if (!m?.[1]) throw invalid('filter is invalid: only equals(ATTRIBUTE,"value") is supported');
  const name = m[1];
  const want = m[2] ?? (m[3] ?? '').trim();
  return (c) => {
    const v = name === 'EMAIL' ? c.email : name === 'SMS' ? c.sms : name === 'EXT_ID' ? c.extId : c.attributes.get(name);
    if (v === undefined) return false;
    const def = account.attributes.get(name);
    if (def?.type === 'category') return String(v) === want || def.enumeration?.find((o) => o.value === v)?.label === want;
    return Array.isArray(v) ? v.includes(want) : String(v) === want;
  };
}

export function registerContactRoutes(api: ApiRoutes): void {
  api.on('GET', '/contacts', (req, { account }) => {
    const limit = intQuery(req, 'limit', { def: 50, max: 1000 });
    const offset = intQuery(req, 'offset', { def: 0 });
    const modifiedSince = dateQuery(req, 'modifiedSince');
    const createdSince = dateQuery(req, 'createdSince');
    const sort = sortQuery(req);
    const listFilter = req.query.getAll('listIds').flatMap((v) => v.split(',')).filter(Boolean).map(Number);
    if (listFilter.some((n) => !Number.isInteger(n))) throw invalid('listIds must be integers');
    if (listFilter.length > 0 && req.query.get('segmentId')) throw invalid('Either listIds or segmentId can be passed');
    const attrFilter = filterByAttribute(account, req.query.get('filter'));
    const ordered = account.contactsInCreationOrder();
    const filtered = modifiedSince !== undefined || createdSince !== undefined || listFilter.length > 0 || attrFilter !== undefined;
    const matching = filtered
      ? ordered.filter(
          (c) =>
            (modifiedSince === undefined || c.modifiedAt >= modifiedSince) &&
            (createdSince === undefined || c.createdAt >= createdSince) &&
            (listFilter.length === 0 || listFilter.some((id) => c.listIds.has(id))) &&
            (!attrFilter || attrFilter(c)),
        )
      : ordered;
    const n = matching.length;
    const page =
      sort === 'asc'
        ? matching.slice(offset, offset + limit)
        : matching.slice(Math.max(0, n - offset - limit), Math.max(0, n - offset)).reverse();
    return json(200, { contacts: page.map((c) => account.contactDetails(c)), count: n });
  });

  api.on('POST', '/contacts', (req, rt) => {
    const body = parseBody(createContactBody, req);
    const sms = body.attributes?.SMS;
    recordFault(rt, body.updateEnabled ? 'update' : 'create', [body.email, body.ext_id, typeof sms === 'string' || typeof sms === 'number' ? String(sms) : undefined]);
    const result = rt.account.createContact(toWrite(body), body.updateEnabled ?? false);
    return result.created ? json(201, { id: result.id }) : json(204);
  });

  api.on('POST', '/contacts/batch', (req, rt) => {
    const body = parseBody(batchBody, req);
    const { account } = rt;
    // Brevo reports no per-item result: one bad item fails the call, and nothing is applied.
    const planned = body.contacts.map((item, i) => {
      const keys = [item.email, item.id, item.sms].filter((v) => v !== undefined);
      if (keys.length !== 1) throw invalid(`contacts[${i}]: pass exactly one of email, id or sms`);
      const contact =
        item.email !== undefined ? account.findByEmail(item.email) : item.id !== undefined ? account.contacts.get(item.id) : account.findBySms(item.sms ?? '');
      if (!contact) throw invalid(`contacts[${i}]: Contact does not exist`);
      const write = toWrite({ ...item, email: undefined });
      try {
        recordFault(rt, 'update', [contact.email, contact.extId, contact.sms]);
        account.plan(contact, write, 'update');
      } catch (e) {
        // The batch endpoint answers with the plain errorModel: no metadata, the cause is only in the message.
        if (e instanceof BrevoApiError) throw new BrevoApiError(400, e.code === 'duplicate_parameter' ? 'duplicate_parameter' : 'invalid_parameter', `contacts[${i}]: ${e.message}`);
        throw e;
      }
      return { contact, write };
    });
    for (const { contact, write } of planned) account.updateContact(contact, write);
    return json(204);
  });

  api.on('POST', '/contacts/import', (req, rt) => {
    const body = parseBody(importBody, req);
    const process = startImport(rt.account, body, {
      fetchImpl: rt.fetchImpl,
      onDone: (p, notifyUrl) => {
        if (!notifyUrl) return;
        rt.fetchImpl(notifyUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(processView(p)) }).catch(() => undefined);
      },
    });
    return json(202, { processId: process.id });
  });

  api.on('GET', '/processes', (req, { account }) => {
    const limit = intQuery(req, 'limit', { def: 10, max: 50 });
    const offset = intQuery(req, 'offset', { def: 0 });
    const all = [...account.processes.values()];
    if (sortQuery(req) === 'desc') all.reverse();
    return json(200, { processes: all.slice(offset, offset + limit).map(processView), count: all.length });
  });

  api.on('GET', '/processes/:processId', (req, { account }) => {
    const raw = req.params.processId ?? '';
    const p = /^\d+$/.test(raw) ? account.processes.get(Number(raw)) : undefined;
    if (!p) throw new BrevoApiError(404, 'invalid_parameter', 'processId is invalid');
    return json(200, processView(p));
  });
}

export function registerContactItemRoutes(api: ApiRoutes): void {
  api.on('GET', '/contacts/:identifier', (req, { account }) => {
    const c = account.resolve(req.params.identifier ?? '', req.query.get('identifierType'), 'read');
    return json(200, account.extendedContactDetails(c));
  });

  api.on('PUT', '/contacts/:identifier', (req, rt) => {
    const body = parseBody(updateContactBody, req);
    const c = rt.account.resolve(req.params.identifier ?? '', req.query.get('identifierType'), 'write');
    recordFault(rt, 'update', [c.email, c.extId, c.sms]);
    rt.account.updateContact(c, toWrite(body));
    return json(204);
  });

  api.on('DELETE', '/contacts/:identifier', (req, { account }) => {
    const c = account.resolve(req.params.identifier ?? '', req.query.get('identifierType'), 'write');
    account.deleteContact(c);
    return json(204);
  });
}


