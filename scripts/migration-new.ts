// Writes a new migration: applies the existing ones to a scratch database, compares the result
// with schema.prisma (via the generated DMMF snapshot) and renders the SQL for the difference.
// Usage: npm run migration:new -- <name>   (needs DATABASE_URL or the machine's Postgres)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { applyMigrations } from '../lib/db/migrate';
import { introspectSchema } from '../lib/db/introspect';
import { renderMigration } from '../lib/db/render-migration';
import { schemaFromDmmf, type Dmmf } from '../lib/db/schema-model';

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: npm run migration:new -- <snake_case_name>');
  process.exit(2);
}
const base = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const scratch = `pipebridge_migration_${process.pid}`;
const admin = new pg.Client({ connectionString: base });
await admin.connect();
await admin.query(`CREATE DATABASE ${scratch}`);
try {
  const url = new URL(base);
  url.pathname = `/${scratch}`;
  await applyMigrations(url.toString());
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  const current = await introspectSchema(client);
  await client.end();
  const dmmf = JSON.parse(readFileSync('lib/generated/dmmf.json', 'utf8')) as Dmmf;
  const sql = renderMigration(current, schemaFromDmmf(dmmf));
  if (!sql) {
    console.log('schema.prisma and the migrations agree: nothing to write.');
  } else {
    const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
    const dir = path.join('prisma', 'migrations', `${stamp}_${name}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'migration.sql'), sql);
    console.log(`wrote ${dir}/migration.sql: read it before committing.`);
  }
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${scratch}`);
  await admin.end();
}
