import { expect, test } from '@playwright/test';
import type { SimServer } from '../sim/src';
import { modelFreeWorkflow, startSim } from '../sim/src';
import type { RunningHost } from './support/headless-host';
import { startHeadlessHost } from './support/headless-host';
import { watchPageErrors } from './support/page-errors';
import { taskApi, type TaskApi } from './support/task-api';

const TOKEN = 'e2e-remove-token';

let gpuA: SimServer;
let host: RunningHost;
let api: TaskApi;

test.beforeAll(async () => {
  gpuA = await startSim({ name: 'gpu-a' });
  host = await startHeadlessHost(['--servers', `gpu-a=${gpuA.url}`, '--api-port', '0', '--token', TOKEN]);
  api = taskApi(host, TOKEN);
});

test.afterAll(async () => {
  await host?.stop();
  await gpuA?.close();
});

test('issue 19 item 2: Remove on a server card asks first and says how many of our tasks are on the server', async ({ page }) => {
  const pageErrors = watchPageErrors(page);
  await page.goto(host.url);
  const card = page.locator('[data-testid="server-card"][data-server-name="gpu-a"]');
  await expect(card.getByTestId('socket-state')).toHaveAttribute('data-state', 'open');
  // The worker holds, so the task stays on gpu-a while the dialog is open.
  gpuA.pauseWorker();
  const r = await api.submit({ workflow: modelFreeWorkflow({ seed: 1, width: 8, height: 8 }), session: 'remove-me' });
  await api.waitFor(r.task.id, ['dispatched', 'running']);

  await card.getByTestId('remove-server').click();
  const dialog = page.getByRole('dialog', { name: /Remove server gpu-a/ });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('remove-server-tasks')).toHaveAttribute('data-count', '1');
  await expect(dialog.getByTestId('remove-server-tasks')).toContainText('1 unfinished task(s)');
  // Cancel keeps the server.
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(card).toBeVisible();

  gpuA.resumeWorker();
  await api.waitFor(r.task.id, ['succeeded']);
  await card.getByTestId('remove-server').click();
  await expect(dialog.getByTestId('remove-server-tasks')).toHaveAttribute('data-count', '0');
  await dialog.getByTestId('remove-server-confirm').click();
  await expect(card).toBeHidden();
  pageErrors.assertNone();
});
