import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { errorMessage } from './error-message';
import { ModelLoadError } from './types';

const dataPackageName = '@imgly/background-removal-data';

interface Chunk {
  /** SHA-256 of the chunk's bytes, which is also its file name. */
  hash: string;
  /** Byte range [start, end) the chunk fills in the model file. */
  start: number;
  end: number;
}

interface ChunkedModel {
  size: number;
  chunks: Chunk[];
}

/** The installed data package's folder, as Node would resolve it from this package. */
export function resolveDataPackageDir(): string {
  try {
    return path.dirname(require.resolve(`${dataPackageName}/package.json`));
  } catch (err) {
    throw new ModelLoadError(`model package ${dataPackageName} is not installed`, { cause: err });
  }
}

/**
 * Joins the chunks `dist/resources.json` lists for `/models/<variant>` into the ONNX bytes,
 * checking each chunk's length and hash so a damaged install fails here, by file name.
 */
export async function readPackageModel(packageDir: string, variant: string): Promise<Uint8Array> {
  const distDir = path.join(packageDir, 'dist');
  const indexPath = path.join(distDir, 'resources.json');
  const model = await readChunkIndex(indexPath, `/models/${variant}`);

  const bytes = Buffer.allocUnsafe(model.size);
  let filled = 0;
  for (const chunk of model.chunks) {
    if (chunk.start !== filled || chunk.end > model.size) {
      throw new ModelLoadError(`${indexPath}: chunk ${chunk.hash} is out of order or too long`);
    }

    await readChunkInto(bytes, path.join(distDir, chunk.hash), chunk);
    filled = chunk.end;
  }

  if (filled !== model.size) {
    throw new ModelLoadError(`${indexPath}: chunks cover ${filled} of ${model.size} bytes`);
  }

  return bytes;
}

async function readChunkInto(target: Buffer, chunkPath: string, chunk: Chunk): Promise<void> {
  let data: Buffer;
  try {
    data = await readFile(chunkPath);
  } catch (err) {
    throw new ModelLoadError(`cannot read model chunk ${chunkPath}: ${errorMessage(err)}`, {
      cause: err,
    });
  }

  const expected = chunk.end - chunk.start;
  if (data.length !== expected) {
    throw new ModelLoadError(`model chunk ${chunkPath} has ${data.length} bytes, not ${expected}`);
  }

  if (createHash('sha256').update(data).digest('hex') !== chunk.hash) {
    throw new ModelLoadError(`model chunk ${chunkPath} is corrupt (hash mismatch)`);
  }

  data.copy(target, chunk.start);
}

async function readChunkIndex(indexPath: string, key: string): Promise<ChunkedModel> {
  let index: unknown;
  try {
    index = JSON.parse(await readFile(indexPath, 'utf8'));
  } catch (err) {
    throw new ModelLoadError(`cannot read ${indexPath}: ${errorMessage(err)}`, { cause: err });
  }

  const model = parseChunkedModel(isRecord(index) ? index[key] : undefined);
  if (!model) throw new ModelLoadError(`${indexPath} has no valid entry for ${key}`);

  return model;
}

function parseChunkedModel(entry: unknown): ChunkedModel | undefined {
  if (!isRecord(entry) || !isByteCount(entry.size) || !Array.isArray(entry.chunks)) {
    return undefined;
  }

  const chunks: Chunk[] = [];
  for (const raw of entry.chunks) {
    const chunk = parseChunk(raw);
    if (!chunk) return undefined;
    chunks.push(chunk);
  }

  return { size: entry.size, chunks };
}

function parseChunk(raw: unknown): Chunk | undefined {
  if (!isRecord(raw) || !Array.isArray(raw.offsets)) return undefined;

  // The hash becomes a file name: anything but hex digits could step out of the folder.
  const [start, end] = raw.offsets as unknown[];
  if (typeof raw.hash !== 'string' || !/^[0-9a-f]{64}$/.test(raw.hash)) return undefined;
  if (!isByteCount(start) || !isByteCount(end) || end <= start) return undefined;

  return { hash: raw.hash, start, end };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isByteCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
