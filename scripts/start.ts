// `npm run demo` / `npm run dev` / `npm start`: one command that brings up the product.
//   demo: embedded defaults, both sandboxes seeded, production build of the app, in-process workers
//   dev:  like demo but `next dev`
//   web:  production web process only (run workers with `npm run worker`)
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { boot } from './boot';

const mode = (process.argv.find((a) => a.startsWith('--mode='))?.split('=')[1] ?? 'demo') as 'demo' | 'dev' | 'web';
if (!['demo', 'dev', 'web'].includes(mode)) {
  console.error(`unknown mode ${mode}: use --mode=demo, --mode=dev or --mode=web`);
  process.exit(2);
}
const port = Number(process.env.PORT ?? 3000);
process.env.NEXT_TELEMETRY_DISABLED = '1';
if (mode !== 'web') process.env.PIPEBRIDGE_IN_PROCESS_WORKERS ??= 'true';

const booted = await boot({ allowGeneratedSecrets: mode !== 'web', port });
const { logger } = await import('../lib/log');
const log = logger();
for (const n of booted.notes) log.info(n);

const cleanups: (() => Promise<void>)[] = [];

if (mode !== 'web' && process.env.PIPEBRIDGE_DEMO_SANDBOXES !== 'false') {
  // Started before the web server so that its environment points at them.
  const { startDemoSandboxes } = await import('./demo-sandboxes');
  const sandboxes = await startDemoSandboxes(process.env.APP_URL!);
  cleanups.push(sandboxes.close);
  for (const n of sandboxes.notes) log.info(n);
  // logger() read and cached the configuration before the sandboxes put their URLs into
  // process.env; the in-process workers must see the sandboxes, not the real vendors.
  (await import('../lib/env')).resetEnvCache();
}


function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'generated' || entry.name.startsWith('.')) continue;
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

const nextBin = path.resolve('node_modules/next/dist/bin/next');
const childEnv = { ...process.env, PIPEBRIDGE_PARENT_PID: String(process.pid), PORT: String(port) };
if (mode !== 'dev') {
  const buildId = path.resolve(process.env.NEXT_DIST_DIR || '.next', 'BUILD_ID');
  // next.config.mjs counts too: response headers (framing policy) are fixed at build time.
  const sources = Math.max(statSync('next.config.mjs').mtimeMs, ...['app', 'components', 'lib', 'public'].filter((d) => existsSync(d)).map(newestSource));
  if (!existsSync(buildId) || statSync(buildId).mtimeMs < sources) {
    log.info('building the app (next build)…');
    const r = spawnSync(process.execPath, [nextBin, 'build'], { stdio: 'inherit', env: childEnv });
    if (r.status !== 0) {
      log.error('next build failed');
      process.exit(r.status ?? 1);
    }
  }
}

const web: ChildProcess = spawn(process.execPath, [nextBin, mode === 'dev' ? 'dev' : 'start', '-p', String(port)], { stdio: 'inherit', env: childEnv });

if (process.env.PIPEBRIDGE_IN_PROCESS_WORKERS === 'true') {
  const { startWorkers } = await import('../lib/jobs/runtime');
  const queue = await startWorkers();
  cleanups.unshift(() => queue.stop(15_000));
}

log.info(`Pipebridge (${mode}) is starting on ${process.env.APP_URL}`);

let stopping = false;
async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  web.kill('SIGTERM');
  await new Promise<void>((r) => {
    if (web.exitCode !== null) return r();
    const t = setTimeout(() => {
      web.kill('SIGKILL');
      r();
    }, 10_000);
    web.once('exit', () => {
      clearTimeout(t);
      r();
    });
  });
  for (const c of cleanups) await c().catch((err: unknown) => log.error({ err }, 'cleanup failed'));
  await booted.embedded?.stop();
  process.exit(code);
}
web.on('exit', (code) => {
  if (!stopping) {
    log.error({ code }, 'the web server exited');
    void shutdown(code ?? 1);
  }
});
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
process.on('uncaughtException', (err) => {
  log.fatal({ err }, 'launcher crashed');
  void shutdown(1);
});
