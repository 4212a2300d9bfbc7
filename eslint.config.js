import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'test-output/', '.dara/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The lower layers know nothing of the server, the builder or the CLI.
    files: ['src/http/**', 'src/definitions/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['**/server/**', '**/config/**', '**/cli/**', '**/auth/**'] },
      ],
    },
  },
  {
    // The client runs in browsers and other services: fetch only. It may use the
    // server's types, never its code: of src/ it loads only HttpError.
    files: ['src/client/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/server/**',
                '**/config/**',
                '**/cli/**',
                '**/auth/**',
                '**/definitions/**',
              ],
              message: 'The client may not load server code.',
            },
            {
              group: ['../http/*', '!../http/http-error.ts'],
              allowTypeImports: true,
              message:
                'Of src/http, the client loads only http-error.ts; import types with `import type`.',
            },
            {
              group: ['node:*', 'fastify', 'fastify-*', 'pino', 'jose', 'zod', 'tsx'],
              allowTypeImports: true,
              message: 'The client runs in browsers: fetch only, and types from server packages.',
            },
          ],
        },
      ],
    },
  },
  {
    // Components know routes and definitions, never the server that mounts them.
    files: ['src/components/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['**/server/**', '**/config/**', '**/cli/**', '**/auth/**'] },
      ],
    },
  },
  {
    // The UI reaches the package only through its public subpaths (dara-ts/...).
    files: ['ui/src/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['../../*', '../../../*'] }],
    },
  },
  {
    // Examples prove the package's exports: they import dara-ts by name.
    files: ['examples/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/src/**'] }],
    },
  },
  {
    // Type tests return values of deliberately wrong types under @ts-expect-error.
    files: ['tests/types/**'],
    rules: {
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
)
