import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, session, shell } from 'electron';
import { demoLauncher } from '../headless/demo-fleet';
import { parseHostArgs } from './engine/host/host-args';
import { startConsoleEngine } from './engine/host/start-console';
import { wireEngineToWindow } from './ipc';

/** M1: Electron main owns the engine; the window only sees the typed API through the preload. */
async function main(): Promise<void> {
  // Electron adds its own switches to argv; unknown ones are ignored here.
  const args = parseHostArgs(process.argv.slice(app.isPackaged ? 1 : 2), { strict: false });
  await app.whenReady();

  // E1: no permission (camera, notifications prompt, geolocation…) is granted to the page.
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));

  const demo = demoLauncher(console.log);
  const console_ = await startConsoleEngine(args, { dataDir: join(app.getPath('userData'), 'data'), demo, log: console.log });
  const { engine } = console_;

  const devUrl = process.env['ELECTRON_RENDERER_URL'];
  const indexFile = join(__dirname, '../renderer/index.html');
  const appUrl = devUrl ?? pathToFileURL(indexFile).toString();
  const isAppUrl = (url: string) => url.split('#')[0] === appUrl.split('#')[0] || (devUrl !== undefined && url.startsWith(devUrl));

  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    title: 'ComfyFleet',
    backgroundColor: '#0f1115',
    show: false,
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  const wiring = wireEngineToWindow(engine, win.webContents, isAppUrl);

  // E1: no navigation away from the console and no new windows; external links go to the browser.
  win.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.once('ready-to-show', () => win.show());
  if (devUrl) await win.loadURL(devUrl);
  else await win.loadFile(indexFile);

  app.on('window-all-closed', () => {
    wiring.dispose();
    void Promise.all([console_.close(), demo.close()]).finally(() => app.quit());
  });
}

main().catch((err: unknown) => {
  console.error(err);
  app.exit(1);
});
