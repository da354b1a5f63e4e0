import { dict, type Dict } from './py-json';

/**
 * `comfy_execution.progress.ProgressRegistry` with its WebUI handler: every start, update
 * and finish re-sends the state of all non-pending nodes as one `progress_state` frame.
 */

type NodeState = 'running' | 'finished' | 'error';

interface Entry {
  state: NodeState;
  value: number;
  max: number;
}

export class ProgressState {
  private readonly nodes = new Map<string, Entry>();

  constructor(
    private readonly promptId: string,
    private readonly emit: (data: Dict) => void,
  ) {}

  start(nodeId: string): void {
    this.nodes.set(nodeId, { state: 'running', value: 0, max: 1 });
    this.publish();
  }

  update(nodeId: string, value: number, max: number): void {
    this.nodes.set(nodeId, { state: 'running', value, max });
    this.publish();
  }

  finish(nodeId: string): void {
    const entry = this.nodes.get(nodeId) ?? { state: 'finished', value: 0, max: 1 };
    this.nodes.set(nodeId, { state: 'finished', value: entry.max, max: entry.max });
    this.publish();
  }

  private publish(): void {
    const nodes = dict(
      [...this.nodes].map(([id, e]) => [
        id,
        {
          value: e.value,
          max: e.max,
          state: e.state,
          node_id: id,
          prompt_id: this.promptId,
          display_node_id: id,
          parent_node_id: null,
          real_node_id: id,
        },
      ]),
    );
    this.emit({ prompt_id: this.promptId, nodes });
  }
}
