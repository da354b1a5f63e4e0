import { EngineStatus } from './EngineStatus';
import { FleetTotals } from './FleetTotals';

export function Header() {
  return (
    <header className="app-header">
      <h1 className="brand">ComfyFleet</h1>
      <EngineStatus />
      <FleetTotals />
    </header>
  );
}
