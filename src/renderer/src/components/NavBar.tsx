import { useFleetStore } from '../store/fleet/store';
import { selectCounts, selectLocks } from '../store/fleet/slices/live/selectors';
import { routeHref, type Route, type ViewName } from '../routing/route';

const ITEMS: { route: Route; label: string }[] = [
  { route: { view: 'fleet' }, label: 'Fleet' },
  { route: { view: 'tasks' }, label: 'Tasks' },
  { route: { view: 'submit' }, label: 'Submit' },
  { route: { view: 'locks' }, label: 'Locks' },
  { route: { view: 'settings' }, label: 'Settings' },
  { route: { view: 'log' }, label: 'Audit & log' },
];

/** Links, not buttons: each view has an address, and the keyboard reaches them in order. */
export function NavBar({ current }: { current: ViewName }) {
  const active = current === 'task' ? 'tasks' : current;
  const counts = useFleetStore(selectCounts);
  const stuck = useFleetStore((s) => selectLocks(s).filter((l) => l.state === 'stuck').length);
  const unfinished = counts ? counts.queued + counts.dispatched + counts.running : 0;
  return (
    <nav className="nav" aria-label="Views">
      {ITEMS.map(({ route, label }) => (
        <a key={route.view} href={routeHref(route)} className="nav-link" aria-current={active === route.view ? 'page' : undefined} data-testid={`nav-${route.view}`}>
          {label}
          {route.view === 'tasks' && unfinished > 0 && <span className="nav-badge">{unfinished}</span>}
          {route.view === 'locks' && stuck > 0 && (
            <span className="nav-badge nav-badge-bad" title={`${stuck} stuck lock(s)`}>
              {stuck}
            </span>
          )}
        </a>
      ))}
    </nav>
  );
}
