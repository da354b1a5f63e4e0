import { expect, test, type Page } from '@playwright/test';
import type { SimServer } from '../sim/src';
import { modelFreeWorkflow, startSim } from '../sim/src';
import { openView } from './support/console-pages';
import type { RunningHost } from './support/headless-host';
import { startHeadlessHost } from './support/headless-host';
import { watchPageErrors } from './support/page-errors';
import { taskApi, type TaskApi } from './support/task-api';

const TOKEN = 'e2e-task-filters-token';

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

const row = (page: Page, id: string) => page.locator(`[data-testid="task-row"][data-task-id="${id}"]`);
const chipCount = (page: Page, status: string) => page.getByTestId(`count-${status}`).locator('.status-chip-count');
const search = (page: Page) => page.getByLabel('Search tasks by id prefix or key');

// The tests run in order on one console: the first needs a ledger without tasks.
test('U2: an empty ledger says there are no tasks yet; "no match" only when a filter is set, with a way to clear it', async ({ page }) => {
  const pageErrors = watchPageErrors(page);
  await page.goto(host.url);
  await openView(page, '#/tasks');
  await expect(page.getByTestId('task-total')).toHaveText('0 matching');
  await expect(page.getByText('No task matches these filters.')).toHaveCount(0);
  await expect(page.getByTestId('tasks-empty')).toContainText('No tasks yet.');

  await search(page).fill('no-such-key');
  await expect(page.getByTestId('tasks-empty')).toContainText('No task matches these filters.');
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(search(page)).toHaveValue('');
  await expect(page.getByTestId('tasks-empty')).toContainText('No tasks yet.');
  pageErrors.assertNone();
});

test('U2: the status chips follow the key search; the filters are in the address, survive a reload and follow a pasted link', async ({ page }) => {
  const pageErrors = watchPageErrors(page);
  const ids: string[] = [];
  for (const [i, key] of ['alpha-1', 'alpha-2', 'alpha-3', 'beta-1', 'beta-2'].entries()) {
    ids.push((await api.submit({ workflow: modelFreeWorkflow({ seed: i, width: 8, height: 8 }), key, session: 'e2e-filters' })).task.id);
  }
  for (const id of ids) expect((await api.waitFor(id, ['succeeded', 'failed', 'cancelled', 'interrupted'], 60_000)).status).toBe('succeeded');

  await page.goto(host.url);
  await openView(page, '#/tasks');
  await expect(chipCount(page, 'succeeded')).toHaveText('5', { timeout: 15_000 });

  // The search narrows the list and the chips alike.
  await search(page).fill('alpha');
  await expect(page.getByTestId('task-total')).toHaveText('3 matching', { timeout: 15_000 });
  await expect(chipCount(page, 'succeeded')).toHaveText('3', { timeout: 15_000 });
  await page.getByTestId('count-succeeded').click();
  await expect(page.getByTestId('count-succeeded')).toHaveAttribute('aria-pressed', 'true');
  await expect(page).toHaveURL(/#\/tasks\?status=succeeded&key=alpha$/);

  // A reload (or the same address in another window) opens the same filtered view.
  await page.reload();
  await expect(search(page)).toHaveValue('alpha');
  await expect(page.getByTestId('count-succeeded')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('task-total')).toHaveText('3 matching', { timeout: 15_000 });
  await expect(chipCount(page, 'succeeded')).toHaveText('3');
  await expect(row(page, ids[0]!)).toBeVisible();
  await expect(row(page, ids[3]!)).toHaveCount(0);

  // A link to other filters, opened while the view is up, is followed.
  await openView(page, '#/tasks?key=beta');
  await expect(search(page)).toHaveValue('beta');
  await expect(page.getByTestId('count-succeeded')).toHaveAttribute('aria-pressed', 'false');
  await expect(page.getByTestId('task-total')).toHaveText('2 matching', { timeout: 15_000 });
  await expect(chipCount(page, 'succeeded')).toHaveText('2', { timeout: 15_000 });
  await expect(page).toHaveURL(/#\/tasks\?key=beta$/);
  pageErrors.assertNone();
});

test('U2, B1: a queued task shows why it waits, also after a reload', async ({ page }) => {
  const pageErrors = watchPageErrors(page);
  // gpu-a's worker is held: it takes its in-flight limit (2) and the rest wait in our queue.
  gpuA.pauseWorker();
  try {
    // Open before submitting: the reasons first arrive live, as the engine sets them.
    await page.goto(host.url);
    await openView(page, '#/tasks?key=wait-');
    await expect(page.getByTestId('task-total')).toHaveText('0 matching');
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await api.submit({ workflow: modelFreeWorkflow({ seed: 100 + i, width: 8, height: 8 }), key: `wait-${i}`, session: `e2e-wait-${i}` })).task.id);
    for (const id of ids.slice(0, 2)) await api.waitFor(id, ['dispatched', 'running']);
    const queued: string[] = [];
    for (const id of ids) if ((await api.task(id)).status === 'queued') queued.push(id);
    expect(queued.length).toBeGreaterThan(0);

    for (const id of queued) await expect(row(page, id).getByTestId('task-waiting')).toContainText(/\S/, { timeout: 15_000 });
    const before = await row(page, queued[0]!).getByTestId('task-waiting').textContent();

    // After a reload the list comes from the ledger, which does not know why a task waits.
    await page.reload();
    await expect(page.getByTestId('task-total')).toHaveText('4 matching', { timeout: 15_000 });
    for (const id of queued) {
      await expect(row(page, id)).toHaveAttribute('data-status', 'queued');
      await expect(row(page, id).getByTestId('task-waiting')).toContainText(/\S/, { timeout: 15_000 });
    }
    await expect(row(page, queued[0]!).getByTestId('task-waiting')).toHaveText(before ?? '');
  } finally {
    gpuA.resumeWorker();
  }
  pageErrors.assertNone();
});
