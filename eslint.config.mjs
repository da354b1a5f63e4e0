import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Layering (after VS Code's code-layering rule): the engine, the headless host, the
// shared contract and the simulator run in plain Node, so none may import electron;
// the renderer talks only to the typed API, so it may not reach into main or node.
const noElectron = {
  paths: [{ name: 'electron', message: 'Only src/main (the Electron shell) and src/preload may import electron.' }],
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'e2e/output/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['src/main/engine/**', 'src/headless/**', 'src/shared/**', 'sim/**', 'bench/**'],
    rules: { 'no-restricted-imports': ['error', noElectron] },
  },
  {
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { ...noElectron, patterns: [{ group: ['node:*', 'zod', 'ws', 'react'], message: 'src/shared holds types only: no runtime dependencies.' }] },
      ],
    },
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          ...noElectron,
          patterns: [{ group: ['node:*', '**/main/**', '**/headless/**', 'ws'], message: 'The renderer talks only to the typed API in src/shared.' }],
        },
      ],
    },
  },
);
