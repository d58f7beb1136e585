import { randomBytes } from 'node:crypto';
import { BrevoApiError, invalid, missing, notFound } from './api-error';
import { coerceAttributeValue } from './attribute-values';
import { defaultAttributes, IDENTIFIER_ATTRIBUTES } from './default-attributes';
import type { MarketingEvent } from './marketing-event';
import { normalizeBrevoPhone } from './phone';
import type {
  AttributeDef,
  AttributeValue,
  CompanyAttributeDef,
  CompanyRecord,
  ContactRecord,
  DroppedValue,
  EventRecord,
  FolderRecord,
  ListRecord,
  ProcessRecord,
  RequestLogEntry,
  WebhookRecord,
} from './types';

export interface ContactWrite {
  email?: string;
  extId?: string;
  attributes?: Record<string, unknown>;
  emailBlacklisted?: boolean;
  smsBlacklisted?: boolean;
  listIds?: number[];
  unlinkListIds?: number[];
  smtpBlacklistSender?: string[];
}

export type IdentifierType = 'email_id' | 'contact_id' | 'ext_id' | 'phone_id' | 'whatsapp_id' | 'landline_number_id';
const IDENTIFIER_TYPES: readonly string[] = ['email_id', 'contact_id', 'ext_id', 'phone_id', 'whatsapp_id', 'landline_number_id'];

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DROPPED_LOG_MAX = 10_000;

export function isValidEmail(email: string): boolean {
  return EMAIL_RE.test(email) && email.length <= 254;
}

interface WritePlan {
  email?: string | null;
  sms?: string | null;
  extId?: string | null;
  attributes: Map<string, AttributeValue | null>;
  drops: Omit<DroppedValue, 'at' | 'contactId'>[];
  addLists: number[];
  removeLists: number[];
}

export interface AccountKeys {
  apiKey: string;
  /** A valid key whose permissions do not cover the API (GET /v3/account answers 401 "unauthorized"... see auth.ts). */
  restrictedApiKey: string;
  /** A valid key used from an IP address that is not on the account's "Authorized IPs" list. */
  ipBlockedApiKey: string;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Same shape as Brevo's v3 keys: `xkeysib-` + 64 hex + `-` + 16 alphanumerics. */
function newKey(): string {
  const suffix = [...randomBytes(16)].map((b) => ALNUM[b % ALNUM.length]).join('');
  return `xkeysib-${randomBytes(32).toString('hex')}-${suffix}`;
}

/**
 * One Brevo account: contacts with their identifier indexes, attributes, folders and lists (with a member
 * index so list counts stay cheap at 100k contacts), plus the records other modules fill (companies, events,
 * webhooks, processes). All Brevo rules about contacts live here so HTTP and control paths share them.
 */
export class BrevoAccount {
  readonly keys: AccountKeys = { apiKey: newKey(), restrictedApiKey: newKey(), ipBlockedApiKey: newKey() };
  readonly contacts = new Map<number, ContactRecord>();
  private readonly byEmail = new Map<string, number>();
  private readonly bySms = new Map<string, number>();
  private readonly byExtId = new Map<string, number>();
  readonly attributes = new Map<string, AttributeDef>();
  readonly folders = new Map<number, FolderRecord>();
  readonly lists = new Map<number, ListRecord>();
  readonly listMembers = new Map<number, Set<number>>();
  readonly companies = new Map<string, CompanyRecord>();
  readonly companyAttributes = new Map<string, CompanyAttributeDef>();
  readonly events: EventRecord[] = [];
  readonly webhooks = new Map<number, WebhookRecord>();
  readonly processes = new Map<number, ProcessRecord>();
  readonly dropped: DroppedValue[] = [];
  /** Contacts in creation order, rebuilt only after a create or delete so paging 100k contacts stays cheap. */
  private ordered: ContactRecord[] | undefined;
  readonly requestLog: RequestLogEntry[] = [];
  private nextContactId = 1;
  private nextListId = 2;
  private nextFolderId = 1;
  nextWebhookId = 1;
  nextProcessId = 1;
  /** Marketing key used in webhook payloads (`key`), as Brevo's "Marketing Automation" tracker id. */
  readonly marketingKey = randomBytes(11).toString('hex');

  constructor(
    readonly accountId: number,
    readonly ownerEmail: string,
    readonly companyName: string,
    readonly now: () => number,
    private readonly emit: (event: MarketingEvent) => void,
  ) {
    for (const def of defaultAttributes()) this.attributes.set(def.name, def);
  }

  // ---------------------------------------------------------------- contacts: lookup

  findByEmail(email: string): ContactRecord | undefined {
    const id = this.byEmail.get(email.toLowerCase());
    return id === undefined ? undefined : this.contacts.get(id);
  }

  findBySms(raw: string): ContactRecord | undefined {
    const sms = normalizeBrevoPhone(raw) ?? raw.replace(/^\+|^00/, '');
    const id = this.bySms.get(sms);
    return id === undefined ? undefined : this.contacts.get(id);
  }

  findByExtId(extId: string): ContactRecord | undefined {
    const id = this.byExtId.get(extId);
    return id === undefined ? undefined : this.contacts.get(id);
  }

  private findByAttribute(name: string, raw: string): ContactRecord | undefined {
    const wanted = normalizeBrevoPhone(raw) ?? raw;
    for (const c of this.contacts.values()) {
      const v = c.attributes.get(name);
      if (v === wanted || v === raw) return c;
    }
    return undefined;
  }

  /**
   * Resolves a path identifier the way Brevo does: without identifierType, GET auto-detects email, SMS and id,
   * while PUT and DELETE only detect email and id; ext_id, WhatsApp and landline always need identifierType.
   */
  resolve(identifier: string, identifierType: string | null, mode: 'read' | 'write'): ContactRecord {
    const c = this.tryResolve(identifier, identifierType, mode);
    if (!c) throw notFound('Contact does not exist');
    return c;
  }

  tryResolve(identifier: string, identifierType: string | null, mode: 'read' | 'write'): ContactRecord | undefined {
    if (identifierType !== null && !IDENTIFIER_TYPES.includes(identifierType)) throw invalid('identifierType is not valid');
    switch (identifierType as IdentifierType | null) {
      case 'email_id':
        return this.findByEmail(identifier);
      case 'contact_id':
        return /^\d+$/.test(identifier) ? this.contacts.get(Number(identifier)) : undefined;
      case 'ext_id':
        return this.findByExtId(identifier);
      case 'phone_id':
        return this.findBySms(identifier);
      case 'whatsapp_id':
        return this.findByAttribute('WHATSAPP', identifier);
      case 'landline_number_id':
        return this.findByAttribute('LANDLINE_NUMBER', identifier);
      case null: {
        if (identifier.includes('@')) return this.findByEmail(identifier);
        if (mode === 'read' && identifier.startsWith('+')) return this.findBySms(identifier);
        if (/^\d+$/.test(identifier)) {
          const byId = this.contacts.get(Number(identifier));
          if (byId || mode === 'write') return byId;
          return this.findBySms(identifier);
        }
        return undefined;
      }
    }
  }

  contactsInCreationOrder(): readonly ContactRecord[] {
    this.ordered ??= [...this.contacts.values()];
    return this.ordered;
  }

  // ---------------------------------------------------------------- contacts: writes

  /** POST /contacts: create, or with updateEnabled update the contact the identifiers point at. */
  createContact(w: ContactWrite, updateEnabled: boolean): { created: true; id: number } | { created: false; id: number } {
    const smsRaw = w.attributes?.SMS;
    const attrExt = w.attributes?.EXT_ID;
    const extId = w.extId ?? (typeof attrExt === 'string' ? attrExt : undefined);
    if (!w.email && (smsRaw === undefined || smsRaw === '') && !extId) {
      throw missing('Please provide email, SMS attribute or ext_id to create a contact');
    }
    if (w.email !== undefined && !isValidEmail(w.email)) throw invalid('Invalid email address');
    const byEmail = w.email ? this.findByEmail(w.email) : undefined;
    const byExt = extId ? this.findByExtId(extId) : undefined;
    const bySms = typeof smsRaw === 'string' || typeof smsRaw === 'number' ? this.findBySms(String(smsRaw)) : undefined;
    if (!updateEnabled) {
      const dups: string[] = [];
      if (byEmail) dups.push('email');
      if (bySms) dups.push('SMS');
      if (byExt) dups.push('EXT_ID');
      if (dups.length > 0) throw duplicateError('create', dups);
    }
    // The primary identifier picks the contact to update (email, else ext_id, else SMS); another identifier
    // that belongs to a different contact is a conflict, reported by plan() as "already associated".
    const target = w.email ? byEmail : extId ? byExt : bySms;
    if (target) {
      this.updateContact(target, { ...w, extId }, 'update');
      return { created: false, id: target.id };
    }
    const plan = this.plan(undefined, { ...w, extId }, 'create');
    const t = this.now();
    const contact: ContactRecord = {
      id: this.nextContactId++,
      attributes: new Map(),
      emailBlacklisted: w.emailBlacklisted ?? false,
      smsBlacklisted: w.smsBlacklisted ?? false,
      listIds: new Set(),
      smtpBlacklistSender: w.smtpBlacklistSender ?? [],
      createdAt: t,
      modifiedAt: t,
      userUnsubscriptions: [],
      adminUnsubscriptions: [],
      hardBounces: [],
      complaints: [],
    };
    this.contacts.set(contact.id, contact);
    this.ordered = undefined;
    this.commit(contact, plan, false);
    return { created: true, id: contact.id };
  }

  /** PUT /contacts/{identifier} and one item of POST /contacts/batch. */
  updateContact(contact: ContactRecord, w: ContactWrite, verb: 'update' = 'update'): void {
    const plan = this.plan(contact, w, verb);
    if (w.emailBlacklisted !== undefined) contact.emailBlacklisted = w.emailBlacklisted;
    if (w.smsBlacklisted !== undefined) contact.smsBlacklisted = w.smsBlacklisted;
    if (w.smtpBlacklistSender) contact.smtpBlacklistSender = w.smtpBlacklistSender;
    this.commit(contact, plan, true, w);
  }

  /** Validates a write against Brevo's rules without changing anything, so a rejected write leaves no trace. */
  plan(target: ContactRecord | undefined, w: ContactWrite, verb: 'create' | 'update'): WritePlan {
    const plan: WritePlan = { attributes: new Map(), drops: [], addLists: [], removeLists: [] };
    const attrs = w.attributes ?? {};
    const emailAttr = attrs.EMAIL;
    const email = verb === 'update' && typeof emailAttr === 'string' ? emailAttr : w.email;
    if (email !== undefined && email !== '') {
      if (!isValidEmail(email)) throw invalid('Invalid email address');
      plan.email = email.toLowerCase();
    }
    if (w.extId !== undefined) plan.extId = w.extId === '' ? null : w.extId;
    else if (typeof attrs.EXT_ID === 'string') plan.extId = attrs.EXT_ID === '' ? null : attrs.EXT_ID;
    const smsRaw = attrs.SMS;
    if (smsRaw !== undefined && smsRaw !== null) {
      if (smsRaw === '') plan.sms = null;
      else {
        const sms = typeof smsRaw === 'string' || typeof smsRaw === 'number' ? normalizeBrevoPhone(String(smsRaw)) : undefined;
        if (!sms) throw invalid('Invalid phone number');
        plan.sms = sms;
      }
    }
    for (const name of ['WHATSAPP', 'LANDLINE_NUMBER']) {
      const raw = attrs[name];
      if (raw === undefined || raw === null) continue;
      if (raw === '') plan.attributes.set(name, null);
      else {
        const n = typeof raw === 'string' || typeof raw === 'number' ? normalizeBrevoPhone(String(raw)) : undefined;
        if (!n) throw invalid(`Invalid ${name} format`);
        plan.attributes.set(name, n);
      }
    }
    const dups: string[] = [];
    if (plan.email && this.byEmail.has(plan.email) && this.byEmail.get(plan.email) !== target?.id) dups.push('email');
    if (plan.sms && this.bySms.has(plan.sms) && this.bySms.get(plan.sms) !== target?.id) dups.push('SMS');
    if (plan.extId && this.byExtId.has(plan.extId) && this.byExtId.get(plan.extId) !== target?.id) dups.push('EXT_ID');
    if (dups.length > 0) throw duplicateError(verb, dups);

    for (const [key, value] of Object.entries(attrs)) {
      if (IDENTIFIER_ATTRIBUTES.has(key)) continue;
      const def = this.attributes.get(key);
      if (!def) {
        plan.drops.push({ attribute: key, value, reason: key === key.toUpperCase() ? 'unknown_attribute' : 'not_upper_case' });
        continue;
      }
      if (def.category === 'calculated' || def.category === 'global') {
        plan.drops.push({ attribute: key, value, reason: 'type_mismatch' });
        continue;
      }
      const coerced = coerceAttributeValue(def, value);
      if (coerced === undefined) plan.drops.push({ attribute: key, value, reason: 'type_mismatch' });
      else plan.attributes.set(key, coerced);
    }
    for (const id of [...(w.listIds ?? []), ...(w.unlinkListIds ?? [])]) {
      if (!this.lists.has(id)) throw invalid(`List ID ${id} does not exist`);
    }
    plan.addLists = w.listIds ?? [];
    plan.removeLists = w.unlinkListIds ?? [];
    return plan;
  }

  private commit(contact: ContactRecord, plan: WritePlan, isUpdate: boolean, w?: ContactWrite): void {
    const changes: Record<string, unknown> = {};
    if (plan.email !== undefined && plan.email !== contact.email) {
      if (contact.email) this.byEmail.delete(contact.email);
      if (plan.email) this.byEmail.set(plan.email, contact.id);
      contact.email = plan.email ?? undefined;
      changes.EMAIL = contact.email ?? '';
    }
    if (plan.sms !== undefined && plan.sms !== contact.sms) {
      if (contact.sms) this.bySms.delete(contact.sms);
      if (plan.sms) this.bySms.set(plan.sms, contact.id);
      contact.sms = plan.sms ?? undefined;
      changes.SMS = contact.sms ?? '';
    }
    if (plan.extId !== undefined && plan.extId !== contact.extId) {
      if (contact.extId) this.byExtId.delete(contact.extId);
      if (plan.extId) this.byExtId.set(plan.extId, contact.id);
      contact.extId = plan.extId ?? undefined;
      changes.EXT_ID = contact.extId ?? '';
    }
    for (const [k, v] of plan.attributes) {
      const before = contact.attributes.get(k);
      if (v === null) contact.attributes.delete(k);
      else contact.attributes.set(k, v);
      if (JSON.stringify(before) !== JSON.stringify(v ?? undefined)) changes[k] = v ?? '';
    }
    const added: number[] = [];
    for (const id of plan.removeLists) this.unlink(contact, id);
    for (const id of plan.addLists) if (this.link(contact, id)) added.push(id);
    const t = this.now();
    for (const d of plan.drops) this.dropped.push({ ...d, at: t, contactId: contact.id });
    // Keep the log bounded: a 100k-row import with a stray column would otherwise hold 100k entries.
    if (this.dropped.length > DROPPED_LOG_MAX) this.dropped.splice(0, this.dropped.length - DROPPED_LOG_MAX);
    if (w?.emailBlacklisted !== undefined) changes.emailBlacklisted = w.emailBlacklisted;
    contact.modifiedAt = t;
    if (isUpdate && Object.keys(changes).length > 0) {
      this.emit({ kind: 'contactUpdated', at: t, email: contact.email, contactId: contact.id, listIds: [...contact.listIds], changes });
    }
    if (added.length > 0) this.emit({ kind: 'listAddition', at: t, email: contact.email, contactId: contact.id, listIds: added });
  }

  link(contact: ContactRecord, listId: number): boolean {
    if (contact.listIds.has(listId)) return false;
    contact.listIds.add(listId);
    let members = this.listMembers.get(listId);
    if (!members) this.listMembers.set(listId, (members = new Set()));
    members.add(contact.id);
    return true;
  }

  unlink(contact: ContactRecord, listId: number): boolean {
    if (!contact.listIds.delete(listId)) return false;
    this.listMembers.get(listId)?.delete(contact.id);
    return true;
  }

  deleteContact(contact: ContactRecord): void {
    if (contact.email && contact.email === this.ownerEmail.toLowerCase()) {
      throw new BrevoApiError(405, 'method_not_allowed', "You're not allowed to delete registered email contact with Brevo");
    }
    const listIds = [...contact.listIds];
    for (const id of listIds) this.unlink(contact, id);
    if (contact.email) this.byEmail.delete(contact.email);
    if (contact.sms) this.bySms.delete(contact.sms);
    if (contact.extId) this.byExtId.delete(contact.extId);
    this.contacts.delete(contact.id);
    this.ordered = undefined;
    for (const company of this.companies.values()) company.linkedContactsIds.delete(contact.id);
    this.emit({ kind: 'contactDeleted', at: this.now(), email: contact.email, contactId: contact.id, listIds });
  }

  // ---------------------------------------------------------------- marketer actions (Brevo UI, campaigns)

  /** The contact clicked "unsubscribe" in a campaign: blocklisted for email, and the unsubscribe webhook fires. */
  unsubscribe(contact: ContactRecord, campaignId = 1): void {
    const t = this.now();
    contact.emailBlacklisted = true;
    contact.userUnsubscriptions.push({ campaignId, eventTime: t });
    contact.modifiedAt = t;
    this.emit({ kind: 'unsubscribed', at: t, email: contact.email, contactId: contact.id, listIds: [...contact.listIds], campaignId });
  }

  /** A marketer blocklisted the contact by hand: no campaign, so only contactUpdated reports it. */
  blocklist(contact: ContactRecord): void {
    const t = this.now();
    contact.emailBlacklisted = true;
    contact.adminUnsubscriptions.push({ eventTime: t });
    contact.modifiedAt = t;
    this.emit({ kind: 'contactUpdated', at: t, email: contact.email, contactId: contact.id, listIds: [...contact.listIds], changes: { emailBlacklisted: true } });
  }

  /** Brevo blocklists addresses that hard-bounce or complain, so later sends skip them. */
  hardBounce(contact: ContactRecord, campaignId = 1): void {
    const t = this.now();
    contact.emailBlacklisted = true;
    contact.hardBounces.push({ campaignId, eventTime: t });
    contact.modifiedAt = t;
    this.emit({ kind: 'hardBounce', at: t, email: contact.email, contactId: contact.id, listIds: [...contact.listIds], campaignId, reason: 'unknown user' });
  }

  spamComplaint(contact: ContactRecord, campaignId = 1): void {
    const t = this.now();
    contact.emailBlacklisted = true;
    contact.complaints.push({ campaignId, eventTime: t });
    contact.modifiedAt = t;
    this.emit({ kind: 'spam', at: t, email: contact.email, contactId: contact.id, listIds: [...contact.listIds], campaignId, reason: 'undesired' });
  }

  // ---------------------------------------------------------------- attributes

  createAttribute(category: string, rawName: string, body: { type?: string; enumeration?: { value: number; label: string }[]; multiCategoryOptions?: string[]; value?: string }): void {
    const categories = ['normal', 'transactional', 'category', 'calculated', 'global'];
    if (!categories.includes(category)) throw invalid('Attribute category is not valid');
    const name = rawName.toUpperCase();
    if (!/^[A-Z][A-Z0-9_-]{0,49}$/.test(name)) throw invalid('Attribute name is not valid: use letters, digits, - and _ only (max 50)');
    if (this.attributes.has(name)) throw invalid('Attribute name already exists');
    const cat = category as AttributeDef['category'];
    let type = body.type as AttributeDef['type'] | undefined;
    if (cat === 'calculated' || cat === 'global') {
      if (!body.value) throw missing('value is required for calculated and global attributes');
      this.attributes.set(name, { name, category: cat, calculatedValue: body.value });
      return;
    }
    if (cat === 'category') {
      if (!body.enumeration?.length) throw missing('enumeration is required for category attributes');
      type = 'category';
    }
    type ??= 'text';
    if ((type === 'boolean' || type === 'multiple-choice' || type === 'user') && cat !== 'normal') throw invalid(`Type ${type} is only available for normal attributes`);
    if (type === 'id' && cat !== 'transactional') throw invalid('Type id is only available for transactional attributes');
    if (type === 'category' && cat !== 'category') throw invalid('Type category is only available for category attributes');
    if (type === 'multiple-choice' && !body.multiCategoryOptions?.length) throw missing('multiCategoryOptions is required for multiple-choice attributes');
    this.attributes.set(name, {
      name,
      category: cat,
      type,
      ...(body.enumeration ? { enumeration: body.enumeration } : {}),
      ...(type === 'multiple-choice' ? { multiCategoryOptions: body.multiCategoryOptions } : {}),
    });
  }

  // ---------------------------------------------------------------- folders and lists

  createFolder(name: string): FolderRecord {
    const folder = { id: this.nextFolderId++, name, createdAt: this.now() };
    this.folders.set(folder.id, folder);
    return folder;
  }

  createList(name: string, folderId: number): ListRecord {
    // POST /contacts/lists declares 400 (not 404) for a bad folder.
    if (!this.folders.has(folderId)) throw invalid('folderId is invalid: folder not found');
    const list = { id: this.nextListId++, name, folderId, createdAt: this.now() };
    this.lists.set(list.id, list);
    this.listMembers.set(list.id, new Set());
    return list;
  }

  deleteList(listId: number): void {
    const members = this.listMembers.get(listId) ?? new Set<number>();
    for (const id of members) this.contacts.get(id)?.listIds.delete(listId);
    this.listMembers.delete(listId);
    this.lists.delete(listId);
  }

  deleteFolder(folderId: number): void {
    for (const list of [...this.lists.values()]) if (list.folderId === folderId) this.deleteList(list.id);
    this.folders.delete(folderId);
  }

  /** Adds existing contacts to a list; ones already in it, or unknown, are reported as failures as Brevo does. */
  addToList(listId: number, by: 'emails' | 'ids' | 'extIds', values: (string | number)[]): { success: (string | number)[]; failure: (string | number)[] } {
    const success: (string | number)[] = [];
    const failure: (string | number)[] = [];
    const added: ContactRecord[] = [];
    for (const v of values) {
      const c = this.lookupForList(by, v);
      if (c && this.link(c, listId)) {
        success.push(v);
        c.modifiedAt = this.now();
        added.push(c);
      } else failure.push(v);
    }
    for (const c of added) this.emit({ kind: 'listAddition', at: this.now(), email: c.email, contactId: c.id, listIds: [listId] });
    return { success, failure };
  }

  removeFromList(listId: number, by: 'emails' | 'ids' | 'extIds', values: (string | number)[]): { success: (string | number)[]; failure: (string | number)[] } {
    const success: (string | number)[] = [];
    const failure: (string | number)[] = [];
    for (const v of values) {
      const c = this.lookupForList(by, v);
      if (c && this.unlink(c, listId)) {
        success.push(v);
        c.modifiedAt = this.now();
      } else failure.push(v);
    }
    return { success, failure };
  }

  private lookupForList(by: 'emails' | 'ids' | 'extIds', v: string | number): ContactRecord | undefined {
    if (by === 'emails') return typeof v === 'string' ? this.findByEmail(v) : undefined;
    if (by === 'ids') return typeof v === 'number' ? this.contacts.get(v) : undefined;
    return typeof v === 'string' ? this.findByExtId(v) : undefined;
  }

  // ---------------------------------------------------------------- views

  /** A contact as GET /contacts lists it (getContactDetails). */
  contactDetails(c: ContactRecord): Record<string, unknown> {
    const attributes: Record<string, unknown> = {};
    for (const [k, v] of c.attributes) attributes[k] = v;
    if (c.sms) attributes.SMS = c.sms;
    if (c.extId) attributes.EXT_ID = c.extId;
    return {
      ...(c.email ? { email: c.email } : {}),
      id: c.id,
      emailBlacklisted: c.emailBlacklisted,
      smsBlacklisted: c.smsBlacklisted,
      createdAt: new Date(c.createdAt).toISOString(),
      modifiedAt: new Date(c.modifiedAt).toISOString(),
      listIds: [...c.listIds],
      attributes,
    };
  }

  /** A contact as GET /contacts/{identifier} returns it, with the unsubscription statistics Brevo keeps. */
  extendedContactDetails(c: ContactRecord): Record<string, unknown> {
    const iso = (t: number) => new Date(t).toISOString();
    return {
      ...this.contactDetails(c),
      statistics: {
        hardBounces: c.hardBounces.map((e) => ({ campaignId: e.campaignId, eventTime: iso(e.eventTime) })),
        complaints: c.complaints.map((e) => ({ campaignId: e.campaignId, eventTime: iso(e.eventTime) })),
        unsubscriptions: {
          userUnsubscription: c.userUnsubscriptions.map((e) => ({ campaignId: e.campaignId, eventTime: iso(e.eventTime) })),
          adminUnsubscription: c.adminUnsubscriptions.map((e) => ({ eventTime: iso(e.eventTime) })),
        },
      },
    };
  }

  listView(l: ListRecord): Record<string, unknown> {
    // totalSubscribers/totalBlacklisted are deprecated by Brevo and always 0 since 2021.
    return { id: l.id, name: l.name, totalBlacklisted: 0, totalSubscribers: 0, uniqueSubscribers: this.listMembers.get(l.id)?.size ?? 0, folderId: l.folderId };
  }
}

export function duplicateError(verb: 'create' | 'update', identifiers: string[]): BrevoApiError {
  const subject = identifiers.join(' or ');
  const be = identifiers.length > 1 ? 'are' : 'is';
  // Since 2026 Brevo answers an email taken on update with invalid_parameter (same metadata), not
  // duplicate_parameter (reference notes §1.3); clients must read metadata, not the code.
  const code = verb === 'update' && identifiers.includes('email') ? 'invalid_parameter' : 'duplicate_parameter';
  return new BrevoApiError(400, code, `Unable to ${verb} contact, ${subject} ${be} already associated with another Contact`, {
    duplicate_identifiers: identifiers,
  });
}
