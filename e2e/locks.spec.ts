import { expect, test } from '@playwright/test';
import type { SimServer } from '../sim/src';
import { modelFreeWorkflow, startSim } from '../sim/src';
import type { RunningHost } from './support/headless-host';
import { startHeadlessHost } from './support/headless-host';
import { watchPageErrors } from './support/page-errors';
import { taskApi, type TaskApi } from './support/task-api';
import { screenshotPath } from './support/screenshots';

const TOKEN = 'e2e-locks-token';

let gpuA: SimServer;
let gpuB: SimServer;
let host: RunningHost;
let api: TaskApi;

test.beforeAll(async () => {
  // gpu-a's jobs last far longer than the test: whatever finishes must have finished elsewhere.
  gpuA = await startSim({ name: 'gpu-a', durations: { EmptyImage: 120_000 } });
  gpuB = await startSim({ name: 'gpu-b' });
  // gpu-a alone at first, so the session's lock is on it; --stuck-after 2 makes the lock stuck within seconds.
  host = await startHeadlessHost(['--servers', `gpu-a=${gpuA.url}`, '--api-port', '0', '--token', TOKEN, '--stuck-after', '2']);
  api = taskApi(host, TOKEN);
});

test.afterAll(async () => {
  await host?.stop();
  await gpuA?.close();
  await gpuB?.close();
});

test('L3, L4, L6, T9, U4, U7: a lock on a crashed server turns stuck; force-unlock with requeue sends its tasks to another server; the audit log shows it', async ({ page }) => {
  test.setTimeout(90_000);
  const pageErrors = watchPageErrors(page);
  await page.setViewportSize({ width: 1280, height: 860 });
  // The bridge token travels in the console URL the host printed.
  await page.goto(host.url);

  // Two tasks of session "shop" (default policy: retryLimit 1, failover wait) land on gpu-a.
  const aId = await api.serverId('gpu-a');
  const ids: string[] = [];
  for (let seed = 1; seed <= 2; seed++) {
    const r = await api.submit({ workflow: modelFreeWorkflow({ seed, width: 8, height: 8 }), session: 'shop' });
    expect(r.outcome).toBe('created');
    ids.push(r.task.id);
  }
  for (const id of ids) expect((await api.waitFor(id, ['dispatched', 'running'])).serverId).toBe(aId);

  // A second server joins through the console.
  await page.getByTestId('add-server-url').fill(gpuB.url);
  await page.getByTestId('add-server-name').fill('gpu-b');
  await page.getByTestId('add-server-submit').click();
  const cardB = page.locator('[data-testid="server-card"][data-server-name="gpu-b"]');
  await expect(cardB.getByTestId('socket-state')).toHaveAttribute('data-state', 'open', { timeout: 15_000 });
  const bId = await api.serverId('gpu-b');

  // gpu-a dies. Its tasks are requeued (T9) but wait on the session's lock (L6, failover wait).
  gpuA.inject({ kind: 'crash' });
  await page.getByTestId('nav-locks').click();
  const row = page.locator('[data-testid="lock-row"][data-session="shop"]');
  await expect(row).toBeVisible();
  await expect(row.getByTestId('lock-state')).toHaveText('stuck', { timeout: 20_000 });
  await expect(row.getByTestId('lock-stuck-reason')).toContainText('gpu-a');
  for (const id of ids) expect((await api.task(id)).status).not.toBe('succeeded');
  await page.screenshot({ path: screenshotPath('locks.png'), fullPage: true });

  // The confirmation is a real dialog: focus moves in, Escape closes it and gives focus back.
  const unlockButton = row.getByTestId('force-unlock');
  await unlockButton.click();
  const dialog = page.getByRole('dialog', { name: /Force-unlock session shop/ });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('unlock-reason')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(unlockButton).toBeFocused();

  // A reason and a choice are required before anything is sent.
  await unlockButton.click();
  await dialog.getByTestId('unlock-confirm').click();
  await expect(dialog.getByText(/Give a reason/)).toBeVisible();
  await expect(dialog.getByText(/Choose what happens/)).toBeVisible();
  await dialog.getByTestId('unlock-reason').fill('gpu-a crashed; e2e moves its work');
  await dialog.getByTestId('unlock-choice-requeue').check();
  await dialog.getByTestId('unlock-confirm').click();
  const outcomes = dialog.getByTestId('unlock-task-outcome');
  await expect(outcomes).toHaveCount(2);
  for (const o of await outcomes.all()) await expect(o).toHaveAttribute('data-outcome', 'requeued');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(row).toBeHidden();

  // Both tasks run again, on gpu-b, and succeed.
  for (const id of ids) {
    const done = await api.waitFor(id, ['succeeded', 'failed', 'cancelled', 'interrupted'], 30_000);
    expect(done.status, id).toBe('succeeded');
    expect(done.serverId, id).toBe(bId);
  }

  // U7: the force-unlock is in the audit log, with its reason.
  await page.getByTestId('nav-log').click();
  const entry = page.locator('[data-testid="audit-row"][data-action="lock.force_release"][data-target="shop"]');
  await expect(entry).toBeVisible();
  await expect(entry).toContainText('gpu-a crashed; e2e moves its work');
  // Details read as key/value pairs, not raw JSON; the engine log names the operator's action.
  await expect(entry.locator('[data-key="unfinished"] dd')).toHaveText('requeue');
  await expect(entry.getByTestId('audit-details')).not.toContainText('{');
  await expect(page.getByTestId('log-lines')).toContainText('shop');
  await expect(page.getByTestId('log-lines')).toContainText(/operator ".+": lock\.force-unlock session shop/);
  // The filter narrows the list by action or target text.
  await page.getByTestId('audit-filter').fill('force_release shop');
  await expect(page.locator('[data-testid="audit-row"]')).toHaveCount(1);
  await page.getByTestId('audit-filter').fill('no-such-entry-anywhere');
  await expect(page.getByTestId('audit-no-match')).toBeVisible();
  await page.getByTestId('audit-filter').fill('');
  await expect(entry).toBeVisible();
  await page.screenshot({ path: screenshotPath('log.png'), fullPage: true });
  pageErrors.assertNone();
});
