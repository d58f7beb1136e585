import { z } from 'zod';
import { BREVO_PHONE_ATTRIBUTES } from './brevo-names';
import { normalizePhone } from './normalize-phone';
import type { AttributeValue, FieldDefinition, SyncWarning } from './types';

/** Contact attribute types Brevo reports from `GET /contacts/attributes`. */
export type BrevoAttributeType = 'text' | 'date' | 'float' | 'boolean' | 'multiple-choice' | 'category' | 'id' | 'user';

export interface ConversionContext {
  /** The Brevo attribute the value is written to (decides how strict phone handling is). */
  attribute?: string;
  /** That attribute's Brevo type when known; it decides between list and text, number and text. */
  targetType?: BrevoAttributeType;
  defaultPhoneCountry: string | null;
  /** Names for user / organization / person reference fields, keyed by Pipedrive id. */
  references?: {
    users?: ReadonlyMap<number, string>;
    organizations?: ReadonlyMap<number, string>;
    persons?: ReadonlyMap<number, string>;
  };
}

/**
 * `value` absent means "leave the Brevo attribute as it is" (the source could not be read);
 * `null` means the Pipedrive field is empty and the attribute should be cleared.
 */
export interface ConversionResult {
  value?: AttributeValue;
  warnings: SyncWarning[];
}

const idLike = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]);
const optionRef = z.union([idLike, z.object({ id: idLike }).transform((option) => option.id)]);

/**
 * Webhook v2 bodies wrap each custom field in a typed object (`{"type":"enum","id":17}`) that
 * differs from the API v2 shape (`17`). Unwrapping here lets one converter serve the backfill
 * and the webhooks.
 */
function unwrapWebhookShape(raw: unknown): unknown {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const record = raw as Record<string, unknown>;
  if (typeof record.type !== 'string') return raw;
  switch (record.type) {
    case 'enum':
    case 'people':
    case 'org':
    case 'user':
      return record.id ?? null;
    case 'set':
      return Array.isArray(record.values) ? record.values : null;
    case 'daterange':
    case 'timerange':
      return record.from == null ? null : { value: record.from, until: record.until };
    case 'monetary':
    case 'address':
      return record.value == null ? null : raw;
    default:
      return record.value ?? null;
  }
}

function isEmpty(value: unknown): boolean {
  return (
    value === null ||
    value === undefined ||
    (typeof value === 'string' && value.trim() === '') ||
    (Array.isArray(value) && value.length === 0)
  );
}

/**
 * Converts one Pipedrive custom field value into a Brevo attribute value by the field's type:
 * option ids become their labels (Pipedrive users complain most about unreadable ids), sets
 * become a Brevo multiple-choice list or comma-joined text, money becomes a number (or
 * "500 EUR" for text attributes), dates stay `YYYY-MM-DD`, phones are normalized, addresses
 * become their formatted text and references become the referenced record's name.
 */
export function convertCustomFieldValue(
  field: FieldDefinition,
  raw: unknown,
  context: ConversionContext,
): ConversionResult {
  const value = unwrapWebhookShape(raw);
  if (isEmpty(value)) return { value: null, warnings: [] };
  const warnings: SyncWarning[] = [];
  const invalid = (what: string): ConversionResult => ({
    warnings: [
      {
        code: 'custom_field_value_invalid',
        message: `field "${field.field_name}" (${field.field_type}) holds ${what}; it was left unchanged in Brevo`,
        field: field.field_key,
      },
    ],
  });
  const labelOf = (optionId: number): string | null => {
    const option = field.options.find((candidate) => Number(candidate.id) === optionId);
    if (option !== undefined) return option.label;
    warnings.push({
      code: 'custom_field_option_unknown',
      message: `field "${field.field_name}" has no option ${optionId}; refresh the field definitions`,
      field: field.field_key,
    });
    return null;
  };

  switch (field.field_type) {
    case 'varchar':
    case 'varchar_auto':
    case 'varchar_options':
    case 'text':
      if (typeof value === 'string') return { value, warnings };
      if (typeof value === 'number' || typeof value === 'boolean') return { value: String(value), warnings };
      return invalid('a value that is not text');

    case 'double':
    case 'int': {
      const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
      return Number.isFinite(number) ? { value: number, warnings } : invalid('a value that is not a number');
    }

    case 'boolean':
      return typeof value === 'boolean' ? { value, warnings } : invalid('a value that is not true or false');

    case 'monetary': {
      const parsed = z
        .union([
          z.object({ value: z.number(), currency: z.string().nullish() }),
          z.number().transform((amount) => ({ value: amount, currency: null })),
        ])
        .safeParse(value);
      if (!parsed.success) return invalid('an amount that cannot be read');
      const { value: amount, currency } = parsed.data;
      // Brevo has no money type: a text attribute keeps the currency, anything else gets the number.
      if (context.targetType === 'text') return { value: currency ? `${amount} ${currency}` : String(amount), warnings };
      return { value: amount, warnings };
    }

    case 'enum': {
      // v2 (2026) can return `{id, label}` when include_option_labels is set: trust our definitions anyway.
      const parsed = optionRef.safeParse(value);
      if (!parsed.success) return invalid('an option that cannot be read');
      const label = labelOf(parsed.data);
      if (label === null) return { warnings };
      return { value: context.targetType === 'multiple-choice' ? [label] : label, warnings };
    }

    case 'set': {
      // v1 sends "12,13", v2 [12, 13], webhooks [{id: 12}, {id: 13}].
      const items = typeof value === 'string' ? value.split(',').map((part) => part.trim()) : value;
      const parsed = z.array(optionRef).safeParse(items);
      if (!parsed.success) return invalid('options that cannot be read');
      const labels = parsed.data.map(labelOf).filter((label): label is string => label !== null);
      if (labels.length === 0) return { warnings };
      return { value: context.targetType === 'multiple-choice' ? labels : labels.join(', '), warnings };
    }

    case 'date': {
      const text = typeof value === 'string' ? value.slice(0, 10) : '';
      return /^\d{4}-\d{2}-\d{2}$/.test(text) ? { value: text, warnings } : invalid('a value that is not a date');
    }

    case 'daterange':
    case 'timerange': {
      const parsed = z.object({ value: z.string(), until: z.string().nullish() }).safeParse(value);
      if (!parsed.success) return invalid('a range that cannot be read');
      const { value: from, until } = parsed.data;
      // A Brevo date attribute can hold one date: the start of the range is what campaigns key on.
      if (context.targetType === 'date' && field.field_type === 'daterange') return { value: from.slice(0, 10), warnings };
      return { value: until ? `${from}/${until}` : from, warnings };
    }

    case 'time': {
      const parsed = z.union([z.string(), z.object({ value: z.string() }).transform((time) => time.value)]).safeParse(value);
      return parsed.success ? { value: parsed.data, warnings } : invalid('a value that is not a time');
    }

    case 'phone': {
      if (typeof value !== 'string') return invalid('a value that is not a phone number');
      const phone = normalizePhone(value, context.defaultPhoneCountry, field.field_key);
      if (phone.ok) return { value: phone.phone, warnings };
      warnings.push(phone.warning);
      // A phone identifier attribute would reject the whole contact; a text attribute can keep it as typed.
      const strict = context.attribute !== undefined && BREVO_PHONE_ATTRIBUTES.has(context.attribute);
      return strict ? { warnings } : { value: value.trim(), warnings };
    }

    case 'address': {
      if (typeof value === 'string') return { value, warnings };
      const parsed = z
        .object({ value: z.string().nullish(), formatted_address: z.string().nullish() })
        .safeParse(value);
      const text = parsed.success ? (parsed.data.formatted_address ?? parsed.data.value) : null;
      return text ? { value: text, warnings } : invalid('an address that cannot be read');
    }

    case 'user':
    case 'org':
    case 'people': {
      const parsed = optionRef.safeParse(value);
      if (!parsed.success) return invalid('a reference that cannot be read');
      const names =
        field.field_type === 'user'
          ? context.references?.users
          : field.field_type === 'org'
            ? context.references?.organizations
            : context.references?.persons;
      const name = names?.get(parsed.data);
      if (name !== undefined) return { value: name, warnings };
      warnings.push({
        code: 'reference_unresolved',
        message: `field "${field.field_name}" points at ${field.field_type} ${parsed.data}, whose name is unknown; the id was written instead`,
        field: field.field_key,
      });
      return { value: context.targetType === 'float' ? parsed.data : String(parsed.data), warnings };
    }

    default:
      // Types added after this code was written: scalars pass through as text, anything else is reported.
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        return { value: String(value), warnings };
      }
      return invalid(`a ${field.field_type} value the sync does not understand`);
  }
}
