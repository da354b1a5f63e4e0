import { expect, test, type Page } from '@playwright/test';
import type { SimServer } from '../sim/src';
import { modelFreeWorkflow, startSim } from '../sim/src';
import type { RunningHost } from './support/headless-host';
import { startHeadlessHost } from './support/headless-host';
import { watchPageErrors } from './support/page-errors';
import { fakeNotifications } from './support/fake-notifications';
import { taskApi, type TaskApi } from './support/task-api';
import { screenshotPath } from './support/screenshots';

const TOKEN = 'e2e-fleet-token';

let gpuA: SimServer;
let gpuB: SimServer;
let gpuC: SimServer;
let host: RunningHost;
let api: TaskApi;

test.beforeAll(async () => {
  gpuA = await startSim({ name: 'gpu-a' });
  gpuB = await startSim({ name: 'gpu-b' });
  gpuC = await startSim({ name: 'gpu-c' });
  host = await startHeadlessHost(['--servers', `gpu-a=${gpuA.url},gpu-b=${gpuB.url},gpu-c=${gpuC.url}`, '--api-port', '0', '--token', TOKEN]);
  api = taskApi(host, TOKEN);
});

test.afterAll(async () => {
  await host?.stop();
  await gpuA?.close();
  await gpuB?.close();
  await gpuC?.close();
});

const card = (page: Page, name: string) => page.locator(`[data-testid="server-card"][data-server-name="${name}"]`);

test('F1, B1, U1, U6: a drained server shows as drained and gets no new tasks; undrained it takes work again', async ({ page }) => {
  const pageErrors = watchPageErrors(page);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(host.url);
  for (const name of ['gpu-a', 'gpu-b', 'gpu-c']) await expect(card(page, name).getByTestId('socket-state')).toHaveAttribute('data-state', 'open');
  // Each card charts its queue depth (F4), from the engine's series and then live.
  await expect(card(page, 'gpu-a').getByTestId('depth-chart')).toBeVisible();

  // Drain gpu-a and gpu-b: every new task must go to gpu-c.
  for (const name of ['gpu-a', 'gpu-b']) {
    await card(page, name).getByTestId('drain-server').click();
    await expect(card(page, name)).toHaveAttribute('data-drained', 'true');
    await expect(card(page, name).getByTestId('drained')).toBeVisible();
  }
  const cId = await api.serverId('gpu-c');
  const ids: string[] = [];
  for (let seed = 1; seed <= 6; seed++) {
    const r = await api.submit({ workflow: modelFreeWorkflow({ seed, width: 8, height: 8 }), session: `order-${seed}` });
    ids.push(r.task.id);
  }
  for (const id of ids) {
    const t = await api.waitFor(id, ['succeeded', 'failed', 'cancelled', 'interrupted']);
    expect(t.status, id).toBe('succeeded');
    expect(t.serverId, id).toBe(cId);
  }
  expect(gpuA.executions()).toEqual([]);
  expect(gpuB.executions()).toEqual([]);

  // The Settings view lists the same servers with their state and the engine's settings.
  await page.getByTestId('nav-settings').click();
  await expect(page.locator('[data-testid="server-editor"][data-server-name="gpu-a"]')).toContainText('drained');
  await expect(page.getByTestId('database-backend')).toHaveText('SQLite');
  await expect(page.locator('[data-testid="policy-row"][data-type="default"]')).toBeVisible();
  await page.screenshot({ path: screenshotPath('settings.png'), fullPage: true });

  // Undrained from the Settings view, gpu-a takes work again.
  await page.locator('[data-testid="server-editor"][data-server-name="gpu-a"]').getByTestId('undrain-server').click();
  await page.getByTestId('nav-fleet').click();
  await expect(card(page, 'gpu-a')).toHaveAttribute('data-drained', 'false');
  await expect(card(page, 'gpu-a').getByTestId('drained')).toHaveCount(0);
  await card(page, 'gpu-b').getByTestId('undrain-server').click();
  await expect(card(page, 'gpu-b')).toHaveAttribute('data-drained', 'false');
  pageErrors.assertNone();
});

test('U6, U7, F1, T2: settings change dispatch limits, add a task policy and rename a server through the engine; the log turns verbose', async ({ page }) => {
  const pageErrors = watchPageErrors(page);
  // The console URL carries the bridge token in its fragment, so views are reached by the nav, not by URL.
  await page.goto(host.url);
  await page.getByTestId('nav-settings').click();
  const maxQueued = page.getByTestId('setting-maxQueued');
  await expect(maxQueued).not.toHaveValue('');
  await maxQueued.fill('lots');
  await page.getByTestId('save-dispatch').click();
  await expect(page.getByTestId('dispatch-settings')).toContainText('a whole number of tasks');
  await maxQueued.fill('5000');
  await page.getByTestId('setting-retentionDays').fill('30');
  await page.getByTestId('save-dispatch').click();
  // Saved in the engine: the view, mounted afresh, reads the new values back with settings.get.
  await expect(page.getByTestId('setting-maxQueued')).toHaveValue('5000');
  await page.getByTestId('nav-fleet').click();
  await page.getByTestId('nav-settings').click();
  await expect(page.getByTestId('setting-maxQueued')).toHaveValue('5000');
  await expect(page.getByTestId('setting-retentionDays')).toHaveValue('30');

  await page.getByLabel('New task type').fill('product-photo');
  await page.getByLabel('Mode of the new type').selectOption('once');
  await page.getByLabel('Failover of the new type').selectOption('move');
  await page.getByRole('button', { name: 'Add task type' }).click();
  const row = page.locator('[data-testid="policy-row"][data-type="product-photo"]');
  await expect(row.getByLabel('Mode of product-photo')).toHaveValue('once');
  await expect(row.getByLabel('Failover of product-photo')).toHaveValue('move');

  // A rename goes through servers.update; the fleet card follows the engine's upsert.
  const editor = page.locator('[data-testid="server-editor"][data-server-name="gpu-b"]');
  await editor.getByLabel('Name').fill('gpu-b2');
  await editor.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('[data-testid="server-editor"][data-server-name="gpu-b2"]')).toBeVisible();
  await page.getByTestId('nav-fleet').click();
  await expect(card(page, 'gpu-b2')).toBeVisible();

  await page.getByTestId('nav-log').click();
  await expect(page.locator('[data-testid="audit-row"][data-action="settings.update"]')).toBeVisible();
  await expect(page.locator('[data-testid="audit-row"][data-action="server.update"]').first()).toBeVisible();
  const verbose = page.getByTestId('verbose-toggle');
  await expect(verbose).toBeEnabled();
  await expect(verbose).not.toBeChecked();
  await verbose.check();
  await expect(verbose).toBeChecked();
  await verbose.uncheck();
  await expect(verbose).not.toBeChecked();
  pageErrors.assertNone();
});

test('F6, U1, U8: a server that goes down turns its card red at once (the socket close triggers a probe), and one desktop notification says so', async ({ page }) => {
  // A host of its own whose periodic probe is ten minutes apart: a card that turns red within
  // the test was turned by the probe its socket's abnormal close triggered (F6), not by the
  // timer. The 2 s figure of F6/P7 is measured by the benchmark (P7) and logged here.
  const watcher = await startHeadlessHost(['--servers', `gpu-a=${gpuA.url},gpu-c=${gpuC.url}`, '--probe-every', '600']);
  try {
    await crashAndNotify(page, watcher);
  } finally {
    await watcher.stop();
  }
});

async function crashAndNotify(page: Page, watcher: RunningHost): Promise<void> {
  const pageErrors = watchPageErrors(page);
  const notifications = await fakeNotifications(page);
  await page.goto(watcher.url);
  const cardC = card(page, 'gpu-c');
  await expect(cardC).toHaveAttribute('data-health', 'healthy');
  // U8: permission is asked from the visible toggle, on a click.
  const toggle = page.getByTestId('notifications-toggle');
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  const downAt = Date.now();
  gpuC.inject({ kind: 'crash' });
  // waitForSelector watches the DOM itself, so the time measured is the UI's, not a poll interval's.
  await page.waitForSelector('[data-testid="server-card"][data-server-name="gpu-c"][data-health="unhealthy"]', { timeout: 30_000 });
  console.log(`F6: gpu-c card unhealthy ${Date.now() - downAt} ms after the crash`);
  await expect(cardC).toHaveClass(/card-unhealthy/);
  // Visibly red: the card's left border is the theme's --bad colour (the page runs the code as a string: this file has no DOM types).
  const bad = await page.evaluate<string>("getComputedStyle(document.documentElement).getPropertyValue('--bad').trim()");
  await expect(cardC).toHaveCSS('border-left-color', hexToRgb(bad));
  await expect(card(page, 'gpu-a')).toHaveAttribute('data-health', 'healthy');

  // One notification for the transition (coalesced, so it comes within a couple of seconds), none for later updates.
  await expect.poll(() => notifications.titles(), { timeout: 10_000 }).toEqual(['gpu-c is unhealthy']);
  await page.getByTestId('nav-settings').click();
  await notifications.click(0);
  await expect(page.getByTestId('server-list')).toBeVisible();
  expect(await notifications.titles()).toEqual(['gpu-c is unhealthy']);
  pageErrors.assertNone();
}

test('M3, U1: the empty fleet offers the demo; starting it shows three live servers', async ({ page }) => {
  test.setTimeout(60_000);
  const empty = await startHeadlessHost([]);
  try {
    const pageErrors = watchPageErrors(page);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(empty.url);
    await expect(page.getByTestId('empty-state')).toContainText('No servers yet');
    await expect(page.getByTestId('add-server-url')).toBeVisible();
    await page.getByTestId('start-demo').click();
    const cards = page.getByTestId('server-card');
    await expect(cards).toHaveCount(3, { timeout: 20_000 });
    for (const c of await cards.all()) await expect(c.getByTestId('socket-state')).toHaveAttribute('data-state', 'open', { timeout: 15_000 });
    // The demo's trickle of tasks shows up in the charts: wait until each has a few live points.
    for (const c of await cards.all()) {
      await expect.poll(async () => Number(await c.getByTestId('depth-chart').getAttribute('data-points')), { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
    }
    await page.getByTestId('window-15m').click();
    await expect(page.getByTestId('window-15m')).toHaveAttribute('aria-pressed', 'true');
    await page.getByTestId('window-5m').click();
    await page.screenshot({ path: screenshotPath('fleet.png'), fullPage: true });
    pageErrors.assertNone();
  } finally {
    await empty.stop();
  }
});

function hexToRgb(hex: string): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`--bad is ${hex}, not a #rrggbb colour`);
  return `rgb(${m.slice(1, 4).map((h) => parseInt(h, 16)).join(', ')})`;
}
