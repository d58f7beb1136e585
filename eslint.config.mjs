import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', '.next/**', '.next-*/**', '.data/**', '.worker/**', 'lib/generated/**', 'next-env.d.ts', 'test-results/**', 'playwright-report/**', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through lib/env.ts.' }],
    },
  },
  {
    // The env module, scripts that boot the process, tests and sandboxes may read process.env directly.
    files: ['lib/env.ts', 'instrumentation.ts', 'scripts/**', 'tests/**', 'sandbox/**', '**/*.test.ts', 'playwright.config.ts', 'vitest.config.ts', 'prisma.config.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
