import 'server-only';
import { loadCompanyContext, SyncUnavailableError } from '../engine/company-context';
import { loadPersonContext } from '../engine/link-store';
import { AppError } from '../errors';
import { diffContacts, pipedrivePersonSchema, planContactSync, type ContactDiff, type CurrentContact, type PipedrivePerson, type SyncConfig } from '../sync';
import { cachedBrevoRead } from './brevo-catalog-cache';
import { withVendorErrors } from './vendor-error';

/** What a configuration change would do to the contacts, computed without writing anything. */
export interface DryRunResult {
  /** Persons the dry run looked at, and how many the company has (null when not all were read). */
  personsChecked: number;
  allPersons: boolean;
  totals: ContactDiff['totals'];
  lists: { listId: number; name: string | null; joining: number; leaving: number; joiningSamples: string[]; leavingSamples: string[] }[];
  attributes: { attribute: string; changing: number; samples: { email: string; from: unknown; to: unknown }[] }[];
  skipped: { reason: string; count: number; samples: string[] }[];
}

/**
 * A dry run reads at most this many persons (two Pipedrive pages) and their Brevo contacts, so
 * that previewing a change costs a few requests of the daily budget even for a large company;
 * the preview says when it is a sample.
 */
export const DRY_RUN_PERSONS = 1000;
const BREVO_CONTACTS_CAP = 5000;

/**
 * Plans the contacts of the company's persons under the proposed configuration with the same
 * pure planner the sync uses, and compares the result with what Brevo holds now: who would join
 * or leave each list, which attributes would change, who would be skipped and why.
 */
export async function dryRunConfig(companyId: string, proposed: SyncConfig): Promise<DryRunResult> {
  let ctx;
  try {
    ctx = await withVendorErrors('prepare the preview', () => loadCompanyContext(companyId, { provisionAttributes: false }));
  } catch (err) {
    if (err instanceof SyncUnavailableError) throw new AppError('sync_unavailable', `No preview is possible yet: ${err.message}`, 409);
    throw err;
  }
  const sync = ctx;
  return withVendorErrors('prepare the preview', async () => {
    const persons: PipedrivePerson[] = [];
    let more = false;
    for await (const page of sync.pipedrive.personPages({ limit: 500, sortBy: 'id', sortDirection: 'asc' })) {
      for (const p of page.items) {
        const parsed = pipedrivePersonSchema.safeParse(p);
        if (parsed.success) persons.push(parsed.data);
      }
      if (persons.length >= DRY_RUN_PERSONS) {
        more = page.nextCursor !== null;
        break;
      }
    }
    const context = await loadPersonContext(sync.db, companyId, persons.map((p) => p.id), persons.flatMap((p) => (p.org_id ? [p.org_id] : [])));
    const plan = planContactSync({
      persons,
      organizations: context.organizations,
      deals: context.deals,
      leads: context.leads,
      personFields: sync.personFields,
      config: proposed,
      // Hashes are left out: with a new configuration every contact is compared afresh.
      links: new Map([...context.links].map(([id, link]) => [id, { ...link, lastHash: null }])),
      brevoAttributeTypes: sync.brevoAttributeTypes,
    });
    const current: CurrentContact[] = [];
    for await (const c of sync.brevo.iterateContacts()) {
      if (c.email) current.push({ email: c.email, extId: typeof c.attributes.EXT_ID === 'string' ? c.attributes.EXT_ID : null, attributes: c.attributes, listIds: c.listIds });
      if (current.length >= BREVO_CONTACTS_CAP) break;
    }
    const diff = diffContacts(current, [...plan.writes, ...plan.unchanged, ...plan.skipped], { sampleSize: 3 });
    const names = new Map((await cachedBrevoRead(companyId, 'lists', () => sync.brevo.getLists())).map((l) => [l.id, l.name]));
    return {
      personsChecked: persons.length,
      allPersons: !more,
      totals: diff.totals,
      lists: diff.lists.filter((l) => l.joining + l.leaving > 0).map((l) => ({ ...l, name: names.get(l.listId) ?? null })),
      attributes: diff.attributes.filter((a) => a.changing > 0),
      skipped: diff.skipped.map((s) => ({ reason: s.reason, count: s.count, samples: s.samples.map((x) => `${x.entity} ${x.entityId}: ${x.detail}`) })),
    };
  });
}

/** Sections whose change alters contacts (and so deserve a dry run); event rules and the like do not. */
export function changesContacts(patch: Partial<Record<keyof SyncConfig, unknown>>): boolean {
  return ['personMapping', 'lists', 'stageRules', 'sync', 'defaultPhoneCountry', 'defaultCurrency', 'enabled'].some((k) => k in patch);
}
