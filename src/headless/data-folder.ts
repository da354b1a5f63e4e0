/** Where `npm run serve` keeps its ledger and outputs when `--data` is not given. */
export const SERVE_DATA_DIR = '.data';

/**
 * Where `npm run demo` (`--demo`) keeps them when `--data` is not given. The demo saves its
 * simulated servers with the fleet, as any added server is, but they listen on throwaway
 * ports: in the folder `serve` uses they would come back on its next start as dead servers
 * nobody there added, and the demo's trickle of tasks would fill its task ledger (M3).
 */
const DEMO_DATA_DIR = '.data-demo';

/** The default data folder of a start; an explicit `--data` is taken as it is elsewhere. */
export function defaultDataDir(args: { demo: boolean }): string {
  return args.demo ? DEMO_DATA_DIR : SERVE_DATA_DIR;
}
