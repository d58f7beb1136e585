// Imported module by module, not from the lib/sync barrel: the mapping editor runs this in the
// browser and the barrel would bring the whole sync core (and libphonenumber's metadata) along.
import { BREVO_PHONE_ATTRIBUTES } from '../sync/brevo-names';
import {
  computedPersonFields,
  formatOrganizationSource,
  formatPersonSource,
  personOrganizationFields,
  standardOrganizationFields,
  standardPersonFields,
} from '../sync/mapping-source';

/** The contact's email identifier target; equals EMAIL_TARGET of lib/sync/config (unit-tested). */
export const EMAIL_TARGET = 'email';

/**
 * What kind of value a mapping source produces once converted for Brevo. It mirrors the types
 * planAttributeProvisioning (lib/sync) creates attributes with, so that what the editor allows
 * is exactly what the sync can write without Brevo dropping the value.
 */
export type SourceValueType = 'text' | 'float' | 'date' | 'boolean' | 'multiple-choice';

export interface SourceOption {
  /** The source as the configuration writes it (`first_name`, `org_id.name`, `custom_fields.<key>`). */
  value: string;
  label: string;
  group: 'Standard fields' | 'Organization of the person' | 'Computed from deals' | 'Custom fields';
  /** Pipedrive's field type (`varchar`, `double`, `enum`…), or `computed`. */
  fieldType: string;
  /** Pipedrive's key (the 40-character hash for custom fields). */
  key: string;
  valueType: SourceValueType;
  /** Options of set fields, needed to create a multiple-choice attribute. */
  options: string[];
  isPhone: boolean;
  isEmail: boolean;
}

const standardPersonLabels: Record<(typeof standardPersonFields)[number], [label: string, fieldType: string, valueType: SourceValueType]> = {
  id: ['ID', 'int', 'float'],
  name: ['Name', 'varchar', 'text'],
  first_name: ['First name', 'varchar', 'text'],
  last_name: ['Last name', 'varchar', 'text'],
  email: ['Email (primary)', 'email', 'text'],
  other_emails: ['Other emails', 'email', 'text'],
  phone: ['Phone (primary)', 'phone', 'text'],
  job_title: ['Job title', 'varchar', 'text'],
  birthday: ['Birthday', 'date', 'date'],
  owner_id: ['Owner', 'user', 'float'],
  org_id: ['Organization ID', 'org', 'float'],
  add_time: ['Person created', 'date', 'date'],
  update_time: ['Person updated', 'date', 'date'],
};

const personOrgLabels: Record<(typeof personOrganizationFields)[number], string> = { name: 'Organization name', address: 'Organization address', website: 'Organization website' };

const computedLabels: Record<(typeof computedPersonFields)[number], string> = {
  won_deals_count: 'Won deals (count)',
  lost_deals_count: 'Lost deals (count)',
  open_deals_count: 'Open deals (count)',
  closed_deals_count: 'Closed deals (count)',
  total_revenue: 'Lifetime revenue (won deals)',
};

const standardOrgLabels: Record<(typeof standardOrganizationFields)[number], [label: string, fieldType: string, valueType: SourceValueType]> = {
  id: ['ID', 'int', 'float'],
  name: ['Name', 'varchar', 'text'],
  address: ['Address', 'address', 'text'],
  website: ['Website', 'varchar', 'text'],
  industry: ['Industry', 'enum', 'text'],
  employee_count: ['Number of employees', 'int', 'float'],
  annual_revenue: ['Annual revenue', 'monetary', 'float'],
  owner_id: ['Owner', 'user', 'float'],
  add_time: ['Organization created', 'date', 'date'],
  update_time: ['Organization updated', 'date', 'date'],
};

/** A custom field definition as the editor needs it (from Pipedrive's Fields API). */
export interface CustomFieldInfo {
  key: string;
  name: string;
  fieldType: string;
  options: string[];
}

/** Same rule as planAttributeProvisioning's typeForCustomField. */
export function valueTypeOfCustomField(fieldType: string): SourceValueType {
  switch (fieldType) {
    case 'double':
    case 'int':
    case 'monetary':
      return 'float';
    case 'date':
      return 'date';
    case 'boolean':
      return 'boolean';
    case 'set':
      return 'multiple-choice';
    default:
      return 'text';
  }
}

/** Every source a person mapping can use: standard, the person's organization, computed, custom. */
export function personSourceOptions(customFields: readonly CustomFieldInfo[]): SourceOption[] {
  const standard = standardPersonFields.map((field): SourceOption => {
    const [label, fieldType, valueType] = standardPersonLabels[field];
    return { value: formatPersonSource({ kind: 'standard', field }), label, group: 'Standard fields', fieldType, key: field, valueType, options: [], isPhone: field === 'phone', isEmail: field === 'email' };
  });
  const org = personOrganizationFields.map((field): SourceOption => ({
    value: formatPersonSource({ kind: 'organization', field }),
    label: personOrgLabels[field],
    group: 'Organization of the person',
    fieldType: field === 'address' ? 'address' : 'varchar',
    key: `org_id.${field}`,
    valueType: 'text',
    options: [],
    isPhone: false,
    isEmail: false,
  }));
  const computed = computedPersonFields.map((field): SourceOption => ({
    value: formatPersonSource({ kind: 'computed', field }),
    label: computedLabels[field],
    group: 'Computed from deals',
    fieldType: 'computed',
    key: field,
    valueType: 'float',
    options: [],
    isPhone: false,
    isEmail: false,
  }));
  const custom = customFields.map((f): SourceOption => ({
    value: formatPersonSource({ kind: 'custom', key: f.key }),
    label: f.name,
    group: 'Custom fields',
    fieldType: f.fieldType,
    key: f.key,
    valueType: valueTypeOfCustomField(f.fieldType),
    options: f.options,
    isPhone: f.fieldType === 'phone',
    isEmail: false,
  }));
  return [...standard, ...org, ...computed, ...custom];
}

export function organizationSourceOptions(customFields: readonly CustomFieldInfo[]): SourceOption[] {
  const standard = standardOrganizationFields.map((field): SourceOption => {
    const [label, fieldType, valueType] = standardOrgLabels[field];
    return { value: formatOrganizationSource({ kind: 'standard', field }), label, group: 'Standard fields', fieldType, key: field, valueType, options: [], isPhone: false, isEmail: false };
  });
  const custom = customFields.map((f): SourceOption => ({
    value: formatOrganizationSource({ kind: 'custom', key: f.key }),
    label: f.name,
    group: 'Custom fields',
    fieldType: f.fieldType,
    key: f.key,
    valueType: valueTypeOfCustomField(f.fieldType),
    options: f.options,
    isPhone: false,
    isEmail: false,
  }));
  return [...standard, ...custom];
}

/** Which Brevo contact attribute types hold each value type (as planAttributeProvisioning checks). */
const contactCompatible: Record<SourceValueType, readonly string[]> = {
  text: ['text'],
  float: ['float', 'text'],
  date: ['date', 'text'],
  boolean: ['boolean', 'text'],
  'multiple-choice': ['multiple-choice', 'text'],
};

/** Brevo company attribute types (`attributeTypeName`) that hold each value type. */
const companyCompatible: Record<SourceValueType, readonly string[]> = {
  text: ['text'],
  float: ['number', 'text'],
  date: ['date', 'text'],
  boolean: ['boolean', 'text'],
  'multiple-choice': ['multi-choice', 'text'],
};

const typeWords: Record<string, string> = {
  text: 'text',
  float: 'a number',
  number: 'a number',
  date: 'a date',
  boolean: 'yes/no',
  'multiple-choice': 'a list of options',
  'multi-choice': 'a list of options',
  category: 'a category (numeric option ids)',
  'single-select': 'a single option',
  user: 'a Brevo user',
  id: 'an id',
};

const word = (type: string) => typeWords[type] ?? type;

export type Compatibility = { ok: true } | { ok: false; reason: string };

/**
 * Whether a contact attribute can receive a source's values, and if not, why, in words an admin
 * understands. Brevo silently drops values of the wrong type, so these pairs are refused in the
 * editor rather than discovered as empty attributes later.
 */
export function contactAttributeCompatibility(source: Pick<SourceOption, 'valueType' | 'isPhone' | 'isEmail' | 'label'>, attribute: { name: string; type?: string | undefined; category?: string | undefined }): Compatibility {
  if (attribute.name === EMAIL_TARGET) {
    return source.isEmail && source.label !== 'Other emails' ? { ok: true } : { ok: false, reason: "Only the person's primary email can fill the contact's email address (it identifies the contact)." };
  }
  if (attribute.category !== undefined && attribute.category !== 'normal') {
    return { ok: false, reason: `${attribute.name} is a ${attribute.category} attribute; Pipebridge only writes normal contact attributes.` };
  }
  if (BREVO_PHONE_ATTRIBUTES.has(attribute.name) && !source.isPhone) {
    return { ok: false, reason: `${attribute.name} holds phone numbers and Brevo rejects the contact when it is not one; pick a phone field.` };
  }
  if (attribute.type === undefined) return { ok: true };
  if (contactCompatible[source.valueType].includes(attribute.type)) return { ok: true };
  return { ok: false, reason: `${attribute.name} holds ${word(attribute.type)}, but ${source.label} gives ${word(source.valueType)}; Brevo would drop the values.` };
}

export function companyAttributeCompatibility(source: Pick<SourceOption, 'valueType' | 'label'>, attribute: { internalName: string; attributeTypeName: string }): Compatibility {
  if (companyCompatible[source.valueType].includes(attribute.attributeTypeName)) return { ok: true };
  return { ok: false, reason: `${attribute.internalName} holds ${word(attribute.attributeTypeName)}, but ${source.label} gives ${word(source.valueType)}; Brevo would refuse the company.` };
}

/** The Brevo type a new contact attribute for this source is created with, and the alternatives. */
export function creatableContactTypes(valueType: SourceValueType): SourceValueType[] {
  return contactCompatible[valueType].filter((t): t is SourceValueType => t in contactCompatible);
}

export type CompanyAttributeType = 'text' | 'number' | 'date' | 'boolean' | 'multi-choice';
export function creatableCompanyTypes(valueType: SourceValueType): CompanyAttributeType[] {
  return companyCompatible[valueType] as CompanyAttributeType[];
}
