import { describe, expect, it } from 'vitest';
import { listNodes, placeIssues } from './node-issues';

describe('node list and issue placement (U5, T1)', () => {
  it('lists nodes in numeric id order with class and title', () => {
    expect(listNodes({ '10': { class_type: 'SaveImage', inputs: {} }, '3': { class_type: 'KSampler', inputs: {}, _meta: { title: 'Sampler' } }, x: 5 })).toEqual([
      { id: '3', classType: 'KSampler', title: 'Sampler' },
      { id: '10', classType: 'SaveImage', title: null },
      { id: 'x', classType: '?', title: null },
    ]);
    expect(listNodes([1, 2])).toEqual([]);
  });

  it('puts invalid_workflow issues under the nodes they name; the rest is general', () => {
    const placed = placeIssues(
      {
        code: 'invalid_workflow',
        message: 'workflow rejected (3 problems): …',
        details: {
          issues: [
            { nodeId: '3', classType: 'KSampler', input: 'model', message: 'workflow: node "3" (KSampler) input "model" links to node "99", which does not exist' },
            { nodeId: null, classType: null, input: null, message: 'workflow: cycle' },
            { nodeId: '42', classType: null, input: null, message: 'node 42 is odd' },
          ],
          more: 2,
        },
      },
      ['3', '4'],
    );
    expect([...placed.byNode.keys()]).toEqual(['3']);
    expect(placed.byNode.get('3')?.[0]?.input).toBe('model');
    expect(placed.general).toEqual(['workflow: cycle', 'node 42 is odd', '…and 2 more problems']);
  });

  it('any other error is shown whole', () => {
    expect(placeIssues({ code: 'too_large', message: 'workflow is 6 MB' }, ['3'])).toEqual({ byNode: new Map(), general: ['workflow is 6 MB'] });
  });
});
