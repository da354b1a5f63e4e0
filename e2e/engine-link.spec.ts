import { expect, test, type Locator, type Page } from '@playwright/test';
import type { SimServer } from '../sim/src';
import { modelFreeWorkflow, startSim } from '../sim/src';
import { gateBridge } from './support/bridge-gate';
import { openView, submitThroughView } from './support/console-pages';
import type { RunningHost } from './support/headless-host';
import { startHeadlessHost } from './support/headless-host';
import { watchPageErrors } from './support/page-errors';
import { screenshotPath } from './support/screenshots';

// The page's link to the engine (the headless bridge) is held shut or cut by the test through a
// gate (support/bridge-gate), so the order of "view asks" and "link opens" is the test's, not
// the machine's.

let gpu: SimServer;
let host: RunningHost;
/** A finished task in the ledger: on a fresh page only `tasks.list` can show it. */
let taskId: string;

test.beforeAll(async ({ browser }) => {
  // Starting a host and running a task through the console: generous on a loaded machine.
  test.setTimeout(120_000);
  gpu = await startSim({ name: 'gpu-a' });
  host = await startHeadlessHost(['--servers', `gpu-a=${gpu.url}`]);
  const page = await browser.newPage();
  try {
    await page.goto(host.url);
    taskId = await submitThroughView(page, { workflow: modelFreeWorkflow({ seed: 1, width: 8, height: 8 }), key: 'engine-link-1' });
    await openView(page, `#/tasks/${taskId}`);
    await expect(page.locator('.view-head [data-testid="status-badge"]')).toHaveAttribute('data-status', 'succeeded', { timeout: 60_000 });
  } finally {
    await page.close();
  }
});

test.afterAll(async () => {
  await host?.stop();
  await gpu?.close();
});

const engineState = (page: Page): Locator => page.getByTestId('engine-state');
const row = (page: Page, id: string): Locator => page.locator(`[data-testid="task-row"][data-task-id="${id}"]`);

test('U2, M2: a Tasks view opened before the engine link is up lists its tasks once the link opens', async ({ page }) => {
  const { errors } = watchPageErrors(page);
  const gate = await gateBridge(page, { open: false });
  // A fresh tab straight onto #/tasks, while the bridge does not answer yet.
  await page.goto(`${host.url}#/tasks`);
  await expect(page.getByRole('heading', { name: 'Tasks', level: 2 })).toBeVisible();
  await expect.poll(() => gate.attempts(), { timeout: 15_000 }).toBeGreaterThan(0);
  // (Held at the gate it stays "connecting"; on a very slow run its 10 s connect timeout may have fired: then it retries, held again.)
  await expect(engineState(page)).not.toHaveAttribute('data-state', 'open');
  // The view has asked for its first page, and the ask came back unsent: the link is not open.
  // (Fixed, the view says it waits; before the fix it showed the transport's error.)
  await expect(page.getByText(/tasks\.list: not connected to the engine|waiting for the engine connection/)).toBeVisible({ timeout: 15_000 });
  await page.screenshot({ path: screenshotPath('tasks-waiting-for-engine.png') });

  gate.open();
  await expect(engineState(page)).toHaveAttribute('data-state', 'open', { timeout: 30_000 });
  // The page asked before the link opened is asked again now: the table leaves "loading…".
  await expect(row(page, taskId)).toBeVisible({ timeout: 15_000 });
  await expect(row(page, taskId)).toHaveAttribute('data-status', 'succeeded');
  await expect(page.getByTestId('task-total')).toHaveText('1 matching');
  await expect(page.getByRole('alert')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('U1, U2, U5, U6, U7: while the engine is disconnected every action is off and says why; back, they work again', async ({ page }) => {
  test.setTimeout(120_000);
  const pageErrors = watchPageErrors(page);
  await page.setViewportSize({ width: 1280, height: 900 });
  const gate = await gateBridge(page, { open: true });
  await page.goto(`${host.url}#/tasks`);
  const rerun = row(page, taskId).getByRole('button', { name: 'Re-run' });
  await expect(rerun).toBeEnabled({ timeout: 15_000 });

  await gate.cut();
  await expect(engineState(page)).not.toHaveAttribute('data-state', 'open', { timeout: 15_000 });
  await expect(page.getByTestId('engine-banner')).toContainText('Actions are off');
  await expect(rerun).toBeDisabled();
  // Assistive technology hears why.
  await expect(rerun).toHaveAccessibleDescription(/not connected to the engine/i);

  // Every view's actions, not only the table's.
  await page.getByTestId('nav-fleet').click();
  const card = page.locator('[data-testid="server-card"][data-server-name="gpu-a"]');
  const fleetActions = [card.getByTestId('drain-server'), card.getByTestId('disable-server'), card.getByTestId('remove-server'), page.getByTestId('add-server-submit')];
  for (const button of fleetActions) {
    await expect(button).toBeDisabled();
    await expect(button).toHaveAccessibleDescription(/not connected to the engine/i);
  }
  await page.screenshot({ path: screenshotPath('engine-offline.png'), fullPage: true });
  await page.getByTestId('nav-submit').click();
  await page.getByRole('button', { name: 'Load example' }).click();
  await expect(page.getByTestId('workflow-node').first()).toBeVisible();
  await expect(page.getByRole('button', { name: /^Submit/ })).toBeDisabled();
  await page.getByTestId('nav-settings').click();
  const editor = page.locator('[data-testid="server-editor"][data-server-name="gpu-a"]');
  await expect(editor.getByRole('button', { name: 'Save' })).toBeDisabled();
  await expect(editor.getByTestId('drain-server')).toBeDisabled();
  await page.getByTestId('nav-log').click();
  await expect(page.getByTestId('audit-refresh')).toBeDisabled();

  // The link comes back: so do the actions, and they reach the engine.
  gate.open();
  await expect(engineState(page)).toHaveAttribute('data-state', 'open', { timeout: 30_000 });
  await expect(page.getByTestId('audit-refresh')).toBeEnabled();
  await expect(page.getByTestId('verbose-toggle')).toBeEnabled({ timeout: 15_000 });
  await page.getByTestId('nav-fleet').click();
  for (const button of fleetActions) await expect(button).toBeEnabled();
  await card.getByTestId('drain-server').click();
  await expect(card).toHaveAttribute('data-drained', 'true');
  await card.getByTestId('undrain-server').click();
  await expect(card).toHaveAttribute('data-drained', 'false');
  pageErrors.assertNone();
});
