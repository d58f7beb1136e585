import type { SyncConfig } from './config';
import type { BrevoAttributeType, ConversionContext } from './convert-custom-field-value';
import { mapPersonToContact } from './map-person-to-contact';
import type {
  ContactUpsert,
  FieldDefinition,
  PipedriveDeal,
  PipedriveLead,
  PipedriveOrganization,
  PipedrivePerson,
  SkipOperation,
} from './types';

/** What the app remembers about a person's Brevo contact after its last write. */
export interface ContactLink {
  personId: number;
  /** contactHash of the last successful write, null if never written. */
  lastHash: string | null;
  /** Lists the app put the contact in. */
  lists: readonly number[];
  blocklisted: boolean;
}

export interface ContactSyncInput {
  persons: readonly PipedrivePerson[];
  organizations: readonly PipedriveOrganization[];
  deals: readonly PipedriveDeal[];
  leads: readonly PipedriveLead[];
  personFields: readonly FieldDefinition[];
  config: SyncConfig;
  links: ReadonlyMap<number, ContactLink>;
  brevoAttributeTypes?: Readonly<Record<string, BrevoAttributeType>>;
  references?: ConversionContext['references'];
  rates?: Readonly<Record<string, number>>;
}

export interface ContactSyncPlan {
  /** Contacts whose Brevo state would change: write these. */
  writes: ContactUpsert[];
  /** Contacts whose hash equals the last write: nothing to send. */
  unchanged: ContactUpsert[];
  skipped: SkipOperation[];
}

function groupByPerson<T>(items: readonly T[], personOf: (item: T) => number | null | undefined): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const personId = personOf(item);
    if (personId === null || personId === undefined) continue;
    const group = groups.get(personId);
    if (group === undefined) groups.set(personId, [item]);
    else group.push(item);
  }
  return groups;
}

/**
 * Plans the contact writes for a page (or a whole backfill) of persons: joins each person with
 * their organization, deals and leads, maps them, and separates real changes from writes whose
 * hash matches the last one. Re-running a sync over unchanged data therefore sends nothing,
 * which keeps within Brevo's contact budget and stops echo loops.
 */
export function planContactSync(input: ContactSyncInput): ContactSyncPlan {
  const dealsByPerson = groupByPerson(input.deals, (deal) => deal.person_id);
  const leadsByPerson = groupByPerson(input.leads, (lead) => lead.person_id);
  const organizations = new Map(input.organizations.map((org) => [org.id, org]));
  const plan: ContactSyncPlan = { writes: [], unchanged: [], skipped: [] };
  for (const person of input.persons) {
    const link = input.links.get(person.id);
    const result = mapPersonToContact({
      person,
      organization: person.org_id === null || person.org_id === undefined ? null : (organizations.get(person.org_id) ?? null),
      deals: dealsByPerson.get(person.id) ?? [],
      leads: leadsByPerson.get(person.id) ?? [],
      personFields: input.personFields,
      config: input.config,
      ...(link === undefined ? {} : { membership: { previousLists: link.lists, blocklisted: link.blocklisted } }),
      ...(input.brevoAttributeTypes === undefined ? {} : { brevoAttributeTypes: input.brevoAttributeTypes }),
      ...(input.references === undefined ? {} : { references: input.references }),
      ...(input.rates === undefined ? {} : { rates: input.rates }),
    });
    if (result.kind === 'skip') plan.skipped.push(result);
    else if (link?.lastHash === result.hash) plan.unchanged.push(result);
    else plan.writes.push(result);
  }
  return plan;
}
