import { z } from 'zod';
import { invalid, notFound } from './api-error';
import { ApiRoutes, idParam, intQuery, json, parseBody, sortQuery } from './api-context';
import type { BrevoAccount } from './brevo-account';

/** "You can pass a maximum of 150 ... in one request" (addContactToListBy* in the spec). */
export const LIST_MEMBERSHIP_MAX = 150;

const membershipBody = z.union([
  z.object({ emails: z.array(z.string()).min(1).max(LIST_MEMBERSHIP_MAX) }).strict(),
  z.object({ ids: z.array(z.number().int()).min(1).max(LIST_MEMBERSHIP_MAX) }).strict(),
  z.object({ extIds: z.array(z.string()).min(1).max(LIST_MEMBERSHIP_MAX) }).strict(),
]);

function membership(body: unknown): { by: 'emails' | 'ids' | 'extIds'; values: (string | number)[] } {
  if (typeof body === 'object' && body !== null) {
    for (const by of ['emails', 'ids', 'extIds'] as const) {
      const v = (body as Record<string, unknown>)[by];
      if (Array.isArray(v) && v.length > LIST_MEMBERSHIP_MAX) throw invalid(`You can pass a maximum of ${LIST_MEMBERSHIP_MAX} ${by} in one request`);
    }
  }
  const parsed = membershipBody.safeParse(body);
  if (!parsed.success) throw invalid('Pass exactly one non-empty array of emails, ids or extIds');
  const d = parsed.data;
  if ('emails' in d) return { by: 'emails', values: d.emails };
  if ('ids' in d) return { by: 'ids', values: d.ids };
  return { by: 'extIds', values: d.extIds };
}

function listOr404(account: BrevoAccount, id: number) {
  const list = account.lists.get(id);
  if (!list) throw notFound('List ID not found');
  return list;
}

function folderView(account: BrevoAccount, id: number, name: string) {
  let unique = 0;
  for (const l of account.lists.values()) if (l.folderId === id) unique += account.listMembers.get(l.id)?.size ?? 0;
  return { id, name, totalBlacklisted: 0, totalSubscribers: 0, uniqueSubscribers: unique };
}

function page<T>(items: T[], req: Parameters<Parameters<ApiRoutes['on']>[2]>[0], max: number, def: number): T[] {
  const limit = intQuery(req, 'limit', { def, max });
  const offset = intQuery(req, 'offset', { def: 0 });
  const sorted = sortQuery(req) === 'desc' ? [...items].reverse() : items;
  return sorted.slice(offset, offset + limit);
}

const attributeBody = z.object({
  type: z.enum(['text', 'date', 'float', 'boolean', 'id', 'category', 'multiple-choice', 'user']).optional(),
  enumeration: z.array(z.object({ value: z.number().int(), label: z.string().max(200) })).optional(),
  multiCategoryOptions: z.array(z.string().max(200)).optional(),
  value: z.string().optional(),
  isRecurring: z.boolean().optional(),
});

export function registerListRoutes(api: ApiRoutes): void {
  // Category attributes are listed with type "text" and their enumeration, as in the spec's example.
  api.on('GET', '/contacts/attributes', (_req, { account }) =>
    json(200, { attributes: [...account.attributes.values()].map((a) => (a.category === 'category' ? { ...a, type: 'text' } : a)) }),
  );

  api.on('POST', '/contacts/attributes/:category/:name', (req, { account }) => {
    const body = parseBody(attributeBody, req);
    if (Object.keys(body).length === 0) throw invalid('No inputs in the body');
    account.createAttribute(req.params.category ?? '', req.params.name ?? '', body);
    return json(201);
  });

  // PUT adds multiple-choice options ("designed for updating multiple-choice attributes"), replaces a
  // category's enumeration, or changes a calculated/global formula (updateAttribute in the spec).
  api.on('PUT', '/contacts/attributes/:category/:name', (req, { account }) => {
    const body = parseBody(attributeBody.pick({ enumeration: true, multiCategoryOptions: true, value: true }), req);
    const def = account.attributes.get((req.params.name ?? '').toUpperCase());
    if (!def || def.category !== req.params.category) throw notFound('Attribute not found');
    if (body.multiCategoryOptions) {
      if (def.type !== 'multiple-choice') throw invalid('multiCategoryOptions is only for multiple-choice attributes');
      def.multiCategoryOptions = [...new Set([...(def.multiCategoryOptions ?? []), ...body.multiCategoryOptions])];
    }
    if (body.enumeration) {
      if (def.category !== 'category') throw invalid('enumeration is only for category attributes');
      def.enumeration = body.enumeration;
    }
    if (body.value !== undefined) {
      if (def.category !== 'calculated' && def.category !== 'global') throw invalid('value is only for calculated and global attributes');
      def.calculatedValue = body.value;
    }
    return json(204);
  });

  api.on('DELETE', '/contacts/attributes/:category/:name', (req, { account }) => {
    const name = (req.params.name ?? '').toUpperCase();
    const def = account.attributes.get(name);
    if (!def || def.category !== req.params.category) throw notFound('Attribute not found');
    account.attributes.delete(name);
    for (const c of account.contacts.values()) c.attributes.delete(name);
    return json(204);
  });

  api.on('GET', '/contacts/folders', (req, { account }) => {
    const all = [...account.folders.values()];
    return json(200, { folders: page(all, req, 50, 10).map((f) => folderView(account, f.id, f.name)), count: all.length });
  });
  api.on('POST', '/contacts/folders', (req, { account }) => {
    const { name } = parseBody(z.object({ name: z.string().min(1) }), req);
    return json(201, { id: account.createFolder(name).id });
  });
  api.on('GET', '/contacts/folders/:folderId', (req, { account }) => {
    const f = account.folders.get(idParam(req, 'folderId'));
    if (!f) throw notFound('Folder ID not found');
    return json(200, folderView(account, f.id, f.name));
  });
  api.on('PUT', '/contacts/folders/:folderId', (req, { account }) => {
    const { name } = parseBody(z.object({ name: z.string().min(1) }), req);
    const f = account.folders.get(idParam(req, 'folderId'));
    if (!f) throw notFound('Folder ID not found');
    f.name = name;
    return json(204);
  });
  api.on('DELETE', '/contacts/folders/:folderId', (req, { account }) => {
    const id = idParam(req, 'folderId');
    if (!account.folders.has(id)) throw notFound('Folder ID not found');
    account.deleteFolder(id);
    return json(204);
  });
  api.on('GET', '/contacts/folders/:folderId/lists', (req, { account }) => {
    const id = idParam(req, 'folderId');
    if (!account.folders.has(id)) throw notFound('Folder ID not found');
    const all = [...account.lists.values()].filter((l) => l.folderId === id);
    const lists = page(all, req, 50, 10).map((l) => {
      const { folderId: _inFolder, ...view } = account.listView(l);
      return view;
    });
    return json(200, { lists, count: all.length });
  });

  api.on('GET', '/contacts/lists', (req, { account }) => {
    const all = [...account.lists.values()];
    return json(200, { lists: page(all, req, 50, 10).map((l) => account.listView(l)), count: all.length });
  });
  api.on('POST', '/contacts/lists', (req, { account }) => {
    const { name, folderId } = parseBody(z.object({ name: z.string().min(1), folderId: z.number().int() }), req);
    return json(201, { id: account.createList(name, folderId).id });
  });
  api.on('GET', '/contacts/lists/:listId', (req, { account }) => {
    const l = listOr404(account, idParam(req, 'listId'));
    return json(200, { ...account.listView(l), createdAt: new Date(l.createdAt).toISOString(), dynamicList: false });
  });
  api.on('PUT', '/contacts/lists/:listId', (req, { account }) => {
    const body = parseBody(z.object({ name: z.string().min(1).optional(), folderId: z.number().int().optional() }), req);
    const l = listOr404(account, idParam(req, 'listId'));
    if (body.name !== undefined && body.folderId !== undefined) throw invalid('Either name or folderId can be updated at a time');
    if (body.folderId !== undefined) {
      if (!account.folders.has(body.folderId)) throw invalid('folderId is invalid: folder not found');
      l.folderId = body.folderId;
    }
    if (body.name !== undefined) l.name = body.name;
    return json(204);
  });
  api.on('DELETE', '/contacts/lists/:listId', (req, { account }) => {
    const id = idParam(req, 'listId');
    listOr404(account, id);
    account.deleteList(id);
    return json(204);
  });
  api.on('GET', '/contacts/lists/:listId/contacts', (req, { account }) => {
    const id = idParam(req, 'listId');
    listOr404(account, id);
    const since = req.query.get('modifiedSince');
    const sinceMs = since ? Date.parse(since) : undefined;
    if (sinceMs !== undefined && Number.isNaN(sinceMs)) throw invalid('modifiedSince must be a date-time');
    const members = [...(account.listMembers.get(id) ?? [])]
      .sort((a, b) => a - b)
      .map((cid) => account.contacts.get(cid))
      .filter((c) => c !== undefined && (sinceMs === undefined || c.modifiedAt >= sinceMs));
    return json(200, { contacts: page(members, req, 500, 50).map((c) => account.contactDetails(c!)), count: members.length });
  });
  api.on('POST', '/contacts/lists/:listId/contacts/add', (req, { account }) => {
    const id = idParam(req, 'listId');
    listOr404(account, id);
    const { by, values } = membership(req.body);
    const result = account.addToList(id, by, values);
    if (result.success.length === 0) throw invalid('Contact already in list and/or does not exist');
    return json(201, { contacts: result });
  });
  api.on('POST', '/contacts/lists/:listId/contacts/remove', (req, { account }) => {
    const id = idParam(req, 'listId');
    listOr404(account, id);
    const body = req.body as Record<string, unknown> | undefined;
    if (body?.all === true) {
      const members = [...(account.listMembers.get(id) ?? [])];
      account.removeFromList(id, 'ids', members);
      const processId = account.nextProcessId++;
      account.processes.set(processId, { id: processId, name: 'LIST_REMOVE_ALL', status: 'completed', createdAt: account.now(), completedAt: account.now() });
      return json(201, { contacts: { total: members.length, processId } });
    }
    const { by, values } = membership(req.body);
    const result = account.removeFromList(id, by, values);
    if (result.success.length === 0) throw invalid('Contact already removed from list and/or does not exist');
    return json(201, { contacts: result });
  });
}
