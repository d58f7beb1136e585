import 'server-only';
import { brevoClientForCompany } from '../accounts/brevo-connection';
import { pipedriveForCompany } from '../engine/pipedrive-access';
import { AppError } from '../errors';
import type { FieldDefinition as PipedriveField } from '../pipedrive';
import { organizationSourceOptions, personSourceOptions, type CustomFieldInfo, type SourceOption } from './attribute-compatibility';
import { cachedBrevoRead } from './brevo-catalog-cache';
import { withVendorErrors } from './vendor-error';

export interface ContactAttributeInfo {
  name: string;
  type?: string;
  category: string;
}

export interface CompanyAttributeInfo {
  internalName: string;
  label: string;
  attributeTypeName: string;
}

/** Everything the field-mapping editor offers: Pipedrive sources on one side, Brevo attributes on the other. */
export interface MappingCatalog {
  personSources: SourceOption[];
  organizationSources: SourceOption[];
  contactAttributes: ContactAttributeInfo[];
  companyAttributes: CompanyAttributeInfo[];
}

export function customFieldsOf(fields: readonly PipedriveField[]): CustomFieldInfo[] {
  return fields
    .filter((f) => f.is_custom_field)
    .map((f) => ({ key: f.field_code, name: f.field_name, fieldType: f.field_type, options: (f.options ?? []).map((o) => o.label) }));
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

export function requireBrevo<T>(client: T | null): T {
  if (client === null) throw new AppError('brevo_not_connected', 'Connect Brevo first (Overview → Brevo): the editor needs your Brevo attributes and lists.', 409);
  return client;
}

/**
 * Reads the company's Pipedrive field definitions and Brevo attributes in parallel. Both are
 * live reads (fields change in Pipedrive, attributes in Brevo), never cached copies that go stale.
 */
export async function loadMappingCatalog(companyId: string): Promise<MappingCatalog> {
  const brevo = requireBrevo(await brevoClientForCompany(companyId));
  const [personFields, orgFields] = await withVendorErrors('read your Pipedrive fields', async () => {
    const pipedrive = await pipedriveForCompany(companyId);
    return Promise.all([collect(pipedrive.fields('person')), collect(pipedrive.fields('organization'))]);
  });
  const [contactAttributes, companyAttributes] = await withVendorErrors('read your Brevo attributes', () => Promise.all([cachedBrevoRead(companyId, 'attributes', () => brevo.getAttributes()), cachedBrevoRead(companyId, 'companyAttributes', () => brevo.getCompanyAttributes())]));
  return {
    personSources: personSourceOptions(customFieldsOf(personFields)),
    organizationSources: organizationSourceOptions(customFieldsOf(orgFields)),
    contactAttributes: contactAttributes.map((a) => ({ name: a.name, ...(a.type ? { type: a.type } : {}), category: a.category })).sort((a, b) => a.name.localeCompare(b.name)),
    companyAttributes: companyAttributes.map((a) => ({ internalName: a.internalName, label: a.label, attributeTypeName: a.attributeTypeName })),
  };
}
