import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Type-aware checks over the code that ships and the code that tests it: promises are awaited or
 * handled, names are used, assertions and conversions mean something. The `no-unsafe-*` family is
 * left off: records, card data and SDK payloads are parsed or checked by zod and the activity
 * checks at the edges, and the rest reads them as `unknown`.
 */
export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'public/**', 'data/**', 'test-results/**', 'eslint.config.js', '.dependency-cruiser.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/no-base-to-string': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' }],
      // Control characters are matched on purpose: they are stripped from user text.
      'no-control-regex': 'off',
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Tests read loosely typed activities and cards as they come over the wire.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      // chai's property assertions (`expect(x).to.be.empty`) read as expressions.
      '@typescript-eslint/no-unused-expressions': 'off',
    },
  },
);
