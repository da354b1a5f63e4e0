import { describe, expect, it } from 'vitest';
import { decodePng, isPng, modelFreeWorkflow, type SimServer } from '../src/index';
import { historyOf, http, submit, useSims } from './helpers';

const start = useSims();

type ImageRef = { filename: string; subfolder: string; type: string };

async function savedImage(sim: SimServer, prefix: string, output: 'SaveImage' | 'PreviewImage' = 'SaveImage', color = 0x102030): Promise<ImageRef> {
  const job = await submit(sim, { prompt: modelFreeWorkflow({ filenamePrefix: prefix, output, color, width: 5, height: 3 }) });
  const entry = await historyOf(sim, job.prompt_id);
  const outputs = entry['outputs'] as Record<string, { images: ImageRef[] }>;
  return outputs['3']?.images[0] as ImageRef;
}

describe('protocol §1 GET /view', () => {
  it('protocol §1 /view: serves the saved PNG (real pixels, image/png, Content-Disposition); subfolder comes from the prefix path', async () => {
    const sim = await start({ speed: 50 });
    const ref = await savedImage(sim, 'shots/run');
    expect(ref).toEqual({ filename: 'run_00001_.png', subfolder: 'shots', type: 'output' });
    const res = await http(`${sim.url}/view?filename=${ref.filename}&subfolder=${ref.subfolder}&type=output`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-disposition')).toBe('filename="run_00001_.png"');
    expect(isPng(res.body)).toBe(true);
    const img = decodePng(res.body);
    expect([img.width, img.height, img.channels]).toEqual([5, 3, 3]);
    // EmptyImage 0x102030 inverted by ImageInvert, through float32 like torch.
    expect([...img.pixels.subarray(0, 3)]).toEqual([239, 223, 207]);
    expect(JSON.parse(img.text['prompt'] ?? '{}')['1']['class_type']).toBe('EmptyImage');

    // The same graph again is served from the cache: same file, nothing new written.
    expect((await savedImage(sim, 'shots/run')).filename).toBe('run_00001_.png');
    // Other pixels, same prefix: the counter continues from the files on disk.
    expect((await savedImage(sim, 'shots/run', 'SaveImage', 0xffffff)).filename).toBe('run_00002_.png');
  });

  it('protocol §1 /view: type defaults to output, an annotation suffix overrides type, temp files come from PreviewImage', async () => {
    const sim = await start({ speed: 50 });
    const out = await savedImage(sim, 'plain');
    expect((await http(`${sim.url}/view?filename=${out.filename}`)).status).toBe(200);
    expect((await http(`${sim.url}/view?filename=${out.filename}&type=temp`)).status).toBe(404);
    expect((await http(`${sim.url}/view?filename=${encodeURIComponent(`${out.filename} [output]`)}&type=temp`)).status).toBe(200);

    const tmp = await savedImage(sim, 'ignored', 'PreviewImage');
    expect(tmp.type).toBe('temp');
    expect(tmp.filename).toMatch(/^ComfyUI_temp_[a-z]{5}_00001_\.png$/);
    expect((await http(`${sim.url}/view?filename=${tmp.filename}&type=temp`)).status).toBe(200);
    expect((await http(`${sim.url}/view?filename=${encodeURIComponent(`${tmp.filename} [temp]`)}`)).status).toBe(200);
  });

  it('protocol §1 /view safety: empty name, leading /, ".." or unknown type → 400; escaping subfolder → 403; missing → 404', async () => {
    const sim = await start({ speed: 50 });
    const ref = await savedImage(sim, 'safe');
    const status = async (q: string): Promise<number> => (await http(`${sim.url}/view?${q}`)).status;
    expect(await status('filename=')).toBe(400);
    expect(await status('filename=%2Fetc%2Fpasswd')).toBe(400);
    expect(await status('filename=..%2Fsecret.png')).toBe(400);
    expect(await status('filename=a..b.png')).toBe(400);
    expect(await status(`filename=${ref.filename}&type=models`)).toBe(400);
    expect(await status(`filename=${ref.filename}&subfolder=..`)).toBe(403);
    expect(await status(`filename=${ref.filename}&subfolder=%2Ftmp`)).toBe(403);
    expect(await status(`filename=${ref.filename}&subfolder=x%2F..%2F..%2F..`)).toBe(403);
    expect(await status('filename=missing.png')).toBe(404);
    expect(await status('type=output')).toBe(404);
    const res = await http(`${sim.url}/view?filename=`);
    expect(res.text).toBe('');
  });

  it('protocol §1 /view: channel=rgb and channel=a return PNGs; preview= returns the PNG as-is (not re-encoded)', async () => {
    const sim = await start({ speed: 50 });
    const ref = await savedImage(sim, 'chan');
    const rgb = await http(`${sim.url}/view?filename=${ref.filename}&channel=rgb`);
    expect(decodePng(rgb.body).channels).toBe(3);
    const alpha = decodePng((await http(`${sim.url}/view?filename=${ref.filename}&channel=a`)).body);
    expect([alpha.channels, ...alpha.pixels.subarray(0, 4)]).toEqual([4, 0, 0, 0, 255]);
    const preview = await http(`${sim.url}/view?filename=${ref.filename}&preview=webp;90`);
    expect([preview.status, preview.headers.get('content-type'), isPng(preview.body)]).toEqual([200, 'image/png', true]);
  });
});
