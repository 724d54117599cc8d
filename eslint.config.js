import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'data/**',
      'coverage/**',
      'test/bench/results/**',
      '.dependency-cruiser.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', '*.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/only-throw-error': 'error',
      eqeqeq: ['error', 'always'],
      // Y.Text defines toString(), which the type declarations do not show.
      '@typescript-eslint/no-base-to-string': ['error', { ignoredTypeNames: ['YText', 'Error', 'RegExp', 'URL'] }],
      // Sync implementations of async interfaces (the SQLite store) are deliberate.
      '@typescript-eslint/require-await': 'off',
    },
  },
  { files: ['client/**/*.{ts,tsx}'], ...reactHooks.configs.flat.recommended },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['client/public/**/*.js'],
    languageOptions: {
      globals: { self: 'readonly', caches: 'readonly', fetch: 'readonly', Response: 'readonly', URL: 'readonly' },
    },
  },
  {
    // A file or a function past these sizes is doing more than one job (docs/ARCHITECTURE.md).
    files: ['**/*.{ts,tsx}'],
    ignores: ['client/src/i18n/**'],
    rules: { 'max-lines': ['error', { max: 600 }] },
  },
  {
    files: ['server/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 150 }] },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts'],
    rules: {
      // Test helpers hand promises to vitest and event emitters freely.
      '@typescript-eslint/no-floating-promises': 'off',
      // vitest's asymmetric matchers (expect.stringContaining) are typed `any`.
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
);
