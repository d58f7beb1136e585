import { z } from 'zod';
import { SandboxCompany, type ChangeContext } from './company';
import type { ContactValue, CustomFieldType, FieldDefRec, FieldEntity, LeadLabelRec } from './model';

/** mulberry32: tiny, fast and deterministic, so a seed always yields the same company. */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const count = z.number().int().nonnegative().max(2_000_000);
const rate = z.number().min(0).max(1);

export const seedOptionsSchema = z
  .object({
    seed: z.number().int().optional(),
    users: z.number().int().min(1).max(1000).optional(),
    organizations: count.optional(),
    persons: count.optional(),
    deals: count.optional(),
    activities: count.optional(),
    leads: count.optional(),
    /** Share of persons that duplicate an earlier person's name and email. */
    duplicateRate: rate.optional(),
    noEmailRate: rate.optional(),
    multiEmailRate: rate.optional(),
    invalidPhoneRate: rate.optional(),
    archivedLeadRate: rate.optional(),
    /** Share of deals that are archived (served only by /deals/archived); default 0. */
    archivedDealRate: rate.optional(),
    currencies: z.array(z.string().length(3)).min(1).optional(),
    /** Extra custom person fields (mixed types) on top of the defaults, for UI scale tests. */
    extraPersonFields: z.number().int().min(0).max(2000).optional(),
    /** Pipelines with their stage names; defaults to one sales pipeline. */
    pipelines: z.array(z.object({ name: z.string().min(1), stages: z.array(z.string().min(1)).min(1) })).min(1).optional(),
  })
  .strict();

export type SeedOptions = z.infer<typeof seedOptionsSchema>;

export interface SeedSummary {
  users: number;
  organizations: number;
  persons: number;
  deals: number;
  activities: number;
  leads: number;
  pipelines: number;
  stages: number;
}

const FIRST = ['Anna', 'Ben', 'Clara', 'David', 'Elena', 'Felix', 'Greta', 'Hugo', 'Ines', 'Jonas', 'Karin', 'Lukas', 'Maria', 'Noah', 'Olga', 'Paul', 'Rosa', 'Stefan', 'Tanja', 'Uwe', 'Vera', 'Wim', 'Yara', 'Zoe', 'Amélie', 'Søren', 'Łukasz', 'José', 'Aiko', 'Chen'];
const LAST = ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Hoffmann', 'Koch', 'Dubois', 'Martin', 'Rossi', 'Garcia', 'Smith', 'Jones', 'Nowak', 'Jensen', "O'Brien", 'Tanaka', 'Silva', 'Novak', 'Kowalski', 'Berg', 'Lindqvist'];
const ORG_A = ['Nord', 'Alpen', 'Blue', 'Bright', 'Cedar', 'Delta', 'Echo', 'Falcon', 'Green', 'Harbor', 'Iron', 'Juniper', 'Kite', 'Lumen', 'Maple', 'Nova', 'Orbit', 'Pine', 'Quartz', 'River'];
const ORG_B = ['Logistics', 'Software', 'Consulting', 'Foods', 'Energy', 'Media', 'Robotics', 'Health', 'Finance', 'Textiles', 'Labs', 'Partners'];
const ORG_C = ['GmbH', 'AG', 'Ltd', 'Inc.', 'SARL', 'BV', 'Oy', ''];
const DOMAINS = ['example.com', 'mail.test', 'corp.example', 'firma.example', 'post.example'];
const DEAL_WORDS = ['Renewal', 'Upgrade', 'Pilot', 'Rollout', 'Licence', 'Support plan', 'Onboarding', 'Expansion'];
const INVALID_PHONES = ['123', 'n/a', '+49 (0) ???', '00000', 'call me'];

export const DEFAULT_STAGES = ['Qualified', 'Contact made', 'Demo scheduled', 'Proposal made', 'Negotiations started'];

function pick<T>(rng: () => number, arr: readonly T[]): T {
  return arr[Math.floor(rng() * arr.length)]!;
}

function hashKey(rng: () => number): string {
  let s = '';
  for (let i = 0; i < 40; i++) s += Math.floor(rng() * 16).toString(16);
  return s;
}

function slug(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-zA-Z]/g, '')
    .toLowerCase();
}

interface FieldSpec {
  name: string;
  type: CustomFieldType;
  options?: string[];
}

export const DEFAULT_FIELD_SPECS: Record<FieldEntity, FieldSpec[]> = {
  person: [
    { name: 'Lead source', type: 'enum', options: ['Website', 'Trade fair', 'Referral', 'Cold call', 'Webinar'] },
    { name: 'Interests', type: 'set', options: ['Newsletter', 'Product updates', 'Events', 'Partner offers'] },
    { name: 'Birthday', type: 'date' },
    { name: 'Mobile', type: 'phone' },
    { name: 'Score', type: 'double' },
    { name: 'Notes', type: 'text' },
  ],
  organization: [
    { name: 'Industry', type: 'enum', options: ['Manufacturing', 'Retail', 'Software', 'Healthcare', 'Finance', 'Logistics'] },
    { name: 'Company size', type: 'enum', options: ['1-10', '11-50', '51-200', '201-1000', '1000+'] },
    { name: 'Website', type: 'varchar' },
    { name: 'Annual revenue', type: 'monetary' },
  ],
  deal: [
    { name: 'Contract value', type: 'monetary' },
    { name: 'Region', type: 'enum', options: ['DACH', 'Nordics', 'Benelux', 'UK', 'US'] },
    { name: 'Products', type: 'set', options: ['Core', 'Analytics', 'Integrations', 'Support'] },
    { name: 'Decision date', type: 'date' },
    { name: 'Competitor', type: 'varchar' },
  ],
};

/** Creates field definitions with 40-character keys that differ per company (seeded). */
export function seedFields(company: SandboxCompany, rng: () => number, specs = DEFAULT_FIELD_SPECS): void {
  let optionId = 1;
  let fieldId = 9000;
  const now = company.now();
  for (const entity of ['person', 'organization', 'deal'] as const) {
    specs[entity].forEach((spec, i) => {
      const def: FieldDefRec = {
        id: fieldId++,
        key: hashKey(rng),
        name: spec.name,
        field_type: spec.type,
        options: spec.options ? spec.options.map((label) => ({ id: optionId++, label })) : null,
        order_nr: i + 1,
        add_time: now,
        update_time: now,
      };
      company.fields[entity].push(def);
    });
  }
}

function randomCustomValue(def: FieldDefRec, rng: () => number, currency: string, now: number): unknown {
  if (rng() < 0.25) return null;
  const opts = def.options ?? [];
  switch (def.field_type) {
    case 'enum':
      return opts.length ? pick(rng, opts).id : null;
    case 'set': {
      const chosen = opts.filter(() => rng() < 0.4).map((o) => o.id);
      return chosen.length ? chosen : null;
    }
    case 'date':
      return new Date(now - Math.floor(rng() * 3e10)).toISOString().slice(0, 10);
    case 'phone':
      return `+49 30 ${Math.floor(1e6 + rng() * 8e6)}`;
    case 'double':
      return Math.round(rng() * 1000) / 10;
    case 'monetary':
      return { value: Math.round(rng() * 100_000), currency };
    case 'varchar':
      return `www.${slug(pick(rng, ORG_A))}.example`;
    case 'text':
      return 'Met at the spring fair; prefers e-mail.';
    case 'user':
    case 'org':
      return null;
  }
}

function customValues(company: SandboxCompany, entity: FieldEntity, rng: () => number, currency: string, now: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const def of company.fields[entity]) out[def.key] = randomCustomValue(def, rng, currency, now);
  return out;
}

/**
 * Fills a company with realistic, deterministic data: the same seed gives the same records.
 * Includes the awkward cases a sync must survive: duplicates, persons without email or with
 * several, invalid phone numbers, deals in several currencies, archived leads.
 */
export function seedCompany(company: SandboxCompany, input: SeedOptions = {}): SeedSummary {
  const opts = seedOptionsSchema.parse(input);
  const rng = createRng(opts.seed ?? company.id);
  const now = company.now();
  const currencies = opts.currencies ?? ['EUR', 'USD', 'GBP', 'CHF'];
  const counts = {
    users: opts.users ?? 3,
    organizations: opts.organizations ?? 20,
    persons: opts.persons ?? 100,
    deals: opts.deals ?? 40,
    activities: opts.activities ?? 60,
    leads: opts.leads ?? 15,
  };
  const ctx: ChangeContext = { userId: 0, source: 'app' };
  const wasQuiet = company.quiet;
  company.quiet = true;
  try {
    if (company.users.size === 0) {
      for (let i = 0; i < counts.users; i++) {
        const first = pick(rng, FIRST);
        const last = pick(rng, LAST);
        const u = { id: company.users.allocateId(), name: `${first} ${last}`, email: `${slug(first)}.${slug(last)}@${company.domain}.example`, is_admin: i === 0, active_flag: true, add_time: now - 4e10, update_time: now - 4e10 };
        company.users.insert(u);
      }
    }
    ctx.userId = company.adminUserId;
    const userIds = [...company.users.values()].map((u) => u.id);
    if (company.fields.person.length === 0) seedFields(company, rng);
    if (opts.extraPersonFields) {
      const types = ['varchar', 'double', 'date', 'enum', 'set', 'monetary', 'text', 'phone'] as const;
      const extra = Array.from({ length: opts.extraPersonFields }, (_, i) => {
        const type = types[i % types.length]!;
        return { name: `Custom field ${i + 1} (${type})`, type, ...(type === 'enum' || type === 'set' ? { options: ['Alpha', 'Beta', 'Gamma'] } : {}) };
      });
      seedFields(company, rng, { person: extra, organization: [], deal: [] });
    }

    if (company.pipelines.size === 0) {
      const pipes = opts.pipelines ?? [{ name: 'Sales', stages: DEFAULT_STAGES }];
      pipes.forEach((p, i) => {
        const pipe = company.createPipeline({ name: p.name, order_nr: i + 1, is_deal_probability_enabled: false }, ctx);
        p.stages.forEach((name, j) => company.createStage({ name, order_nr: j + 1, pipeline_id: pipe.id, deal_probability: Math.round(((j + 1) / p.stages.length) * 100) }, ctx));
      });
      for (const [i, t] of [
        ['Call', 'call', 'call'],
        ['Meeting', 'meeting', 'meeting'],
        ['Task', 'task', 'task'],
        ['Email', 'email', 'email'],
        ['Lunch', 'lunch', 'lunch'],
      ].entries()) {
        company.activityTypes.insert({ id: company.activityTypes.allocateId(), name: t[0]!, key_string: t[1]!, icon_key: t[2]!, order_nr: i + 1, add_time: now - 4e10, update_time: now - 4e10 });
      }
      const colors: LeadLabelRec['color'][] = ['green', 'red', 'yellow', 'blue'];
      ['Hot', 'Cold', 'Warm', 'Partner'].forEach((name, i) => {
        const id = `f0e1d2c3-0000-4000-8000-${String(company.id).padStart(6, '0')}${String(i).padStart(6, '0')}`;
        company.leadLabels.set(id, { id, name, color: colors[i]!, add_time: now - 4e10, update_time: now - 4e10 });
      });
    }
    const stageIds = [...company.stages.values()].filter((s) => !s.is_deleted);

    // Spread creation over the past two years, ascending, so ids and add_time agree.
    const span = 2 * 365 * 864e5;
    const timesFor = (i: number, n: number) => {
      const add = now - span + Math.floor((span * i) / Math.max(1, n)) + Math.floor(rng() * 1000);
      const update = Math.min(now, add + Math.floor(rng() * 30 * 864e5));
      return { add, update };
    };

    const orgIds: number[] = [];
    for (let i = 0; i < counts.organizations; i++) {
      const name = `${pick(rng, ORG_A)} ${pick(rng, ORG_B)} ${pick(rng, ORG_C)}`.trim();
      const org = company.createOrganization(
        { name, owner_id: pick(rng, userIds), visible_to: 3, address: rng() < 0.7 ? `${Math.floor(rng() * 200) + 1} ${pick(rng, ['Hauptstraße', 'Rue de la Paix', 'High Street', 'Main St'])}, ${pick(rng, ['Berlin', 'Paris', 'London', 'Vienna', 'Zürich'])}` : null, label_ids: [], custom_fields: customValues(company, 'organization', rng, pick(rng, currencies), now) },
        ctx,
        timesFor(i, counts.organizations),
      );
      orgIds.push(org.id);
    }

    const personIds: number[] = [];
    const duplicateRate = opts.duplicateRate ?? 0.03;
    const noEmailRate = opts.noEmailRate ?? 0.08;
    const multiEmailRate = opts.multiEmailRate ?? 0.15;
    const invalidPhoneRate = opts.invalidPhoneRate ?? 0.05;
    let previous: { first: string; last: string; emails: ContactValue[] } | undefined;
    for (let i = 0; i < counts.persons; i++) {
      let first = pick(rng, FIRST);
      let last = pick(rng, LAST);
      const r = rng();
      let emails: ContactValue[] = [];
      if (previous && r < duplicateRate) {
        first = previous.first;
        last = previous.last;
        emails = previous.emails.map((e) => ({ ...e }));
      } else if (r < duplicateRate + noEmailRate) {
        emails = [];
      } else {
        const base = `${slug(first)}.${slug(last)}${i}`;
        emails = [{ value: `${base}@${pick(rng, DOMAINS)}`, primary: true, label: 'work' }];
        if (rng() < multiEmailRate) emails.push({ value: `${base}.home@${pick(rng, DOMAINS)}`, primary: false, label: 'home' });
      }
      const phones: ContactValue[] = [];
      const pr = rng();
      if (pr < invalidPhoneRate) phones.push({ value: pick(rng, INVALID_PHONES), primary: true, label: 'work' });
      else if (pr < 0.7) phones.push({ value: `+49 ${Math.floor(100 + rng() * 899)} ${Math.floor(1e6 + rng() * 8e6)}`, primary: true, label: 'work' });
      const p = company.createPerson(
        {
          name: `${first} ${last}`,
          first_name: first,
          last_name: last,
          owner_id: pick(rng, userIds),
          org_id: orgIds.length && rng() < 0.8 ? pick(rng, orgIds) : null,
          emails,
          phones,
          visible_to: 3,
          label_ids: [],
          custom_fields: customValues(company, 'person', rng, pick(rng, currencies), now),
          marketing_status: emails.length === 0 ? 'no_consent' : pick(rng, ['subscribed', 'subscribed', 'no_consent', 'unsubscribed'] as const),
        },
        ctx,
        timesFor(i, counts.persons),
      );
      personIds.push(p.id);
      previous = { first, last, emails };
    }

    const dealIds: number[] = [];
    for (let i = 0; i < counts.deals; i++) {
      const stage = pick(rng, stageIds);
      const currency = pick(rng, currencies);
      const sr = rng();
      const status = sr < 0.7 ? 'open' : sr < 0.85 ? 'won' : 'lost';
      const times = timesFor(i, counts.deals);
      const d = company.createDeal(
        {
          title: `${pick(rng, ORG_A)} ${pick(rng, DEAL_WORDS)}`,
          owner_id: pick(rng, userIds),
          person_id: personIds.length ? pick(rng, personIds) : null,
          org_id: orgIds.length ? pick(rng, orgIds) : null,
          pipeline_id: stage.pipeline_id,
          stage_id: stage.id,
          value: Math.round(rng() * 50_000),
          currency,
          is_archived: rng() < (opts.archivedDealRate ?? 0),
          status,
          probability: null,
          lost_reason: status === 'lost' ? 'Price' : null,
          visible_to: 3,
          close_time: status === 'open' ? null : times.update,
          won_time: status === 'won' ? times.update : null,
          lost_time: status === 'lost' ? times.update : null,
          expected_close_date: new Date(times.add + 60 * 864e5).toISOString().slice(0, 10),
          label_ids: [],
          custom_fields: customValues(company, 'deal', rng, currency, now),
        },
        ctx,
        times,
      );
      dealIds.push(d.id);
    }

    const types = [...company.activityTypes.values()].map((t) => t.key_string);
    for (let i = 0; i < counts.activities; i++) {
      const times = timesFor(i, counts.activities);
      const done = rng() < 0.5;
      const dealId = dealIds.length && rng() < 0.6 ? pick(rng, dealIds) : null;
      const deal = dealId === null ? undefined : company.deals.get(dealId);
      const type = pick(rng, types);
      company.createActivity(
        {
          subject: `${type[0]!.toUpperCase()}${type.slice(1)} with ${pick(rng, FIRST)}`,
          type,
          owner_id: pick(rng, userIds),
          creator_user_id: ctx.userId,
          deal_id: dealId,
          lead_id: null,
          person_id: deal?.person_id ?? (personIds.length ? pick(rng, personIds) : null),
          org_id: deal?.org_id ?? null,
          due_date: new Date(times.add + 7 * 864e5).toISOString().slice(0, 10),
          due_time: `${String(8 + Math.floor(rng() * 9)).padStart(2, '0')}:00`,
          duration: '00:30',
          busy: true,
          done,
          marked_as_done_time: done ? times.update : null,
          public_description: null,
          priority: null,
          note: null,
        },
        ctx,
        times,
      );
    }

    const labelIds = [...company.leadLabels.keys()];
    const archivedLeadRate = opts.archivedLeadRate ?? 0.2;
    for (let i = 0; i < counts.leads; i++) {
      const personId = personIds.length ? pick(rng, personIds) : null;
      const orgId = orgIds.length && (personId === null || rng() < 0.5) ? pick(rng, orgIds) : null;
      if (personId === null && orgId === null) break;
      const currency = pick(rng, currencies);
      const idHex = Math.floor(rng() * 0xffffffff).toString(16).padStart(8, '0');
      company.createLead(
        {
          title: `${pick(rng, ORG_A)} lead`,
          owner_id: pick(rng, userIds),
          creator_id: ctx.userId,
          label_ids: rng() < 0.6 ? [pick(rng, labelIds)] : [],
          person_id: personId,
          organization_id: orgId,
          source_name: rng() < 0.5 ? 'API' : 'Manually created',
          is_archived: rng() < archivedLeadRate,
          was_seen: rng() < 0.5,
          value: rng() < 0.7 ? { amount: Math.round(rng() * 20_000), currency } : null,
          expected_close_date: null,
          custom_fields: customValues(company, 'deal', rng, currency, now),
        },
        ctx,
        timesFor(i, counts.leads),
        `${idHex}-${String(company.id % 10000).padStart(4, '0')}-4000-8000-${String(i).padStart(12, '0')}`,
      );
    }
  } finally {
    company.quiet = wasQuiet;
  }
  return {
    users: company.users.size,
    organizations: company.organizations.size,
    persons: company.persons.size,
    deals: company.deals.size,
    activities: company.activities.size,
    leads: company.leads.size,
    pipelines: company.pipelines.size,
    stages: company.stages.size,
  };
}
