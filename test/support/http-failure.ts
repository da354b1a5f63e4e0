import { expect } from 'vitest';
import { ComfyHttpError } from '../../src/main/engine/comfy/errors';

/** Resolves with the error a call rejects with; fails the test if it resolves or rejects with anything else. */
export async function failure(p: Promise<unknown>): Promise<ComfyHttpError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ComfyHttpError);
  return err as ComfyHttpError;
}
