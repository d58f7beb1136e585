import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

/** `npm run migrate` is the deploy step that migrates before the processes start. */
function migrate(databaseUrl: string | undefined) {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  else delete env.DATABASE_URL;
  return spawnSync('npm', ['run', '-s', 'migrate'], { env, encoding: 'utf8' });
}

describe('npm run migrate', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ empty: true });
  });
  afterAll(async () => {
    await db.drop();
  });

  it('applies every migration once, then has nothing to apply', () => {
    const first = migrate(db.url);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^Applied \d+ migration\(s\): 20261129000000_init, /);
    const again = migrate(db.url);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/^Nothing to apply: all \d+ migrations are applied\./);
  });

  it('names the missing setting when DATABASE_URL is unset', () => {
    const r = migrate(undefined);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('DATABASE_URL is unset');
  });

  it('fails with the database error for an unreachable database', () => {
    const r = migrate('postgresql://postgres@127.0.0.1:1/none');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^Migration failed: .*ECONNREFUSED/);
  });
});
