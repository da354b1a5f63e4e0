import { declaredInputs, type NodeDef } from './nodes';
import { pyFloat, pyGetItem, pyIndex, pyInt } from './py-convert';
import { PyError, dict, isDict, keysOf, pyContains, pyEquals, pyRepr, pyStr, pyTruthy, setKey, type Dict } from './py-json';

/**
 * `execution.validate_prompt` / `validate_inputs` of ComfyUI 0.3.64, including its quirks:
 * converted values are written back into the graph, an exception while following a link is
 * reported on the node whose validation raised it, dependent_outputs lists every output
 * validated after a broken node, and the top-level details only join the output nodes' own
 * reasons (empty when an output is bad only because of an upstream node).
 */

export interface Reason {
  type: string;
  message: string;
  details: string;
  extra_info: Dict;
}

export interface NodeError {
  errors: Reason[];
  dependent_outputs: string[];
  class_type: string;
}

export type ValidationResult =
  | { ok: true; outputs: string[]; nodeErrors: Dict }
  | { ok: false; error: Reason; nodeErrors: Dict };

type Validated = Map<string, [valid: boolean, reasons: Reason[], id: string]>;

const FAKE_TRACEBACK = [
  '  File "/ComfyUI/execution.py", line 1119, in validate_prompt\n    m = await validate_inputs(prompt_id, prompt, o, validated)\n',
  '  File "/ComfyUI/execution.py", line 742, in validate_inputs\n    o_class_type = prompt[o_id][\'class_type\']\n',
];

function reason(type: string, message: string, details: string, extra: Dict): Reason {
  return { type, message, details, extra_info: extra };
}

function fullTypeName(ex: unknown): string {
  return ex instanceof PyError ? ex.pyType : 'Exception';
}

/** `validate_node_input`: exact match, `*`, or overlapping comma-separated unions. */
export function typesCompatible(received: unknown, expected: unknown): boolean {
  if (received === expected) return true;
  if (typeof received !== 'string' || typeof expected !== 'string') return false;
  if (received === '*' || expected === '*') return true;
  const got = new Set(received.split(',').map((t) => t.trim()));
  return expected.split(',').some((t) => got.has(t.trim()));
}

/** Python formats float inputs with a trailing `.0` ("Value -1.0 smaller than min of 0.0"). */
function fmtValue(v: unknown, type: unknown): string {
  if (type === 'FLOAT' && typeof v === 'number' && Number.isInteger(v)) return v.toFixed(1);
  return pyStr(v);
}

class Validator {
  constructor(
    private readonly prompt: Dict,
    private readonly catalogue: Record<string, NodeDef>,
    private readonly validated: Validated,
  ) {}

  inputs(item: string, visiting: string[] = []): [boolean, Reason[], string] {
    const known = this.validated.get(item);
    if (known) return known;
    // 0.3.64 has no cycle detection; a cycle there ends in RecursionError, raised here at once.
    if (visiting.includes(item)) throw new PyError('RecursionError', 'maximum recursion depth exceeded');

    const node = pyGetItem(this.prompt, item) as Dict;
    const inputs = pyGetItem(node, 'inputs');
    if (!isDict(inputs)) throw new PyError('TypeError', `argument of type '${typeof inputs}' is not iterable`);
    const def = this.catalogue[node['class_type'] as string] as NodeDef;

    const errors: Reason[] = [];
    let valid = true;
    for (const [x, [inputType, options = {}], category] of declaredInputs(def)) {
      const info = [inputType, options];
      if (!Object.prototype.hasOwnProperty.call(inputs, x)) {
        if (category === 'required') errors.push(reason('required_input_missing', 'Required input is missing', x, { input_name: x }));
        continue;
      }
      let val = inputs[x];
      if (Array.isArray(val)) {
        if (val.length !== 2) {
          errors.push(
            reason('bad_linked_input', 'Bad linked input, must be a length-2 list of [node_id, slot_index]', x, {
              input_name: x,
              input_config: info,
              received_value: val,
            }),
          );
          continue;
        }
        const oId = val[0];
        const oNode = pyGetItem(this.prompt, oId) as Dict;
        const oDef = this.catalogue[pyGetItem(oNode, 'class_type') as string] as NodeDef;
        const receivedType = pyIndex(oDef.returnTypes, val[1]);
        if (!typesCompatible(receivedType, inputType)) {
          errors.push(
            reason(
              'return_type_mismatch',
              'Return type mismatch between linked nodes',
              `${x}, received_type(${receivedType}) mismatch input_type(${pyStr(inputType)})`,
              { input_name: x, input_config: info, received_type: receivedType, linked_node: val },
            ),
          );
          continue;
        }
        const linked = oId as string;
        try {
          visiting.push(item);
          let r: [boolean, Reason[], string];
          try {
            r = this.inputs(linked, visiting);
          } finally {
            visiting.pop();
          }
          if (!r[0]) {
            valid = false;
            continue;
          }
        } catch (ex) {
          valid = false;
          const message = ex instanceof Error ? ex.message : String(ex);
          this.validated.set(linked, [
            false,
            [
              reason('exception_during_inner_validation', 'Exception when validating inner node', message, {
                input_name: x,
                input_config: info,
                exception_message: message,
                exception_type: fullTypeName(ex),
                traceback: FAKE_TRACEBACK,
                linked_node: val,
              }),
            ],
            linked,
          ]);
          continue;
        }
      } else {
        try {
          if (isDict(val) && Object.prototype.hasOwnProperty.call(val, '__value__')) {
            val = val['__value__'];
            setKey(inputs, x, val);
          }
          if (inputType === 'INT') val = pyInt(val);
          else if (inputType === 'FLOAT') val = pyFloat(val);
          else if (inputType === 'STRING') val = pyStr(val);
          else if (inputType === 'BOOLEAN') val = pyTruthy(val);
          if (typeof inputType === 'string' && ['INT', 'FLOAT', 'STRING', 'BOOLEAN'].includes(inputType)) setKey(inputs, x, val);
        } catch (ex) {
          const message = ex instanceof Error ? ex.message : String(ex);
          errors.push(
            reason('invalid_input_type', `Failed to convert an input value to a ${pyStr(inputType)} value`, `${x}, ${pyStr(val)}, ${message}`, {
              input_name: x,
              input_config: info,
              received_value: val,
              exception_message: message,
            }),
          );
          continue;
        }
        const min = options['min'] as number | bigint | undefined;
        const max = options['max'] as number | bigint | undefined;
        if (min !== undefined && (val as number) < min) {
          errors.push(
            reason('value_smaller_than_min', `Value ${fmtValue(val, inputType)} smaller than min of ${fmtValue(min, inputType)}`, x, {
              input_name: x,
              input_config: info,
              received_value: val,
            }),
          );
          continue;
        }
        if (max !== undefined && (val as number) > max) {
          errors.push(
            reason('value_bigger_than_max', `Value ${fmtValue(val, inputType)} bigger than max of ${fmtValue(max, inputType)}`, x, {
              input_name: x,
              input_config: info,
              received_value: val,
            }),
          );
          continue;
        }
        if (Array.isArray(inputType) && !inputType.some((option: unknown) => pyEquals(option, val))) {
          // Upstream hides long lists (scanned model folders) behind their length.
          const long = inputType.length > 20;
          errors.push(
            reason(
              'value_not_in_list',
              'Value not in list',
              `${x}: '${pyStr(val)}' not in ${long ? `(list of length ${inputType.length})` : pyRepr([...inputType])}`,
              { input_name: x, input_config: long ? null : info, received_value: val },
            ),
          );
          continue;
        }
      }
    }
    const ret: [boolean, Reason[], string] = errors.length > 0 || !valid ? [false, errors, item] : [true, [], item];
    this.validated.set(item, ret);
    return ret;
  }
}

/** The checks of `validate_prompt` before any input is looked at; null when they pass. */
function checkNodes(prompt: unknown, catalogue: Record<string, NodeDef>, targets: unknown): { error: Reason } | { outputs: string[] } {
  if (Array.isArray(prompt) && prompt.length === 0) return { outputs: [] };
  if (!isDict(prompt)) throw new PyError('TypeError', `'${typeof prompt}' object is not subscriptable`);
  const outputs: string[] = [];
  for (const x of keysOf(prompt)) {
    const node = prompt[x];
    if (!pyContains(node, 'class_type')) {
      return { error: reason('invalid_prompt', 'Cannot execute because a node is missing the class_type property.', `Node ID '#${x}'`, {}) };
    }
    const classType = pyGetItem(node, 'class_type');
    const def = typeof classType === 'string' && Object.prototype.hasOwnProperty.call(catalogue, classType) ? catalogue[classType] : undefined;
    if (!def) {
      return { error: reason('invalid_prompt', `Cannot execute because node ${pyStr(classType)} does not exist.`, `Node ID '#${x}'`, {}) };
    }
    if (def.outputNode && (targets === null || targets === undefined || pyContains(targets, x))) outputs.push(x);
  }
  return { outputs };
}

export function validatePrompt(prompt: unknown, catalogue: Record<string, NodeDef>, partialTargets: unknown): ValidationResult {
  const checked = checkNodes(prompt, catalogue, partialTargets);
  if ('error' in checked) return { ok: false, error: checked.error, nodeErrors: {} };
  if (checked.outputs.length === 0) {
    return { ok: false, error: reason('prompt_no_outputs', 'Prompt has no outputs', '', {}), nodeErrors: {} };
  }
  const graph = prompt as Dict;
  const validated: Validated = new Map();
  const validator = new Validator(graph, catalogue, validated);
  const good: string[] = [];
  const errors: [string, Reason[]][] = [];
  const nodeErrors = dict([]);
  for (const o of checked.outputs) {
    let result: [boolean, Reason[]];
    try {
      const [ok, rs] = validator.inputs(o);
      result = [ok, rs];
    } catch (ex) {
      const rs = [
        reason('exception_during_validation', 'Exception when validating node', ex instanceof Error ? ex.message : String(ex), {
          exception_type: fullTypeName(ex),
          traceback: FAKE_TRACEBACK,
        }),
      ];
      validated.set(o, [false, rs, o]);
      result = [false, rs];
    }
    const [valid, reasons] = result;
    if (valid) {
      good.push(o);
      continue;
    }
    errors.push([o, reasons]);
    for (const [nodeId, [ok, nodeReasons]] of validated) {
      if (ok || nodeReasons.length === 0) continue;
      if (!Object.prototype.hasOwnProperty.call(nodeErrors, nodeId)) {
        const classType = (graph[nodeId] as Dict)['class_type'] as string;
        setKey(nodeErrors, nodeId, { errors: nodeReasons, dependent_outputs: [], class_type: classType } satisfies NodeError);
      }
      (nodeErrors[nodeId] as NodeError).dependent_outputs.push(o);
    }
  }
  if (good.length === 0) {
    const details = errors.flatMap(([, rs]) => rs.map((r) => `${r.message}: ${r.details}`)).join('\n');
    return { ok: false, error: reason('prompt_outputs_failed_validation', 'Prompt outputs failed validation', details, {}), nodeErrors };
  }
  return { ok: true, outputs: good, nodeErrors };
}
