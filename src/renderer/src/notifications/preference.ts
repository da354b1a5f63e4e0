import { useSyncExternalStore } from 'react';

/**
 * Whether the operator turned desktop notifications on, kept across reloads. The browser's
 * permission is asked for once, from the toggle's click, never unprompted.
 */
const KEY = 'comfyfleet.notifications';
const listeners = new Set<() => void>();

export type NotifyPermission = NotificationPermission | 'unsupported';

export const notificationPermission = (): NotifyPermission => (typeof Notification === 'undefined' ? 'unsupported' : Notification.permission);

export function notificationsWanted(): boolean {
  try {
    return localStorage.getItem(KEY) === 'on';
  } catch {
    return false;
  }
}

/** On only when the operator wants them and the browser allows them. */
export const notificationsActive = (): boolean => notificationsWanted() && notificationPermission() === 'granted';

export function setNotificationsWanted(on: boolean): void {
  try {
    localStorage.setItem(KEY, on ? 'on' : 'off');
  } catch {
    // Storage refused (private mode): the choice lasts until reload.
  }
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** `${wanted}:${permission}` as one string snapshot, so React compares it by value. */
export function useNotificationState(): { wanted: boolean; permission: NotifyPermission } {
  const snapshot = useSyncExternalStore(subscribe, () => `${notificationsWanted()}:${notificationPermission()}`);
  const [wanted, permission] = snapshot.split(':') as [string, NotifyPermission];
  return { wanted: wanted === 'true', permission };
}

/** After `requestPermission` answers, so views re-read the permission. */
export const permissionChanged = (): void => {
  for (const listener of listeners) listener();
};
