import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';

const PREAMBLE_ID = '/@comfyfleet/react-preamble.js';

/**
 * `npm run dev` under the console's CSP (script-src 'self', no inline scripts): React Fast
 * Refresh's preamble is injected as an inline module script, which that CSP blocks. Serve the
 * same code as a module of its own instead. Dev server only; builds have no preamble.
 */
function externalReactPreamble(): Plugin {
  let preamble = '';
  return {
    name: 'comfyfleet:external-react-preamble',
    apply: 'serve',
    resolveId: (id) => (id === PREAMBLE_ID ? id : undefined),
    load: (id) => (id === PREAMBLE_ID ? preamble : undefined),
    transformIndexHtml: {
      order: 'post',
      handler: (html) =>
        html.replace(/<script type="module">([^<]*injectIntoGlobalHook[^<]*)<\/script>/, (_tag, code: string) => {
          preamble = code;
          return `<script type="module" src="${PREAMBLE_ID}"></script>`;
        }),
    },
  };
}

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          // The demo fleet's pixel worker thread. The simulator sits in the demo fleet's chunk
          // (out/main/chunks, loaded by import() when the demo starts); sim/src/pixel-pool.ts looks
          // for pixel-worker.js next to that chunk, then one folder up, where this entry lands.
          'pixel-worker': resolve(__dirname, 'sim/src/pixel-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: { rollupOptions: { input: { index: resolve(__dirname, 'src/preload/index.ts') } } },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    resolve: { alias: { '@renderer': resolve(__dirname, 'src/renderer/src') } },
    plugins: [react(), externalReactPreamble()],
    build: { rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } } },
  },
});
