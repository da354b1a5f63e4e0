import type { Session } from 'electron';

/**
 * U8: desktop notifications ("server went down", "task failed"); and writing to the clipboard,
 * for the copy buttons (ids, workflow JSON). Chromium only lets a page write during a user
 * gesture; reading the clipboard stays refused.
 */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['notifications', 'clipboard-sanitized-write']);

export interface PermissionQuery {
  permission: string;
  /** The URL of the frame asking; unknown (e.g. a service worker) counts as foreign. */
  requestingUrl: string | undefined;
  isMainFrame: boolean;
}

/** E1: granted only for an allowed permission, asked by the console's own top frame. */
export function isPermissionAllowed(query: PermissionQuery, isAppUrl: (url: string) => boolean): boolean {
  return ALLOWED_PERMISSIONS.has(query.permission) && query.isMainFrame && query.requestingUrl !== undefined && isAppUrl(query.requestingUrl);
}

/**
 * Chromium asks twice: the request handler for prompts (Notification.requestPermission) and the
 * check handler for silent queries (Notification.permission). Both must agree, or the page sees
 * "granted" and still cannot notify, or the other way round.
 */
export function installPermissionPolicy(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>, isAppUrl: (url: string) => boolean): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(isPermissionAllowed({ permission, requestingUrl: details.requestingUrl, isMainFrame: details.isMainFrame }, isAppUrl));
  });
  session.setPermissionCheckHandler((_contents, permission, _origin, details) =>
    isPermissionAllowed({ permission, requestingUrl: details.requestingUrl, isMainFrame: details.isMainFrame }, isAppUrl),
  );
}
