import type { TestProject } from 'vitest/node';
import { startPostgresCluster } from '../../harness/postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the run's throwaway PostgreSQL, or null when no test file of this run needs it. */
    pgAdminUrl: string | null;
  }
}

/**
 * One PostgreSQL cluster per vitest run, shared by every file that needs it (each file makes
 * its own database). Started only when the run includes the ledger tests, so other runs do
 * not pay for it; COMFYFLEET_PG_URL points the tests at an existing server instead.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  const external = process.env.COMFYFLEET_PG_URL;
  if (external) {
    project.provide('pgAdminUrl', external);
    return;
  }
  const paths = project.vitest.state.getPaths();
  const needed = paths.length === 0 || paths.some((p) => /[\\/]test[\\/]store[\\/]/.test(p));
  if (!needed) {
    project.provide('pgAdminUrl', null);
    return;
  }
  const cluster = await startPostgresCluster();
  // A run that dies without teardown must still not leave a server behind.
  const onExit = () => cluster.stopSync();
  process.once('exit', onExit);
  project.provide('pgAdminUrl', cluster.adminUrl);
  return async () => {
    process.off('exit', onExit);
    await cluster.stop();
  };
}
