import { EMAIL_TARGET, type SyncConfig } from './config';
import type { BrevoAttributeType } from './convert-custom-field-value';
import { formatPersonSource, type PersonSource } from './mapping-source';
import type { FieldDefinition } from './types';

/** The types the app creates contact attributes with (`POST /contacts/attributes/normal/{name}`). */
export type ProvisionedType = 'text' | 'date' | 'float' | 'boolean' | 'multiple-choice';

export interface RequiredAttribute {
  name: string;
  type: ProvisionedType;
  /** For multiple-choice attributes: the option labels (`multiCategoryOptions`). */
  options: string[];
  /** The mapping sources that fill it, for messages. */
  sources: string[];
}

export interface AttributeProvisioningPlan {
  /** Attributes to create before the first contact write. */
  create: RequiredAttribute[];
  /** Options missing from existing multiple-choice attributes (values outside them are dropped by Brevo). */
  addOptions: { name: string; options: string[] }[];
  /** Existing attributes whose type will not hold the mapped values; a person must decide. */
  conflicts: { name: string; expected: ProvisionedType; actual: BrevoAttributeType; message: string }[];
}

/** Attributes every Brevo account has; they are never created by the app. */
const BUILT_IN = new Set(['EMAIL', 'SMS', 'FIRSTNAME', 'LASTNAME', 'WHATSAPP', 'LANDLINE_NUMBER', 'EXT_ID']);

function typeForCustomField(field: FieldDefinition | undefined): { type: ProvisionedType; options: string[] } {
  switch (field?.field_type) {
    case 'double':
    case 'int':
    case 'monetary':
      return { type: 'float', options: [] };
    case 'date':
      return { type: 'date', options: [] };
    case 'boolean':
      return { type: 'boolean', options: [] };
    case 'set':
      // Multiple-choice keeps each label filterable in Brevo segments; it needs its options up front.
      return { type: 'multiple-choice', options: field.options.map((option) => option.label) };
    default:
      // Enums become text rather than Brevo "category" attributes, which take numeric ids that
      // would have to be kept in step with Pipedrive's options.
      return { type: 'text', options: [] };
  }
}

function typeForSource(source: PersonSource, personFields: readonly FieldDefinition[]): { type: ProvisionedType; options: string[] } {
  switch (source.kind) {
    case 'computed':
      return { type: 'float', options: [] };
    case 'organization':
      return { type: 'text', options: [] };
    case 'custom':
      return typeForCustomField(personFields.find((field) => field.field_key === source.key));
    case 'standard':
      switch (source.field) {
        case 'id':
        case 'owner_id':
        case 'org_id':
          return { type: 'float', options: [] };
        case 'birthday':
        case 'add_time':
        case 'update_time':
          return { type: 'date', options: [] };
        default:
          return { type: 'text', options: [] };
      }
  }
}

/** Which existing Brevo types can hold values the app writes for each provisioned type. */
const compatible: Record<ProvisionedType, readonly BrevoAttributeType[]> = {
  text: ['text'],
  float: ['float', 'text'],
  date: ['date', 'text'],
  boolean: ['boolean', 'text'],
  'multiple-choice': ['multiple-choice', 'text'],
};

/**
 * Works out the Brevo contact attributes the person mapping needs and compares them with the
 * account's (`GET /contacts/attributes`). Brevo silently drops values for attributes that do
 * not exist or whose type does not match, so this runs before the first write: missing
 * attributes are created, existing ones are only ever reported, never changed.
 */
export function planAttributeProvisioning(
  config: Pick<SyncConfig, 'personMapping'>,
  personFields: readonly FieldDefinition[],
  existing: readonly { name: string; type?: BrevoAttributeType | undefined; multiCategoryOptions?: readonly string[] | undefined }[],
): AttributeProvisioningPlan {
  const required = new Map<string, RequiredAttribute>();
  for (const entry of config.personMapping) {
    if (entry.attribute === EMAIL_TARGET || BUILT_IN.has(entry.attribute)) continue;
    const { type, options } = typeForSource(entry.source, personFields);
    const attribute = required.get(entry.attribute) ?? { name: entry.attribute, type, options, sources: [] };
    attribute.sources.push(formatPersonSource(entry.source));
    required.set(entry.attribute, attribute);
  }

  const plan: AttributeProvisioningPlan = { create: [], addOptions: [], conflicts: [] };
  const existingByName = new Map(existing.map((attribute) => [attribute.name.toUpperCase(), attribute]));
  for (const attribute of required.values()) {
    const found = existingByName.get(attribute.name);
    if (found === undefined) {
      plan.create.push(attribute);
      continue;
    }
    if (found.type === undefined) continue;
    if (attribute.type === 'multiple-choice' && found.type === 'multiple-choice') {
      const missing = missingMultipleChoiceOptions(attribute, found.multiCategoryOptions ?? []);
      if (missing.length > 0) plan.addOptions.push({ name: attribute.name, options: missing });
    } else if (!compatible[attribute.type].includes(found.type)) {
      plan.conflicts.push({
        name: attribute.name,
        expected: attribute.type,
        actual: found.type,
        message: `Brevo attribute ${attribute.name} is of type ${found.type}, but ${attribute.sources.join(', ')} needs ${attribute.type}; map to another attribute or change it in Brevo`,
      });
    }
  }
  return plan;
}

/** Options a multiple-choice attribute lacks; Brevo compares labels without regard to case. */
export function missingMultipleChoiceOptions(required: RequiredAttribute, current: readonly string[]): string[] {
  const have = new Set(current.map((option) => option.toLowerCase()));
  return required.options.filter((option) => !have.has(option.toLowerCase()));
}
