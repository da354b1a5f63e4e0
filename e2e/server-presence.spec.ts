import { expect, test, type Page } from '@playwright/test';
import type { SimServer } from '../sim/src';
import { startSim, txt2imgWorkflow } from '../sim/src';
import type { RunningHost } from './support/headless-host';
import { startHeadlessHost } from './support/headless-host';
import { watchPageErrors } from './support/page-errors';
import { screenshotPath } from './support/screenshots';

let gpuA: SimServer;
let gpuB: SimServer;
let host: RunningHost;

test.beforeAll(async () => {
  gpuA = await startSim({ name: 'gpu-a' });
  gpuB = await startSim({ name: 'gpu-b' });
  // Probes every second, so a crashed server turns unhealthy (two failed probes) soon after.
  host = await startHeadlessHost(['--servers', `gpu-a=${gpuA.url},gpu-b=${gpuB.url}`, '--probe-every', '1', '--stats-every', '1']);
});

test.afterAll(async () => {
  await host?.stop();
  await gpuA?.close();
  await gpuB?.close();
});

const card = (page: Page, name: string) => page.locator(`[data-testid="server-card"][data-server-name="${name}"]`);

async function queueOn(server: SimServer, prompt: unknown): Promise<void> {
  const res = await fetch(`${server.url}/prompt`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt }) });
  expect(res.status).toBe(200);
}

test('U1, F1: a disabled server shows no socket, and the header does not count it as open', async ({ page }) => {
  const pageErrors = watchPageErrors(page);
  await page.goto(host.url);
  const cardA = card(page, 'gpu-a');
  for (const name of ['gpu-a', 'gpu-b']) await expect(card(page, name).getByTestId('socket-state')).toHaveAttribute('data-state', 'open', { timeout: 15_000 });
  await expect(page.getByTestId('total-sockets')).toHaveText('2/2');

  await cardA.getByTestId('disable-server').click();
  await expect(cardA).toHaveAttribute('data-enabled', 'false');
  await expect(cardA.getByTestId('health-reason')).toContainText('not connected or probed');
  // The card agrees with itself: no socket, not "open since …".
  await expect(cardA.getByTestId('socket-state')).toHaveAttribute('data-state', 'off');
  await expect(cardA).not.toContainText('open since');
  await expect(cardA).toContainText('disabled: not probed');
  // Sockets open of the enabled servers: gpu-b's, of gpu-b.
  await expect(page.getByTestId('total-sockets')).toHaveText('1/1');
  await page.screenshot({ path: screenshotPath('fleet-disabled-server.png') });

  await cardA.getByTestId('enable-server').click();
  await expect(cardA.getByTestId('socket-state')).toHaveAttribute('data-state', 'open', { timeout: 15_000 });
  await expect(page.getByTestId('total-sockets')).toHaveText('2/2');
  pageErrors.assertNone();
});

test('U1, F6: a down server keeps its last running/pending and VRAM only as last known, with their age; back up, they are live again', async ({ page }) => {
  const pageErrors = watchPageErrors(page);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(host.url);
  const cardB = card(page, 'gpu-b');
  await expect(cardB.getByTestId('socket-state')).toHaveAttribute('data-state', 'open', { timeout: 15_000 });
  await expect(cardB.getByTestId('vram')).toBeVisible({ timeout: 15_000 });

  // Two jobs wait on gpu-b (its worker held), as the card shows live.
  gpuB.pauseWorker();
  for (let seed = 1; seed <= 2; seed++) await queueOn(gpuB, txt2imgWorkflow({ seed, steps: 5 }));
  await expect(cardB.getByTestId('pending')).toHaveText('2', { timeout: 15_000 });
  await expect(cardB.getByTestId('pending')).not.toHaveAttribute('data-stale', 'true');
  await expect(cardB.getByTestId('queue-stale')).toHaveCount(0);
  await expect(cardB.getByTestId('stats-stale')).toHaveCount(0);

  // It crashes: the figures stay, marked as the last known ones with their age, and leave the totals.
  gpuB.inject({ kind: 'crash' });
  try {
    await expect(cardB).toHaveAttribute('data-health', 'unhealthy', { timeout: 30_000 });
    await expect(cardB.getByTestId('pending')).toHaveText('2');
    await expect(cardB.getByTestId('queue-stale')).toContainText(/last known\s*(just now|\d+ (s|min) ago)/);
    await expect(cardB.getByTestId('stats-stale')).toContainText(/last known, (just now|\d+ (s|min) ago)/);
    await expect(cardB.getByTestId('pending')).toHaveAttribute('data-stale', 'true');
    await expect(cardB).toHaveAttribute('data-presence', 'down');
    await expect(page.getByTestId('total-pending')).toHaveText('0');
    await page.screenshot({ path: screenshotPath('fleet-down-server.png') });
  } finally {
    // A lifted crash restarts the server on its port, with an empty queue.
    await gpuB.lift('crash');
    gpuB.resumeWorker();
  }
  await expect(cardB).toHaveAttribute('data-presence', 'live', { timeout: 30_000 });
  await expect(cardB.getByTestId('queue-stale')).toHaveCount(0);
  await expect(cardB.getByTestId('stats-stale')).toHaveCount(0);
  pageErrors.assertNone();
});
