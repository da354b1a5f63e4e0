import './ui.css';

export type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'muted';

/** A small coloured label for a state; the colour only repeats what the text says. */
export function StatusBadge({ label, tone, title }: { label: string; tone: Tone; title?: string }) {
  return (
    <span className={`status-badge tone-${tone}`} title={title} data-testid="status-badge" data-status={label}>
      {label}
    </span>
  );
}
