import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';

// Debian's chromium when present (this project's machines cannot run `npx playwright install`);
// otherwise Playwright's own browser, for people who did install it.
const systemChromium = process.env.PLAYWRIGHT_CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://localhost:${port}`;

const serverEnv: Record<string, string> = {
  ...(process.env as Record<string, string>),
  PORT: String(port),
  PIPEBRIDGE_DATA_DIR: `.data/e2e-${port}`,
  NEXT_DIST_DIR: process.env.NEXT_DIST_DIR ?? (port === 3100 ? '.next' : `.next-e2e-${port}`),
  PIPEDRIVE_SANDBOX_PORT: String(port + 10),
  // A fixed OAuth client so that specs can drive the sandbox's uninstall for it.
  PIPEDRIVE_CLIENT_ID: 'pipebridge-e2e',
  PIPEDRIVE_CLIENT_SECRET: 'pipebridge-e2e-secret',
  BREVO_SANDBOX_PORT: String(port + 20),
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  NEXT_TELEMETRY_DISABLED: '1',
};
// The demo must not write into a shared database: the test command hands it its own.
if (process.env.E2E_DATABASE_URL) serverEnv.DATABASE_URL = process.env.E2E_DATABASE_URL;
else delete serverEnv.DATABASE_URL;

export default defineConfig({
  testDir: 'tests/browser',
  // Per-port folders: several suites (e.g. of engineers working in parallel) must not share artifacts.
  outputDir: `test-results/playwright-${port}`,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [['list'], ['json', { outputFile: port === 3100 ? 'test-results/playwright.json' : `test-results/playwright-${port}.json` }]],
  use: {
    baseURL,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: systemChromium
          ? { executablePath: systemChromium, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] }
          : {},
      },
    },
  ],
  webServer: {
    command: 'node --conditions=react-server --import tsx scripts/start.ts --mode=demo',
    url: `${baseURL}/api/health`,
    timeout: 240_000,
    reuseExistingServer: false,
    env: serverEnv,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGINT', timeout: 20_000 },
  },
});
