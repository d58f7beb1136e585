import { describe, expect, it } from 'vitest';
import { normalizeEmail, selectPrimaryEmail } from './select-primary-email';

describe('selectPrimaryEmail', () => {
  it('picks the primary address, lower-cased and trimmed, and keeps the others', () => {
    const result = selectPrimaryEmail([
      { value: 'home@Example.com', primary: false, label: 'home' },
      { value: '  Ada@Example.COM ', primary: true, label: 'work' },
    ]);
    expect(result).toEqual({ ok: true, email: 'ada@example.com', otherEmails: ['home@example.com'], warnings: [] });
  });

  it('falls back to the first usable address when none is primary', () => {
    const result = selectPrimaryEmail([
      { value: 'first@example.com', primary: false },
      { value: 'second@example.com', primary: false },
    ]);
    expect(result.ok && result.email).toBe('first@example.com');
  });

  it('skips a malformed primary with a warning and uses the next valid one', () => {
    const result = selectPrimaryEmail(
      [
        { value: 'not-an-email', primary: true },
        { value: 'ok@example.com', primary: false },
      ],
      7,
    );
    expect(result.ok && result.email).toBe('ok@example.com');
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'email_invalid', entityId: 7 })]);
  });

  it('deduplicates addresses that differ only in case', () => {
    const result = selectPrimaryEmail([
      { value: 'a@example.com', primary: false },
      { value: 'A@EXAMPLE.com', primary: true },
      { value: 'b@example.com', primary: false },
    ]);
    expect(result).toMatchObject({ ok: true, email: 'a@example.com', otherEmails: ['b@example.com'] });
  });

  it('skips a person without any email, saying how to fix it', () => {
    const result = selectPrimaryEmail([]);
    expect(result).toMatchObject({ ok: false, reason: 'no_email' });
    expect(!result.ok && result.detail).toMatch(/add one in Pipedrive/);
  });

  it('skips a person whose only emails are blank or malformed', () => {
    const result = selectPrimaryEmail([
      { value: '   ', primary: true },
      { value: 'nope', primary: false },
    ]);
    expect(result).toMatchObject({ ok: false, reason: 'no_email' });
    expect(result.warnings).toHaveLength(1);
  });
});

describe('normalizeEmail', () => {
  it('compares exactly: a similar address is a different address', () => {
    expect(normalizeEmail('Self@Example.com')).toBe('self@example.com');
    expect(normalizeEmail('myself@example.com')).not.toBe(normalizeEmail('self@example.com'));
    expect(normalizeEmail('no at sign')).toBeNull();
  });
});
