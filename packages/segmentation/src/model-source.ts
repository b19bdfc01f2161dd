import { readFile } from 'node:fs/promises';

import { errorMessage } from './error-message';
import { readPackageModel, resolveDataPackageDir } from './package-model';
import { ModelLoadError, type ModelSource } from './types';

/**
 * Reads the ONNX bytes a `ModelSource` points at. Only the bytes are checked here (present,
 * complete); whether they form a usable graph is decided when the session is created.
 *
 * @param dataPackageDir where `@imgly/background-removal-data` lives; found with
 *   `require.resolve` when omitted.
 * @throws ModelLoadError naming the file that is missing, short or unreadable.
 */
export async function loadModelBytes(
  source: ModelSource,
  dataPackageDir?: string,
): Promise<Uint8Array> {
  if (source.kind === 'file') return readModelFile(source.path);

  return readPackageModel(dataPackageDir ?? resolveDataPackageDir(), source.variant);
}

/** A short, loggable name for where the model came from. */
export function describeModelSource(source: ModelSource): string {
  if (source.kind === 'file') return source.path;

  return `@imgly/background-removal-data:${source.variant}`;
}

async function readModelFile(path: string): Promise<Uint8Array> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const message = `cannot read model file ${path}: ${errorMessage(err)}`;
    throw new ModelLoadError(message, { cause: err });
  }

  if (bytes.length === 0) throw new ModelLoadError(`model file ${path} is empty`);

  return bytes;
}
