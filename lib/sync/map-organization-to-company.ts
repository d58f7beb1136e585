import { contentHash } from './contact-hash';
import type { SyncConfig } from './config';
import { convertCustomFieldValue, type ConversionContext } from './convert-custom-field-value';
import { formatOrganizationSource } from './mapping-source';
import type { CompanyUpsert, FieldDefinition, PipedriveOrganization, SkipOperation, SyncWarning } from './types';

export interface OrganizationCompanyInput {
  organization: PipedriveOrganization;
  organizationFields: readonly FieldDefinition[];
  config: SyncConfig;
  references?: ConversionContext['references'];
}

type CompanyValue = string | number | boolean | null;

/** `https://www.acme.com/about` → `acme.com`: Brevo's `domain` attribute holds a bare domain. */
export function websiteToDomain(website: string): string | null {
  const text = website.trim();
  if (text === '') return null;
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
    return url.hostname.replace(/^www\./, '') || null;
  } catch {
    return null;
  }
}

/**
 * Turns a Pipedrive organization into a Brevo company write. Brevo has no upsert by external
 * key for companies, so the writer keeps the org id → company id link; `hash` lets it skip
 * writes that would change nothing, which matters because companies live in Brevo's slowest
 * rate bucket (100 requests an hour on general plans).
 */
export function mapOrganizationToCompany(input: OrganizationCompanyInput): CompanyUpsert | SkipOperation {
  const { organization: org, config } = input;
  if (!config.sync.organizations) {
    return {
      kind: 'skip',
      entity: 'organization',
      entityId: org.id,
      reason: 'sync_disabled',
      detail: 'organization sync is switched off in the configuration',
      warnings: [],
    };
  }
  if (org.is_deleted) {
    return {
      kind: 'skip',
      entity: 'organization',
      entityId: org.id,
      reason: 'deleted',
      detail: 'the organization is deleted in Pipedrive',
      warnings: [],
    };
  }
  const warnings: SyncWarning[] = [];
  const attributes: Record<string, CompanyValue> = {};
  for (const entry of config.organizationMapping) {
    const source = entry.source;
    let value: CompanyValue | undefined;
    if (source.kind === 'standard') {
      switch (source.field) {
        case 'address':
          value = org.address?.formatted_address ?? org.address?.value ?? null;
          break;
        case 'website':
          value = org.website ? (entry.attribute === 'domain' ? websiteToDomain(org.website) : org.website) : null;
          break;
        default:
          value = org[source.field] ?? null;
      }
    } else {
      const field = input.organizationFields.find((candidate) => candidate.field_key === source.key);
      if (field === undefined) {
        warnings.push({
          code: 'custom_field_unknown',
          message: `no organization field has the key ${source.key}; use the field key, not its name`,
          field: formatOrganizationSource(source),
        });
        continue;
      }
      const result = convertCustomFieldValue(field, org.custom_fields[source.key], {
        defaultPhoneCountry: config.defaultPhoneCountry,
        ...(input.references === undefined ? {} : { references: input.references }),
      });
      warnings.push(...result.warnings);
      // Company attributes take no lists: multiple labels were already joined as text.
      value = Array.isArray(result.value) ? result.value.join(', ') : result.value;
    }
    if (value !== undefined) attributes[entry.attribute] = value;
  }
  // `name` is required by POST /companies, whatever the mapping says.
  const name = typeof attributes.name === 'string' && attributes.name !== '' ? attributes.name : org.name;
  return {
    kind: 'company.upsert',
    orgId: org.id,
    name,
    attributes,
    hash: contentHash({ v: 1, name, attributes }),
    warnings: warnings.map((warning) => ({ ...warning, entity: 'organization', entityId: org.id })),
  };
}
