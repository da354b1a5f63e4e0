import { AddServerForm } from '../../components/AddServerForm';
import { ServerList } from '../../components/ServerList';

/** U1: a card per server, live. */
export function FleetView() {
  return (
    <>
      <section className="toolbar" aria-label="Fleet actions">
        <AddServerForm />
      </section>
      <ServerList />
    </>
  );
}
