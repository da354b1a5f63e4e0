import { expect, test, type Page } from '@playwright/test';
import type { SimServer } from '../sim/src';
import { startSim, txt2imgWorkflow } from '../sim/src';
import { openView, submitThroughView } from './support/console-pages';
import { watchPageErrors } from './support/page-errors';
import type { RunningHost } from './support/headless-host';
import { startHeadlessHost } from './support/headless-host';
import { screenshotPath } from './support/screenshots';

let gpuA: SimServer;
let gpuB: SimServer;
let host: RunningHost;

test.beforeAll(async () => {
  // KSampler at 300 ms/step: the example's 20 steps take 6 s, long enough to see progress on a
  // busy two-core machine; the cancel test asks for 200 steps (a minute) so it is surely running.
  gpuA = await startSim({ name: 'gpu-a', durations: { KSampler: 300 } });
  gpuB = await startSim({ name: 'gpu-b', durations: { KSampler: 300 } });
  host = await startHeadlessHost(['--servers', `gpu-a=${gpuA.url},gpu-b=${gpuB.url}`]);
});

test.afterAll(async () => {
  await host?.stop();
  await gpuA?.close();
  await gpuB?.close();
});

const row = (page: Page, id: string) => page.locator(`[data-testid="task-row"][data-task-id="${id}"]`);

test('U5, T5, T6, U2, U3: a workflow submitted in the Submit view shows progress in the table and a thumbnail in its detail', async ({ page }) => {
  const { errors } = watchPageErrors(page);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(host.url);

  // Three copies (U5): keys e2e-order-1-1…3, one session, so they run one after another on one server.
  const id = await submitThroughView(page, { key: 'e2e-order-1', session: 'e2e-flow', copies: 3 });
  await expect(page.getByTestId('submit-result')).toHaveCount(3);
  await expect(page.locator('[data-testid="submit-result"][data-outcome="created"]')).toHaveCount(3, { timeout: 15_000 });
  await expect(page.getByTestId('submit-result').nth(2)).toContainText('e2e-order-1-3');
  await page.screenshot({ path: screenshotPath('submit.png'), fullPage: true });

  // U2: the task appears live at the top of the table and its progress bar moves (T5: socket events).
  await openView(page, '#/tasks');
  await expect(page.getByTestId('task-table-scroll')).toBeVisible();
  const r = row(page, id);
  await expect(r).toBeVisible({ timeout: 15_000 });
  const bar = r.getByRole('progressbar');
  await expect(bar).toBeVisible({ timeout: 30_000 });
  await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 30_000 }).toBeGreaterThan(0);
  await page.screenshot({ path: screenshotPath('tasks.png') });

  // Keyboard: the row is focusable and Enter opens the detail.
  await r.focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`#/tasks/${id}$`));
  await expect(page.getByRole('heading', { name: new RegExp(id) })).toBeVisible();

  // T6, U3: finished, its output stored by the console and shown as a thumbnail that loads.
  await expect(page.locator('.view-head [data-testid="status-badge"]')).toHaveAttribute('data-status', 'succeeded', { timeout: 60_000 });
  const thumb = page.getByTestId('output-thumb').first();
  await expect(thumb).toBeVisible({ timeout: 15_000 });
  await expect.poll(() => thumb.evaluate((el) => {
    const img = el as unknown as { complete: boolean; naturalWidth: number };
    return img.complete && img.naturalWidth > 0;
  }), { timeout: 10_000 }).toBe(true);
  await expect(page.getByTestId('timeline')).toContainText('running → succeeded');
  await expect(page.getByTestId('attempts')).toContainText('gpu-');

  // The workflow comes on demand, pretty-printed.
  await page.getByText('Workflow', { exact: true }).click();
  await expect(page.getByTestId('json-text')).toContainText('"class_type": "KSampler"');
  await page.screenshot({ path: screenshotPath('task-detail.png'), fullPage: true });

  // A click on the thumbnail opens the full image.
  await thumb.click();
  await expect(page.getByTestId('output-full')).toBeVisible({ timeout: 10_000 });
  await page.keyboard.press('Escape');
  expect(errors).toEqual([]);
});

test('T7, U2: a running task is cancelled from the table after a confirmation', async ({ page }) => {
  const { errors } = watchPageErrors(page);
  await page.goto(host.url);
  const id = await submitThroughView(page, { workflow: txt2imgWorkflow({ steps: 200, seed: 7 }), key: 'e2e-cancel-1', session: 'e2e-cancel' });

  await openView(page, '#/tasks');
  const r = row(page, id);
  // Its session may be placed behind flow 1's copies on a server: allow for them to finish.
  await expect(r).toHaveAttribute('data-status', 'running', { timeout: 60_000 });
  await r.getByRole('button', { name: 'Cancel' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('running');
  await dialog.getByRole('button', { name: 'Cancel task' }).click();
  await expect(page.getByTestId('action-notice')).toContainText(/cancel/i);
  // T7: running → POST /interrupt; the interrupt an operator asked for ends as `cancelled`.
  await expect(r).toHaveAttribute('data-status', 'cancelled', { timeout: 30_000 });
  await expect(r.getByRole('button', { name: 'Re-run' })).toBeVisible();
  const runs = [...gpuA.executions(), ...gpuB.executions()].filter((e) => e.outcome !== 'success');
  expect(runs.length).toBeGreaterThan(0);
  expect(errors).toEqual([]);
});

test('T8, U3: re-running a finished task makes a new task linked to it both ways', async ({ page }) => {
  const { errors } = watchPageErrors(page);
  await page.goto(host.url);
  const parent = await submitThroughView(page, { workflow: txt2imgWorkflow({ steps: 3, seed: 8 }), key: 'e2e-rerun-1', session: 'e2e-rerun' });

  await openView(page, `#/tasks/${parent}`);
  const status = page.locator('.view-head [data-testid="status-badge"]');
  await expect(status).toHaveAttribute('data-status', 'succeeded', { timeout: 60_000 });
  await page.getByRole('button', { name: 'Re-run' }).click();
  const notice = page.getByTestId('action-notice');
  await expect(notice).toContainText('Re-run: created');
  const href = await notice.getByTestId('notice-link').getAttribute('href');
  const child = decodeURIComponent((href ?? '').replace(/^#\/tasks\//, ''));
  expect(child).not.toBe(parent);

  // The child names its parent…
  await notice.getByTestId('notice-link').click();
  await expect(page).toHaveURL(new RegExp(`#/tasks/${child}$`));
  await expect(page.getByTestId('parent-link')).toHaveAttribute('href', `#/tasks/${parent}`);
  await expect(page.getByTestId('timeline')).toContainText(`re-run of ${parent}`);

  // …and the parent lists the child.
  await page.getByTestId('parent-link').click();
  await expect(page).toHaveURL(new RegExp(`#/tasks/${parent}$`));
  await expect(page.getByTestId('children').locator(`a[href="#/tasks/${child}"]`)).toBeVisible();
  expect(errors).toEqual([]);
});

test('T1, U5: broken JSON is placed by line and column; an invalid workflow is refused with the error under its node', async ({ page }) => {
  const { errors } = watchPageErrors(page);
  await page.goto(host.url);
  await openView(page, '#/submit');
  const text = page.getByTestId('workflow-text');
  await text.fill('{\n  "3": {"class_type": "KSampler",, "inputs": {}}\n}');
  await expect(page.locator('#workflow-error')).toContainText('line 2, column');
  await expect(page.getByRole('button', { name: /^Submit/ })).toBeDisabled();

  // Valid JSON, but node 3 links to a node that does not exist: the engine refuses it (T1).
  await text.fill(JSON.stringify({ '3': { class_type: 'KSampler', inputs: { model: ['99', 0] } }, '9': { class_type: 'SaveImage', inputs: { images: ['3', 0] } } }));
  await page.getByRole('button', { name: /^Submit/ }).click();
  const node3 = page.locator('[data-testid="workflow-node"][data-node-id="3"]');
  await expect(node3.locator('.node-issue')).toContainText('99');
  await expect(page.locator('[data-testid="workflow-node"][data-node-id="9"] .node-issue')).toHaveCount(0);
  await expect(page.getByTestId('submit-result').first()).toHaveAttribute('data-outcome', 'error');
  expect(errors).toEqual([]);
});

test('U2, S4, T7: 300 tasks page in as the table scrolls, only visible rows exist, and a batch cancel over all matching says what it did', async ({ page }) => {
  const { errors } = watchPageErrors(page);
  await page.goto(host.url);
  // 3 × 100 copies of a one-step graph in one session. The servers' workers are held until the
  // batch cancel is done, so every task is still unfinished when it comes, however slow the
  // machine: a server holds at most its in-flight limit pending, the rest wait in our queue.
  gpuA.pauseWorker();
  gpuB.pauseWorker();
  try {
    await bulkSubmitAndCancel(page);
  } finally {
    gpuA.resumeWorker();
    gpuB.resumeWorker();
  }
  expect(errors).toEqual([]);
});

async function bulkSubmitAndCancel(page: Page): Promise<void> {
  for (const batch of ['a', 'b', 'c']) {
    await submitThroughView(page, { workflow: txt2imgWorkflow({ steps: 1, seed: batch.charCodeAt(0) }), key: `bulk-${batch}`, session: 'e2e-bulk', copies: 100 });
    await expect(page.locator('[data-testid="submit-result"][data-outcome="created"]')).toHaveCount(100, { timeout: 60_000 });
  }

  await openView(page, '#/tasks');
  await page.getByLabel('Session').fill('e2e-bulk');
  await expect(page.getByTestId('task-total')).toContainText('300 matching', { timeout: 15_000 });
  const scroller = page.getByTestId('task-table-scroll');
  // S4: one page (200) loaded, and only the rows on screen (plus overscan) rendered.
  await expect(scroller).toHaveAttribute('aria-rowcount', '200');
  expect(await page.getByTestId('task-row').count()).toBeLessThan(60);
  // Scrolling near the end fetches the next page.
  await scroller.evaluate((el) => {
    const box = el as unknown as { scrollTop: number; scrollHeight: number };
    box.scrollTop = box.scrollHeight;
  });
  await expect(scroller).toHaveAttribute('aria-rowcount', '300', { timeout: 15_000 });
  await expect(page.locator('[data-testid="task-row"][aria-label*="bulk"]')).toHaveCount(0);
  expect(await page.getByTestId('task-row').count()).toBeLessThan(60);

  // Batch: tick one row, widen to every matching task, cancel with a confirmation naming the count.
  await page.getByTestId('task-row').first().getByRole('checkbox').check();
  await expect(page.getByTestId('selection-count')).toHaveText('1');
  await page.getByRole('button', { name: 'Select all 300 matching' }).click();
  await expect(page.getByTestId('selection-count')).toHaveText('300');
  await page.getByRole('button', { name: 'Cancel selected…' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Cancel 300 tasks?');
  await dialog.getByRole('button', { name: 'Cancel 300' }).click();
  const summary = page.getByTestId('batch-summary');
  await expect(summary).toContainText('Cancel finished', { timeout: 60_000 });
  // Every task is either cancelled now or was already finished (refused by the engine as terminal).
  const text = (await summary.textContent()) ?? '';
  const m = /(\d+) done, (\d+) refused/.exec(text);
  expect(m).not.toBeNull();
  // Nothing could finish while the workers were held: every one of the 300 was cancelled.
  expect(Number(m?.[1]) + Number(m?.[2])).toBe(300);
  expect(Number(m?.[2])).toBe(0);
}
