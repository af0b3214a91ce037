// Lint: typescript-eslint's bug-catching rules, and the arrows of DESIGN §3 as import restrictions.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const noNodeIo = ['node:fs', 'node:fs/promises', 'fs', 'fs/promises', 'node:net', 'node:http', 'node:child_process'];
const adapterPackages = ['kysely', 'pg', 'better-sqlite3', 'fastify', '@aws-sdk/*', 'duckdb', '@duckdb/*'];

/** Import patterns a layer may not use, with the reason shown in the lint message. */
function restrict(patterns, message) {
  return { 'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }] };
}

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', 'web/dist/**', 'coverage/**', 'test-results/**', '.datadam/**', 'bin/**', 'scripts/*.mjs'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    files: ['src/platform/db/migrations/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  // core: imports nothing below it.
  {
    files: ['src/core/**/*.ts'],
    rules: restrict(
      ['**/modules/**', '**/platform/**', '**/server/**', '**/cli/**', ...adapterPackages],
      'src/core imports no module, adapter or server code (DESIGN §3).',
    ),
  },
  // services: rules through ports only.
  {
    files: ['src/modules/**/*.service.ts'],
    rules: restrict(
      [...noNodeIo, ...adapterPackages, '**/platform/**', '**/server/**', '**/cli/**'],
      'Services hold the rules and touch no I/O: go through a port in src/core/ports.ts (DESIGN §2).',
    ),
  },
  // modules: never reach into adapters or the composition root.
  {
    files: ['src/modules/**/*.ts'],
    ignores: ['src/modules/**/*.service.ts', 'src/modules/**/*.test.ts'],
    rules: restrict(
      ['**/platform/**', '**/server/**', '**/cli/**'],
      'Modules see ports, not adapters; only src/server wires them (DESIGN §3).',
    ),
  },
  // adapters: know no module.
  {
    files: ['src/platform/**/*.ts'],
    ignores: ['src/platform/**/*.test.ts'],
    rules: restrict(['**/modules/**', '**/server/**', '**/cli/**'], 'Adapters implement ports and know no module (DESIGN §3).'),
  },
  // web: talks to the API only.
  {
    files: ['web/**/*.ts', 'web/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
    rules: restrict(['**/src/**', '!./src/**', ...adapterPackages], 'The web app talks to the API only (DESIGN §3).'),
  },
);
