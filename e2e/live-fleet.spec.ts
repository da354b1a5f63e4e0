import { expect, test } from '@playwright/test';
import type { SimServer } from '../sim/src';
import { modelFreeWorkflow, startSim, txt2imgWorkflow } from '../sim/src';
import type { RunningHost } from './support/headless-host';
import { startHeadlessHost } from './support/headless-host';
import { watchPageErrors } from './support/page-errors';
import { screenshotPath } from './support/screenshots';

let gpuA: SimServer;
let gpuB: SimServer;
let host: RunningHost;

test.beforeAll(async () => {
  // KSampler at 100 ms/step.
  gpuA = await startSim({ name: 'gpu-a', durations: { KSampler: 100 } });
  gpuB = await startSim({ name: 'gpu-b' });
  host = await startHeadlessHost(['--servers', `gpu-a=${gpuA.url},gpu-b=${gpuB.url}`]);
});

test.afterAll(async () => {
  await host?.stop();
  await gpuA?.close();
  await gpuB?.close();
});

async function queueOn(server: SimServer, prompt: unknown): Promise<string> {
  const res = await fetch(`${server.url}/prompt`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt }) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { prompt_id: string }).prompt_id;
}

test('M2, U1, F3: the headless console shows each server with live running and pending counts', async ({ page }) => {
  const pageErrors = watchPageErrors(page);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(host.url);

  const cardA = page.locator('[data-testid="server-card"][data-server-name="gpu-a"]');
  const cardB = page.locator('[data-testid="server-card"][data-server-name="gpu-b"]');
  await expect(cardA.getByTestId('socket-state')).toContainText(/open/i);
  await expect(cardB.getByTestId('socket-state')).toContainText(/open/i);
  await expect(cardA.getByTestId('running')).toHaveText('0');
  await expect(cardA.getByTestId('pending')).toHaveText('0');

  // Work queued on gpu-a by another client of the fleet, while its worker is held.
  // The first job is long (600 steps, a minute) so that "one runs, two wait" holds however
  // slowly the page catches up; it is interrupted once that has been seen.
  gpuA.pauseWorker();
  for (let seed = 1; seed <= 3; seed++) await queueOn(gpuA, txt2imgWorkflow({ seed, steps: seed === 1 ? 600 : 20 }));
  await expect(cardA.getByTestId('pending')).toHaveText('3');
  await expect(cardA.getByTestId('running')).toHaveText('0');
  await expect(cardB.getByTestId('pending')).toHaveText('0');

  // Released: one runs, two wait — the split comes from GET /queue after each status frame.
  gpuA.resumeWorker();
  await expect(cardA.getByTestId('running')).toHaveText('1');
  await expect(cardA.getByTestId('pending')).toHaveText('2');
  await page.screenshot({ path: screenshotPath('live-fleet.png'), fullPage: true });
  expect(gpuA.queueDepth()).toEqual({ running: 1, pending: 2 });
  const stop = await fetch(`${gpuA.url}/interrupt`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  expect(stop.status).toBe(200);

  // Drained: everything ran exactly once, on gpu-a only.
  await expect(cardA.getByTestId('running')).toHaveText('0', { timeout: 30_000 });
  await expect(cardA.getByTestId('pending')).toHaveText('0');
  expect(gpuA.executions().map((e) => e.outcome)).toEqual(['interrupted', 'success', 'success']);
  expect(gpuB.executions()).toEqual([]);
  pageErrors.assertNone();
});

test('F3: a socket dropped with 1006 shows as abnormal, reconnects, and live counts resume', async ({ page }) => {
  await page.goto(host.url);
  const cardB = page.locator('[data-testid="server-card"][data-server-name="gpu-b"]');
  await expect(cardB.getByTestId('socket-state')).toContainText(/open/i);
  gpuB.dropSockets();
  await expect(cardB).toContainText('1006');
  await expect(cardB.getByTestId('socket-state')).toContainText(/open/i, { timeout: 15_000 });
  gpuB.pauseWorker();
  await queueOn(gpuB, modelFreeWorkflow());
  await expect(cardB.getByTestId('pending')).toHaveText('1');
  gpuB.resumeWorker();
  await expect(cardB.getByTestId('pending')).toHaveText('0');
  await expect(cardB.getByTestId('running')).toHaveText('0');
});

test('F1: adding a server with a non-http URL is refused with a readable message', async ({ page }) => {
  await page.goto(host.url);
  await page.getByLabel(/url/i).fill('ftp://10.0.0.1:8188');
  await page.getByRole('button', { name: /add/i }).click();
  await expect(page.getByText(/must start with http:\/\/ or https:\/\//)).toBeVisible();
  await expect(page.locator('[data-testid="server-card"]')).toHaveCount(2);
});
