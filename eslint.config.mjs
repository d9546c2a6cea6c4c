// Lints the TypeScript (client, nodes, tests, bench) and the editor scripts that run in the browser.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  { ignores: ['dist/', 'node_modules/', '.cache/', 'resources/', 'dashboard/dist/', 'dashboard/resources/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The companion reaches the main package through its flink-cluster node at run time (docs/companion-api.md):
    // a value imported from it would be a require that breaks once the companion is installed on its own.
    files: ['dashboard/nodes/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [{ regex: '^(\\.\\./)+(nodes|src)/', allowTypeImports: true, message: 'Import only types from the main package.' }],
      }],
    },
  },
  {
    files: ['scripts/**/*.mjs', 'dashboard/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['nodes/editor/**/*.ts'],
    languageOptions: { globals: { ...globals.browser, RED: 'readonly', $: 'readonly' } },
  },
);
