import type { ConsoleSettings } from '../../../../shared/api';

const seconds = (ms: number): string => `${ms / 1000} s`;

/** F2 timings are fixed when the console starts; shown so an operator knows what detection to expect. */
export function ProbeSection({ settings }: { settings: ConsoleSettings | null }) {
  return (
    <section className="panel" aria-labelledby="probe-title" data-testid="probe-settings">
      <h3 id="probe-title" className="panel-title">
        Probe intervals and timeouts
      </h3>
      {settings && (
        <dl className="facts">
          <dt>Queue probe (GET /queue)</dt>
          <dd>every {seconds(settings.probe.queueIntervalMs)}</dd>
          <dt>System stats (GET /system_stats)</dt>
          <dd>every {seconds(settings.probe.statsIntervalMs)}</dd>
          <dt>Probe timeout</dt>
          <dd>{seconds(settings.probe.timeoutMs)}</dd>
          <dt>Verbose log</dt>
          <dd>{settings.verbose ? 'on' : 'off'} (switch it in Audit &amp; log)</dd>
          <dt>Client id on every server</dt>
          <dd>
            <code>{settings.clientId}</code>
          </dd>
        </dl>
      )}
      <p className="muted">
        Read-only: set when the console starts, for every server (<code>--probe-every S</code>, <code>--stats-every S</code>, <code>--probe-timeout S</code>,{' '}
        <code>--verbose</code>).
      </p>
    </section>
  );
}
