import { expect, test, type Locator, type Page } from '@playwright/test';
import type { SimServer } from '../sim/src';
import { modelFreeWorkflow, startSim, txt2imgWorkflow } from '../sim/src';
import { openView, submitThroughView } from './support/console-pages';
import type { RunningHost } from './support/headless-host';
import { startHeadlessHost } from './support/headless-host';
import { watchPageErrors } from './support/page-errors';
import { screenshotPath } from './support/screenshots';

let gpu: SimServer;
let host: RunningHost;

test.beforeAll(async () => {
  // KSampler at 300 ms/step: a 200-step task runs a minute, surely still running when cancelled.
  gpu = await startSim({ name: 'gpu-a', durations: { KSampler: 300 } });
  host = await startHeadlessHost(['--servers', `gpu-a=${gpu.url}`]);
});

test.afterAll(async () => {
  await host?.stop();
  await gpu?.close();
});

const statusBadge = (page: Page): Locator => page.locator('.view-head [data-testid="status-badge"]');

test('U6, F1: a refused setting names its field in words, and a later save clears it and says "Saved."', async ({ page }) => {
  const pageErrors = watchPageErrors(page);
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.goto(`${host.url}#/settings`);
  const editor = page.locator('[data-testid="server-editor"][data-server-name="gpu-a"]');
  const maxInFlight = editor.getByLabel('Max in flight');
  await expect(maxInFlight).toHaveValue('2', { timeout: 15_000 });
  const save = editor.getByRole('button', { name: 'Save' });
  const refused = editor.getByTestId('server-save-error');
  const status = editor.getByTestId('server-save-status');

  // 0 is a whole number, so it reaches the engine, whose argument check refuses it.
  await maxInFlight.fill('0');
  await save.click();
  await expect(refused).toHaveText('Not saved: Max in flight must be at least 1.');
  await expect(refused).not.toContainText('✖');
  await expect(refused).not.toContainText('servers.update');
  await expect(maxInFlight).toHaveAttribute('aria-invalid', 'true');
  await expect(maxInFlight).toHaveAccessibleDescription('must be at least 1');
  await page.screenshot({ path: screenshotPath('settings-refused.png'), fullPage: true });

  // Back to what the engine has: nothing to send, and nothing wrong any more.
  await maxInFlight.fill('2');
  await save.click();
  await expect(refused).toHaveCount(0);
  await expect(status).toHaveText('No changes to save.');
  await expect(maxInFlight).not.toHaveAttribute('aria-invalid', 'true');

  // Refused again, then a save the engine takes: the refusal goes and "Saved." comes.
  await maxInFlight.fill('0');
  await save.click();
  await expect(refused).toBeVisible();
  await maxInFlight.fill('3');
  await save.click();
  await expect(status).toHaveText('Saved.');
  await expect(refused).toHaveCount(0);
  // Saved in the engine: the view, mounted afresh, shows the server as the engine now has it.
  await openView(page, '#/fleet');
  await openView(page, '#/settings');
  await expect(maxInFlight).toHaveValue('3', { timeout: 15_000 });

  // The dispatch limits say the same, in their own words.
  const maxQueued = page.getByTestId('setting-maxQueued');
  await expect(maxQueued).not.toHaveValue('');
  await maxQueued.fill('0');
  await page.getByTestId('save-dispatch').click();
  const dispatchRefused = page.getByTestId('dispatch-save-error');
  await expect(dispatchRefused).toHaveText('Not saved: Max queued tasks must be at least 1.');
  await maxQueued.fill('5000');
  await page.getByTestId('save-dispatch').click();
  await expect(page.getByTestId('dispatch-save-status')).toHaveText('Saved.');
  await expect(dispatchRefused).toHaveCount(0);
  await expect(maxQueued).toHaveValue('5000');
  await page.screenshot({ path: screenshotPath('settings-saved.png'), fullPage: true });
  pageErrors.assertNone();
});

test('T7, U3: a cancelled task shows its reason as a cancel, not an error, and the "outcome follows" notice gives way to the outcome', async ({ page }) => {
  test.setTimeout(120_000);
  const pageErrors = watchPageErrors(page);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(host.url);
  const id = await submitThroughView(page, { workflow: txt2imgWorkflow({ steps: 200, seed: 9 }), key: 'feedback-cancel-1' });
  await openView(page, `#/tasks/${id}`);
  // Running on the server: a cancel is a request to interrupt, whose outcome arrives as events.
  await expect(statusBadge(page)).toHaveAttribute('data-status', 'running', { timeout: 60_000 });
  await page.getByRole('button', { name: 'Cancel task…' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel task' }).click();
  const notice = page.getByTestId('action-notice');
  await expect(notice).toBeVisible();

  await expect(statusBadge(page)).toHaveAttribute('data-status', 'cancelled', { timeout: 30_000 });
  await expect(notice).not.toContainText('outcome follows');
  await expect(notice).toContainText('cancelled');
  // The reason, under a heading that says what happened; there is no error.
  await expect(page.getByRole('heading', { name: 'Error' })).toHaveCount(0);
  await expect(page.getByTestId('task-error')).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Cancelled', level: 3 })).toBeVisible();
  await expect(page.getByTestId('end-reason')).toContainText('cancelled from the console');
  await page.screenshot({ path: screenshotPath('task-cancelled.png'), fullPage: true });
  pageErrors.assertNone();
});

test('U3, U1: the image viewer is a named dialog with Close and Download that keeps focus; views take focus to their title; charts are no unnamed Tab stops', async ({ page }) => {
  test.setTimeout(120_000);
  const pageErrors = watchPageErrors(page);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(host.url);
  const id = await submitThroughView(page, { workflow: modelFreeWorkflow({ seed: 3, width: 32, height: 32 }), key: 'feedback-viewer-1' });

  // From the table by keyboard: Enter on a row opens the detail, and focus is on its title, not <body>.
  await openView(page, '#/tasks');
  const taskRow = page.locator(`[data-testid="task-row"][data-task-id="${id}"]`);
  await expect(taskRow).toBeVisible({ timeout: 15_000 });
  await taskRow.focus();
  await page.keyboard.press('Enter');
  const title = page.getByRole('heading', { name: new RegExp(`Task ${id}`), level: 2 });
  await expect(title).toBeFocused();
  await expect(statusBadge(page)).toHaveAttribute('data-status', 'succeeded', { timeout: 60_000 });

  // The viewer: named after the file, Close focused first, Download under the file's own name.
  const tile = page.getByRole('button', { name: /^open output / });
  await expect(tile.getByTestId('output-thumb')).toBeVisible({ timeout: 15_000 });
  const fileName = ((await tile.getAttribute('aria-label')) ?? '').replace(/^open output /, '');
  expect(fileName).toMatch(/\.png$/);
  await tile.click();
  const viewer = page.getByRole('dialog', { name: fileName });
  await expect(viewer).toBeVisible();
  await expect(viewer.getByTestId('output-full')).toBeVisible({ timeout: 15_000 });
  const close = viewer.getByRole('button', { name: 'Close' });
  await expect(close).toBeFocused();
  const download = viewer.getByRole('link', { name: 'Download' });
  await expect(download).toHaveAttribute('download', fileName);
  await expect(download).toHaveAttribute('href', /^data:image\/png;base64,/);
  await page.screenshot({ path: screenshotPath('output-viewer.png') });
  // Tab and Shift+Tab go round inside the dialog, never out of it.
  for (const key of ['Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab']) {
    await page.keyboard.press(key);
    expect(await viewer.evaluate((el) => el.contains((el.ownerDocument as unknown as { activeElement: unknown }).activeElement as never))).toBe(true);
  }
  await page.keyboard.press('Escape');
  await expect(viewer).toHaveCount(0);
  await expect(tile).toBeFocused();
  await tile.click();
  await viewer.getByRole('button', { name: 'Close' }).click();
  await expect(viewer).toHaveCount(0);
  await expect(tile).toBeFocused();

  // A link inside the view leaves with the view: focus goes to the new view's title.
  await page.getByRole('link', { name: 'All tasks' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Tasks', level: 2 })).toBeFocused();
  await page.getByTestId('nav-fleet').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Fleet', level: 2 })).toBeFocused();

  // Each chart is one named image, not a Tab stop; every Tab stop of the fleet view has a name.
  await expect(page.getByRole('img', { name: 'Queue depth of gpu-a, last 5m' })).toBeVisible();
  const stops = await tabStops(page);
  expect(stops.length).toBeGreaterThan(5);
  expect(stops.filter((s) => s.inChart)).toEqual([]);
  expect(stops.filter((s) => s.name === '')).toEqual([]);
  pageErrors.assertNone();
});

interface TabStop {
  tag: string;
  name: string;
  inChart: boolean;
}

/** Walks the page with Tab from the top until focus comes round again, recording each stop. */
async function tabStops(page: Page): Promise<TabStop[]> {
  await page.evaluate('document.activeElement && document.activeElement.blur && document.activeElement.blur()');
  const stops: TabStop[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    // This file compiles without DOM types: the page runs the check as a string.
    const stop = await page.evaluate<(TabStop & { key: string }) | null>(`(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const path = [];
      for (let n = el; n && n !== document.body; n = n.parentElement) path.push(n.tagName + ':' + [...n.parentElement.children].indexOf(n));
      const labelled = el.getAttribute('aria-labelledby');
      const name = (el.getAttribute('aria-label') || (labelled && document.getElementById(labelled)?.textContent) || (el.labels && el.labels[0]?.textContent) || el.textContent || el.getAttribute('title') || '').trim();
      return { key: path.join('/'), tag: el.tagName.toLowerCase(), name, inChart: !!el.closest('[data-testid="depth-chart"]') };
    })()`);
    if (!stop) continue;
    if (seen.has(stop.key)) break;
    seen.add(stop.key);
    stops.push({ tag: stop.tag, name: stop.name, inChart: stop.inChart });
  }
  return stops;
}
