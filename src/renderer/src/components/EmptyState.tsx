import { DemoOffer } from './DemoOffer';

export function EmptyState({ waiting }: { waiting: boolean }) {
  return (
    <div className="empty" data-testid="empty-state">
      {waiting ? (
        <p>Waiting for the engine to report the fleet…</p>
      ) : (
        <>
          <p className="empty-title">No servers yet</p>
          <p className="muted">Add a ComfyUI server by its base URL above, e.g. http://127.0.0.1:8188.</p>
          <DemoOffer />
        </>
      )}
    </div>
  );
}
