import { pgPool } from '../db/pool';

/**
 * Runs `fn` while holding a Postgres advisory lock for (purpose, company), so two workers never
 * register or remove the same company's webhooks at once (which would create duplicates).
 */
export async function withCompanyLock<T>(purpose: string, companyId: string, fn: () => Promise<T>): Promise<T> {
  const client = await pgPool().connect();
  const key = `${purpose}:${companyId}`;
  let broken = false;
  try {
    await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key]);
    try {
      return await fn();
    } finally {
      // A connection that cannot unlock is thrown away; closing it releases the lock.
      await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]).catch(() => (broken = true));
    }
  } finally {
    client.release(broken);
  }
}
