import { describe, expect, it } from 'vitest';
import type { TaskEvent } from '../../../shared/tasks';
import type { OutputRef } from '../comfy/comfy-schemas';
import { systemClock } from '../core/clock';
import { createLogger } from '../core/logger';
import type { StoredOutput } from './stored-output';
import { TaskOutputs } from './task-outputs';

const ref: OutputRef = { nodeId: '9', kind: 'images', filename: 'ComfyUI_00001_.png', subfolder: '', type: 'output', suspicious: false };
const client = { server: 'gpu-a', view: () => Promise.reject(new Error('not called by the fake store')) };

function stored(file: string | null): StoredOutput {
  return {
    nodeId: '9',
    kind: 'images',
    filename: ref.filename,
    subfolder: '',
    type: 'output',
    suspicious: false,
    file,
    thumb: null,
    thumbReason: null,
    bytes: file ? 10 : 0,
    contentType: file ? 'image/png' : 'application/octet-stream',
    error: file ? null : `could not store output "${ref.filename}" (node "9") from server "gpu-a": answered a web page`,
    errorCode: file ? null : 'bad_content_type',
  };
}

function setup(answers: (string | null)[], retryDelaysMs = [1, 1]) {
  const notes: string[] = [];
  const lines: string[] = [];
  let calls = 0;
  const outputs = new TaskOutputs({
    files: { fetchAll: async () => [stored(answers[Math.min(calls++, answers.length - 1)] ?? null)] },
    notes: {
      appendMessage: async (taskId, level, text): Promise<TaskEvent> => {
        notes.push(text);
        return { id: notes.length, taskId, at: 0, kind: 'message', level, text } as TaskEvent;
      },
    },
    clock: systemClock,
    log: createLogger((l) => lines.push(l)),
    retryDelaysMs,
  });
  return { outputs, notes, lines, calls: () => calls };
}

describe('outputs of a succeeded task (T6)', () => {
  it('T6: an output not fetched for a reason that may pass is fetched again, with a note each time, until it is stored', async () => {
    const { outputs, notes, lines, calls } = setup([null, 't/0-ComfyUI_00001_.png']);
    const result = await outputs.fetch('t', client, [ref]);
    expect(result).toEqual([{ nodeId: '9', filename: ref.filename, subfolder: '', type: 'output', file: 't/0-ComfyUI_00001_.png', thumb: null, contentType: 'image/png', bytes: 10, error: null }]);
    expect(calls()).toBe(2);
    expect(notes).toEqual([`1 output(s) not fetched yet (could not store output "${ref.filename}" (node "9") from server "gpu-a": answered a web page); trying again in 1 ms`]);
    expect(lines.some((l) => l.includes('task t: 1 output(s) not stored'))).toBe(true);
  });

  it('T6: the retries are bounded; the task keeps the output error', async () => {
    const { outputs, notes, calls } = setup([null]);
    const [only] = await outputs.fetch('t', client, [ref]);
    expect(calls()).toBe(3);
    expect(notes).toHaveLength(2);
    expect(only).toMatchObject({ file: null, error: expect.stringContaining('web page') });
  });

  it('no retry once the console is shutting down', async () => {
    const { outputs, notes, calls } = setup([null]);
    outputs.dispose();
    await outputs.fetch('t', client, [ref]);
    expect(calls()).toBe(1);
    expect(notes).toEqual([]);
  });
});
