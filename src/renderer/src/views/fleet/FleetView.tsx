import { useState } from 'react';
import { AddServerForm } from '../../components/AddServerForm';
import { ServerList } from '../../components/ServerList';
import { NotificationToggle } from '../../notifications/NotificationToggle';
import type { ChartWindow } from './depth-series';
import { WindowSwitch } from './WindowSwitch';
import '../../ui/views.css';

/** U1: a card per server, live, each with its queue-depth chart over one shared window. */
export function FleetView() {
  const [window, setWindow] = useState<ChartWindow>('5m');
  return (
    <>
      <section className="toolbar fleet-toolbar" aria-label="Fleet actions">
        <AddServerForm />
        <span className="header-spacer" />
        <WindowSwitch value={window} onChange={setWindow} />
        <NotificationToggle />
      </section>
      <ServerList window={window} />
    </>
  );
}
