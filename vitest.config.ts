import { defineConfig } from 'vitest/config';
import path from 'node:path';

// 'server-only' throws outside React's server graph; tests import server modules directly.
const alias = { '@': path.resolve(import.meta.dirname), 'server-only': path.resolve(import.meta.dirname, 'tests/helpers/empty-module.ts') };

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['lib/**/*.test.ts', 'sandbox/**/*.test.ts', 'components/**/*.test.{ts,tsx}', 'scripts/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          // Runs after the unit project, with its own worker limit (each file holds DB connections).
          sequence: { groupOrder: 1 },
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/helpers/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Each file gets its own database (tests/helpers/db.ts), so files may run in parallel.
          fileParallelism: true,
          maxWorkers: 2,
        },
      },
    ],
  },
});
