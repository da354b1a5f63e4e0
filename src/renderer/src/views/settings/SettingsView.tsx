import { NotificationToggle } from '../../notifications/NotificationToggle';
import { DatabaseSection } from './DatabaseSection';
import { DispatchSection } from './DispatchSection';
import { ProbeSection } from './ProbeSection';
import { ServersSection } from './ServersSection';
import { TypesSection } from './TypesSection';
import { useLoaded } from './use-command';
import '../../ui/views.css';
import './settings.css';

/** U6: servers, probe timings, dispatch limits and retention, task policies, database, notifications. */
export function SettingsView() {
  const settings = useLoaded('settings.get');
  return (
    <section className="view settings" aria-labelledby="settings-title">
      <h2 id="settings-title" className="view-title">
        Settings
      </h2>
      {settings.error && (
        <p className="form-error" role="alert">
          {settings.error.message}
        </p>
      )}
      <ServersSection />
      <DispatchSection settings={settings.value} onSaved={settings.setValue} />
      <TypesSection />
      <ProbeSection settings={settings.value} />
      <DatabaseSection settings={settings.value} />
      <section className="panel" aria-labelledby="notify-title">
        <h3 id="notify-title" className="panel-title">
          Desktop notifications
        </h3>
        <p className="muted">When a server turns unhealthy or a task fails; bursts are summed up in one notification.</p>
        <NotificationToggle />
      </section>
    </section>
  );
}
