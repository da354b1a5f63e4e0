import type { FleetStoreApi } from '../store/fleet/store';
import { createCoalescer, detectEvents, type NotificationSpec } from './decide';
import { notificationsActive } from './preference';

/**
 * U8: watches the store and shows desktop notifications for servers turning unhealthy and
 * tasks failing, coalesced. Started once from main.tsx, outside React, like the store's feed.
 */
export function startNotifications(store: FleetStoreApi, win: Window = window): () => void {
  const show = (spec: NotificationSpec): void => {
    if (!notificationsActive()) return;
    const notification = new Notification(spec.title, { body: spec.body, tag: spec.tag });
    notification.onclick = () => {
      win.focus();
      win.location.hash = spec.href;
      notification.close();
    };
  };
  const coalescer = createCoalescer(show, { now: () => Date.now(), setTimeout: (fn, ms) => win.setTimeout(fn, ms) });
  return store.subscribe((state, prev) => {
    // Nothing is collected while notifications are off, so turning them on shows no backlog.
    if (!notificationsActive()) return;
    coalescer.push(detectEvents(prev, state));
  });
}
