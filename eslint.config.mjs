// Lint rules from STYLE.md: workflows stay deterministic (no Node built-ins, Prisma or the
// Temporal client), every promise is awaited or handled, type-only imports are marked.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', 'test-output/**', 'prisma/generated/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...builtinModules.map((name) => ({ name, message: 'Workflows must be deterministic: no Node built-ins.' })),
            ...builtinModules.map((name) => ({ name: `node:${name}`, message: 'Workflows must be deterministic: no Node built-ins.' })),
            { name: '@prisma/client', message: 'Workflows never touch the database; use an activity.' },
            { name: '@temporalio/client', message: 'Workflows must not use the Temporal client.' },
          ],
          patterns: [
            { group: ['@prisma/*', '../activities/*', '../api/*', '../runtime/*'], message: 'Workflows import only workflow-safe modules (types excepted).', allowTypeImports: true },
          ],
        },
      ],
    },
  },
);
