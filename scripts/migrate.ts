// `npm run migrate`: applies prisma/migrations to DATABASE_URL and says what it did. Web and
// worker processes also migrate at boot; this is for a deploy step that migrates first.
import { applyMigrations } from '../lib/db/migrate';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is unset: set it to the PostgreSQL database to migrate (e.g. postgresql://user@host:5432/pipebridge).');
  process.exit(2);
}
try {
  const r = await applyMigrations(url);
  console.log(r.applied.length ? `Applied ${r.applied.length} migration(s): ${r.applied.join(', ')}; ${r.alreadyApplied} were already applied.` : `Nothing to apply: all ${r.alreadyApplied} migrations are applied.`);
} catch (err) {
  console.error(`Migration failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
