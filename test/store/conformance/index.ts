import type { Backend } from '../harness';
import { badInputSuite } from './bad-input';
import { locksSuite } from './locks';
import { queriesSuite } from './queries';
import { recordsSuite } from './records';
import { rerunSuite } from './rerun';
import { stateMachineSuite } from './state-machine';
import { submitSuite } from './submit';

/** The ledger's one conformance suite (BullMQ's adapter-conformance idea): only `backend` differs. */
export function ledgerConformance(backend: Backend): void {
  submitSuite(backend);
  stateMachineSuite(backend);
  rerunSuite(backend);
  locksSuite(backend);
  queriesSuite(backend);
  badInputSuite(backend);
  recordsSuite(backend);
}
