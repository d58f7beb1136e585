import type { BrevoClient } from '../brevo';
import type { BrevoAttributeValue } from '../brevo/brevo-schemas';
import { chunk, mapLimit } from '../brevo/contact-checks';
import { BATCH_UPDATE_CHUNK, LIST_CHUNK } from '../brevo/brevo-client';
import type { Attributes, ContactUpsert } from '../sync';
import { outcomeFromError } from '../brevo/record-outcome';
import type { ContactWritten } from './link-store';
import type { RecordIssueInput } from './record-issues';

/**
 * Sends planned contact writes to Brevo with as few requests as the limits allow (everything
 * under /contacts shares 10 requests/s; process status reads fall in the 100-per-hour family):
 * - contacts the app wrote before under the same email: `POST /contacts/batch`, 100 per call,
 *   attributes and list changes in the same item;
 * - many new contacts: `/contacts/import` puts all of them, attributes included, in the lists
 *   they all share (normally "all contacts"), in one import per 8 MB; their other lists follow
 *   through whichever is fewer calls: batch items (100 contacts a call) or list adds (150 a call
 *   per list). One import per list set instead would cost an import and status reads per set;
 * - few new contacts: `POST /contacts` each (create-or-update with their lists);
 * - an email changed in Pipedrive: `PUT /contacts/{ext_id}` so Brevo keeps one contact.
 * Every record refused by Brevo comes back as an issue with its reason; the others are reported
 * as written so their link records can be updated. One bad record never fails the batch.
 */
export interface WriteResult {
  written: ContactWritten[];
  issues: RecordIssueInput[];
  /** Brevo requests made, as far as the writer can tell (import status reads are not counted). */
  requests: number;
}

export interface WriteOptions {
  /** Import new contacts when at least this many are written at once (default 200). */
  importThreshold?: number;
  importPollMs?: number;
  orgOf: (personId: number) => number | null;
  updatedAtOf: (personId: number) => Date | null;
  /** The email the app last wrote for the person, when it wrote one. */
  previousEmail: (personId: number) => string | null;
}

/**
 * Batch calls in flight at once. The shared rate budget paces them; without a few in flight a
 * single writer is bound by round trips instead of by Brevo's 10 requests/s.
 */
const BATCH_CONCURRENCY = 4;

function brevoAttributes(a: Attributes, extId: string): Record<string, BrevoAttributeValue> {
  const out: Record<string, BrevoAttributeValue> = { EXT_ID: extId };
  // The planner's null means "clear": Brevo clears an attribute given an empty value.
  for (const [k, v] of Object.entries(a)) out[k] = v === null ? '' : v;
  return out;
}

function issueOf(c: ContactUpsert, reason: string, message: string): RecordIssueInput {
  return { object: 'person', pipedriveId: String(c.personId), severity: 'error', code: reason, reason: message, payload: { email: c.email, lists: c.lists } };
}

/** Lists shared by every contact: what one import can add them all to. */
function sharedLists(contacts: readonly ContactUpsert[]): number[] {
  let shared = new Set(contacts[0]?.listIds ?? []);
  for (const c of contacts) shared = new Set(c.listIds.filter((l) => shared.has(l)));
  return [...shared].sort((a, b) => a - b);
}

/** Groups new contacts under lists each group shares: one group when a list is common to all. */
function importGroups(contacts: readonly ContactUpsert[]): { lists: number[]; members: ContactUpsert[] }[] {
  const common = sharedLists(contacts);
  if (common.length > 0) return [{ lists: common, members: [...contacts] }];
  const byAnchor = new Map<number, ContactUpsert[]>();
  for (const c of contacts) {
    const anchor = Math.min(...c.listIds);
    (byAnchor.get(anchor) ?? byAnchor.set(anchor, []).get(anchor)!).push(c);
  }
  return [...byAnchor.values()].map((members) => ({ lists: sharedLists(members), members }));
}

export interface CompletionPlan {
  /** List adds of at most 150 emails each. */
  listAdds: { listId: number; emails: string[] }[];
  /** Batch items: the lists each contact still needs (its unlinks go along). */
  batch: Map<ContactUpsert, number[]>;
  calls: number;
}

/**
 * Imported contacts still need their other lists. Three plans, the fewest calls wins:
 * - batch: one item per contact carrying all its lists (100 contacts a call);
 * - lists: list adds, 150 emails a call per list;
 * - hybrid: full list adds of 150, and each list's remainder in batch items, where the contacts
 *   with the most lists are put in the remainders so that one item covers several of them.
 * Lists left (unlinks) always travel in batch items: they are rare for new contacts.
 */
export function cheapestCompletion(complete: readonly { c: ContactUpsert; rest: number[] }[]): CompletionPlan {
  const restOf = new Map(complete.map(({ c, rest }) => [c, rest]));
  const byList = new Map<number, ContactUpsert[]>();
  for (const { c, rest } of complete) if (c.unlinkListIds.length === 0) for (const l of rest) (byList.get(l) ?? byList.set(l, []).get(l)!).push(c);
  const plan = (mode: 'batch' | 'lists' | 'hybrid'): CompletionPlan => {
    const batch = new Map<ContactUpsert, number[]>();
    const listAdds: CompletionPlan['listAdds'] = [];
    for (const { c, rest } of complete) if (mode === 'batch' || c.unlinkListIds.length > 0) batch.set(c, rest);
    if (mode !== 'batch') {
      for (const [listId, members] of byList) {
        const sorted = [...members].sort((a, b) => restOf.get(a)!.length - restOf.get(b)!.length || a.personId - b.personId);
        const viaList = mode === 'lists' ? sorted.length : Math.floor(sorted.length / LIST_CHUNK) * LIST_CHUNK;
        for (const part of chunk(sorted.slice(0, viaList), LIST_CHUNK)) listAdds.push({ listId, emails: part.map((c) => c.email) });
        for (const c of sorted.slice(viaList)) batch.set(c, [...(batch.get(c) ?? []), listId]);
      }
    }
    return { listAdds, batch, calls: listAdds.length + Math.ceil(batch.size / BATCH_UPDATE_CHUNK) };
  };
  return [plan('batch'), plan('lists'), plan('hybrid')].reduce((best, p) => (p.calls < best.calls ? p : best));
}

export async function writeContacts(brevo: BrevoClient, writes: readonly ContactUpsert[], opts: WriteOptions): Promise<WriteResult> {
  const result: WriteResult = { written: [], issues: [], requests: 0 };
  const done = (c: ContactUpsert, brevoContactId?: number) =>
    result.written.push({ personId: c.personId, orgId: opts.orgOf(c.personId), email: c.email, hash: c.hash, lists: c.lists, brevoContactId: brevoContactId ?? null, sourceUpdatedAt: opts.updatedAtOf(c.personId) });

  /** POST /contacts/batch in chunks of 100, a few in flight; not_found comes back for a retry as new. */
  const batchUpdate = async (items: readonly { c: ContactUpsert; attributes: boolean; listIds: number[]; unlinkListIds: number[] }[]): Promise<ContactUpsert[]> => {
    const missing: ContactUpsert[] = [];
    await mapLimit(chunk(items, BATCH_UPDATE_CHUNK), BATCH_CONCURRENCY, async (part) => {
      const outcomes = await brevo.batchUpdateContacts(
        part.map(({ c, attributes, listIds, unlinkListIds }) => ({
          key: { email: c.email },
          ...(attributes ? { extId: c.extId, attributes: brevoAttributes(c.attributes, c.extId) } : {}),
          ...(listIds.length ? { listIds } : {}),
          ...(unlinkListIds.length ? { unlinkListIds } : {}),
        })),
      );
      result.requests++;
      outcomes.forEach((o, i) => {
        const { c } = part[i]!;
        if (o.ok) done(c);
        else if (o.reason === 'not_found') missing.push(c);
        else result.issues.push(issueOf(c, o.reason, o.message));
      });
    });
    return missing;
  };

  const upsertEach = async (contacts: readonly ContactUpsert[], listsOf: (c: ContactUpsert) => number[]) => {
    if (contacts.length === 0) return;
    const outcomes = await brevo.upsertContacts(
      contacts.map((c) => {
        const listIds = listsOf(c);
        return { email: c.email, extId: c.extId, attributes: brevoAttributes(c.attributes, c.extId), ...(listIds.length ? { listIds } : {}) };
      }),
      { concurrency: BATCH_CONCURRENCY },
    );
    result.requests += contacts.length;
    outcomes.forEach((o, i) => {
      const c = contacts[i]!;
      if (o.ok) {
        done(c, o.id);
        if (o.smsDropped) result.issues.push({ object: 'person', pipedriveId: String(c.personId), severity: 'warning', code: 'sms_dropped', reason: o.warning ?? 'The phone number was refused by Brevo and left out.' });
      } else result.issues.push(issueOf(c, o.reason, o.message));
    });
  };

  const fresh = writes.filter((c) => opts.previousEmail(c.personId) === null);
  const renamed = writes.filter((c) => {
    const p = opts.previousEmail(c.personId);
    return p !== null && p !== c.email;
  });
  const known = writes.filter((c) => opts.previousEmail(c.personId) === c.email);

  // An email changed in Pipedrive: update the contact found by its ext_id, email included, so
  // Brevo keeps one contact (with its history) instead of gaining a second one.
  for (const c of renamed) {
    try {
      await brevo.updateContact(c.extId, { attributes: { ...brevoAttributes(c.attributes, c.extId), EMAIL: c.email }, ...(c.listIds.length ? { listIds: c.listIds } : {}), ...(c.unlinkListIds.length ? { unlinkListIds: c.unlinkListIds } : {}) }, 'ext_id');
      result.requests++;
      done(c);
    } catch (err) {
      const o = outcomeFromError(err, `person ${c.personId}`);
      if (!o) throw err;
      if (o.reason === 'not_found') fresh.push(c);
      else result.issues.push(issueOf(c, o.reason, o.message));
    }
  }

  // Known contacts: one batch item carries the attributes and both list changes.
  const gone = await batchUpdate(known.map((c) => ({ c, attributes: true, listIds: c.listIds, unlinkListIds: c.unlinkListIds })));
  // Deleted in Brevo since our last write: create it again, in every list it belongs to.
  await upsertEach(gone, (c) => c.lists);

  // An import needs a list to put its contacts in: contacts without any go one by one.
  const listless = fresh.filter((c) => c.listIds.length === 0);
  const importable = fresh.filter((c) => c.listIds.length > 0);
  if (importable.length < (opts.importThreshold ?? 200)) {
    await upsertEach([...listless, ...importable], (c) => c.listIds);
    return result;
  }
  await upsertEach(listless, (c) => c.listIds);

  const imported: { c: ContactUpsert; rest: number[] }[] = [];
  for (const group of importGroups(importable)) {
    const r = await brevo.importContacts(
      group.members.map((c) => ({ email: c.email, attributes: brevoAttributes(c.attributes, c.extId) })),
      { listIds: group.lists, updateExistingContacts: true, emptyContactsAttributes: true, ...(opts.importPollMs ? { pollIntervalMs: opts.importPollMs } : {}) },
    );
    result.requests += r.processIds.length;
    r.outcomes.forEach((o, i) => {
      const c = group.members[i]!;
      if (o.ok) imported.push({ c, rest: c.listIds.filter((l) => !group.lists.includes(l)) });
      else result.issues.push(issueOf(c, o.reason, o.message));
    });
  }

  // The imported contacts' other lists (and lists they left), in the fewest calls of three plans.
  const complete = imported.filter(({ c, rest }) => rest.length > 0 || c.unlinkListIds.length > 0);
  for (const { c, rest } of imported) if (rest.length === 0 && c.unlinkListIds.length === 0) done(c);
  const plan = cheapestCompletion(complete);
  await mapLimit(plan.listAdds, BATCH_CONCURRENCY, async ({ listId, emails }) => {
    // A contact already in the list is in the state this write wants.
    await brevo.addContactsToList(listId, { emails });
    result.requests++;
  });
  const missing = await batchUpdate([...plan.batch].map(([c, listIds]) => ({ c, attributes: false, listIds, unlinkListIds: c.unlinkListIds })));
  // The import reported these as saved, so "not found" means Brevo dropped them since.
  for (const c of missing) result.issues.push(issueOf(c, 'not_found', `Contact ${c.email}: imported, but Brevo no longer finds it to add its lists.`));
  // batchUpdate reported its own contacts; those only in list adds are done now.
  for (const { c } of complete) if (!plan.batch.has(c)) done(c);
  return result;
}
