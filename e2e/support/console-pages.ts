import { expect, type Page } from '@playwright/test';

/** Goes to a view by its hash without reloading the page (the live stream stays connected). */
export async function openView(page: Page, hash: string): Promise<void> {
  // The e2e code compiles without DOM types; the function runs in the page.
  await page.evaluate((h) => {
    (globalThis as unknown as { location: { hash: string } }).location.hash = h;
  }, hash);
}

export interface SubmitForm {
  /** The workflow as JSON text; the example workflow when omitted. */
  workflow?: unknown;
  key?: string;
  session?: string;
  copies?: number;
}

/**
 * Submits through the Submit view (U5) and returns the new task's id, read from the link in the
 * outcome list.
 */
export async function submitThroughView(page: Page, form: SubmitForm): Promise<string> {
  await openView(page, '#/submit');
  const text = page.getByTestId('workflow-text');
  if (form.workflow === undefined) await page.getByRole('button', { name: 'Load example' }).click();
  else await text.fill(JSON.stringify(form.workflow, null, 2));
  if (form.key) await page.getByLabel(/Idempotency key/).fill(form.key);
  if (form.session) await page.getByLabel(/^Session/).fill(form.session);
  if (form.copies) await page.getByLabel('Copies').fill(String(form.copies));
  await expect(page.getByTestId('workflow-node').first()).toBeVisible();
  await page.getByRole('button', { name: /^Submit/ }).click();
  const result = page.getByTestId('submit-result').first();
  await expect(result).toHaveAttribute('data-outcome', 'created', { timeout: 15_000 });
  const link = result.getByTestId('result-link');
  const href = await link.getAttribute('href');
  const id = href ? decodeURIComponent(href.replace(/^#\/tasks\//, '')) : '';
  expect(id).not.toBe('');
  return id;
}
