import { blurImages, invertImage, solidImage, synthPicture, toRaster, type ImageBatch, type ImageTensor } from './images';
import { encodePng, type PngOptions } from './png';
import { PyError } from './py-json';

/**
 * The pixel work a job does, as plain messages: the same pure functions run here whether a
 * pool worker or the calling thread executes them, so outputs are byte-identical either way.
 */

export type PixelJob =
  | { op: 'solid'; width: number; height: number; color: number; batch: number }
  | { op: 'invert'; images: ImageBatch }
  | { op: 'blur'; images: ImageBatch; radius: number; sigma: number }
  /** One picture per key (VAEDecode's batch). */
  | { op: 'synth'; width: number; height: number; keys: string[] }
  /** `toRaster` + `encodePng`: SaveImage, PreviewImage, SaveImageWebsocket. */
  | { op: 'png'; image: ImageTensor; options: PngOptions }
  /** A sampler preview: synthPicture at latent size, straight to PNG. */
  | { op: 'previewPng'; width: number; height: number; key: string; progress: number; options: PngOptions };

interface Results {
  solid: ImageBatch;
  invert: ImageBatch;
  blur: ImageBatch;
  synth: ImageBatch;
  png: Uint8Array;
  previewPng: Uint8Array;
}

export type PixelResult<J extends PixelJob> = Results[J['op']];

export function runPixelJob<J extends PixelJob>(job: J): PixelResult<J> {
  return run(job) as PixelResult<J>;
}

function run(job: PixelJob): Results[keyof Results] {
  switch (job.op) {
    case 'solid':
      return Array.from({ length: job.batch }, () => solidImage(job.width, job.height, job.color));
    case 'invert':
      return job.images.map(invertImage);
    case 'blur':
      return blurImages(job.images, job.radius, job.sigma);
    case 'synth':
      return job.keys.map((key) => synthPicture(job.width, job.height, key));
    case 'png':
      return encodePng(toRaster(job.image), job.options);
    case 'previewPng':
      return encodePng(toRaster(synthPicture(job.width, job.height, job.key, job.progress)), job.options);
  }
}

const pixels = (images: ImageBatch): number => images.reduce((n, img) => n + img.width * img.height, 0);

/** Rough cost in pixel passes; a blur reads `2r + 1` pixels per pixel and pass. */
export function pixelJobCost(job: PixelJob): number {
  switch (job.op) {
    case 'solid':
      return job.width * job.height * job.batch;
    case 'invert':
      return pixels(job.images);
    case 'blur':
      return job.radius === 0 ? 0 : pixels(job.images) * (2 * job.radius + 1);
    case 'synth':
      return job.width * job.height * job.keys.length * 4;
    case 'png':
      return job.image.width * job.image.height;
    case 'previewPng':
      return job.width * job.height * 4;
  }
}

/** What crosses back from a worker when a job throws (structured clone keeps no class). */
export interface JobError {
  message: string;
  name: string;
  stack?: string | undefined;
  /** Set for a PyError, which must come back as the same PyError (execution_error shows it). */
  pyType?: string | undefined;
}

export function toJobError(err: unknown): JobError {
  if (!(err instanceof Error)) return { message: String(err), name: 'Error' };
  return { message: err.message, name: err.name, stack: err.stack, pyType: err instanceof PyError ? err.pyType : undefined };
}

/**
 * The error to throw on this side. Duck-typed on `pyType`: a pool created by another
 * evaluation of these modules (the pool is process-wide) throws its own PyError class.
 */
export function fromJobError(e: JobError | unknown): Error {
  if (e instanceof PyError) return e;
  const fields = (typeof e === 'object' && e !== null ? e : { message: String(e) }) as Partial<JobError>;
  const message = fields.message ?? String(e);
  if (typeof fields.pyType === 'string') return new PyError(fields.pyType, message);
  if (e instanceof Error) return e;
  const err = new Error(message);
  if (fields.name) err.name = fields.name;
  if (fields.stack) err.stack = fields.stack;
  return err;
}
