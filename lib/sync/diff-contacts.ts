import type { AttributeValue, ContactDelete, ContactDetach, ContactUpsert, SkipOperation, SyncWarning } from './types';

/** A contact as Brevo holds it now (from `GET /contacts`), reduced to what a preview compares. */
export interface CurrentContact {
  email: string;
  extId?: string | null;
  attributes: Readonly<Record<string, unknown>>;
  listIds: readonly number[];
}

export interface ListChange {
  listId: number;
  joining: number;
  leaving: number;
  /** Emails of a few contacts joining / leaving, for the preview screen. */
  joiningSamples: string[];
  leavingSamples: string[];
}

export interface AttributeChange {
  attribute: string;
  changing: number;
  samples: { email: string; from: unknown; to: AttributeValue }[];
}

export interface SkipSummary {
  reason: SkipOperation['reason'];
  count: number;
  samples: { entity: SkipOperation['entity']; entityId: number | string; detail: string }[];
}

export interface WarningSummary {
  code: SyncWarning['code'];
  count: number;
  samples: string[];
}

export interface ContactDiff {
  totals: {
    planned: number;
    creating: number;
    updating: number;
    unchanged: number;
    skipped: number;
    blocklisted: number;
    deleting: number;
  };
  lists: ListChange[];
  attributes: AttributeChange[];
  skipped: SkipSummary[];
  warnings: WarningSummary[];
}

/**
 * Brevo hands values back in its own spelling (numbers as strings for some types, empty text
 * for unset): values that mean the same are compared equal so a preview does not announce
 * thousands of changes that are not real.
 */
function comparable(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (Array.isArray(value)) return value.length === 0 ? null : JSON.stringify(value.map((item) => comparable(item)).sort());
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? null;
}

function pushSample<T>(samples: T[], sample: T, size: number): void {
  if (samples.length < size) samples.push(sample);
}

/**
 * The dry run: what a planned sync would change in Brevo, compared with Brevo's current state.
 * Counts are exact; samples are capped so the result stays small for a 100k-contact account.
 * Contacts are matched on ext_id first (it survives email changes), then on email.
 */
export function diffContacts(
  current: readonly CurrentContact[],
  planned: readonly (ContactUpsert | ContactDelete | ContactDetach | SkipOperation)[],
  options: { sampleSize?: number } = {},
): ContactDiff {
  const sampleSize = options.sampleSize ?? 5;
  const byExtId = new Map<string, CurrentContact>();
  const byEmail = new Map<string, CurrentContact>();
  for (const contact of current) {
    if (contact.extId) byExtId.set(contact.extId, contact);
    byEmail.set(contact.email.toLowerCase(), contact);
  }

  const diff: ContactDiff = {
    totals: { planned: planned.length, creating: 0, updating: 0, unchanged: 0, skipped: 0, blocklisted: 0, deleting: 0 },
    lists: [],
    attributes: [],
    skipped: [],
    warnings: [],
  };
  const lists = new Map<number, ListChange>();
  const attributes = new Map<string, AttributeChange>();
  const skipped = new Map<SkipOperation['reason'], SkipSummary>();
  const warnings = new Map<SyncWarning['code'], WarningSummary>();
  const listChange = (listId: number): ListChange => {
    let change = lists.get(listId);
    if (change === undefined) {
      change = { listId, joining: 0, leaving: 0, joiningSamples: [], leavingSamples: [] };
      lists.set(listId, change);
    }
    return change;
  };
  const countWarnings = (items: readonly SyncWarning[]) => {
    for (const warning of items) {
      const summary = warnings.get(warning.code) ?? { code: warning.code, count: 0, samples: [] };
      summary.count += 1;
      pushSample(summary.samples, warning.message, sampleSize);
      warnings.set(warning.code, summary);
    }
  };

  for (const operation of planned) {
    if (operation.kind === 'contact.delete') {
      if (byExtId.has(operation.extId)) diff.totals.deleting += 1;
      continue;
    }
    if (operation.kind === 'contact.detach') {
      const existing = byExtId.get(operation.extId);
      const inLists = new Set(existing?.listIds ?? []);
      let changed = false;
      for (const listId of operation.unlinkListIds) {
        if (!inLists.has(listId) || existing === undefined) continue;
        const change = listChange(listId);
        change.leaving += 1;
        pushSample(change.leavingSamples, existing.email, sampleSize);
        changed = true;
      }
      if (changed) diff.totals.updating += 1;
      else diff.totals.unchanged += 1;
      continue;
    }
    countWarnings(operation.warnings);
    if (operation.kind === 'skip') {
      diff.totals.skipped += 1;
      const summary = skipped.get(operation.reason) ?? { reason: operation.reason, count: 0, samples: [] };
      summary.count += 1;
      pushSample(summary.samples, { entity: operation.entity, entityId: operation.entityId, detail: operation.detail }, sampleSize);
      skipped.set(operation.reason, summary);
      continue;
    }
    if (operation.blocklisted) diff.totals.blocklisted += 1;
    const existing = byExtId.get(operation.extId) ?? byEmail.get(operation.email);
    const inLists = new Set(existing?.listIds ?? []);
    let changed = existing === undefined;

    for (const listId of operation.listIds) {
      if (inLists.has(listId)) continue;
      const change = listChange(listId);
      change.joining += 1;
      pushSample(change.joiningSamples, operation.email, sampleSize);
      changed = true;
    }
    for (const listId of operation.unlinkListIds) {
      if (!inLists.has(listId)) continue;
      const change = listChange(listId);
      change.leaving += 1;
      pushSample(change.leavingSamples, operation.email, sampleSize);
      changed = true;
    }
    if (existing !== undefined && existing.email.toLowerCase() !== operation.email) {
      const change = attributes.get('EMAIL') ?? { attribute: 'EMAIL', changing: 0, samples: [] };
      change.changing += 1;
      pushSample(change.samples, { email: operation.email, from: existing.email, to: operation.email }, sampleSize);
      attributes.set('EMAIL', change);
      changed = true;
    }
    for (const [name, value] of Object.entries(operation.attributes)) {
      const before = existing?.attributes[name];
      if (comparable(before) === comparable(value)) continue;
      const change = attributes.get(name) ?? { attribute: name, changing: 0, samples: [] };
      change.changing += 1;
      pushSample(change.samples, { email: operation.email, from: before ?? null, to: value }, sampleSize);
      attributes.set(name, change);
      changed = true;
    }
    if (existing === undefined) diff.totals.creating += 1;
    else if (changed) diff.totals.updating += 1;
    else diff.totals.unchanged += 1;
  }

  diff.lists = [...lists.values()].sort((a, b) => a.listId - b.listId);
  diff.attributes = [...attributes.values()].sort((a, b) => b.changing - a.changing || a.attribute.localeCompare(b.attribute));
  diff.skipped = [...skipped.values()].sort((a, b) => b.count - a.count);
  diff.warnings = [...warnings.values()].sort((a, b) => b.count - a.count);
  return diff;
}
