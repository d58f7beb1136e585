import { randomBytes } from 'node:crypto';
import { BrevoApiError } from './api-error';
import type { BrevoAccount } from './brevo-account';
import type { CompanyAttributeDef, CompanyRecord } from './types';

/** Brevo CRM errors carry a human sentence; `code` is kept so the generic errorModel still holds. */
const crmError = (status: number, message: string) => new BrevoApiError(status, status === 404 ? 'document_not_found' : 'invalid_parameter', message);

export function defaultCompanyAttributes(): CompanyAttributeDef[] {
  const a = (internalName: string, label: string, attributeTypeName: CompanyAttributeDef['attributeTypeName'], isRequired = false): CompanyAttributeDef => ({
    internalName,
    label,
    attributeTypeName,
    attributeOptions: [],
    isRequired,
  });
  return [
    a('name', 'Company name', 'text', true),
    a('domain', 'Domain', 'text'),
    a('industry', 'Industry', 'text'),
    a('owner', 'Owner', 'user'),
    a('phone_number', 'Phone', 'text'),
    a('revenue', 'Revenue', 'number'),
    a('number_of_employees', 'Number of employees', 'number'),
    a('number_of_contacts', 'Number of contacts', 'number'),
    a('created_at', 'Created at', 'date'),
    a('last_updated_at', 'Last updated at', 'date'),
  ];
}

/** Brevo derives a CRM attribute's internal name from its label, in lower snake case. */
export function internalNameFor(label: string): string {
  return label
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

export function companyView(c: CompanyRecord): Record<string, unknown> {
  return { id: c.id, attributes: { ...c.attributes }, linkedContactsIds: [...c.linkedContactsIds], linkedDealsIds: [...c.linkedDealsIds] };
}

function ensureAttributes(account: BrevoAccount): Map<string, CompanyAttributeDef> {
  if (account.companyAttributes.size === 0) for (const d of defaultCompanyAttributes()) account.companyAttributes.set(d.internalName, d);
  return account.companyAttributes;
}

function checkAttributes(account: BrevoAccount, attributes: Record<string, unknown>): void {
  const defs = ensureAttributes(account);
  for (const [key, value] of Object.entries(attributes)) {
    const def = defs.get(key);
    if (!def) throw crmError(400, `Attribute ${key} does not exist`);
    if (value === null || value === '') continue;
    const ok =
      def.attributeTypeName === 'number'
        ? typeof value === 'number'
        : def.attributeTypeName === 'boolean'
          ? typeof value === 'boolean'
          : def.attributeTypeName === 'multi-choice'
            ? Array.isArray(value)
            : typeof value === 'string' || typeof value === 'number';
    if (!ok) throw crmError(400, `Not valid data: attribute ${key} expects a ${def.attributeTypeName}`);
  }
}

function checkContacts(account: BrevoAccount, ids: number[] | undefined): void {
  for (const id of ids ?? []) if (!account.contacts.has(id)) throw crmError(400, `Contact ${id} does not exist`);
}

export interface CompanyInput {
  name?: string;
  attributes?: Record<string, unknown>;
  linkedContactsIds?: number[];
  linkedDealsIds?: string[];
}

export function createCompany(account: BrevoAccount, input: CompanyInput & { name: string }): CompanyRecord {
  checkAttributes(account, input.attributes ?? {});
  checkContacts(account, input.linkedContactsIds);
  const t = account.now();
  const company: CompanyRecord = {
    id: randomBytes(12).toString('hex'),
    attributes: {
      ...input.attributes,
      name: input.name,
      created_at: new Date(t).toISOString(),
      last_updated_at: new Date(t).toISOString(),
      number_of_contacts: input.linkedContactsIds?.length ?? 0,
    },
    linkedContactsIds: new Set(input.linkedContactsIds ?? []),
    linkedDealsIds: new Set(input.linkedDealsIds ?? []),
    createdAt: t,
    modifiedAt: t,
  };
  account.companies.set(company.id, company);
  return company;
}

export function getCompany(account: BrevoAccount, id: string): CompanyRecord {
  if (!/^[0-9a-f]{24}$/.test(id)) throw crmError(400, 'Route company id is not valid.');
  const c = account.companies.get(id);
  if (!c) throw crmError(404, 'Document not found');
  return c;
}

/** PATCH /companies/{id}: linked id arrays, when given, replace the whole set ("omitted IDs will be removed"). */
export function updateCompany(account: BrevoAccount, id: string, input: CompanyInput): CompanyRecord {
  const c = getCompany(account, id);
  checkAttributes(account, input.attributes ?? {});
  checkContacts(account, input.linkedContactsIds);
  const t = account.now();
  Object.assign(c.attributes, input.attributes ?? {});
  if (input.name !== undefined) c.attributes.name = input.name;
  if (input.linkedContactsIds) c.linkedContactsIds = new Set(input.linkedContactsIds);
  if (input.linkedDealsIds) c.linkedDealsIds = new Set(input.linkedDealsIds);
  c.attributes.number_of_contacts = c.linkedContactsIds.size;
  c.attributes.last_updated_at = new Date(t).toISOString();
  c.modifiedAt = t;
  return c;
}

export function linkUnlink(
  account: BrevoAccount,
  id: string,
  body: { linkContactIds?: number[]; unlinkContactIds?: number[]; linkDealsIds?: string[]; unlinkDealsIds?: string[] },
): void {
  const c = getCompany(account, id);
  checkContacts(account, body.linkContactIds);
  for (const cid of body.linkContactIds ?? []) c.linkedContactsIds.add(cid);
  for (const cid of body.unlinkContactIds ?? []) c.linkedContactsIds.delete(cid);
  for (const d of body.linkDealsIds ?? []) c.linkedDealsIds.add(d);
  for (const d of body.unlinkDealsIds ?? []) c.linkedDealsIds.delete(d);
  c.attributes.number_of_contacts = c.linkedContactsIds.size;
  c.modifiedAt = account.now();
}

/** GET /companies: `filters` is a JSON object of `attributes.<name>` equalities; `page` is 1-based. */
export function searchCompanies(
  account: BrevoAccount,
  q: { filters?: string; linkedContactsIds?: number; page?: number; limit?: number; sort?: 'asc' | 'desc'; modifiedSince?: number },
): CompanyRecord[] {
  let filters: Record<string, unknown> = {};
  if (q.filters) {
    try {
      const parsed: unknown = JSON.parse(q.filters);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      filters = parsed as Record<string, unknown>;
    } catch {
      throw crmError(400, 'Not valid data.');
    }
  }
  let items = [...account.companies.values()].filter((c) => {
    for (const [key, want] of Object.entries(filters)) {
      const name = key.startsWith('attributes.') ? key.slice('attributes.'.length) : key;
      if (String(c.attributes[name]) !== String(want)) return false;
    }
    if (q.linkedContactsIds !== undefined && !c.linkedContactsIds.has(q.linkedContactsIds)) return false;
    if (q.modifiedSince !== undefined && c.modifiedAt < q.modifiedSince) return false;
    return true;
  });
  if ((q.sort ?? 'desc') === 'desc') items = items.reverse();
  const limit = Math.min(q.limit ?? 50, 100);
  const page = Math.max(q.page ?? 1, 1);
  return items.slice((page - 1) * limit, page * limit);
}

export function createCompanyAttribute(account: BrevoAccount, body: { label: string; attributeType: CompanyAttributeDef['attributeTypeName']; optionsLabels?: string[] }): CompanyAttributeDef {
  const defs = ensureAttributes(account);
  const internalName = internalNameFor(body.label);
  if (!internalName) throw crmError(400, 'Attribute label is not valid');
  if (defs.has(internalName)) throw crmError(400, 'Attribute with this label already exists');
  const def: CompanyAttributeDef = {
    internalName,
    label: body.label,
    attributeTypeName: body.attributeType,
    attributeOptions: (body.optionsLabels ?? []).map((l) => ({ key: internalNameFor(l), value: l })),
    isRequired: false,
  };
  defs.set(internalName, def);
  return def;
}

export function listCompanyAttributes(account: BrevoAccount): CompanyAttributeDef[] {
  return [...ensureAttributes(account).values()];
}
