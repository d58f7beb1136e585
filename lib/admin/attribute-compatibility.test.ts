import { describe, expect, it } from 'vitest';
import { EMAIL_TARGET as SYNC_EMAIL_TARGET, planAttributeProvisioning, parsePersonSource, type BrevoAttributeType } from '../sync';
import { contactAttributeCompatibility, creatableContactTypes, EMAIL_TARGET, personSourceOptions, valueTypeOfCustomField } from './attribute-compatibility';

const custom = ['varchar', 'text', 'double', 'int', 'monetary', 'date', 'boolean', 'enum', 'set', 'phone', 'address', 'user'].map((fieldType, i) => ({ key: `k${i}`, name: `Field ${fieldType}`, fieldType, options: fieldType === 'set' ? ['A', 'B'] : [] }));
const sources = personSourceOptions(custom);
const brevoTypes: BrevoAttributeType[] = ['text', 'float', 'date', 'boolean', 'multiple-choice', 'category', 'id', 'user'];

describe('attribute compatibility', () => {
  it('uses the same email target as the sync', () => {
    expect(EMAIL_TARGET).toBe(SYNC_EMAIL_TARGET);
  });

  it('agrees with the sync’s attribute provisioning for every source and Brevo type', () => {
    const fields = custom.map((f) => ({ field_key: f.key, field_name: f.name, field_type: f.fieldType, options: f.options.map((label, id) => ({ id, label })) }));
    for (const source of sources) {
      // Phone and email targets have their own rules; this compares plain attributes.
      for (const type of brevoTypes) {
        const editor = contactAttributeCompatibility(source, { name: 'SOME_ATTRIBUTE', type, category: 'normal' }).ok;
        const plan = planAttributeProvisioning({ personMapping: [{ source: parsePersonSource(source.value)!, attribute: 'SOME_ATTRIBUTE' }] }, fields, [{ name: 'SOME_ATTRIBUTE', type, multiCategoryOptions: ['A', 'B'] }]);
        expect(editor, `${source.value} → ${type}`).toBe(plan.conflicts.length === 0);
      }
    }
  });

  it('explains why a pair is refused', () => {
    const jobTitle = sources.find((s) => s.key === 'job_title')!;
    const result = contactAttributeCompatibility(jobTitle, { name: 'LTV', type: 'float', category: 'normal' });
    expect(result).toEqual({ ok: false, reason: 'LTV holds a number, but Job title gives text; Brevo would drop the values.' });
    expect(contactAttributeCompatibility(jobTitle, { name: 'SMS', type: 'text', category: 'normal' }).ok).toBe(false);
    expect(contactAttributeCompatibility(jobTitle, { name: EMAIL_TARGET }).ok).toBe(false);
    const email = sources.find((s) => s.key === 'email')!;
    expect(contactAttributeCompatibility(email, { name: EMAIL_TARGET }).ok).toBe(true);
  });

  it('offers only compatible types for a new attribute, the source’s own type first', () => {
    expect(creatableContactTypes(valueTypeOfCustomField('monetary'))).toEqual(['float', 'text']);
    expect(creatableContactTypes(valueTypeOfCustomField('set'))).toEqual(['multiple-choice', 'text']);
    expect(creatableContactTypes(valueTypeOfCustomField('varchar'))).toEqual(['text']);
  });
});
