import type { Page } from '@playwright/test';

/**
 * Replaces the page's Web Notification API with a recorder before any script runs, so a test
 * can see what the console would show on the desktop (headless Chromium shows nothing), answer
 * the permission prompt, and click a notification. A string: the e2e files have no DOM types.
 */
const SCRIPT = `
  window.__notifications = [];
  class FakeNotification {
    static permission = 'default';
    static async requestPermission() {
      FakeNotification.permission = 'granted';
      return 'granted';
    }
    constructor(title, options) {
      this.title = title;
      this.body = options && options.body;
      this.tag = options && options.tag;
      this.onclick = null;
      window.__notifications.push(this);
    }
    close() {}
  }
  window.Notification = FakeNotification;
`;

export async function fakeNotifications(page: Page): Promise<{ titles(): Promise<string[]>; click(index: number): Promise<void> }> {
  await page.addInitScript(SCRIPT);
  return {
    titles: () => page.evaluate<string[]>('window.__notifications.map((n) => n.title)'),
    click: (index) => page.evaluate<void>(`window.__notifications[${index}].onclick()`),
  };
}
