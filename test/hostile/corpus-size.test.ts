import { describe, expect, it } from 'vitest';
import { bridgeFrames, bridgeUpgrades } from './bridge-frames.corpus';
import { ipcPayloads } from './ipc-payloads.corpus';
import { restPayloads } from './rest-payloads.corpus';
import { serverErrorCases } from './server-responses.corpus';
import { badWorkflows } from './workflows.corpus';

/**
 * Issue 7: at least 50 hostile inputs, each asserting a typed error. Counted from the exported
 * case tables (hostile-corpus.test.ts keeps its 58 server answers private, so they are not
 * counted here). Tolerated positive controls are not counted either.
 */
const sizes = {
  workflows: badWorkflows.length,
  ipc: ipcPayloads.length,
  rest: restPayloads.length,
  bridgeFrames: bridgeFrames.length,
  bridgeUpgrades: bridgeUpgrades.length,
  serverResponses: serverErrorCases.length,
};
const total = Object.values(sizes).reduce((a, b) => a + b, 0);
const breakdown = Object.entries(sizes)
  .map(([k, v]) => `${k} ${v}`)
  .join(', ');

describe('issue 7: the hostile-input corpus', () => {
  it(`T1, E1, E2, E3: ${total} hostile cases with typed errors (${breakdown})`, () => {
    expect(total).toBeGreaterThanOrEqual(50);
    expect(sizes.workflows).toBeGreaterThanOrEqual(30);
    expect(sizes.ipc + sizes.bridgeFrames + sizes.bridgeUpgrades).toBeGreaterThanOrEqual(20);
    // Every case is named once across the tables, so a report line points at one case.
    const names = [...badWorkflows, ...ipcPayloads, ...restPayloads, ...bridgeFrames, ...bridgeUpgrades, ...serverErrorCases].map((c) => c.name);
    expect(names.length).toBe(total);
  });
});
