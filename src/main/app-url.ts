import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Where the console's page comes from, and the one test every guard in main uses for "is this our page". */
export interface AppUrl {
  /** What the window loads. */
  readonly url: string;
  /** True only for the console page itself (any hash or query), never for a look-alike. */
  isAppUrl(url: string): boolean;
}

/**
 * Packaged: the built index.html as a file: URL; only that file counts, not its folder.
 * Dev (electron-vite's ELECTRON_RENDERER_URL): any page of the dev server's origin, compared as
 * parsed origins because a prefix test would let `http://localhost:5173.evil.example` through.
 */
export function createAppUrl(options: { devUrl?: string | undefined; indexFile: string }): AppUrl {
  if (options.devUrl) {
    const origin = new URL(options.devUrl).origin;
    if (!/^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(origin)) {
      throw new Error(`ELECTRON_RENDERER_URL ${options.devUrl} is not a loopback http(s) URL; the console loads only its own dev server. Unset it or point it at 127.0.0.1/localhost.`);
    }
    return { url: options.devUrl, isAppUrl: (url) => parse(url)?.origin === origin };
  }
  const file = pathToFileURL(options.indexFile);
  return {
    url: file.toString(),
    isAppUrl: (url) => {
      const parsed = parse(url);
      return parsed !== null && parsed.protocol === 'file:' && parsed.host === '' && parsed.pathname === file.pathname;
    },
  };
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** Files of the built app, relative to the folder of the built main script (`out/main`). */
export function appFiles(mainDir: string): { preload: string; indexHtml: string } {
  return { preload: join(mainDir, '../preload/index.js'), indexHtml: join(mainDir, '../renderer/index.html') };
}

/** The data folder (ledger and outputs) lives under Electron's per-user folder, never beside the app. */
export function dataDirUnder(userData: string): string {
  return join(userData, 'data');
}
