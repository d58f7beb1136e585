import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { introspectSchema } from '@/lib/db/introspect';
import { applyMigrations } from '@/lib/db/migrate';
import { diffSchemas, schemaFromDmmf, type Dmmf, type SchemaModel } from '@/lib/db/schema-model';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

/**
 * schema.prisma and prisma/migrations must describe the same database. The snapshot of the
 * Prisma schema is regenerated here, so editing schema.prisma without a migration fails this
 * test even when nobody ran `prisma generate`.
 */
function loadDmmf(): Dmmf {
  const r = spawnSync('npx', ['--no-install', 'prisma', 'generate', '--generator', 'snapshot'], {
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, CHECKPOINT_DISABLE: '1' },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`prisma generate failed: ${r.stderr}`);
  return JSON.parse(readFileSync('lib/generated/dmmf.json', 'utf8')) as Dmmf;
}

describe('schema drift', () => {
  let db: TestDatabase;
  let client: pg.Client;
  let actual: SchemaModel;
  let expected: SchemaModel;

  beforeAll(async () => {
    db = await createTestDatabase({ empty: true });
    await applyMigrations(db.url);
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    actual = await introspectSchema(client);
    expected = schemaFromDmmf(loadDmmf());
  });
  afterAll(async () => {
    await client.end();
    await db.drop();
  });

  it('the migrations produce exactly what schema.prisma describes', () => {
    expect(diffSchemas(expected, actual)).toEqual([]);
    expect(Object.keys(actual.tables).length).toBeGreaterThanOrEqual(15);
  });

  it('notices a column added to the schema without a migration', () => {
    const changed = structuredClone(expected);
    changed.tables.companies!.columns.plan = { type: 'text', nullable: true, default: null };
    expect(diffSchemas(changed, actual)).toEqual(['column companies.plan: missing in database']);
  });

  it('notices a migration that the schema does not know about', async () => {
    await client.query('ALTER TABLE record_links ADD COLUMN stray integer');
    await client.query('CREATE INDEX stray_idx ON record_links (stray)');
    const after = await introspectSchema(client);
    expect(diffSchemas(expected, after)).toEqual(['column record_links.stray: in database but not in schema', 'index stray_idx on record_links: in database but not in schema']);
  });

  it('notices type, nullability, default and foreign-key differences', async () => {
    await client.query('ALTER TABLE installations ALTER COLUMN user_email SET NOT NULL');
    await client.query("ALTER TABLE sync_settings ALTER COLUMN default_phone_country SET DEFAULT 'DE'");
    await client.query('ALTER TABLE field_mappings DROP CONSTRAINT field_mappings_company_id_fkey');
    await client.query('ALTER TABLE field_mappings ADD CONSTRAINT field_mappings_company_id_fkey FOREIGN KEY (company_id) REFERENCES companies(id) ON DELETE RESTRICT');
    const diff = diffSchemas(expected, await introspectSchema(client));
    expect(diff).toContain('column installations.user_email: NOT NULL in database, nullable in schema');
    expect(diff).toContain("column sync_settings.default_phone_country: default 'DE' in database, none in schema");
    expect(diff.some((d) => d.startsWith('foreign key field_mappings_company_id_fkey:'))).toBe(true);
  });

  it('re-applying the migrations is a no-op, and an edited applied migration is refused', async () => {
    const again = await applyMigrations(db.url);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toBeGreaterThan(0);
    await client.query(`UPDATE "_prisma_migrations" SET checksum = 'x'`);
    await expect(applyMigrations(db.url)).rejects.toThrow(/changed after it was applied/);
  });
});
