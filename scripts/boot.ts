// Prepares the process environment before anything reads lib/env: the embedded database when
// DATABASE_URL is unset, and locally generated secrets for demo/dev (never for production).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../lib/db/embedded-postgres';
import { generateKeySpec } from '../lib/crypto/secrets';
import { applyMigrations } from '../lib/db/migrate';

export const DATA_DIR = path.resolve(process.env.PIPEBRIDGE_DATA_DIR ?? '.data');

export interface Booted {
  databaseUrl: string;
  embedded?: EmbeddedDatabase;
  notes: string[];
}

function localSecrets(notes: string[]): { nextAuthSecret: string; encryptionKeys: string } {
  const file = path.join(DATA_DIR, 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as { nextAuthSecret: string; encryptionKeys: string };
  mkdirSync(DATA_DIR, { recursive: true });
  const secrets = { nextAuthSecret: randomBytes(32).toString('base64'), encryptionKeys: generateKeySpec('local1') };
  writeFileSync(file, JSON.stringify(secrets, null, 2));
  chmodSync(file, 0o600);
  notes.push(`Generated a local session secret and encryption key in ${path.relative(process.cwd(), file)} (for this machine only; production requires NEXTAUTH_SECRET and PIPEBRIDGE_ENCRYPTION_KEYS).`);
  return secrets;
}

export async function boot(opts: { allowGeneratedSecrets: boolean; port?: number }): Promise<Booted> {
  const notes: string[] = [];
  const port = opts.port ?? Number(process.env.PORT ?? 3000);
  process.env.APP_URL ??= `http://localhost:${port}`;
  process.env.NEXTAUTH_URL ??= process.env.APP_URL;
  if (opts.allowGeneratedSecrets && (!process.env.NEXTAUTH_SECRET || !process.env.PIPEBRIDGE_ENCRYPTION_KEYS)) {
    const s = localSecrets(notes);
    process.env.NEXTAUTH_SECRET ??= s.nextAuthSecret;
    process.env.PIPEBRIDGE_ENCRYPTION_KEYS ??= s.encryptionKeys;
  }
  let embedded: EmbeddedDatabase | undefined;
  if (!process.env.DATABASE_URL) {
    embedded = await startEmbeddedPostgres({ dataDir: path.join(DATA_DIR, 'pg') });
    process.env.DATABASE_URL = embedded.url;
    notes.push(`DATABASE_URL is unset: using the embedded PostgreSQL in ${path.relative(process.cwd(), embedded.dataDir)}.`);
  }
  const migrated = await applyMigrations(process.env.DATABASE_URL);
  if (migrated.applied.length) notes.push(`Applied migrations: ${migrated.applied.join(', ')}.`);
  return { databaseUrl: process.env.DATABASE_URL, embedded, notes };
}
