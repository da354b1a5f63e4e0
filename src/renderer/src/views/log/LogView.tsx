import { AuditPanel } from './AuditPanel';
import { LiveLog } from './LiveLog';
import '../../ui/views.css';
import './log.css';

/** U7: who did what (audit, from the ledger), and what the engine is doing (the live log). */
export function LogView() {
  return (
    <section className="view log-view" aria-labelledby="log-title">
      <h2 id="log-title" className="view-title">
        Audit &amp; log
      </h2>
      <AuditPanel />
      <LiveLog />
    </section>
  );
}
