import { describe, expect, it } from 'vitest';
import { KSAMPLER_SAMPLERS, modelFreeWorkflow, txt2imgWorkflow } from '../src/index';
import { http, postJson, useSims } from './helpers';

const start = useSims();

type Reason = { type: string; message: string; details: string; extra_info: Record<string, unknown> };
type Rejection = { error: Reason; node_errors: Record<string, { errors: Reason[]; dependent_outputs: string[]; class_type: string }> };

async function reject(url: string, body: unknown): Promise<Rejection> {
  const res = await postJson(`${url}/prompt`, body);
  expect(res.status).toBe(400);
  expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
  return res.json<Rejection>();
}

const failed = { type: 'prompt_outputs_failed_validation', message: 'Prompt outputs failed validation', details: '', extra_info: {} };

describe('protocol §1 POST /prompt: 400 shapes', () => {
  it('protocol §1: no prompt key → no_prompt', async () => {
    const sim = await start();
    expect(await reject(sim.url, { client_id: 'x' })).toEqual({
      error: { type: 'no_prompt', message: 'No prompt provided', details: 'No prompt provided', extra_info: {} },
      node_errors: {},
    });
  });

  it('protocol §1: a node without class_type, or of an unknown class → invalid_prompt naming the node', async () => {
    const sim = await start();
    expect(await reject(sim.url, { prompt: { '1': { inputs: {} } } })).toEqual({
      error: { type: 'invalid_prompt', message: 'Cannot execute because a node is missing the class_type property.', details: "Node ID '#1'", extra_info: {} },
      node_errors: {},
    });
    expect(await reject(sim.url, { prompt: { ...modelFreeWorkflow(), '7': { class_type: 'NoSuchNode', inputs: {} } } })).toEqual({
      error: { type: 'invalid_prompt', message: 'Cannot execute because node NoSuchNode does not exist.', details: "Node ID '#7'", extra_info: {} },
      node_errors: {},
    });
  });

  it('protocol §1: no output node, or partial_execution_targets excluding them all → prompt_no_outputs', async () => {
    const sim = await start();
    const expected = { error: { type: 'prompt_no_outputs', message: 'Prompt has no outputs', details: '', extra_info: {} }, node_errors: {} };
    expect(await reject(sim.url, { prompt: { '1': modelFreeWorkflow()['1'] } })).toEqual(expected);
    expect(await reject(sim.url, { prompt: modelFreeWorkflow(), partial_execution_targets: ['1'] })).toEqual(expected);
  });

  it('protocol §1 observed example: value_smaller_than_min upstream of the output, dependent_outputs ["3"], top-level details ""', async () => {
    const sim = await start();
    const body = (await postJson(`${sim.url}/prompt`, { prompt: modelFreeWorkflow({ width: 0 }) })).text;
    expect(JSON.parse(body)).toEqual({
      error: failed,
      node_errors: {
        '1': {
          errors: [
            {
              type: 'value_smaller_than_min',
              message: 'Value 0 smaller than min of 1',
              details: 'width',
              extra_info: { input_name: 'width', input_config: ['INT', { default: 512, min: 1, max: 16384, step: 1 }], received_value: 0 },
            },
          ],
          dependent_outputs: ['3'],
          class_type: 'EmptyImage',
        },
      },
    });
  });

  it('protocol §1: value_bigger_than_max and invalid_input_type carry the input name, its config and the value', async () => {
    const sim = await start();
    const big = await reject(sim.url, { prompt: modelFreeWorkflow({ color: 0x1000000 }) });
    expect(big.node_errors['1']?.errors).toEqual([
      {
        type: 'value_bigger_than_max',
        message: 'Value 16777216 bigger than max of 16777215',
        details: 'color',
        extra_info: { input_name: 'color', input_config: ['INT', { default: 0, min: 0, max: 16777215, step: 1, display: 'color' }], received_value: 16777216 },
      },
    ]);
    const prompt = modelFreeWorkflow();
    (prompt['1'] as { inputs: Record<string, unknown> }).inputs['width'] = 'wide';
    const bad = await reject(sim.url, { prompt });
    expect(bad.node_errors['1']?.errors[0]).toEqual({
      type: 'invalid_input_type',
      message: 'Failed to convert an input value to a INT value',
      details: "width, wide, invalid literal for int() with base 10: 'wide'",
      extra_info: {
        input_name: 'width',
        input_config: ['INT', { default: 512, min: 1, max: 16384, step: 1 }],
        received_value: 'wide',
        exception_message: "invalid literal for int() with base 10: 'wide'",
      },
    });
    const float = txt2imgWorkflow();
    (float['3'] as { inputs: Record<string, unknown> }).inputs['cfg'] = -1;
    expect((await reject(sim.url, { prompt: float })).node_errors['3']?.errors[0]?.message).toBe('Value -1.0 smaller than min of 0.0');
  });

  it('protocol §1: required_input_missing on the output itself also fills the top-level details', async () => {
    const sim = await start();
    const prompt = modelFreeWorkflow();
    delete (prompt['3'] as { inputs: Record<string, unknown> }).inputs['images'];
    expect(await reject(sim.url, { prompt })).toEqual({
      error: { ...failed, details: 'Required input is missing: images' },
      node_errors: {
        '3': {
          errors: [{ type: 'required_input_missing', message: 'Required input is missing', details: 'images', extra_info: { input_name: 'images' } }],
          dependent_outputs: ['3'],
          class_type: 'SaveImage',
        },
      },
    });
  });

  it('protocol §1: bad_linked_input, return_type_mismatch and a link to a missing node (exception_during_validation)', async () => {
    const sim = await start();
    const linkOf = (images: unknown): Record<string, unknown> => ({
      ...modelFreeWorkflow(),
      '3': { class_type: 'SaveImage', inputs: { filename_prefix: 'x', images } },
      '4': { class_type: 'EmptyLatentImage', inputs: { width: 64, height: 64, batch_size: 1 } },
    });
    const bad = await reject(sim.url, { prompt: linkOf(['2', 0, 1]) });
    expect(bad.node_errors['3']?.errors[0]).toMatchObject({
      type: 'bad_linked_input',
      message: 'Bad linked input, must be a length-2 list of [node_id, slot_index]',
      details: 'images',
      extra_info: { input_name: 'images', input_config: ['IMAGE', { tooltip: 'The images to save.' }], received_value: ['2', 0, 1] },
    });
    const mismatch = await reject(sim.url, { prompt: linkOf(['4', 0]) });
    expect(mismatch.node_errors['3']?.errors[0]).toMatchObject({
      type: 'return_type_mismatch',
      message: 'Return type mismatch between linked nodes',
      details: 'images, received_type(LATENT) mismatch input_type(IMAGE)',
      extra_info: { input_name: 'images', received_type: 'LATENT', linked_node: ['4', 0] },
    });
    const missing = await reject(sim.url, { prompt: linkOf(['99', 0]) });
    expect(missing.error).toEqual({ ...failed, details: "Exception when validating node: '99'" });
    expect(missing.node_errors['3']?.errors[0]).toMatchObject({
      type: 'exception_during_validation',
      message: 'Exception when validating node',
      details: "'99'",
      extra_info: { exception_type: 'KeyError' },
    });
  });

  it('protocol §1: an invalid node deeper upstream makes downstream nodes invalid without reasons of their own', async () => {
    const sim = await start();
    const prompt = txt2imgWorkflow({ width: 8 });
    const res = await reject(sim.url, { prompt });
    expect(Object.keys(res.node_errors)).toEqual(['5']);
    expect(res.node_errors['5']).toMatchObject({ dependent_outputs: ['9'], class_type: 'EmptyLatentImage' });
    expect(res.error.details).toBe('');
  });

  it('protocol §1: value_not_in_list quotes the list, or only its length (and no input_config) when longer than 20', async () => {
    const sim = await start({ models: ['a.safetensors', 'b.safetensors'] });
    const res = await reject(sim.url, { prompt: txt2imgWorkflow({ ckpt: 'nope.safetensors', samplerName: 'warp' }) });
    expect(res.node_errors['4']?.errors[0]).toEqual({
      type: 'value_not_in_list',
      message: 'Value not in list',
      details: "ckpt_name: 'nope.safetensors' not in ['a.safetensors', 'b.safetensors']",
      extra_info: {
        input_name: 'ckpt_name',
        input_config: [['a.safetensors', 'b.safetensors'], { tooltip: 'The name of the checkpoint (model) to load.' }],
        received_value: 'nope.safetensors',
      },
    });
    expect(res.node_errors['3']?.errors[0]).toEqual({
      type: 'value_not_in_list',
      message: 'Value not in list',
      details: `sampler_name: 'warp' not in (list of length ${KSAMPLER_SAMPLERS.length})`,
      extra_info: { input_name: 'sampler_name', input_config: null, received_value: 'warp' },
    });
    expect(res.node_errors['4']?.dependent_outputs).toEqual(['9']);
  });

  it('protocol §1: some outputs bad → 200 with node_errors, only the good outputs queued', async () => {
    const sim = await start();
    sim.pauseWorker();
    const prompt = {
      ...modelFreeWorkflow(),
      '4': { class_type: 'EmptyImage', inputs: { width: 0, height: 8, batch_size: 1, color: 0 } },
      '5': { class_type: 'PreviewImage', inputs: { images: ['4', 0] } },
    };
    const res = await postJson(`${sim.url}/prompt`, { prompt });
    expect(res.status).toBe(200);
    const body = res.json<{ node_errors: Record<string, { dependent_outputs: string[] }> }>();
    expect(Object.keys(body.node_errors)).toEqual(['4']);
    expect(body.node_errors['4']?.dependent_outputs).toEqual(['5']);
    const queue = (await http(`${sim.url}/queue`)).json<{ queue_pending: unknown[][] }>();
    expect(queue.queue_pending[0]?.[4]).toEqual(['3']);
  });

  it('protocol §0: malformed JSON on POST /prompt, /queue, /history, /free → 500 text/plain "500 Internal Server Error"', async () => {
    const sim = await start();
    for (const path of ['/prompt', '/queue', '/history', '/free']) {
      const res = await http(`${sim.url}${path}`, { method: 'POST', body: '{"prompt": ' });
      expect(res.status).toBe(500);
      expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(res.text.startsWith('500 Internal Server Error')).toBe(true);
    }
    const interrupt = await http(`${sim.url}/interrupt`, { method: 'POST', body: '{"prompt' });
    expect([interrupt.status, interrupt.text]).toEqual([200, '']);
  });
});

describe('protocol §1 POST /prompt: accepted jobs', () => {
  it('protocol §1: number comes from the counter (front:true negates it), an explicit number is used as given and does not advance it', async () => {
    const sim = await start();
    sim.pauseWorker();
    const numbers: number[] = [];
    for (const extra of [{}, {}, { front: true }, { number: 5.5 }, {}]) {
      const res = await postJson(`${sim.url}/prompt`, { prompt: modelFreeWorkflow(), ...extra });
      numbers.push(res.json<{ number: number }>().number);
    }
    expect(numbers).toEqual([0, 1, -2, 5.5, 3]);
    // The counter advances even when the request is rejected.
    await postJson(`${sim.url}/prompt`, {});
    expect((await postJson(`${sim.url}/prompt`, { prompt: modelFreeWorkflow() })).json<{ number: number }>().number).toBe(5);
  });

  it('protocol §1: prompt_id is used verbatim (str()-ed) and duplicates are accepted', async () => {
    const sim = await start();
    sim.pauseWorker();
    const ids: string[] = [];
    for (const prompt_id of ['job-1', 'job-1', 42, null]) {
      const res = await postJson(`${sim.url}/prompt`, { prompt: modelFreeWorkflow(), prompt_id });
      expect(res.status).toBe(200);
      ids.push(res.json<{ prompt_id: string }>().prompt_id);
    }
    expect(ids).toEqual(['job-1', 'job-1', '42', 'None']);
    const fresh = (await postJson(`${sim.url}/prompt`, { prompt: modelFreeWorkflow() })).json<{ prompt_id: string }>().prompt_id;
    expect(fresh).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(sim.queueDepth().pending).toBe(5);
  });

  it('protocol §1: client_id is copied into extra_data, credentials are stripped, converted input values are stored', async () => {
    const sim = await start();
    sim.pauseWorker();
    const prompt = modelFreeWorkflow();
    (prompt['1'] as { inputs: Record<string, unknown> }).inputs['width'] = '32';
    await postJson(`${sim.url}/prompt`, {
      prompt,
      client_id: 'me',
      extra_data: { extra_pnginfo: { workflow: { id: 1 } }, api_key_comfy_org: 'secret', auth_token_comfy_org: 'secret' },
    });
    const queue = (await http(`${sim.url}/queue`)).json<{ queue_pending: [number, string, Record<string, { inputs: Record<string, unknown> }>, unknown, string[]][] }>();
    const item = queue.queue_pending[0];
    expect(item?.[3]).toEqual({ extra_pnginfo: { workflow: { id: 1 } }, client_id: 'me' });
    expect(item?.[2]['1']?.inputs['width']).toBe(32);
    expect(item?.[4]).toEqual(['3']);
  });

  it('protocol §1: graph key order is kept as sent (integer-like node ids are not re-sorted)', async () => {
    const sim = await start();
    sim.pauseWorker();
    const body = '{"prompt": {"10": {"class_type": "SaveImage", "inputs": {"images": ["9", 0], "filename_prefix": "o"}}, "9": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 0}}}}';
    await http(`${sim.url}/prompt`, { method: 'POST', body });
    const raw = (await http(`${sim.url}/queue`)).text;
    expect(raw.indexOf('"10": {')).toBeLessThan(raw.indexOf('"9": {'));
  });
});
