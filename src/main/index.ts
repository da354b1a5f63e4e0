import { app, BrowserWindow, ipcMain, session, shell } from 'electron';
import { demoLauncher } from '../demo/launcher';
import { appFiles, createAppUrl, dataDirUnder } from './app-url';
import { parseHostArgs } from './engine/host/host-args';
import { startConsoleEngine } from './engine/host/start-console';
import { wireEngineToWindow } from './ipc';
import { blockRemoteRequests, guardAllWebContents } from './navigation-guard';
import { installPermissionPolicy } from './permissions';
import { consoleWindowOptions, enforceCsp } from './window-options';

/** M1: Electron main owns the engine; the window only sees the typed API through the preload. */
async function main(): Promise<void> {
  // Electron adds its own switches to argv; unknown ones are ignored here.
  const args = parseHostArgs(process.argv.slice(app.isPackaged ? 1 : 2), { strict: false });
  const files = appFiles(__dirname);
  const appUrl = createAppUrl({ devUrl: process.env['ELECTRON_RENDERER_URL'], indexFile: files.indexHtml });

  // E1: before any WebContents exists, so none escapes the guards or runs unsandboxed.
  app.enableSandbox();
  guardAllWebContents(app, { isAppUrl: appUrl.isAppUrl, openExternal: (url) => void shell.openExternal(url) });
  await app.whenReady();
  installPermissionPolicy(session.defaultSession, appUrl.isAppUrl);
  enforceCsp(session.defaultSession);
  blockRemoteRequests(session.defaultSession, appUrl.isAppUrl);

  const demo = demoLauncher(console.log);
  const console_ = await startConsoleEngine(args, { dataDir: dataDirUnder(app.getPath('userData')), demo, log: console.log });

  const win = new BrowserWindow(consoleWindowOptions(files.preload));
  const wiring = wireEngineToWindow({ engine: console_.engine, contents: win.webContents, isAppUrl: appUrl.isAppUrl }, ipcMain);
  win.once('ready-to-show', () => win.show());

  app.on('window-all-closed', () => {
    wiring.dispose();
    void Promise.all([console_.close(), demo.close()]).finally(() => app.quit());
  });
  await win.loadURL(appUrl.url);
}

main().catch((err: unknown) => {
  console.error(err);
  app.exit(1);
});
