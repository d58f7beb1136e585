import type { EngineWorld } from './engine-world';

/**
 * What Brevo should hold after a full sync, computed straight from the Pipedrive sandbox's
 * records and the test configuration, independently of the sync code: the end-to-end check
 * compares the Brevo sandbox with this field by field.
 */
export interface ExpectedContact {
  personId: number;
  email: string;
  attributes: Record<string, string | number>;
  lists: number[];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function expectedContacts(world: EngineWorld): Map<string, ExpectedContact> {
  const c = world.pipedrive.control.company(world.domain);
  // Deals and leads indexed by person: the benchmark runs this over 100,000 persons.
  type Deal = { id: number; status: string; stage_id: number; pipeline_id: number; close_time: number | null; won_time: number | null; lost_time: number | null; update_time: number };
  const dealsOf = new Map<number, Deal[]>();
  for (const d of c.deals.values()) if (!d.is_deleted && d.person_id) (dealsOf.get(d.person_id) ?? dealsOf.set(d.person_id, []).get(d.person_id)!).push(d);
  const withLead = new Set<number>();
  for (const l of c.leads.values()) if (!l.is_archived && l.person_id) withLead.add(l.person_id);
  const out = new Map<string, ExpectedContact>();
  for (const p of [...c.persons.values()].filter((x) => !x.is_deleted).sort((a, b) => a.id - b.id)) {
    const primary = p.emails.find((e) => e.primary) ?? p.emails[0];
    const email = primary?.value.trim().toLowerCase();
    if (!email || !EMAIL.test(email) || out.has(email)) continue;
    const mine = dealsOf.get(p.id) ?? [];
    const lists = new Set<number>([world.lists.all]);
    for (const d of mine.filter((x) => x.status === 'open')) {
      const l = world.lists.stages.get(d.stage_id);
      if (l) lists.add(l);
    }
    for (const pipelineId of new Set(mine.map((d) => d.pipeline_id))) {
      const closed = mine.filter((d) => d.pipeline_id === pipelineId && d.status !== 'open');
      const at = (d: Deal) => d.close_time ?? d.won_time ?? d.lost_time ?? d.update_time;
      const latest = closed.sort((a, b) => at(b) - at(a) || b.id - a.id)[0];
      if (latest) lists.add(latest.status === 'won' ? world.lists.won : world.lists.lost);
    }
    if (withLead.has(p.id)) lists.add(world.lists.nurture);
    const attributes: Record<string, string | number> = {
      EXT_ID: `pd_person_${p.id}`,
      OPEN_DEALS: mine.filter((d) => d.status === 'open').length,
      WON_DEALS: mine.filter((d) => d.status === 'won').length,
      LOST_DEALS: mine.filter((d) => d.status === 'lost').length,
      CLOSED_DEALS: mine.filter((d) => d.status !== 'open').length,
    };
    if (p.first_name) attributes.FIRSTNAME = p.first_name;
    if (p.last_name) attributes.LASTNAME = p.last_name;
    if (p.name) attributes.FULLNAME = p.name;
    const org = p.org_id ? c.organizations.get(p.org_id) : undefined;
    if (org && !org.is_deleted) attributes.COMPANY = org.name;
    out.set(email, { personId: p.id, email, attributes, lists: [...lists].sort((a, b) => a - b) });
  }
  return out;
}

/** Every difference between Brevo's contacts and the expectation, as readable lines. */
export function diffBrevo(world: EngineWorld, expected: Map<string, ExpectedContact>): string[] {
  const state = world.brevo.control.state(world.brevoKey);
  const diffs: string[] = [];
  const byEmail = new Map(state.contacts.map((ct) => [ct.email ?? '', ct]));
  if (byEmail.size !== state.contacts.length) diffs.push('duplicate contacts in Brevo');
  for (const [email, want] of expected) {
    const got = byEmail.get(email);
    if (!got) {
      diffs.push(`${email}: missing in Brevo`);
      continue;
    }
    for (const [k, v] of Object.entries(want.attributes)) {
      if (got.attributes[k] !== v) diffs.push(`${email}: ${k} is ${JSON.stringify(got.attributes[k])}, expected ${JSON.stringify(v)}`);
    }
    const lists = [...got.listIds].sort((a, b) => a - b);
    if (lists.join(',') !== want.lists.join(',')) diffs.push(`${email}: lists [${lists.join(',')}], expected [${want.lists.join(',')}]`);
  }
  for (const email of byEmail.keys()) if (!expected.has(email)) diffs.push(`${email}: in Brevo but not expected`);
  return diffs;
}
