import { notificationPermission, permissionChanged, setNotificationsWanted, useNotificationState } from './preference';

/** U8: the one visible place that asks for the notification permission, on a click. */
export function NotificationToggle() {
  const { wanted, permission } = useNotificationState();
  if (permission === 'unsupported') return null;
  const on = wanted && permission === 'granted';

  const toggle = async (): Promise<void> => {
    if (on) {
      setNotificationsWanted(false);
      return;
    }
    if (notificationPermission() === 'default') await Notification.requestPermission();
    permissionChanged();
    setNotificationsWanted(notificationPermission() === 'granted');
  };

  const blocked = permission === 'denied';
  const label = blocked ? 'Notifications blocked' : on ? 'Notifications on' : 'Notifications off';
  return (
    <button
      type="button"
      className="btn btn-small"
      data-testid="notifications-toggle"
      aria-pressed={on}
      disabled={blocked}
      title={
        blocked
          ? 'Desktop notifications are blocked for this page; allow them in the browser settings'
          : on
            ? 'Desktop notifications when a server goes unhealthy or a task fails; click to turn off'
            : 'Turn on desktop notifications when a server goes unhealthy or a task fails'
      }
      onClick={() => void toggle()}
    >
      <BellIcon muted={!on} /> {label}
    </button>
  );
}

/** Drawn, not an emoji: not every desktop (or headless browser) has an emoji font. */
function BellIcon({ muted }: { muted: boolean }) {
  return (
    <svg className="bell-icon" width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round">
      <path d="M4 11V7a4 4 0 0 1 8 0v4l1.5 1.5h-11z" />
      <path d="M6.5 14a1.5 1.5 0 0 0 3 0" />
      {muted && <path d="M2 2l12 12" />}
    </svg>
  );
}
