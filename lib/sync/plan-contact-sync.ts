import type { SyncConfig } from './config';
import type { BrevoAttributeType, ConversionContext } from './convert-custom-field-value';
import { contactHash } from './contact-hash';
import { mapPersonToContact } from './map-person-to-contact';
import type {
  ContactUpsert,
  FieldDefinition,
  PipedriveDeal,
  PipedriveLead,
  PipedriveOrganization,
  PipedrivePerson,
  SkipOperation,
  SyncWarning,
  WarningOperation,
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
  /**
   * Problems with the configuration itself (a mapped custom field key no field has), reported
   * once per batch instead of once per person, where they would drown the real record warnings.
   */
  warnings: WarningOperation[];
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
 * which keeps within Brevo's contact budget and stops echo loops. Collisions are resolved
 * within the batch only; across batches the writer's link table has to catch them.
 */
export function planContactSync(input: ContactSyncInput): ContactSyncPlan {
  const dealsByPerson = groupByPerson(input.deals, (deal) => deal.person_id);
  const leadsByPerson = groupByPerson(input.leads, (lead) => lead.person_id);
  const organizations = new Map(input.organizations.map((org) => [org.id, org]));
  const plan: ContactSyncPlan = { writes: [], unchanged: [], skipped: [], warnings: [] };
  const configProblems = new Map<string, SyncWarning>();
  const liftConfigWarnings = <T extends { warnings: SyncWarning[] }>(operation: T): T => {
    const own = operation.warnings.filter((warning) => {
      if (warning.code !== 'custom_field_unknown') return true;
      const { entity: _entity, entityId: _entityId, ...general } = warning;
      configProblems.set(warning.field ?? warning.message, general);
      return false;
    });
    return { ...operation, warnings: own };
  };
  const mapped: ContactUpsert[] = [];
  // Lowest id first: when two persons collide, the older record wins, and it keeps winning on
  // every run instead of flip-flopping with whichever was edited last.
  const persons = [...input.persons].sort((a, b) => a.id - b.id);
  for (const person of persons) {
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
    if (result.kind === 'skip') plan.skipped.push(liftConfigWarnings(result));
    else mapped.push(liftConfigWarnings(result));
  }
  plan.warnings = [...configProblems.values()].map((warning) => ({ kind: 'warning', warning }));
  for (const contact of resolveCollisions(mapped, plan.skipped)) {
    if (input.links.get(contact.personId)?.lastHash === contact.hash) plan.unchanged.push(contact);
    else plan.writes.push(contact);
  }
  return plan;
}

/**
 * Brevo identifies contacts by email and also requires SMS numbers to be unique, so two
 * Pipedrive persons sharing either would overwrite each other or fail. Within the batch, the
 * first person keeps the email (the others are skipped, with the fix: merge them in
 * Pipedrive) and the first keeps the number (the others are written without SMS).
 */
function resolveCollisions(contacts: readonly ContactUpsert[], skipped: SkipOperation[]): ContactUpsert[] {
  const emailOwner = new Map<string, number>();
  const phoneOwner = new Map<string, number>();
  const kept: ContactUpsert[] = [];
  for (const contact of contacts) {
    const owner = emailOwner.get(contact.email);
    if (owner !== undefined) {
      skipped.push({
        kind: 'skip',
        entity: 'person',
        entityId: contact.personId,
        reason: 'duplicate_email',
        detail: `person ${owner} has the same email (${contact.email}) and is synced instead; merge the two persons in Pipedrive`,
        warnings: contact.warnings,
      });
      continue;
    }
    emailOwner.set(contact.email, contact.personId);
    const sms = contact.attributes.SMS;
    const phoneHolder = typeof sms === 'string' ? phoneOwner.get(sms) : undefined;
    if (typeof sms === 'string' && phoneHolder === undefined) phoneOwner.set(sms, contact.personId);
    if (phoneHolder === undefined) {
      kept.push(contact);
      continue;
    }
    const attributes = { ...contact.attributes };
    delete attributes.SMS;
    kept.push({
      ...contact,
      attributes,
      hash: contactHash({ email: contact.email, extId: contact.extId, attributes, lists: contact.lists }),
      warnings: [
        ...contact.warnings,
        {
          code: 'phone_duplicate',
          message: `person ${phoneHolder} already uses ${String(sms)} as SMS number, which Brevo requires to be unique; this contact was written without it`,
          entity: 'person',
          entityId: contact.personId,
          field: 'SMS',
        },
      ],
    });
  }
  return kept;
}
