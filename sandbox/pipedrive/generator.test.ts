import { describe, expect, it } from 'vitest';
import { SandboxCompany } from './company';
import { seedCompany } from './generator';

function company(id: number): SandboxCompany {
  return new SandboxCompany(id, `g${id}`, `G ${id}`, 'growth', () => Date.parse('2026-06-01T12:00:00Z'));
}

const opts = { seed: 99, persons: 2000, organizations: 100, deals: 300, activities: 200, leads: 200, duplicateRate: 0.05, noEmailRate: 0.1, multiEmailRate: 0.2, invalidPhoneRate: 0.05, archivedLeadRate: 0.25 };

describe('seedCompany', () => {
  it('is deterministic for a seed', () => {
    const a = company(1);
    const b = company(1);
    seedCompany(a, opts);
    seedCompany(b, opts);
    const dump = (c: SandboxCompany) => JSON.stringify([[...c.persons.values()], [...c.deals.values()], c.fields]);
    expect(dump(a)).toBe(dump(b));
  });

  it('gives every company its own 40-character custom field keys', () => {
    const a = company(1);
    const b = company(2);
    seedCompany(a, { persons: 1 });
    seedCompany(b, { persons: 1 });
    const keys = (c: SandboxCompany) => c.fields.person.map((f) => f.key);
    expect(keys(a).every((k) => /^[0-9a-f]{40}$/.test(k))).toBe(true);
    expect(keys(a).some((k) => keys(b).includes(k))).toBe(false);
    expect(new Set(a.fields.person.map((f) => f.field_type))).toEqual(new Set(['enum', 'set', 'date', 'phone', 'double', 'text']));
    expect(a.fields.deal.some((f) => f.field_type === 'monetary')).toBe(true);
  });

  it('includes the awkward cases a sync must survive', () => {
    const c = company(3);
    const summary = seedCompany(c, opts);
    expect(summary).toMatchObject({ persons: 2000, organizations: 100, deals: 300, activities: 200, leads: 200 });
    const persons = [...c.persons.values()];
    const emails = persons.flatMap((p) => p.emails.map((e) => e.value));
    expect(persons.filter((p) => p.emails.length === 0).length).toBeGreaterThan(100);
    expect(persons.filter((p) => p.emails.length > 1).length).toBeGreaterThan(100);
    expect(emails.length - new Set(emails).size).toBeGreaterThan(20);
    expect(persons.filter((p) => p.phones.some((ph) => !/^\+\d[\d ]+$/.test(ph.value))).length).toBeGreaterThan(30);
    expect(persons.every((p) => p.emails.filter((e) => e.primary).length <= 1)).toBe(true);
    expect(new Set([...c.deals.values()].map((d) => d.currency)).size).toBeGreaterThan(2);
    const leads = [...c.leads.values()];
    expect(leads.filter((l) => l.is_archived).length).toBeGreaterThan(20);
    expect(leads.every((l) => l.person_id !== null || l.organization_id !== null)).toBe(true);
    // Stable ids: add_time follows id order.
    expect(persons.every((p, i) => i === 0 || p.add_time >= persons[i - 1]!.add_time)).toBe(true);
  });
});
