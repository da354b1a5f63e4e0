import { sqliteBackend } from './harness';
import { ledgerConformance } from './conformance';

ledgerConformance(sqliteBackend());
