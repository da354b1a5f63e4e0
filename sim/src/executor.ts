import { ExecutionList } from './execution-list';
import type { Folders } from './folder-paths';
import { Aborted } from './life';
import { NODE_WORK, formatValue, type WorkContext } from './node-work';
import type { NodeDef } from './nodes';
import type { PixelJob, PixelResult } from './pixel-jobs';
import { isLink, type OutputCache } from './output-cache';
import { ProgressState } from './progress-state';
import { PyError, dict, isDict, keysOf, toPyJson, type Dict } from './py-json';
import { BinaryEvent, type WsHub } from './ws-hub';

/**
 * `PromptExecutor.execute_async` for one job: the `execution_*` messages (kept for history
 * and sent per the delivery rules), cached nodes skipped, the rest run in ExecutionList
 * order, each framed by `progress_state` / `executing` / `executed` exactly as upstream.
 */

/** `comfy.model_management.interrupt_processing`, cleared when a job starts or when it fires. */
export class InterruptFlag {
  private flag = false;
  set(): void {
    this.flag = true;
  }
  clear(): void {
    this.flag = false;
  }
  /** `throw_exception_if_processing_interrupted` resets the flag as it throws. */
  take(): boolean {
    const was = this.flag;
    this.flag = false;
    return was;
  }
}

class InterruptProcessing extends Error {
  override name = 'InterruptProcessingException';
}

export interface ExecutorDeps {
  hub: WsHub;
  catalogue: Record<string, NodeDef>;
  cache: OutputCache;
  interrupt: InterruptFlag;
  folders: Folders;
  latentPreviews: boolean;
  /** ms of simulated work for `units` of `nodeClass`, speed already applied. */
  workMs(nodeClass: string, units: number): number;
  /** Sleeps `ms` of simulated work at a node; rejects with Aborted on crash. */
  sleep(ms: number, at: WorkSite): Promise<void>;
  /** Pixel work off the event loop; rejects with Aborted on crash. */
  compute<J extends PixelJob>(job: J): Promise<PixelResult<J>>;
  loadModel(ckpt: string): void;
  checkAlive(): void;
}

/** Where simulated work happens (for the `workGate` test hook). */
export interface WorkSite {
  promptId: string;
  nodeId: string;
  nodeClass: string;
}

export interface JobResult {
  success: boolean;
  interrupted: boolean;
  messages: [string, Dict][];
  outputs: Dict;
  meta: Dict;
}

type NodeFailure = { nodeId: string; error: Dict | null; ex: unknown };

const OOM_TIPS =
  'This error means you ran out of memory on your GPU.\n\nTIPS: If the workflow worked before you might have accidentally set the batch_size to a large number.';

function fakeTraceback(classType: string): string[] {
  return [
    '  File "/ComfyUI/execution.py", line 496, in execute\n    output_data, output_ui, has_subgraph, has_pending_tasks = await get_output_data(prompt_id, unique_id, obj, input_data_all, execution_block_cb=execution_block_cb, pre_execute_cb=pre_execute_cb, hidden_inputs=hidden_inputs)\n',
    '  File "/ComfyUI/execution.py", line 315, in get_output_data\n    return_values = await _async_map_node_over_list(prompt_id, unique_id, obj, input_data_all, obj.FUNCTION, allow_interrupt=True, execution_block_cb=execution_block_cb, pre_execute_cb=pre_execute_cb, hidden_inputs=hidden_inputs)\n',
    `  File "/ComfyUI/execution.py", line 289, in _async_map_node_over_list\n    await process_inputs(input_dict, i)\n`,
    `  File "/ComfyUI/nodes.py", line 1, in ${classType}\n`,
  ];
}

export class PromptExecutor {
  /** `server.client_id`: the sid that receives this job's events (null = nobody). */
  clientId: string | null = null;
  /** `server.last_node_id`: the node a reconnecting owner is told about. */
  lastNodeId: string | null = null;
  /**
   * Simulated work scheduled by the current (or last) job: the sum of `workMs` over its
   * waits. Deterministic, unlike wall-clock time, so the speed factor can be checked exactly.
   */
  scheduledMs = 0;
  /** Persists across jobs like `self.success` upstream (reset only by a new executor). */
  private success = true;

  constructor(private readonly deps: ExecutorDeps) {}

  async execute(prompt: Dict, promptId: string, extraData: Dict, executeOutputs: string[]): Promise<JobResult> {
    const { hub, cache, catalogue, interrupt } = this.deps;
    interrupt.clear();
    this.scheduledMs = 0;
    this.clientId = Object.prototype.hasOwnProperty.call(extraData, 'client_id') ? ((extraData['client_id'] as string | null) ?? null) : null;
    const messages: [string, Dict][] = [];
    const addMessage = (event: string, data: Dict, broadcast: boolean): void => {
      const stamped = { ...data, timestamp: Date.now() };
      messages.push([event, stamped]);
      if (this.clientId !== null || broadcast) hub.send(event, stamped, this.clientId);
    };
    addMessage('execution_start', { prompt_id: promptId }, false);

    const progress = new ProgressState(promptId, (data) => hub.send('progress_state', data, this.clientId));
    cache.setPrompt(prompt, catalogue);
    const nodeIds = keysOf(prompt);
    const cachedNodes = nodeIds.filter((id) => cache.get(id) !== undefined);
    addMessage('execution_cached', { nodes: cachedNodes, prompt_id: promptId }, false);

    const executed = new Set<string>();
    // Upstream reports the output cache's key set: every node of this prompt.
    const currentOutputs = [...nodeIds].reverse();
    const classOf = (id: string): string => (prompt[id] as Dict)['class_type'] as string;
    const list = new ExecutionList(
      prompt,
      (id) => cache.get(id) !== undefined,
      (id) => catalogue[classOf(id)]?.outputNode === true,
    );
    for (const id of executeOutputs) list.addNode(id);

    let interrupted = false;
    let failed = false;
    while (!list.isEmpty()) {
      const nodeId = list.stage();
      if (nodeId === null) {
        // Only a cycle leaves nothing ready, and validation already refuses cycles.
        this.success = false;
        failed = true;
        break;
      }
      const failure = await this.executeNode(prompt, promptId, nodeId, extraData, executed, progress);
      this.success = failure === null;
      if (failure) {
        failed = true;
        interrupted = failure.ex instanceof InterruptProcessing;
        this.reportFailure(addMessage, prompt, promptId, currentOutputs, executed, failure);
        break;
      }
      list.complete(nodeId);
    }
    if (!failed) addMessage('execution_success', { prompt_id: promptId }, false);

    const uiNodes = nodeIds.flatMap((id) => {
      const ui = cache.get(id)?.ui;
      return ui ? [[id, ui] as const] : [];
    });
    const outputs = dict(uiNodes.map(([id, ui]) => [id, ui.output]));
    const meta = dict(uiNodes.map(([id, ui]) => [id, ui.meta]));
    this.lastNodeId = null;
    return { success: this.success, interrupted, messages, outputs, meta };
  }

  private reportFailure(
    addMessage: (event: string, data: Dict, broadcast: boolean) => void,
    prompt: Dict,
    promptId: string,
    currentOutputs: string[],
    executed: Set<string>,
    failure: NodeFailure,
  ): void {
    const nodeType = (prompt[failure.nodeId] as Dict)['class_type'];
    const base = { prompt_id: promptId, node_id: failure.nodeId, node_type: nodeType, executed: [...executed] };
    if (failure.ex instanceof InterruptProcessing) {
      addMessage('execution_interrupted', base, true);
      return;
    }
    addMessage('execution_error', { ...base, ...failure.error, current_outputs: currentOutputs }, false);
  }

  private async executeNode(
    prompt: Dict,
    promptId: string,
    nodeId: string,
    extraData: Dict,
    executed: Set<string>,
    progress: ProgressState,
  ): Promise<NodeFailure | null> {
    const { hub, cache, catalogue, interrupt } = this.deps;
    const node = prompt[nodeId] as Dict;
    const classType = node['class_type'] as string;
    const def = catalogue[classType] as NodeDef;
    const cached = cache.get(nodeId);
    if (cached) {
      if (this.clientId !== null) {
        hub.send('executed', { node: nodeId, display_node: nodeId, output: cached.ui?.output ?? null, prompt_id: promptId }, this.clientId);
      }
      progress.finish(nodeId);
      return null;
    }

    const inputData = this.inputData(prompt, node, def, extraData);
    try {
      progress.start(nodeId);
      if (this.clientId !== null) {
        this.lastNodeId = nodeId;
        hub.send('executing', { node: nodeId, display_node: nodeId, prompt_id: promptId }, this.clientId);
      }
      if (interrupt.take()) throw new InterruptProcessing();
      const ctx = this.workContext(prompt, promptId, nodeId, classType, extraData, progress);
      const work = NODE_WORK[classType];
      if (!work) throw new PyError('Exception', `no implementation for ${classType}`);
      const result = await work(inputData.values, ctx);
      this.deps.checkAlive();
      let ui = null;
      if (result.ui && Object.keys(result.ui).length > 0) {
        ui = { meta: { node_id: nodeId, display_node: nodeId, parent_node: null, real_node_id: nodeId }, output: result.ui };
        if (this.clientId !== null) {
          hub.send('executed', { node: nodeId, display_node: nodeId, output: result.ui, prompt_id: promptId }, this.clientId);
        }
      }
      cache.set(nodeId, { outputs: result.outputs, ui });
    } catch (ex) {
      if (ex instanceof Aborted) throw ex;
      if (ex instanceof InterruptProcessing) return { nodeId, error: null, ex };
      const pyType = ex instanceof PyError ? ex.pyType : 'Exception';
      const message = ex instanceof Error ? ex.message : String(ex);
      const tips = pyType === 'torch.OutOfMemoryError' ? OOM_TIPS : '';
      return {
        nodeId,
        ex,
        error: {
          exception_message: `${message}\n${tips}`,
          exception_type: pyType,
          traceback: fakeTraceback(classType),
          current_inputs: inputData.formatted,
        },
      };
    }
    progress.finish(nodeId);
    executed.add(nodeId);
    return null;
  }

  /** `get_input_data`: declared inputs in the graph's order, links resolved from the cache, then hidden ones. */
  private inputData(prompt: Dict, node: Dict, def: NodeDef, extraData: Dict): { values: Dict; formatted: Dict } {
    const { cache } = this.deps;
    const inputs = isDict(node['inputs']) ? node['inputs'] : {};
    const declared = { ...def.required, ...def.optional };
    const values: Dict = {};
    const formatted = dict([]);
    for (const name of keysOf(inputs)) {
      if (!Object.prototype.hasOwnProperty.call(declared, name)) continue;
      const raw = inputs[name];
      const value = isLink(raw) ? cache.get(raw[0])?.outputs[raw[1]] : raw;
      values[name] = value;
      formatted[name] = [formatValue(value)];
    }
    for (const [name, kind] of Object.entries(def.hidden ?? {})) {
      const value = kind === 'PROMPT' ? prompt : kind === 'EXTRA_PNGINFO' ? (extraData['extra_pnginfo'] ?? null) : null;
      formatted[name] = [formatValue(value)];
    }
    return { values, formatted };
  }

  private workContext(prompt: Dict, promptId: string, nodeId: string, classType: string, extraData: Dict, progress: ProgressState): WorkContext {
    const { hub, interrupt } = this.deps;
    return {
      nodeId,
      promptId,
      prompt,
      extraData,
      folders: this.deps.folders,
      latentPreviews: this.deps.latentPreviews,
      wait: async (nodeClass, units = 1) => {
        const ms = this.deps.workMs(nodeClass, units);
        this.scheduledMs += ms;
        await this.deps.sleep(ms, { promptId, nodeId, nodeClass: classType });
      },
      compute: (job) => this.deps.compute(job),
      loadModel: (ckpt) => this.deps.loadModel(ckpt),
      progress: (value, total, preview) => {
        if (interrupt.take()) throw new InterruptProcessing();
        const v = Math.min(value, total);
        progress.update(nodeId, v, total);
        const withMetadata = preview !== undefined && hub.supportsFeature(this.clientId, 'supports_preview_metadata');
        if (preview && withMetadata) {
          const meta = Buffer.from(
            toPyJson({
              node_id: nodeId,
              prompt_id: promptId,
              display_node_id: nodeId,
              parent_node_id: null,
              real_node_id: nodeId,
              image_type: 'image/png',
            }),
          );
          const len = Buffer.alloc(4);
          len.writeUInt32BE(meta.length, 0);
          hub.sendBinary(BinaryEvent.PREVIEW_IMAGE_WITH_METADATA, Buffer.concat([len, meta, preview]), this.clientId);
        }
        hub.send('progress', { value: v, max: total, prompt_id: promptId, node: nodeId }, this.clientId);
        if (preview && !withMetadata) {
          const type = Buffer.alloc(4);
          type.writeUInt32BE(2, 0);
          hub.sendBinary(BinaryEvent.PREVIEW_IMAGE, Buffer.concat([type, preview]), this.clientId);
        }
      },
    };
  }
}
