import { computePersonDealStats, type PersonDealStats } from './compute-person-deal-stats';
import { EMAIL_TARGET, type SyncConfig } from './config';
import { contactHash } from './contact-hash';
import { convertCustomFieldValue, type BrevoAttributeType, type ConversionContext } from './convert-custom-field-value';
import { formatPersonSource, type PersonSource } from './mapping-source';
import { normalizePhone, selectPrimaryPhone } from './normalize-phone';
import { BREVO_PHONE_ATTRIBUTES } from './brevo-names';
import { planListMembership, type ListMembershipPlan } from './plan-list-membership';
import { selectPrimaryEmail } from './select-primary-email';
import type {
  AttributeValue,
  Attributes,
  ContactUpsert,
  FieldDefinition,
  PipedriveDeal,
  PipedriveLead,
  PipedriveOrganization,
  PipedrivePerson,
  SkipOperation,
  SyncWarning,
} from './types';

export interface PersonContactInput {
  person: PipedrivePerson;
  /** The person's organization, when they have one and it was fetched. */
  organization?: PipedriveOrganization | null;
  /** Deals whose person_id is this person. */
  deals: readonly PipedriveDeal[];
  leads?: readonly PipedriveLead[];
  personFields: readonly FieldDefinition[];
  config: SyncConfig;
  /** What the link record knows about the Brevo contact; a new contact has neither. */
  membership?: { previousLists: readonly number[]; blocklisted: boolean };
  /** Types of the Brevo attributes, from `GET /contacts/attributes`, when the caller has them. */
  brevoAttributeTypes?: Readonly<Record<string, BrevoAttributeType>>;
  references?: ConversionContext['references'];
  /** Exchange rates into config.defaultCurrency, see computePersonDealStats. */
  rates?: Readonly<Record<string, number>>;
}

const indexes = new WeakMap<readonly FieldDefinition[], ReadonlyMap<string, FieldDefinition>>();

/**
 * Field definitions by key, built once per definitions array: a backfill maps every person
 * against the same few hundred fields, and a linear search per value would dominate the run.
 */
function fieldIndex(fields: readonly FieldDefinition[]): ReadonlyMap<string, FieldDefinition> {
  let index = indexes.get(fields);
  if (index === undefined) {
    index = new Map(fields.map((field) => [field.field_key, field]));
    indexes.set(fields, index);
  }
  return index;
}

/** The contact's `ext_id`: the Pipedrive person id, so the writer can find it by `identifierType=ext_id`. */
export function personExtId(personId: number): string {
  return `pd_person_${personId}`;
}

function skip(person: PipedrivePerson, reason: SkipOperation['reason'], detail: string, warnings: SyncWarning[]): SkipOperation {
  return { kind: 'skip', entity: 'person', entityId: person.id, reason, detail, warnings };
}

/** Timestamps go to Brevo date attributes as `YYYY-MM-DD`; text attributes keep the full value. */
function timeValue(value: string | null | undefined, type: BrevoAttributeType | undefined): AttributeValue {
  if (value === null || value === undefined || value === '') return null;
  return type === 'date' ? value.slice(0, 10) : value;
}

/**
 * Turns one Pipedrive person (with their organization, deals and leads) into the Brevo contact
 * write that the configuration asks for, or into a skip that says why nothing can be written.
 * Problems with single values (a bad phone, an unknown option) become warnings and leave that
 * attribute out; they never cost the whole record.
 */
export function mapPersonToContact(input: PersonContactInput): ContactUpsert | SkipOperation {
  const { person, config } = input;
  if (!config.sync.persons) {
    return skip(person, 'sync_disabled', 'person sync is switched off in the configuration', []);
  }
  if (person.is_deleted) return skip(person, 'deleted', 'the person is deleted in Pipedrive', []);

  const email = selectPrimaryEmail(person.emails, person.id);
  if (!email.ok) return skip(person, 'no_email', email.detail, email.warnings);

  const warnings: SyncWarning[] = [...email.warnings];
  const attributes: Attributes = {};
  let stats: PersonDealStats | undefined;
  const dealStats = (): PersonDealStats => {
    stats ??= computePersonDealStats(config.sync.deals ? input.deals : [], {
      currency: config.defaultCurrency,
      ...(input.rates === undefined ? {} : { rates: input.rates }),
    });
    return stats;
  };

  const read = (source: PersonSource, attribute: string): AttributeValue | undefined => {
    const type = input.brevoAttributeTypes?.[attribute];
    switch (source.kind) {
      case 'standard':
        switch (source.field) {
          case 'email':
            return email.email;
          case 'other_emails':
            if (email.otherEmails.length === 0) return null;
            return type === 'multiple-choice' ? email.otherEmails : email.otherEmails.join(', ');
          case 'phone': {
            const phone = selectPrimaryPhone(person.phones, config.defaultPhoneCountry);
            warnings.push(...phone.warnings.map((warning) => ({ ...warning, field: 'phone' })));
            // An invalid number leaves the attribute alone rather than erasing a good one in Brevo.
            return phone.warnings.length > 0 ? undefined : phone.phone;
          }
          case 'id':
            return person.id;
          case 'owner_id':
            return person.owner_id ?? null;
          case 'org_id':
            return person.org_id ?? null;
          case 'birthday':
            return person.birthday ? person.birthday.slice(0, 10) : null;
          case 'add_time':
          case 'update_time':
            return timeValue(person[source.field], type);
          case 'name':
          case 'first_name':
          case 'last_name':
          case 'job_title':
            return person[source.field]?.trim() || null;
        }
        break;
      case 'organization': {
        if (person.org_id === null || person.org_id === undefined) return null;
        const org = input.organization;
        if (org === null || org === undefined || org.id !== person.org_id) {
          warnings.push({
            code: 'organization_missing',
            message: `organization ${person.org_id} was not loaded, so org_id.${source.field} was left unchanged`,
            field: formatPersonSource(source),
          });
          return undefined;
        }
        if (source.field === 'name') return org.name;
        if (source.field === 'website') return org.website ?? null;
        return org.address?.formatted_address ?? org.address?.value ?? null;
      }
      case 'computed': {
        const s = dealStats();
        switch (source.field) {
          case 'won_deals_count':
            return s.won;
          case 'lost_deals_count':
            return s.lost;
          case 'open_deals_count':
            return s.open;
          case 'closed_deals_count':
            return s.closed;
          case 'total_revenue':
            return s.revenue;
        }
        break;
      }
      case 'custom': {
        const field = fieldIndex(input.personFields).get(source.key);
        if (field === undefined) {
          warnings.push({
            code: 'custom_field_unknown',
            message: `no person field has the key ${source.key}; use the field key (a 40-character hash), not its name`,
            field: formatPersonSource(source),
          });
          return undefined;
        }
        const result = convertCustomFieldValue(field, person.custom_fields[source.key], {
          attribute,
          defaultPhoneCountry: config.defaultPhoneCountry,
          ...(type === undefined ? {} : { targetType: type }),
          ...(input.references === undefined ? {} : { references: input.references }),
        });
        warnings.push(...result.warnings);
        return result.value;
      }
    }
  };

  for (const entry of config.personMapping) {
    if (entry.attribute === EMAIL_TARGET) continue;
    let value = read(entry.source, entry.attribute);
    // Whatever the source, a phone identifier attribute only ever receives a valid E.164
    // number: Brevo rejects the whole contact otherwise.
    if (typeof value === 'string' && BREVO_PHONE_ATTRIBUTES.has(entry.attribute)) {
      const phone = normalizePhone(value, config.defaultPhoneCountry, formatPersonSource(entry.source));
      if (phone.ok) value = phone.phone;
      else {
        warnings.push(phone.warning);
        value = undefined;
      }
    }
    if (value !== undefined) attributes[entry.attribute] = value;
  }

  if (stats !== undefined && Object.keys(stats.unconvertedRevenue).length > 0) {
    const other = Object.entries(stats.unconvertedRevenue)
      .map(([currency, amount]) => `${amount} ${currency}`)
      .join(', ');
    warnings.push({
      code: 'currency_not_converted',
      message: `won deals worth ${other} are not in ${config.defaultCurrency} and have no exchange rate; total_revenue leaves them out`,
      field: 'total_revenue',
    });
  }

  const membership: ListMembershipPlan = planListMembership({
    deals: input.deals,
    leads: input.leads ?? [],
    config,
    previousLists: input.membership?.previousLists ?? [],
    blocklisted: input.membership?.blocklisted ?? false,
  });

  const extId = personExtId(person.id);
  return {
    kind: 'contact.upsert',
    personId: person.id,
    email: email.email,
    extId,
    attributes,
    lists: membership.lists,
    listIds: membership.add,
    unlinkListIds: membership.remove,
    blocklisted: membership.blocklisted,
    hash: contactHash({ email: email.email, extId, attributes, lists: membership.lists }),
    warnings: warnings.map((warning) => ({ ...warning, entity: 'person', entityId: person.id })),
  };
}
