import { createHash } from 'node:crypto';
import { z } from 'zod';
import { BatchCoalescer } from './batch-coalescer';
import { sharedPacer } from './window-pacer';
import type { RatePolicy } from '../ratelimit/types';
import { BrevoError } from './brevo-error';
import {
  accountSchema,
  attributesSchema,
  companiesPageSchema,
  companyAttributeSchema,
  companyIdSchema,
  companySchema,
  contactListSchema,
  contactWithStatsSchema,
  createdContactSchema,
  createdIdSchema,
  eventBatchAcceptedSchema,
  foldersPageSchema,
  listsPageSchema,
  membershipResultSchema,
  processIdSchema,
  processSchema,
  webhooksSchema,
  type BrevoAccountInfo,
  type BrevoAttributeDef,
  type BrevoAttributeValue,
  type BrevoCompany,
  type BrevoCompanyAttribute,
  type BrevoContact,
  type BrevoContactWithStats,
  type BrevoFolder,
  type BrevoList,
  type BrevoProcess,
  type BrevoWebhook,
} from './brevo-schemas';
import { BrevoTransport, type BrevoTransportOptions } from './brevo-transport';
import { brevoPhone, chunk, eventProblem, looksLikeEmail, mapLimit } from './contact-checks';
import { outcomeFromError, rejected, type RecordOutcome } from './record-outcome';

/** "Maximum of 150" emails/ids/extIds per list add or remove (addContactToListBy* in the spec). */
export const LIST_CHUNK = 150;
/** Brevo documents no maximum for POST /contacts/batch; 100 keeps a failing call cheap to bisect. */
export const BATCH_UPDATE_CHUNK = 100;
/**
 * Full batch calls in flight at once per account and process (a backfill's chunks); partial calls
 * go one at a time and gather what arrives meanwhile (batch-coalescer.ts).
 */
const BATCH_MAX_IN_FLIGHT = 4;
/**
 * Starts per sliding second, per account and process, of partial batch calls and of single events:
 * under the family's per-second window (10/s on general plans), leaving room for the family's other
 * calls (attribute reads, creates).
 */
/**
 * Starts per sliding second that keep a steady sender under a family's window (window-pacer.ts),
 * from the budget Brevo currently announces; null where Brevo does not limit the family.
 */
function windowPace(policy: RatePolicy | null, margin: number): number | null {
  return policy ? Math.max(1, Math.floor(policy.refillPerSecond) - margin) : null;
}
/** Batch-update coalescers by account (see batchUpdateContacts); an idle one is forgotten. */
const contactBatchers = new Map<string, BatchCoalescer<BatchContactUpdate, RecordOutcome>>();
/** Brevo caps import bodies at 10 MB and recommends staying near 8 MB. */
export const IMPORT_MAX_BYTES = 8 * 1024 * 1024;
/** Most records the client looks up one by one to confirm an import's refusals (10 lookups/s). */
const IMPORT_CONFIRM_MAX = 500;

export type IdentifierType = 'email_id' | 'contact_id' | 'ext_id' | 'phone_id' | 'whatsapp_id' | 'landline_number_id';

export interface ContactInput {
  email?: string;
  extId?: string;
  /** Upper-case attribute names; SMS with its country code. '' clears a value. */
  attributes?: Record<string, BrevoAttributeValue>;
  emailBlacklisted?: boolean;
  smsBlacklisted?: boolean;
  listIds?: number[];
}

export interface ContactPatch extends Omit<ContactInput, 'email'> {
  unlinkListIds?: number[];
}

export type ContactKey = { email: string } | { id: number } | { sms: string };
export interface BatchContactUpdate extends ContactPatch {
  key: ContactKey;
}

export interface ImportRecord {
  email?: string;
  /** EXT_ID and SMS go here, as Brevo's import expects. */
  attributes?: Record<string, BrevoAttributeValue>;
}

export interface ImportOptions {
  listIds: number[];
  updateExistingContacts?: boolean;
  emptyContactsAttributes?: boolean;
  notifyUrl?: string;
  /** Split into several imports above this many bytes of JSON (default 8 MB). */
  maxBytes?: number;
  pollIntervalMs?: number;
  timeoutMs?: number;
}

export interface ImportResult {
  processIds: number[];
  /** One per input record, in order. */
  outcomes: RecordOutcome[];
  /** Brevo's `info.import` counters summed over the processes. */
  counters: Record<string, number>;
}

export interface BrevoEventInput {
  eventName: string;
  identifiers: { contact_id?: number; ext_id?: string; email_id?: string; phone_id?: string; whatsapp_id?: string; landline_number_id?: string };
  /** ISO 8601 with offset; Brevo uses the receipt time when absent. */
  eventDate?: string;
  contactProperties?: Record<string, string | number | boolean>;
  eventProperties?: Record<string, unknown>;
}

export interface CompanyInput {
  name: string;
  /** Internal (lower snake case) attribute names, e.g. domain, industry, or a custom pd_org_id. */
  attributes?: Record<string, unknown>;
  linkedContactsIds?: number[];
}

export interface WebhookInput {
  url: string;
  events: string[];
  type?: 'marketing' | 'transactional' | 'inbound';
  description?: string;
  batched?: boolean;
  auth?: { type: 'bearer'; token: string };
  headers?: { key: string; value: string }[];
}

export type UpsertOutcome = RecordOutcome<{ created: boolean; id?: number; smsDropped?: boolean; warning?: string }>;

export type BrevoClientOptions = BrevoTransportOptions;

function contactBody(input: ContactPatch & { email?: string }) {
  return {
    ...(input.email !== undefined ? { email: input.email } : {}),
    ...(input.extId !== undefined ? { ext_id: input.extId } : {}),
    ...(input.attributes ? { attributes: input.attributes } : {}),
    ...(input.emailBlacklisted !== undefined ? { emailBlacklisted: input.emailBlacklisted } : {}),
    ...(input.smsBlacklisted !== undefined ? { smsBlacklisted: input.smsBlacklisted } : {}),
    ...(input.listIds ? { listIds: input.listIds } : {}),
    ...(input.unlinkListIds ? { unlinkListIds: input.unlinkListIds } : {}),
  };
}

function labelOf(input: { email?: string; extId?: string; attributes?: Record<string, unknown> }): string {
  const ext = input.extId ?? input.attributes?.EXT_ID;
  return `Contact ${input.email ?? (typeof ext === 'string' ? ext : undefined) ?? (typeof input.attributes?.SMS === 'string' ? input.attributes.SMS : '?')}`;
}

/** The contact an item updates, for the batcher's per-contact order (Brevo matches emails case-insensitively). */
function contactKeyOf(key: ContactKey): string {
  return 'email' in key ? `email:${key.email.toLowerCase()}` : 'id' in key ? `id:${key.id}` : `sms:${key.sms}`;
}

function keyLabel(key: ContactKey): string {
  return `Contact ${'email' in key ? key.email : 'id' in key ? `#${key.id}` : key.sms}`;
}

function eventBody(e: BrevoEventInput) {
  return {
    event_name: e.eventName,
    identifiers: e.identifiers,
    ...(e.eventDate ? { event_date: e.eventDate } : {}),
    ...(e.contactProperties ? { contact_properties: e.contactProperties } : {}),
    ...(e.eventProperties ? { event_properties: e.eventProperties } : {}),
  };
}

/**
 * Pipebridge's only door to Brevo. Typed methods over the v3 API; bulk methods chunk to Brevo's limits and
 * return one outcome per record, so a refused record is reported (with a reason) instead of failing its batch.
 * Account-level failures (auth, IP allowlist, budget, outage) are thrown as BrevoError for the job to handle.
 */
/**
 * How long an account's imports took per row, as this process last saw them: the first status read
 * of the next import is aimed at when it should be done, so most imports cost one read of the
 * 100-per-hour family instead of two or three. A read that found the import done may have come
 * late, so the pace is then shortened a little; a later read sets it to what was seen.
 */
const importMsPerRow = new Map<string, number>();

function learnImportPace(accountKey: string, rows: number, elapsedMs: number, doneAtFirstRead: boolean): void {
  const seen = elapsedMs / Math.max(1, rows);
  const previous = importMsPerRow.get(accountKey);
  importMsPerRow.set(accountKey, doneAtFirstRead && previous !== undefined ? Math.min(previous, seen) * 0.9 : seen);
  if (importMsPerRow.size > 10_000) importMsPerRow.delete(importMsPerRow.keys().next().value as string);
}

export class BrevoClient {
  private readonly http: BrevoTransport;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  /** This client's account (URL, budget and key): whose batcher and pacers it shares. */
  private readonly accountKey: string;

  constructor(opts: BrevoClientOptions) {
    this.http = new BrevoTransport(opts);
    // Hashed so that the API key is not kept in a second place in clear.
    this.accountKey = createHash('sha256').update(`${opts.baseUrl}\n${opts.budgetKey}\n${opts.apiKey}`).digest('hex');
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.now = opts.now ?? Date.now;
  }

  // ------------------------------------------------------------ account

  async getAccount(): Promise<BrevoAccountInfo> {
    return (await this.http.request({ method: 'GET', path: '/account', schema: accountSchema, what: 'read the account' })).data;
  }

  // ------------------------------------------------------------ contacts

  /** The contact, or null when Brevo has none under this identifier. */
  async getContact(identifier: string | number, identifierType?: IdentifierType): Promise<BrevoContactWithStats | null> {
    try {
      const res = await this.http.request({
        method: 'GET',
        path: `/contacts/${encodeURIComponent(String(identifier))}`,
        query: { identifierType },
        schema: contactWithStatsSchema,
        what: `read contact ${identifier}`,
      });
      return res.data;
    } catch (e) {
      if (e instanceof BrevoError && e.kind === 'not_found') return null;
      throw e;
    }
  }

  /**
   * POST /contacts: 201 with the id when created; an update (updateEnabled) answers 204 without it. With
   * `resolveId`, an update is followed by a GET on the identifier Brevo matched (email, else ext_id, else SMS),
   * because company links and contact_id events need the numeric id.
   */
  async upsertContact(input: ContactInput, opts: { updateEnabled?: boolean; resolveId?: boolean } = {}): Promise<{ created: boolean; id?: number }> {
    if (input.email !== undefined && !looksLikeEmail(input.email)) throw new BrevoError('invalid', `${labelOf(input)}: the email address is not valid, so it was not sent to Brevo.`);
    const res = await this.http.request({
      method: 'POST',
      path: '/contacts',
      body: { ...contactBody(input), updateEnabled: opts.updateEnabled ?? true },
      schema: createdContactSchema,
      what: `save ${labelOf(input).toLowerCase()}`,
    });
    if (res.status === 201 && res.data) return { created: true, id: res.data.id };
    if (!opts.resolveId) return { created: false };
    const sms = input.attributes?.SMS;
    const found = input.email
      ? await this.getContact(input.email, 'email_id')
      : input.extId
        ? await this.getContact(input.extId, 'ext_id')
        : typeof sms === 'string'
          ? await this.getContact(sms, 'phone_id')
          : null;
    return { created: false, ...(found ? { id: found.id } : {}) };
  }

  async updateContact(identifier: string | number, patch: ContactPatch, identifierType?: IdentifierType): Promise<void> {
    await this.http.request({
      method: 'PUT',
      path: `/contacts/${encodeURIComponent(String(identifier))}`,
      query: { identifierType },
      body: contactBody(patch),
      what: `update contact ${identifier}`,
    });
  }

  /** True when deleted, false when Brevo had no such contact. */
  async deleteContact(identifier: string | number, identifierType?: IdentifierType): Promise<boolean> {
    try {
      await this.http.request({ method: 'DELETE', path: `/contacts/${encodeURIComponent(String(identifier))}`, query: { identifierType }, what: `delete contact ${identifier}` });
      return true;
    } catch (e) {
      if (e instanceof BrevoError && e.kind === 'not_found') return false;
      throw e;
    }
  }

  async listContacts(q: { modifiedSince?: Date; createdSince?: Date; limit?: number; offset?: number; sort?: 'asc' | 'desc'; listIds?: number[] } = {}): Promise<{ contacts: BrevoContact[]; count: number }> {
    const res = await this.http.request({
      method: 'GET',
      path: '/contacts',
      query: {
        limit: Math.min(q.limit ?? 1000, 1000),
        offset: q.offset ?? 0,
        sort: q.sort,
        modifiedSince: q.modifiedSince?.toISOString(),
        createdSince: q.createdSince?.toISOString(),
        listIds: q.listIds,
      },
      schema: contactListSchema,
      what: 'list contacts',
    });
    return res.data;
  }

  /** Every contact matching the query, 1000 per request, oldest first so new arrivals do not shift pages. */
  async *iterateContacts(q: { modifiedSince?: Date; listIds?: number[] } = {}): AsyncGenerator<BrevoContact> {
    for (let offset = 0; ; offset += 1000) {
      const page = await this.listContacts({ ...q, limit: 1000, offset, sort: 'asc' });
      yield* page.contacts;
      if (page.contacts.length < 1000 || offset + 1000 >= page.count) return;
    }
  }

  /**
   * Upserts many contacts one request each (POST /contacts is the only create-or-update call). When Brevo
   * refuses a record only because of its SMS (taken by another contact, or malformed), the record is saved
   * without SMS and the outcome says so, so the rest of the person still syncs.
   */
  async upsertContacts(inputs: readonly ContactInput[], opts: { concurrency?: number; dropSmsOnConflict?: boolean; resolveIds?: boolean } = {}): Promise<UpsertOutcome[]> {
    const resolveId = opts.resolveIds ?? false;
    return mapLimit(inputs, opts.concurrency ?? 4, async (original): Promise<UpsertOutcome> => {
      // Problems visible here are not worth a request (or the rate budget).
      if (original.email !== undefined && !looksLikeEmail(original.email)) return rejected('invalid_email', `${labelOf(original)}: the email address is not valid.`);
      let input = original;
      let localWarning: string | undefined;
      const sms = original.attributes?.SMS;
      if (sms !== undefined && sms !== '' && (typeof sms !== 'string' || !brevoPhone(sms))) {
        localWarning = `${labelOf(original)}: the phone number ${String(sms)} has no valid country code, so Brevo would refuse it.`;
        if (opts.dropSmsOnConflict === false) return rejected('invalid_phone', localWarning);
        const { SMS: _bad, ...rest } = original.attributes ?? {};
        input = { ...original, attributes: rest };
      }
      try {
        const saved = await this.upsertContact(input, { resolveId });
        return localWarning ? { ok: true as const, ...saved, smsDropped: true, warning: localWarning } : { ok: true as const, ...saved };
      } catch (e) {
        const outcome = outcomeFromError(e, labelOf(input));
        if (!outcome) throw e;
        const smsProblem = outcome.reason === 'duplicate_sms' || outcome.reason === 'invalid_phone';
        if (!smsProblem || opts.dropSmsOnConflict === false || input.attributes?.SMS === undefined) return outcome;
        const { SMS: _dropped, ...rest } = input.attributes;
        try {
          const saved = await this.upsertContact({ ...input, attributes: rest }, { resolveId });
          return { ok: true as const, ...saved, smsDropped: true, warning: outcome.message };
        } catch (e2) {
          const second = outcomeFromError(e2, labelOf(input));
          if (!second) throw e2;
          return second;
        }
      }
    });
  }

  /**
   * POST /contacts/batch. Concurrent callers on the same Brevo account (in this process) share calls
   * of up to 100 items (batch-coalescer.ts): a call goes at once when none is in flight, and what
   * arrives meanwhile leaves together in the next one, so many small writers (webhooks) spend one
   * request of the 10/s contacts budget where they would spend one each. Each caller gets its own
   * items' outcomes; two updates of one contact go in separate calls, in order.
   */
  batchUpdateContacts(items: readonly BatchContactUpdate[]): Promise<RecordOutcome[]> {
    let batcher = contactBatchers.get(this.accountKey);
    if (!batcher) {
      const key = this.accountKey;
      batcher = new BatchCoalescer<BatchContactUpdate, RecordOutcome>({
        maxItems: BATCH_UPDATE_CHUNK,
        maxInFlight: BATCH_MAX_IN_FLIGHT,
        keyOf: (item) => contactKeyOf(item.key),
        send: (part) => this.sendContactBatch(part),
        // Small calls stay under the window so that they never buy a one-second block (window-pacer.ts).
        pacePartial: async () => {
          const pace = windowPace(this.http.policyOf('contacts'), 2);
          if (pace) await sharedPacer(`contacts:${key}:${pace}`, pace).slot();
        },
        onIdle: () => {
          if (contactBatchers.get(key) === batcher) contactBatchers.delete(key);
        },
      });
      contactBatchers.set(key, batcher);
    }
    return batcher.submit(items);
  }

  /**
   * One POST /contacts/batch (at most 100 items). Brevo answers a whole call with one 400 when any
   * item is bad, without saying which; the call is then split in halves until the bad records are
   * isolated, so good records are saved and each bad one gets its own outcome.
   */
  private async sendContactBatch(items: readonly BatchContactUpdate[]): Promise<RecordOutcome[]> {
    const outcomes = new Array<RecordOutcome>(items.length);
    const run = async (indexes: number[]): Promise<void> => {
      const contacts = indexes.map((i) => {
        const item = items[i] as BatchContactUpdate;
        return { ...item.key, ...contactBody(item) };
      });
      try {
        await this.http.request({ method: 'POST', path: '/contacts/batch', body: { contacts }, what: `update ${contacts.length} contacts` });
        for (const i of indexes) outcomes[i] = { ok: true };
      } catch (e) {
        if (!(e instanceof BrevoError) || (e.kind !== 'invalid' && e.kind !== 'duplicate' && e.kind !== 'not_found')) throw e;
        if (indexes.length === 1) {
          const i = indexes[0] as number;
          outcomes[i] = outcomeFromError(e, keyLabel((items[i] as BatchContactUpdate).key)) ?? rejected('invalid', e.message);
          return;
        }
        const mid = Math.ceil(indexes.length / 2);
        await run(indexes.slice(0, mid));
        await run(indexes.slice(mid));
      }
    };
    await run(items.map((_, i) => i));
    return outcomes;
  }

  // ------------------------------------------------------------ import

  async startImport(records: readonly ImportRecord[], opts: Omit<ImportOptions, 'maxBytes' | 'pollIntervalMs' | 'timeoutMs'>): Promise<number> {
    const res = await this.http.request({
      method: 'POST',
      path: '/contacts/import',
      body: {
        jsonBody: records,
        listIds: opts.listIds,
        updateExistingContacts: opts.updateExistingContacts ?? true,
        emptyContactsAttributes: opts.emptyContactsAttributes ?? false,
        disableNotification: true,
        ...(opts.notifyUrl ? { notifyUrl: opts.notifyUrl } : {}),
      },
      schema: processIdSchema,
      what: `import ${records.length} contacts`,
    });
    return res.data.processId;
  }

  async getProcess(processId: number): Promise<BrevoProcess> {
    return (await this.http.request({ method: 'GET', path: `/processes/${processId}`, schema: processSchema, what: `read process ${processId}` })).data;
  }

  /**
   * Polls GET /processes/{id} (the 100-per-hour family). An import is never done at once, so the
   * first read waits half a second (Brevo queues imports: none is done sooner), or, for an import of
   * `rows` rows, as long as the account's last import says it takes (learnImportPace); the next
   * read is half a second later, and the waits then double up to `pollIntervalMs`, so a short
   * import is seen done soon after it is and a long one costs few reads of that small budget.
   */
  async waitForProcess(processId: number, opts: { pollIntervalMs?: number; timeoutMs?: number; rows?: number } = {}): Promise<BrevoProcess> {
    const started = this.now();
    const deadline = started + (opts.timeoutMs ?? 30 * 60_000);
    const longest = opts.pollIntervalMs ?? 15_000;
    const pace = opts.rows ? importMsPerRow.get(this.accountKey) : undefined;
    let wait = Math.min(longest, Math.max(500, pace !== undefined && opts.rows ? Math.round(pace * opts.rows) : 0));
    for (let reads = 1; ; reads++) {
      await this.sleep(wait);
      const p = await this.getProcess(processId);
      // Brevo spells the running state `in_process` (2024 spec) or `processing` (2026 SDK).
      if (p.status === 'completed' || p.status === 'failed' || p.status === 'cancelled') {
        if (opts.rows && p.status === 'completed') learnImportPace(this.accountKey, opts.rows, this.now() - started, reads === 1);
        return p;
      }
      if (this.now() > deadline) throw new BrevoError('transient', `Brevo import ${processId} is still ${p.status}; it will be checked again later.`);
      // After a first read that found it running (aimed by the pace, or the half second of an
      // account whose pace is not known yet), the next is half a second later and only then do
      // the waits double: the first import of a backfill holds every list call behind it, and
      // doubling at once kept them waiting a second longer than the import took.
      wait = reads === 1 ? Math.min(500, longest) : Math.min(longest, wait * 2);
    }
  }

  /**
   * Bulk upsert through /contacts/import (for backfills): records Brevo would refuse are kept out and reported;
   * the rest is sent in imports of at most `maxBytes`, then awaited. Brevo reports import rejections only as
   * counters, so when they are not zero the client re-reads the contacts modified since the import and marks
   * every sent record it cannot find as `not_in_import`.
   */
  async importContacts(records: readonly ImportRecord[], opts: ImportOptions): Promise<ImportResult> {
    const outcomes = new Array<RecordOutcome>(records.length);
    const send: { index: number; record: ImportRecord }[] = [];
    const seen = new Set<string>();
    records.forEach((r, index) => {
      const label = labelOf(r);
      const attrs = { ...(r.attributes ?? {}) };
      const email = r.email?.trim().toLowerCase();
      if (email !== undefined && !looksLikeEmail(email)) return (outcomes[index] = rejected('invalid_email', `${label}: the email address is not valid.`));
      if (attrs.SMS !== undefined && attrs.SMS !== '') {
        const sms = brevoPhone(String(attrs.SMS));
        if (!sms) return (outcomes[index] = rejected('invalid_phone', `${label}: the phone number has no valid country code, so Brevo would refuse it.`));
        attrs.SMS = sms;
      }
      const ext = typeof attrs.EXT_ID === 'string' && attrs.EXT_ID !== '' ? attrs.EXT_ID : undefined;
      if (!email && !ext && !attrs.SMS) return (outcomes[index] = rejected('missing_identifier', `${label}: no email, SMS or external id to identify the contact.`));
      const identity = email ? `e:${email}` : ext ? `x:${ext}` : `s:${String(attrs.SMS)}`;
      if (seen.has(identity)) return (outcomes[index] = rejected(email ? 'duplicate_email' : 'duplicate_ext_id', `${label}: appears twice in the same import.`));
      seen.add(identity);
      send.push({ index, record: { ...(email ? { email } : {}), attributes: attrs } });
    });

    const parts: (typeof send)[] = [];
    let current: typeof send = [];
    let bytes = 2;
    for (const item of send) {
      const size = Buffer.byteLength(JSON.stringify(item.record)) + 1;
      if (current.length > 0 && bytes + size > (opts.maxBytes ?? IMPORT_MAX_BYTES)) {
        parts.push(current);
        current = [];
        bytes = 2;
      }
      current.push(item);
      bytes += size;
    }
    if (current.length > 0) parts.push(current);

    const startedAt = new Date(this.now() - 5 * 60_000);
    const processIds: number[] = [];
    const counters: Record<string, number> = {};
    for (const part of parts) {
      const id = await this.startImport(
        part.map((p) => p.record),
        opts,
      );
      processIds.push(id);
      const p = await this.waitForProcess(id, { ...opts, rows: part.length });
      if (p.status !== 'completed') throw new BrevoError('transient', `Brevo import ${id} ended as ${p.status}${p.error ? ` (${p.error})` : ''}; it will be retried.`);
      for (const [k, v] of Object.entries(p.info?.import ?? {})) counters[k] = (counters[k] ?? 0) + v;
      for (const { index } of part) outcomes[index] = { ok: true };
    }
    const refused = Object.values(counters).reduce((a, b) => a + b, 0);
    if (refused > 0 && opts.updateExistingContacts !== false) {
      const present = new Set<string>();
      for await (const c of this.iterateContacts({ modifiedSince: startedAt })) {
        if (c.email) present.add(`e:${c.email.toLowerCase()}`);
        const ext = c.attributes.EXT_ID;
        if (typeof ext === 'string') present.add(`x:${ext}`);
        const sms = c.attributes.SMS;
        if (typeof sms === 'string') present.add(`s:${sms}`);
      }
      const missing = send.filter(({ record }) => {
        const ext = record.attributes?.EXT_ID;
        const sms = record.attributes?.SMS;
        // Match on the record's primary identifier only, as Brevo picks the contact to update by it.
        const primary = record.email ? `e:${record.email}` : typeof ext === 'string' ? `x:${ext}` : `s:${String(sms)}`;
        return !present.has(primary);
      });
      // More unseen records than refused rows means some were unchanged existing contacts (Brevo may not bump
      // their modifiedAt): look those up one by one, within a bound, before calling them refused.
      const confirm = missing.length > refused && missing.length <= IMPORT_CONFIRM_MAX;
      for (const { index, record } of missing) {
        if (confirm) {
          const ext = record.attributes?.EXT_ID;
          const sms = record.attributes?.SMS;
          const found = record.email
            ? await this.getContact(record.email, 'email_id')
            : typeof ext === 'string'
              ? await this.getContact(ext, 'ext_id')
              : await this.getContact(String(sms), 'phone_id');
          if (found) continue;
        }
        outcomes[index] = rejected(
          'not_in_import',
          `${labelOf(record)}: Brevo's import ${missing.length > refused && !confirm ? 'may have skipped' : 'skipped'} this record (its counters report ${refused} refused row(s), e.g. a duplicate SMS).`,
        );
      }
    }
    return { processIds, outcomes, counters };
  }

  // ------------------------------------------------------------ attributes

  async getAttributes(): Promise<BrevoAttributeDef[]> {
    return (await this.http.request({ method: 'GET', path: '/contacts/attributes', schema: attributesSchema, what: 'list contact attributes' })).data.attributes;
  }

  async createAttribute(
    name: string,
    def: { category?: 'normal' | 'transactional' | 'category'; type?: 'text' | 'date' | 'float' | 'boolean' | 'id' | 'category' | 'multiple-choice'; enumeration?: { value: number; label: string }[]; multiCategoryOptions?: string[] },
  ): Promise<void> {
    const { category = 'normal', ...body } = def;
    await this.http.request({ method: 'POST', path: `/contacts/attributes/${category}/${encodeURIComponent(name.toUpperCase())}`, body, what: `create attribute ${name}` });
  }

  /** Adds options to a multiple-choice attribute (existing options are kept), e.g. a new Pipedrive label. */
  async addAttributeOptions(name: string, options: string[]): Promise<void> {
    await this.http.request({
      method: 'PUT',
      path: `/contacts/attributes/normal/${encodeURIComponent(name.toUpperCase())}`,
      body: { multiCategoryOptions: options },
      what: `add options to attribute ${name}`,
    });
  }

  /** Creates the attributes that are missing; reports those that exist with another type (values would be dropped). */
  async ensureAttributes(wanted: readonly { name: string; type: 'text' | 'date' | 'float' | 'boolean' | 'multiple-choice'; multiCategoryOptions?: string[] }[]): Promise<{ created: string[]; typeMismatches: { name: string; expected: string; actual?: string }[] }> {
    const existing = new Map((await this.getAttributes()).map((a) => [a.name, a]));
    const created: string[] = [];
    const typeMismatches: { name: string; expected: string; actual?: string }[] = [];
    for (const w of wanted) {
      const name = w.name.toUpperCase();
      const have = existing.get(name);
      if (!have) {
        await this.createAttribute(name, { type: w.type, ...(w.multiCategoryOptions ? { multiCategoryOptions: w.multiCategoryOptions } : {}) });
        created.push(name);
      } else if (have.type !== w.type) typeMismatches.push({ name, expected: w.type, actual: have.type });
    }
    return { created, typeMismatches };
  }

  // ------------------------------------------------------------ folders and lists

  async getFolders(): Promise<BrevoFolder[]> {
    const out: BrevoFolder[] = [];
    for (let offset = 0; ; offset += 50) {
      const page = (await this.http.request({ method: 'GET', path: '/contacts/folders', query: { limit: 50, offset, sort: 'asc' }, schema: foldersPageSchema, what: 'list folders' })).data;
      out.push(...(page.folders ?? []));
      if ((page.folders ?? []).length < 50 || out.length >= (page.count ?? 0)) return out;
    }
  }

  async createFolder(name: string): Promise<number> {
    return (await this.http.request({ method: 'POST', path: '/contacts/folders', body: { name }, schema: createdIdSchema, what: `create folder ${name}` })).data.id;
  }

  async getLists(): Promise<BrevoList[]> {
    const out: BrevoList[] = [];
    for (let offset = 0; ; offset += 50) {
      const page = (await this.http.request({ method: 'GET', path: '/contacts/lists', query: { limit: 50, offset, sort: 'asc' }, schema: listsPageSchema, what: 'list lists' })).data;
      out.push(...(page.lists ?? []));
      if ((page.lists ?? []).length < 50 || out.length >= (page.count ?? 0)) return out;
    }
  }

  async createList(name: string, folderId: number): Promise<number> {
    return (await this.http.request({ method: 'POST', path: '/contacts/lists', body: { name, folderId }, schema: createdIdSchema, what: `create list ${name}` })).data.id;
  }

  /** Adds existing contacts in calls of 150; those already in the list or unknown come back as failures. */
  addContactsToList(listId: number, target: { emails: string[] } | { ids: number[] } | { extIds: string[] }) {
    return this.changeMembership(listId, target, 'add');
  }

  removeContactsFromList(listId: number, target: { emails: string[] } | { ids: number[] } | { extIds: string[] }) {
    return this.changeMembership(listId, target, 'remove');
  }

  private async changeMembership(
    listId: number,
    target: { emails: string[] } | { ids: number[] } | { extIds: string[] },
    op: 'add' | 'remove',
  ): Promise<{ done: (string | number)[]; failed: { value: string | number; outcome: RecordOutcome & { ok: false } }[] }> {
    const by = 'emails' in target ? 'emails' : 'ids' in target ? 'ids' : 'extIds';
    const values: (string | number)[] = 'emails' in target ? target.emails : 'ids' in target ? target.ids : target.extIds;
    const done: (string | number)[] = [];
    const failed: { value: string | number; outcome: RecordOutcome & { ok: false } }[] = [];
    const fail = (value: string | number) =>
      failed.push({
        value,
        outcome: rejected('already_in_list_or_missing', `Contact ${value}: ${op === 'add' ? 'already in' : 'not in'} list ${listId}, or not in Brevo.`),
      });
    for (const part of chunk(values, LIST_CHUNK)) {
      try {
        const res = await this.http.request({
          method: 'POST',
          path: `/contacts/lists/${listId}/contacts/${op}`,
          body: { [by]: part },
          schema: membershipResultSchema,
          what: `${op} ${part.length} contacts ${op === 'add' ? 'to' : 'from'} list ${listId}`,
        });
        done.push(...(res.data.contacts.success ?? []));
        for (const v of res.data.contacts.failure ?? []) fail(v);
      } catch (e) {
        // Brevo answers 400 when no contact of the call could be added or removed.
        if (e instanceof BrevoError && e.kind === 'invalid' && /already|does not exist/i.test(e.brevoMessage ?? '')) part.forEach(fail);
        else throw e;
      }
    }
    return { done, failed };
  }

  // ------------------------------------------------------------ companies

  async createCompany(input: CompanyInput): Promise<string> {
    return (await this.http.request({ method: 'POST', path: '/companies', body: input, schema: companyIdSchema, what: `create company ${input.name}` })).data.id;
  }

  async updateCompany(id: string, patch: Partial<Omit<CompanyInput, 'linkedContactsIds'>>): Promise<BrevoCompany> {
    // linkedContactsIds is left out on purpose: on PATCH it replaces all links; use linkCompanyContacts.
    return (await this.http.request({ method: 'PATCH', path: `/companies/${id}`, body: patch, schema: companySchema, what: `update company ${id}` })).data;
  }

  async getCompany(id: string): Promise<BrevoCompany | null> {
    try {
      return (await this.http.request({ method: 'GET', path: `/companies/${id}`, schema: companySchema, what: `read company ${id}` })).data;
    } catch (e) {
      if (e instanceof BrevoError && e.kind === 'not_found') return null;
      throw e;
    }
  }

  async deleteCompany(id: string): Promise<void> {
    await this.http.request({ method: 'DELETE', path: `/companies/${id}`, what: `delete company ${id}` });
  }

  async linkCompanyContacts(id: string, change: { link?: number[]; unlink?: number[] }): Promise<void> {
    await this.http.request({
      method: 'PATCH',
      path: `/companies/link-unlink/${id}`,
      body: { ...(change.link?.length ? { linkContactIds: change.link } : {}), ...(change.unlink?.length ? { unlinkContactIds: change.unlink } : {}) },
      what: `link contacts to company ${id}`,
    });
  }

  /** Companies whose attribute equals the value, e.g. findCompanies('pd_org_id', 42) for a Pipedrive org. */
  async findCompanies(attribute: string, value: string | number, opts: { limit?: number } = {}): Promise<BrevoCompany[]> {
    const res = await this.http.request({
      method: 'GET',
      path: '/companies',
      query: { filters: JSON.stringify({ [`attributes.${attribute}`]: value }), limit: opts.limit ?? 50, page: 1 },
      schema: companiesPageSchema,
      what: `search companies by ${attribute}`,
    });
    return res.data.items;
  }

  async getCompanyAttributes(): Promise<BrevoCompanyAttribute[]> {
    return (await this.http.request({ method: 'GET', path: '/crm/attributes/companies', schema: z.array(companyAttributeSchema), what: 'list company attributes' })).data;
  }

  async createCompanyAttribute(label: string, attributeType: 'text' | 'number' | 'date' | 'boolean' | 'single-select' | 'multi-choice' | 'user', optionsLabels?: string[]): Promise<void> {
    await this.http.request({
      method: 'POST',
      path: '/crm/attributes',
      body: { label, attributeType, objectType: 'companies', ...(optionsLabels ? { optionsLabels } : {}) },
      what: `create company attribute ${label}`,
    });
  }

  // ------------------------------------------------------------ events

  async sendEvent(event: BrevoEventInput): Promise<void> {
    const problem = eventProblem(event.eventName, event.identifiers, event.eventProperties);
    if (problem) throw new BrevoError('invalid', `The event was not sent: ${problem}.`);
    // Kept under the events window: emptying it holds every event for a full second (window-pacer.ts).
    const pace = windowPace(this.http.policyOf('events'), 1);
    if (pace) await sharedPacer(`events:${this.accountKey}:${pace}`, pace).slot();
    await this.http.request({ method: 'POST', path: '/events', body: eventBody(event), what: `send event ${event.eventName}` });
  }

  /** POST /events/batch; invalid events are reported per index (202 all accepted, 207 partial, 400 none). */
  async sendEvents(events: readonly BrevoEventInput[], opts: { chunkSize?: number } = {}): Promise<RecordOutcome[]> {
    const outcomes = new Array<RecordOutcome>(events.length);
    const valid: number[] = [];
    events.forEach((e, i) => {
      const problem = eventProblem(e.eventName, e.identifiers, e.eventProperties);
      if (problem) outcomes[i] = rejected('invalid', `Event ${i} (${e.eventName}): ${problem}.`);
      else valid.push(i);
    });
    for (const part of chunk(valid, opts.chunkSize ?? 500)) {
      try {
        const res = await this.http.request({
          method: 'POST',
          path: '/events/batch',
          body: { events: part.map((i) => eventBody(events[i] as BrevoEventInput)) },
          schema: eventBatchAcceptedSchema,
          what: `send ${part.length} events`,
        });
        for (const i of part) outcomes[i] = { ok: true };
        if ('errors' in res.data) {
          for (const err of res.data.errors) {
            for (const local of err.eventIndex) {
              const i = part[local];
              if (i !== undefined) outcomes[i] = rejected('invalid', `Event ${i} (${events[i]?.eventName ?? '?'}): Brevo refused it ("${err.message}").`);
            }
          }
        }
      } catch (e) {
        if (!(e instanceof BrevoError) || e.kind !== 'invalid') throw e;
        for (const i of part) outcomes[i] = rejected('invalid', `Event ${i} (${events[i]?.eventName ?? '?'}): Brevo refused the batch ("${e.brevoMessage ?? e.message}").`);
      }
    }
    return outcomes;
  }

  // ------------------------------------------------------------ webhooks

  async listWebhooks(type: 'marketing' | 'transactional' | 'inbound' = 'marketing'): Promise<BrevoWebhook[]> {
    return (await this.http.request({ method: 'GET', path: '/webhooks', query: { type }, schema: webhooksSchema, what: 'list webhooks' })).data.webhooks;
  }

  async createWebhook(input: WebhookInput): Promise<number> {
    return (await this.http.request({ method: 'POST', path: '/webhooks', body: { type: 'marketing', ...input }, schema: createdIdSchema, what: `create webhook for ${input.url}` })).data.id;
  }

  async deleteWebhook(id: number): Promise<void> {
    await this.http.request({ method: 'DELETE', path: `/webhooks/${id}`, what: `delete webhook ${id}` });
  }
}
