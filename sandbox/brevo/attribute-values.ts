import type { AttributeDef, AttributeValue } from './types';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Brevo keeps a value only when it fits the attribute's type ("Values that don't match the attribute type
 * ... will be ignored", createContact in the spec). Returns the stored form, or undefined when Brevo would drop it.
 * Empty string clears the value on update, hence `null`.
 */
export function coerceAttributeValue(def: AttributeDef, value: unknown): AttributeValue | null | undefined {
  if (value === '' || value === null) return null;
  switch (def.type ?? (def.category === 'category' ? 'category' : 'text')) {
    case 'text':
    case 'user':
      if (typeof value === 'string') return value;
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
      return undefined;
    case 'date': {
      if (typeof value !== 'string') return undefined;
      const m = ISO_DATE.exec(value);
      if (!m) return undefined;
      const d = new Date(`${m[1]}-${m[2]}-${m[3]}T00:00:00Z`);
      if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== `${m[1]}-${m[2]}-${m[3]}`) return undefined;
      return `${m[1]}-${m[2]}-${m[3]}`;
    }
    case 'float':
    case 'id': {
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
      return undefined;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      return undefined;
    case 'category': {
      // Category attributes are written with the option's numeric value; the label is accepted too.
      const options = def.enumeration ?? [];
      const byValue = options.find((o) => o.value === Number(value));
      if (byValue && (typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value)))) return byValue.value;
      const byLabel = typeof value === 'string' ? options.find((o) => o.label === value) : undefined;
      return byLabel?.value;
    }
    case 'multiple-choice': {
      const options = def.multiCategoryOptions ?? [];
      const wanted = typeof value === 'string' ? [value] : Array.isArray(value) ? value : undefined;
      if (!wanted || !wanted.every((v): v is string => typeof v === 'string')) return undefined;
      const kept = wanted.filter((v) => options.includes(v));
      return kept.length === wanted.length ? kept : undefined;
    }
  }
}
