import { postgresBackend } from './harness';
import { ledgerConformance } from './conformance';

ledgerConformance(postgresBackend());
