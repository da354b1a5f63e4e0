import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Layering (after VS Code's code-layering rule): the engine, the headless host, the demo
// fleet, the shared contract and the simulator run in plain Node, so none may import electron;
// the renderer talks only to the typed API, so it may not reach into main or node; the
// Electron shell does not depend on the headless host; the engine never carries the
// simulator; chaos and bench share tooling through harness/, not test/.
//
// A later block's `no-restricted-imports` replaces an earlier one's for the same file, so the
// blocks below cover disjoint folders and each lists everything its folder may not import.
// Dynamic `import()` is not checked (src/demo is loaded lazily by the shell).
const noElectron = {
  paths: [{ name: 'electron', message: 'Only src/main (the Electron shell) and src/preload may import electron.' }],
};
const noHeadless = { group: ['**/headless/**'], message: 'The shell must not depend on the headless host.' };
const noSimulator = { group: ['**/sim/**', '**/demo/**'], message: 'The engine never carries the simulator.' };
const noTestTree = { group: ['**/test/**'], message: 'Shared tooling lives in harness/.' };
const noSimulatorStatic = {
  group: ['**/sim/**', '**/demo/demo-fleet'],
  message: 'The simulator reaches a host only through src/demo/launcher, which loads it by import() when the demo starts.',
};
const noVitest = { group: ['vitest', 'vitest/**'], message: 'harness/ also runs under tsx (chaos, bench): no vitest.' };

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'e2e/output/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node },
      // Type information for the typed rules below: each file is checked in the tsconfig that
      // includes it (tsconfig.json references tsconfig.node.json and tsconfig.web.json).
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.{ts,tsx,mts,cts}'],
    rules: {
      // A promise nobody awaits loses its rejection; one passed where a void callback is
      // expected (an event handler, a setTimeout) is never awaited either. Fire-and-forget is
      // written `void p` (with its own .catch) so it is visible.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  // Plain JS (this file) belongs to no tsconfig: lint it without type information.
  { files: ['**/*.{js,mjs,cjs}'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['src/main/**'],
    ignores: ['src/main/engine/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noHeadless, noSimulatorStatic] }] },
  },
  {
    files: ['src/main/engine/**'],
    // Unit tests beside the engine drive it against the simulator; they are not bundled.
    ignores: ['src/main/engine/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { ...noElectron, patterns: [noSimulator] }] },
  },
  {
    files: ['src/main/engine/**/*.test.ts', 'src/demo/demo-fleet.ts', 'sim/**'],
    rules: { 'no-restricted-imports': ['error', noElectron] },
  },
  {
    files: ['src/headless/**', 'src/demo/launcher.ts'],
    rules: { 'no-restricted-imports': ['error', { ...noElectron, patterns: [noSimulatorStatic] }] },
  },
  {
    files: ['harness/**'],
    rules: { 'no-restricted-imports': ['error', { ...noElectron, patterns: [noTestTree, noVitest] }] },
  },
  {
    files: ['bench/**'],
    rules: { 'no-restricted-imports': ['error', { ...noElectron, patterns: [noTestTree] }] },
  },
  {
    files: ['chaos/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noTestTree] }] },
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
