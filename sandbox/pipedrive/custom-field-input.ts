import { SandboxError, type SandboxCompany } from './company';
import type { CustomFieldValues, FieldEntity } from './model';

/**
 * Validates a v2 `custom_fields` write against the company's field definitions: unknown keys
 * and values of the wrong shape are 400s naming the field_code, as v2 does since 2026.
 */
export function applyCustomFieldInput(company: SandboxCompany, entity: FieldEntity, target: CustomFieldValues, input: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(input)) {
    const def = company.fieldByKey(entity, key);
    const bad = (why: string) => new SandboxError(400, `Invalid value for custom field (field_code: ${key}): ${why}`);
    if (!def) throw new SandboxError(400, `Unknown custom field (field_code: ${key})`);
    if (value === null) {
      target[key] = null;
      continue;
    }
    const optionIds = new Set((def.options ?? []).map((o) => o.id));
    switch (def.field_type) {
      case 'varchar':
      case 'text':
      case 'phone':
        if (typeof value !== 'string') throw bad('expected a string');
        if (def.field_type === 'varchar' && value.length > 255) throw bad('at most 255 characters');
        break;
      case 'double':
        if (typeof value !== 'number') throw bad('expected a number');
        break;
      case 'date':
        if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw bad('expected YYYY-MM-DD');
        break;
      case 'monetary': {
        const m = value as { value?: unknown; currency?: unknown };
        if (typeof m !== 'object' || typeof m.value !== 'number' || typeof m.currency !== 'string') throw bad('expected {value, currency}');
        target[key] = { value: m.value, currency: m.currency };
        continue;
      }
      case 'enum':
        if (typeof value !== 'number' || !optionIds.has(value)) throw bad('expected an option id');
        break;
      case 'set':
        // Clearing a set field takes null; an empty array is a validation error.
        if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'number' && optionIds.has(v))) throw bad('expected a non-empty array of option ids');
        target[key] = [...(value as number[])];
        continue;
      case 'user':
      case 'org':
        if (typeof value !== 'number') throw bad('expected an id');
        break;
    }
    target[key] = value;
  }
}
