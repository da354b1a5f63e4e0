import { expect, type Page } from '@playwright/test';

/** Collects uncaught page errors and console errors; `assertNone` fails the test on any. */
export function watchPageErrors(page: Page): { errors: string[]; assertNone(): void } {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  return { errors, assertNone: () => expect(errors, 'errors in the page').toEqual([]) };
}
