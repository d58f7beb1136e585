import type { BrevoClient } from '../brevo';
import type { BrevoAttributeValue } from '../brevo/brevo-schemas';
import type { Attributes, ContactUpsert } from '../sync';
import { outcomeFromError } from '../brevo/record-outcome';
import type { ContactWritten } from './link-store';
import type { RecordIssueInput } from './record-issues';

/**
 * Sends planned contact writes to Brevo by the cheapest correct path:
 * - many contacts: `/contacts/import`, one import per set of target lists (an import adds every
 *   record to the same lists), then list removals in calls of 150;
 * - few contacts: new ones with `POST /contacts` (create-or-update with their lists), known ones
 *   with `POST /contacts/batch` (100 per call, lists added and removed in the same call).
 * Every record refused by Brevo comes back as an issue with its reason; the others are reported
 * as written so their link records can be updated. One bad record never fails the batch.
 */
export interface WriteResult {
  written: ContactWritten[];
  issues: RecordIssueInput[];
  /** Brevo requests made (for the benchmark's efficiency figures). */
  requests: number;
}

export interface WriteOptions {
  /** Use imports when at least this many contacts share a list set (default 200). */
  importThreshold?: number;
  importPollMs?: number;
  orgOf: (personId: number) => number | null;
  updatedAtOf: (personId: number) => Date | null;
  /** The email the app last wrote for the person, when it wrote one. */
  previousEmail: (personId: number) => string | null;
}

function brevoAttributes(a: Attributes, extId: string): Record<string, BrevoAttributeValue> {
  const out: Record<string, BrevoAttributeValue> = { EXT_ID: extId };
  // The planner's null means "clear": Brevo clears an attribute given an empty value.
  for (const [k, v] of Object.entries(a)) out[k] = v === null ? '' : v;
  return out;
}

function issueOf(c: ContactUpsert, reason: string, message: string): RecordIssueInput {
  return { object: 'person', pipedriveId: String(c.personId), severity: 'error', code: reason, reason: message, payload: { email: c.email, lists: c.lists } };
}

export async function writeContacts(brevo: BrevoClient, writes: readonly ContactUpsert[], opts: WriteOptions): Promise<WriteResult> {
  const result: WriteResult = { written: [], issues: [], requests: 0 };
  const done = (c: ContactUpsert, brevoContactId?: number) =>
    result.written.push({ personId: c.personId, orgId: opts.orgOf(c.personId), email: c.email, hash: c.hash, lists: c.lists, brevoContactId: brevoContactId ?? null, sourceUpdatedAt: opts.updatedAtOf(c.personId) });

  // Group by target list set: each group can be one import.
  const groups = new Map<string, ContactUpsert[]>();
  for (const c of writes) {
    const key = [...c.listIds].sort((a, b) => a - b).join(',');
    const g = groups.get(key);
    if (g) g.push(c);
    else groups.set(key, [c]);
  }
  const direct: ContactUpsert[] = [];
  for (const [key, group] of groups) {
    if (key === '' || group.length < (opts.importThreshold ?? 200)) {
      direct.push(...group);
      continue;
    }
    const listIds = key.split(',').map(Number);
    const imported = await brevo.importContacts(
      group.map((c) => ({ email: c.email, attributes: brevoAttributes(c.attributes, c.extId) })),
      { listIds, updateExistingContacts: true, emptyContactsAttributes: true, pollIntervalMs: opts.importPollMs ?? 2_000 },
    );
    result.requests += imported.processIds.length * 2;
    const ok: ContactUpsert[] = [];
    imported.outcomes.forEach((o, i) => {
      const c = group[i]!;
      if (o.ok) ok.push(c);
      else result.issues.push(issueOf(c, o.reason, o.message));
    });
    // Imports only add: lists the contact left are removed afterwards, per list.
    const removals = new Map<number, ContactUpsert[]>();
    for (const c of ok) for (const l of c.unlinkListIds) (removals.get(l) ?? removals.set(l, []).get(l)!).push(c);
    for (const [listId, members] of removals) {
      await brevo.removeContactsFromList(listId, { emails: members.map((m) => m.email) });
      result.requests += Math.ceil(members.length / 150);
    }
    for (const c of ok) done(c);
  }

  const fresh = direct.filter((c) => opts.previousEmail(c.personId) === null);
  const renamed = direct.filter((c) => { const p = opts.previousEmail(c.personId); return p !== null && p !== c.email; });
  const known = direct.filter((c) => opts.previousEmail(c.personId) === c.email);
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
  if (fresh.length > 0) {
    const outcomes = await brevo.upsertContacts(
      fresh.map((c) => ({ email: c.email, extId: c.extId, attributes: brevoAttributes(c.attributes, c.extId), ...(c.listIds.length ? { listIds: c.listIds } : {}) })),
      { concurrency: 4 },
    );
    result.requests += fresh.length;
    outcomes.forEach((o, i) => {
      const c = fresh[i]!;
      if (o.ok) {
        done(c, o.id);
        if (o.smsDropped) result.issues.push({ object: 'person', pipedriveId: String(c.personId), severity: 'warning', code: 'sms_dropped', reason: o.warning ?? 'The phone number was refused by Brevo and left out.' });
      } else result.issues.push(issueOf(c, o.reason, o.message));
    });
  }
  if (known.length > 0) {
    const outcomes = await brevo.batchUpdateContacts(
      known.map((c) => ({
        key: { email: c.email },
        extId: c.extId,
        attributes: brevoAttributes(c.attributes, c.extId),
        ...(c.listIds.length ? { listIds: c.listIds } : {}),
        ...(c.unlinkListIds.length ? { unlinkListIds: c.unlinkListIds } : {}),
      })),
    );
    result.requests += Math.ceil(known.length / 100);
    const missing: ContactUpsert[] = [];
    outcomes.forEach((o, i) => {
      const c = known[i]!;
      if (o.ok) done(c);
      else if (o.reason === 'not_found') missing.push(c);
      else result.issues.push(issueOf(c, o.reason, o.message));
    });
    // Deleted in Brevo since our last write (or the email changed): create it again.
    if (missing.length > 0) {
      const again = await brevo.upsertContacts(missing.map((c) => ({ email: c.email, extId: c.extId, attributes: brevoAttributes(c.attributes, c.extId), ...(c.lists.length ? { listIds: c.lists } : {}) })));
      result.requests += missing.length;
      again.forEach((o, i) => {
        const c = missing[i]!;
        if (o.ok) done(c, o.id);
        else result.issues.push(issueOf(c, o.reason, o.message));
      });
    }
  }
  return result;
}
