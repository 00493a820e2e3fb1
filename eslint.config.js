import tseslint from 'typescript-eslint';
import vitest from '@vitest/eslint-plugin';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '.tmp/**', 'coverage/**', '**/dist/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    // Type-aware rules: the TypeScript project service answers for every .ts file (tsconfig.json includes them).
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'max-params': ['warn', 4],
    },
  },
  {
    // The pipeline is pure domain logic: no queues, databases, object stores or HTTP servers.
    files: ['packages/pipeline/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['bullmq', 'ioredis', '@prisma/*', '@aws-sdk/*', 'express', '@bull-board/*', 'pg'], message: 'packages/pipeline stays free of infrastructure: put this in apps/*.' },
            { group: ['**/apps/**', '@pmc-curator/worker', '@pmc-curator/dashboard'], message: 'the pipeline never imports the apps.' },
            { group: ['**/packages/store/**', '@pmc-curator/store', '@pmc-curator/store/*'], message: 'the pipeline never imports the store.' },
          ],
        },
      ],
    },
  },
  {
    // The store (Postgres, object store, queues, lifecycle) serves both apps and knows neither.
    files: ['packages/store/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/apps/**', '@pmc-curator/worker', '@pmc-curator/worker/*', '@pmc-curator/dashboard', '@pmc-curator/dashboard/*'], message: 'packages/store never imports the apps: take settings as parameters (see settings.ts).' },
            { group: ['express', '@bull-board/*'], message: 'packages/store has no HTTP server: put this in apps/dashboard.' },
          ],
        },
      ],
    },
  },
  {
    // The dashboard reads the store through @pmc-curator/store; the worker is another app.
    files: ['apps/dashboard/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/apps/worker/**', '**/worker/src/**', '@pmc-curator/worker', '@pmc-curator/worker/*'], message: 'the dashboard never imports the worker: take it from @pmc-curator/store.' },
            { group: ['**/packages/**'], message: 'import a package through its exports (@pmc-curator/store/..., @pmc-curator/pipeline/...).' },
          ],
        },
      ],
    },
  },
  {
    // The worker starts the dashboard through its package exports, never its sources.
    files: ['apps/worker/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/apps/dashboard/**', '**/dashboard/src/**'], message: 'import @pmc-curator/dashboard (its exports), not its sources.' },
            { group: ['**/packages/store/**'], message: 'import the store through its exports (@pmc-curator/store/db, /storage, /queues, /lifecycle, /settings).' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.test.ts'],
    plugins: { vitest },
    rules: {
      'vitest/valid-expect': ['error', { maxArgs: 2 }],
      'vitest/expect-expect': ['error', { assertFunctionNames: ['expect', 'expect*', 'assert*'] }],
      'vitest/no-identical-title': 'error',
      'vitest/no-focused-tests': 'error',
    },
  },
);
