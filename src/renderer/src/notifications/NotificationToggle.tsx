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
      <span aria-hidden="true">{on ? '🔔' : '🔕'}</span> {label}
    </button>
  );
}
