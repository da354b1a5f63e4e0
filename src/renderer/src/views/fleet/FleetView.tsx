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
      {/* Not shown (the nav says where we are), but named for screen readers and the focus after a view change. */}
      <h2 className="view-title visually-hidden">Fleet</h2>
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
