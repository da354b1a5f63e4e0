import { AddServerForm } from './components/AddServerForm';
import { ConnectionBanner } from './components/ConnectionBanner';
import { Header } from './components/Header';
import { ServerList } from './components/ServerList';

export function App() {
  return (
    <div className="app">
      <Header />
      <ConnectionBanner />
      <main className="content">
        <section className="toolbar" aria-label="Fleet actions">
          <AddServerForm />
        </section>
        <ServerList />
      </main>
    </div>
  );
}
