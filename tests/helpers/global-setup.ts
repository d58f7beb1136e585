import { createHash } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../lib/db/embedded-postgres';
import { applyMigrations, listMigrations, migrationsDir } from '../../lib/db/migrate';

/**
 * Integration tests run against real PostgreSQL: DATABASE_URL when set, else an embedded server
 * under .data/test-pg. Migrations are applied once to a template database; every test file
 * then clones it (CREATE DATABASE … TEMPLATE), which takes milliseconds and isolates files.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
    templateDatabase: string;
  }
}

let embedded: EmbeddedDatabase | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let base = process.env.DATABASE_URL;
  if (!base) {
    embedded = await startEmbeddedPostgres({ dataDir: path.resolve('.data/test-pg') });
    base = embedded.url;
    console.warn(`[integration] DATABASE_URL unset: using embedded PostgreSQL (${embedded.dataDir})`);
  }
  const migrations = await listMigrations(migrationsDir());
  const digest = createHash('sha256').update(migrations.map((m) => m.checksum).join(',')).digest('hex').slice(0, 12);
  const template = `pipebridge_tpl_${digest}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  // Serialize template creation across concurrent `npm test` runs on one server.
  await admin.query('SELECT pg_advisory_lock(72707370)');
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (exists.rowCount === 0) {
      await admin.query(`CREATE DATABASE ${template}`);
      const url = new URL(base);
      url.pathname = `/${template}`;
      await applyMigrations(url.toString());
    }
  } finally {
    await admin.query('SELECT pg_advisory_unlock(72707370)');
    await admin.end();
  }
  project.provide('adminDatabaseUrl', base);
  project.provide('templateDatabase', template);
  return async () => {
    await embedded?.stop();
  };
}
