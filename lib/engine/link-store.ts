import type pg from 'pg';
import {
  pipedriveDealSchema,
  pipedriveLeadSchema,
  pipedriveOrganizationSchema,
  type ContactLink,
  type PipedriveDeal,
  type PipedriveLead,
  type PipedriveOrganization,
} from '../sync';

/**
 * `record_links` is the sync's memory: for every Pipedrive record, what the app last saw and
 * last wrote. Deals, leads and organizations are kept here in their reduced form (`state`) so
 * that a person's contact can be planned from the database, page by page, without holding the
 * whole company in memory or re-reading Pipedrive. Writes are one statement per page.
 */
export type LinkObject = 'person' | 'organization' | 'deal' | 'activity' | 'lead';

export interface EntityState {
  pipedriveId: string;
  relatedPersonId: number | null;
  relatedOrgId: number | null;
  state: unknown;
  sourceUpdatedAt: Date | null;
}

/** A vendor time for PostgreSQL; an unparseable one is stored as unknown rather than failing the page. */
function isoOrNull(d: Date | null | undefined): string | null {
  return d && !Number.isNaN(d.getTime()) ? d.toISOString() : null;
}

/**
 * Stores the reduced records of a page; an older version never overwrites a newer one.
 * `companyDue` marks stored organizations for the `sync.companies` job (sync-companies.ts) in
 * the same statement, so a stored change cannot lose its company write to a crash in between.
 */
export async function saveEntityStates(db: pg.Pool | pg.PoolClient, companyId: string, object: LinkObject, items: readonly EntityState[], opts: { companyDue?: boolean } = {}): Promise<void> {
  if (items.length === 0) return;
  // The page travels as one JSON document: a jsonb[] parameter makes the driver escape every
  // element's JSON again as an array literal, which cost more CPU than the rest of the read.
  await db.query(
    `INSERT INTO record_links (company_id, object, pipedrive_id, related_person_id, related_org_id, state, source_updated_at, company_pending_since, updated_at)
     SELECT $1::uuid, $2::"SyncObject", t.id, t.person_id, t.org_id, t.state, t.updated, CASE WHEN $4::boolean THEN now() END, now()
       FROM jsonb_to_recordset($3::jsonb) AS t(id text, person_id int, org_id int, state jsonb, updated timestamptz)
     ON CONFLICT (company_id, object, pipedrive_id) DO UPDATE
        SET related_person_id = EXCLUDED.related_person_id, related_org_id = EXCLUDED.related_org_id,
            state = EXCLUDED.state, source_updated_at = EXCLUDED.source_updated_at, deleted_at = NULL,
            company_pending_since = COALESCE(EXCLUDED.company_pending_since, record_links.company_pending_since), updated_at = now()
      WHERE (record_links.source_updated_at IS NULL OR EXCLUDED.source_updated_at IS NULL
         OR EXCLUDED.source_updated_at >= record_links.source_updated_at)
        -- A row that would not change is not rewritten (a re-read of an unchanged company).
        AND (record_links.state IS DISTINCT FROM EXCLUDED.state OR record_links.deleted_at IS NOT NULL
         OR record_links.related_person_id IS DISTINCT FROM EXCLUDED.related_person_id OR record_links.related_org_id IS DISTINCT FROM EXCLUDED.related_org_id
         OR record_links.source_updated_at IS DISTINCT FROM EXCLUDED.source_updated_at
         OR (EXCLUDED.company_pending_since IS NOT NULL AND record_links.company_pending_since IS NULL))`,
    [
      companyId,
      object,
      JSON.stringify(items.map((i) => ({ id: i.pipedriveId, person_id: i.relatedPersonId, org_id: i.relatedOrgId, state: i.state, updated: isoOrNull(i.sourceUpdatedAt) }))),
      object === 'organization' && opts.companyDue === true,
    ],
  );
}

/**
 * Refreshes PostgreSQL's statistics of the link store. A backfill adds tens of thousands of rows
 * at once, faster than autovacuum notices (it looks once a minute); without statistics, the
 * lookups of a page's deals or links by person id pick the wrong index and scan every row of the
 * company instead (measured: 200 ms and 1.5 s per page, against 2 ms with statistics). ANALYZE
 * samples a bounded number of rows and does not block writers.
 */
export async function analyzeLinks(db: pg.Pool): Promise<void> {
  const client = await db.connect();
  try {
    // A sample of 3,000 rows instead of 30,000: it runs between the entities and the first
    // contacts, where every millisecond delays the first Brevo import (measured 275-300 ms at
    // the default, on 100,000 rows), and all the lookups need to learn is that an id matches
    // few rows. Autovacuum's own ANALYZE later refines the statistics at the default size.
    await client.query('BEGIN');
    await client.query('SET LOCAL default_statistics_target = 10');
    // record_issues too: a page's issues are resolved by person id (8 s of a backfill without).
    // Only the columns the lookups filter on: sampling the JSON states too took half a second.
    await client.query('ANALYZE record_links (company_id, object, pipedrive_id, related_person_id, related_org_id, email, deleted_at), record_issues (company_id, object, pipedrive_id, status, code)');
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** A deleted organization's company is no longer due: Brevo keeps the company, as it always has. */
export async function markDeleted(db: pg.Pool, companyId: string, object: LinkObject, pipedriveIds: readonly string[]): Promise<void> {
  if (pipedriveIds.length === 0) return;
  await db.query(`UPDATE record_links SET deleted_at = now(), company_pending_since = NULL, updated_at = now() WHERE company_id = $1 AND object = $2 AND pipedrive_id = ANY($3::text[])`, [
    companyId,
    object,
    pipedriveIds,
  ]);
}

export interface PersonContext {
  deals: PipedriveDeal[];
  leads: PipedriveLead[];
  organizations: PipedriveOrganization[];
  links: Map<number, ContactLink & { email: string | null }>;
}

/** Everything planContactSync needs about a page of persons, in four queries. */
export async function loadPersonContext(db: pg.Pool, companyId: string, personIds: readonly number[], orgIds: readonly number[]): Promise<PersonContext> {
  const ids = [...new Set(personIds)];
  const [deals, leads, orgs, links] = await Promise.all([
    db.query<{ state: unknown }>(`SELECT state FROM record_links WHERE company_id = $1 AND object = 'deal' AND related_person_id = ANY($2::int[]) AND deleted_at IS NULL`, [companyId, ids]),
    db.query<{ state: unknown }>(`SELECT state FROM record_links WHERE company_id = $1 AND object = 'lead' AND related_person_id = ANY($2::int[]) AND deleted_at IS NULL`, [companyId, ids]),
    db.query<{ state: unknown }>(`SELECT state FROM record_links WHERE company_id = $1 AND object = 'organization' AND pipedrive_id = ANY($2::text[]) AND deleted_at IS NULL`, [companyId, [...new Set(orgIds)].map(String)]),
    db.query<{ pipedrive_id: string; last_hash: string | null; list_ids: number[]; email: string | null; state: { blocklisted?: boolean } | null }>(
      `SELECT pipedrive_id, last_hash, list_ids, email, state FROM record_links WHERE company_id = $1 AND object = 'person' AND pipedrive_id = ANY($2::text[])`,
      [companyId, ids.map(String)],
    ),
  ]);
  return {
    deals: deals.rows.flatMap((r) => parsed(pipedriveDealSchema, r.state)),
    leads: leads.rows.flatMap((r) => parsed(pipedriveLeadSchema, r.state)),
    organizations: orgs.rows.flatMap((r) => parsed(pipedriveOrganizationSchema, r.state)),
    links: new Map(
      links.rows.map((r) => [
        Number(r.pipedrive_id),
        { personId: Number(r.pipedrive_id), lastHash: r.last_hash, lists: r.list_ids, blocklisted: r.state?.blocklisted === true, email: r.email },
      ]),
    ),
  };
}

function parsed<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, value: unknown): T[] {
  const r = schema.safeParse(value);
  return r.success ? [r.data] : [];
}

export interface ContactWritten {
  personId: number;
  orgId: number | null;
  email: string;
  hash: string;
  lists: readonly number[];
  brevoContactId?: number | null;
  sourceUpdatedAt: Date | null;
}

/** Records what was written for each person (hash and lists), so the next run can skip it. */
export async function saveContactResults(db: pg.Pool, companyId: string, items: readonly ContactWritten[]): Promise<void> {
  if (items.length === 0) return;
  // One JSON document, as for entity pages: seven parallel arrays (one of them jsonb[]) made the
  // driver escape every element as an array literal, a tenth of a backfill's driver CPU.
  await db.query(
    `INSERT INTO record_links (company_id, object, pipedrive_id, related_org_id, email, last_hash, list_ids, brevo_contact_id, source_updated_at, last_synced_at, updated_at)
     SELECT $1::uuid, 'person', t.id, t.org_id, t.email, t.hash, COALESCE((SELECT array_agg(x::int) FROM jsonb_array_elements_text(t.lists) x), '{}'), t.brevo_id, t.updated, now(), now()
       FROM jsonb_to_recordset($2::jsonb) AS t(id text, org_id int, email text, hash text, lists jsonb, brevo_id bigint, updated timestamptz)
     ON CONFLICT (company_id, object, pipedrive_id) DO UPDATE
        SET related_org_id = EXCLUDED.related_org_id, email = EXCLUDED.email, last_hash = EXCLUDED.last_hash, list_ids = EXCLUDED.list_ids,
            brevo_contact_id = COALESCE(EXCLUDED.brevo_contact_id, record_links.brevo_contact_id),
            source_updated_at = GREATEST(record_links.source_updated_at, EXCLUDED.source_updated_at),
            last_synced_at = now(), deleted_at = NULL, updated_at = now()`,
    [
      companyId,
      JSON.stringify(
        items.map((i) => ({ id: String(i.personId), org_id: i.orgId, email: i.email, hash: i.hash, lists: i.lists, brevo_id: i.brevoContactId ?? null, updated: isoOrNull(i.sourceUpdatedAt) })),
      ),
    ],
  );
}

/**
 * Other persons that hold these emails in Brevo (the app last wrote them under that email), by
 * email. Brevo keys contacts by email, so a write for the same email from another person would
 * overwrite that person's contact; the planner only sees collisions within one batch.
 */
export async function emailHolders(db: pg.Pool, companyId: string, emails: readonly string[], exceptPersonIds: readonly number[]): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  if (emails.length === 0) return out;
  const r = await db.query<{ pipedrive_id: string; email: string }>(
    `SELECT pipedrive_id, email FROM record_links
      WHERE company_id = $1 AND object = 'person' AND email = ANY($2::text[]) AND deleted_at IS NULL AND NOT (pipedrive_id = ANY($3::text[]))`,
    [companyId, [...new Set(emails)], exceptPersonIds.map(String)],
  );
  for (const row of r.rows) (out.get(row.email) ?? out.set(row.email, []).get(row.email)!).push(Number(row.pipedrive_id));
  return out;
}

/** The email each person's contact was last written under (null when none was), by person id. */
export async function personEmails(db: pg.Pool, companyId: string, personIds: readonly number[]): Promise<Map<number, string | null>> {
  const out = new Map<number, string | null>();
  if (personIds.length === 0) return out;
  const r = await db.query<{ pipedrive_id: string; email: string | null }>(
    `SELECT pipedrive_id, email FROM record_links WHERE company_id = $1 AND object = 'person' AND pipedrive_id = ANY($2::text[])`,
    [companyId, [...new Set(personIds)].map(String)],
  );
  for (const row of r.rows) out.set(Number(row.pipedrive_id), row.email);
  return out;
}

/** Person ids whose contact depends on the given organizations (COMPANY attribute and the like). */
export async function personsOfOrganizations(db: pg.Pool, companyId: string, orgIds: readonly number[]): Promise<number[]> {
  if (orgIds.length === 0) return [];
  const r = await db.query<{ pipedrive_id: string }>(`SELECT pipedrive_id FROM record_links WHERE company_id = $1 AND object = 'person' AND related_org_id = ANY($2::int[])`, [companyId, [...orgIds]]);
  return r.rows.map((x) => Number(x.pipedrive_id));
}

export async function getLink(db: pg.Pool, companyId: string, object: LinkObject, pipedriveId: string): Promise<{ state: unknown; sourceUpdatedAt: Date | null; relatedPersonId: number | null; email: string | null; listIds: number[] } | null> {
  const r = await db.query<{ state: unknown; source_updated_at: Date | null; related_person_id: number | null; email: string | null; list_ids: number[] }>(
    `SELECT state, source_updated_at, related_person_id, email, list_ids FROM record_links WHERE company_id = $1 AND object = $2 AND pipedrive_id = $3`,
    [companyId, object, pipedriveId],
  );
  const row = r.rows[0];
  return row ? { state: row.state, sourceUpdatedAt: row.source_updated_at, relatedPersonId: row.related_person_id, email: row.email, listIds: row.list_ids } : null;
}
