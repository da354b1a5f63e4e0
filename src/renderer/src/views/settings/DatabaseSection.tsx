import type { ConsoleSettings } from '../../../../shared/api';

/** S1/S2: where the task ledger lives (chosen at start with --data or --db). */
export function DatabaseSection({ settings }: { settings: ConsoleSettings | null }) {
  return (
    <section className="panel" aria-labelledby="db-title" data-testid="database-settings">
      <h3 id="db-title" className="panel-title">
        Database
      </h3>
      {settings &&
        (settings.database ? (
          <dl className="facts">
            <dt>Backend</dt>
            <dd data-testid="database-backend">{settings.database.backend === 'sqlite' ? 'SQLite' : 'PostgreSQL'}</dd>
            <dt>Where</dt>
            <dd>
              <code>{settings.database.label}</code>
            </dd>
          </dl>
        ) : (
          <p>No task ledger: this console only watches the fleet.</p>
        ))}
      <p className="muted">Chosen when the console starts: --data DIR (SQLite) or --db postgres://… (PostgreSQL).</p>
    </section>
  );
}
