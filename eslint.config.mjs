// @ts-check
import js from '@eslint/js';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

// The process boundaries of the layout (see README, "Layout"), as import restrictions. ESLint keeps only the
// last options of a rule for a file, so each folder group below lists every restriction that applies to it.
const noVscode = { paths: [{ name: 'vscode', message: 'vscode is only available in the extension host.' }] };
const nodeMessage =
  'Node built-ins are unavailable in the webview; src/shared is compiled into every process, the webview too.';
const noNode = {
  paths: builtinModules.map((name) => ({ name, message: nodeMessage })),
  patterns: [{ regex: '^node:', message: nodeMessage }],
};
// The trainer is a child process reached through src/client; the pure rules the others need live in src/shared.
// By design only the bench (it measures the engine's parts in one process) imports it from outside.
const noTrainer = {
  patterns: [
    {
      regex: '^(\\.\\./)+trainer(/|$)',
      message:
        'Only the trainer process runs src/trainer: talk to it through src/client, or move the pure rule to src/shared.',
    },
  ],
};
const noClient = {
  patterns: [
    {
      regex: '^(\\.\\./)+client(/|$)',
      message: 'The trainer is the server side of src/client: it never imports the client.',
    },
  ],
};
const restrict = (files, ...rules) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      { paths: rules.flatMap((r) => r.paths ?? []), patterns: rules.flatMap((r) => r.patterns ?? []) },
    ],
  },
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'scratch/**', 'test-results/**', 'samples/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  // Disjoint groups (a file matches one): the last matching config would replace the options of another.
  restrict(['src/shared/**', 'webview/**'], noVscode, noNode),
  restrict(['src/trainer/**'], noVscode, noClient),
  restrict(
    [
      'src/server/**',
      'src/cli/**',
      'src/recipe/**',
      'src/ray/**',
      'src/samples/**',
      'src/host/security/**',
      'src/host/panel/panelHtml.ts',
    ],
    noVscode,
    noTrainer,
  ),
  restrict(['src/bench/**'], noVscode),
  restrict(['src/client/**'], noVscode),
  // Node file access every Node process shares (bounded reads, the run folder's reader, the cache folders).
  restrict(['src/io/**'], noVscode, noTrainer, noClient),
  {
    ...restrict(['src/host/**', 'src/extension.ts'], noTrainer),
    ignores: ['src/host/security/**', 'src/host/panel/panelHtml.ts'],
  },
  {
    files: ['scripts/**/*.mjs', 'test/**/*.mjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        WebAssembly: 'readonly',
      },
    },
  },
);
