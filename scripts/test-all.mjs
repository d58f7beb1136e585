// `npm test`: lint, typecheck, unit, integration and browser tests, in that order. Every step
// runs even after a failure (so one run shows everything), and the exit code is non-zero if any
// step failed. With DATABASE_URL set, tests use that server (each test file in its own
// database); without it, an embedded PostgreSQL under .data/.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import pg from 'pg';

process.env.NEXT_TELEMETRY_DISABLED = '1';
process.env.CHECKPOINT_DISABLE = '1';
// Expected failures in tests log warnings by the hundred; errors still show.
process.env.LOG_LEVEL ??= 'error';
mkdirSync('test-results', { recursive: true });

const steps = [];
function run(name, cmd, args, env = {}) {
  const started = Date.now();
  console.log(`\n▶ ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  const ok = r.status === 0;
  steps.push({ name, ok, seconds: Math.round((Date.now() - started) / 100) / 10 });
  return ok;
}

function countsFromVitest(file) {
  if (!existsSync(file)) return null;
  const j = JSON.parse(readFileSync(file, 'utf8'));
  return { passed: j.numPassedTests ?? 0, failed: j.numFailedTests ?? 0, skipped: (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0) };
}
function countsFromPlaywright(file) {
  if (!existsSync(file)) return null;
  const j = JSON.parse(readFileSync(file, 'utf8'));
  const s = j.stats ?? {};
  return { passed: (s.expected ?? 0) + (s.flaky ?? 0), failed: s.unexpected ?? 0, skipped: s.skipped ?? 0 };
}

run('prisma generate', process.execPath, ['scripts/prisma-generate.mjs']);
run('lint', 'npx', ['--no-install', 'eslint', '--max-warnings=0', '.']);
run('typecheck', 'npx', ['--no-install', 'tsc', '--noEmit', '-p', 'tsconfig.json']);
for (const f of ['test-results/vitest.json', 'test-results/playwright.json']) rmSync(f, { force: true });
if (run('unit + integration tests', 'npx', ['--no-install', 'vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=test-results/vitest.json'])) {
  // Vitest can exit 0 after a configuration error that ran nothing: that is a failure here.
  const c = countsFromVitest('test-results/vitest.json');
  if (!c || c.passed + c.failed === 0) {
    console.error('vitest ran no test: treating as a failure');
    steps[steps.length - 1].ok = false;
  }
} 
// Vitest has been seen exiting 0 with a failed test in its report: the report decides too.
{
  const c = countsFromVitest('test-results/vitest.json');
  const step = steps[steps.length - 1];
  if (c && c.failed > 0 && step.ok) {
    console.error(`vitest exited 0 but reported ${c.failed} failed test(s): treating as a failure`);
    step.ok = false;
  }
}

// The browser tests run the demo (`npm run demo`) as their server, on a database of their own.
const e2eEnv = {};
if (process.env.DATABASE_URL) {
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS pipebridge_e2e WITH (FORCE)');
  await admin.query('CREATE DATABASE pipebridge_e2e');
  await admin.end();
  const url = new URL(process.env.DATABASE_URL);
  url.pathname = '/pipebridge_e2e';
  e2eEnv.E2E_DATABASE_URL = url.toString();
}
run('browser tests', 'npx', ['--no-install', 'playwright', 'test'], e2eEnv);
{
  const c = countsFromPlaywright('test-results/playwright.json');
  const step = steps[steps.length - 1];
  if (!c || c.passed + c.failed === 0) step.ok = false;
  else if (c.failed > 0) step.ok = false;
}

const totals = { passed: 0, failed: 0, skipped: 0 };
for (const c of [countsFromVitest('test-results/vitest.json'), countsFromPlaywright('test-results/playwright.json')]) {
  if (!c) continue;
  totals.passed += c.passed;
  totals.failed += c.failed;
  totals.skipped += c.skipped;
}
console.log('\nSummary');
for (const s of steps) console.log(`  ${s.ok ? 'ok  ' : 'FAIL'} ${s.name} (${s.seconds}s)`);
const failedSteps = steps.filter((s) => !s.ok).length;
if (failedSteps && totals.failed === 0) totals.failed = failedSteps; // a failed lint/typecheck counts
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedSteps ? 1 : 0);
