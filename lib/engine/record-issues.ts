import type pg from 'pg';
import type { LinkObject } from './link-store';

/**
 * Per-record problems: records skipped (no email…), written with a warning (phone dropped…),
 * or refused by Brevo. Nothing is dropped silently: each is stored with a reason the admin
 * can read, and errors get a next retry time with exponential backoff.
 */
export interface RecordIssueInput {
  object: LinkObject;
  pipedriveId: string;
  severity: 'error' | 'warning' | 'skipped';
  code: string;
  reason: string;
  payload?: unknown;
}

const MAX_BACKOFF_MINUTES = 24 * 60;

/** Clears the open issues of records that were just processed, before their new ones are stored. */
export async function resolveIssues(db: pg.Pool, companyId: string, object: LinkObject, pipedriveIds: readonly string[]): Promise<void> {
  if (pipedriveIds.length === 0) return;
  await db.query(
    `UPDATE record_issues SET status = 'resolved', next_retry_at = NULL, updated_at = now()
      WHERE company_id = $1 AND object = $2 AND pipedrive_id = ANY($3::text[]) AND status IN ('open', 'retrying')`,
    [companyId, object, pipedriveIds],
  );
}

export async function recordIssues(db: pg.Pool, companyId: string, syncRunId: string | null, issues: readonly RecordIssueInput[]): Promise<void> {
  if (issues.length === 0) return;
  // One row per (record, code): a second occurrence bumps attempts and pushes the retry out.
  const unique = new Map<string, RecordIssueInput>();
  for (const i of issues) unique.set(`${i.object}:${i.pipedriveId}:${i.code}`, i);
  const rows = [...unique.values()];
  await db.query(
    `INSERT INTO record_issues (company_id, sync_run_id, object, pipedrive_id, severity, code, reason, status, attempts, next_retry_at, payload, updated_at)
     SELECT $1::uuid, $2::uuid, t.object::"SyncObject", t.id, t.severity::"RecordIssueSeverity", t.code, t.reason, 'open', 1,
            CASE WHEN t.severity = 'error' THEN now() + interval '1 minute' END, t.payload, now()
       FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::jsonb[]) AS t(object, id, severity, code, reason, payload)
     ON CONFLICT (company_id, object, pipedrive_id, code) DO UPDATE
        SET severity = EXCLUDED.severity, reason = EXCLUDED.reason, status = 'open', sync_run_id = EXCLUDED.sync_run_id,
            attempts = record_issues.attempts + 1, payload = EXCLUDED.payload, updated_at = now(),
            next_retry_at = CASE WHEN EXCLUDED.severity = 'error'
                                 THEN now() + make_interval(mins => LEAST(${MAX_BACKOFF_MINUTES}, power(2, record_issues.attempts)::int)) END`,
    [
      companyId,
      syncRunId,
      rows.map((r) => r.object),
      rows.map((r) => r.pipedriveId),
      rows.map((r) => r.severity),
      rows.map((r) => r.code),
      rows.map((r) => r.reason),
      rows.map((r) => (r.payload === undefined ? null : JSON.stringify(r.payload))),
    ],
  );
}

/** Errors whose retry time has come, oldest first. */
export async function dueRetries(db: pg.Pool, companyId: string, limit = 500): Promise<{ object: LinkObject; pipedriveId: string }[]> {
  const r = await db.query<{ object: LinkObject; pipedrive_id: string }>(
    `SELECT DISTINCT object, pipedrive_id FROM record_issues
      WHERE company_id = $1 AND severity = 'error' AND status = 'open' AND next_retry_at <= now() LIMIT $2`,
    [companyId, limit],
  );
  return r.rows.map((x) => ({ object: x.object, pipedriveId: x.pipedrive_id }));
}
