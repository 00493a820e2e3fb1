import tseslint from 'typescript-eslint';
import vitest from '@vitest/eslint-plugin';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '.tmp/**', 'coverage/**', '**/dist/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
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
