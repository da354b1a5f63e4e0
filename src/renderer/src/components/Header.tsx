import type { ViewName } from '../routing/route';
import { ThemeToggle } from '../theme/ThemeToggle';
import { EngineStatus } from './EngineStatus';
import { FleetTotals } from './FleetTotals';
import { NavBar } from './NavBar';

export function Header({ view }: { view: ViewName }) {
  return (
    <header className="app-header">
      <h1 className="brand">ComfyFleet</h1>
      <NavBar current={view} />
      <span className="header-spacer" />
      <EngineStatus />
      <FleetTotals />
      <ThemeToggle />
    </header>
  );
}
