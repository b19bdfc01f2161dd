import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import {
  createSegmenter,
  InferenceError,
  loadModelBytes,
  ModelLoadError,
  type ModelSource,
  type SegmenterOptions,
} from '@poofbg/segmentation';
import { fixturePath } from '@poofbg/testing';

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'poofbg-segmentation-'));
});

afterAll(() => rm(scratch, { recursive: true, force: true }));

function optionsFor(model: ModelSource): SegmenterOptions {
  return { model, executionProviders: ['cuda', 'cpu'], inferenceThreads: 0, maxInputPixels: 1e7 };
}

/** Lays out a data package whose `/models/small` is `chunks` joined, as resources.json says. */
async function writeDataPackage(name: string, chunks: Buffer[]): Promise<string> {
  const dir = path.join(scratch, name);
  await mkdir(path.join(dir, 'dist'), { recursive: true });

  let start = 0;
  const listed = [];
  for (const chunk of chunks) {
    const hash = createHash('sha256').update(chunk).digest('hex');
    await writeFile(path.join(dir, 'dist', hash), chunk);
    listed.push({ hash, offsets: [start, start + chunk.length] });
    start += chunk.length;
  }

  const resources = { '/models/small': { size: start, chunks: listed } };
  await writeFile(path.join(dir, 'dist', 'resources.json'), JSON.stringify(resources));
  return dir;
}

function chunkPath(dir: string, chunk: Buffer): string {
  return path.join(dir, 'dist', createHash('sha256').update(chunk).digest('hex'));
}

describe('loadModelBytes', () => {
  test('joins the installed package chunks into exactly the listed size', async () => {
    const dataDir = path.dirname(require.resolve('@imgly/background-removal-data/package.json'));
    const index = JSON.parse(await readFile(path.join(dataDir, 'dist', 'resources.json'), 'utf8'));

    const bytes = await loadModelBytes({ kind: 'package', variant: 'medium' });

    expect(bytes.length).toBe(index['/models/medium'].size);
  });

  test('joins chunks in their listed order', async () => {
    const chunks = [Buffer.from('first-'), Buffer.from('second-'), Buffer.from('third')];
    const dir = await writeDataPackage('ordered', chunks);

    const bytes = await loadModelBytes({ kind: 'package', variant: 'small' }, dir);

    expect(Buffer.from(bytes).toString()).toBe('first-second-third');
  });

  test('names a chunk that is missing', async () => {
    const chunks = [randomBytes(64), randomBytes(64)];
    const dir = await writeDataPackage('missing-chunk', chunks);
    await rm(chunkPath(dir, chunks[1]!));

    const loading = loadModelBytes({ kind: 'package', variant: 'small' }, dir);

    await expect(loading).rejects.toBeInstanceOf(ModelLoadError);
    await expect(loading).rejects.toThrow(chunkPath(dir, chunks[1]!));
  });

  test('names a chunk that is short', async () => {
    const chunks = [randomBytes(64), randomBytes(64)];
    const dir = await writeDataPackage('short-chunk', chunks);
    await writeFile(chunkPath(dir, chunks[0]!), chunks[0]!.subarray(0, 40));

    const loading = loadModelBytes({ kind: 'package', variant: 'small' }, dir);

    await expect(loading).rejects.toThrow(ModelLoadError);
    await expect(loading).rejects.toThrow(`${chunkPath(dir, chunks[0]!)} has 40 bytes, not 64`);
  });

  test('names the index when the variant is not listed', async () => {
    const dir = await writeDataPackage('no-medium', [randomBytes(16)]);

    const loading = loadModelBytes({ kind: 'package', variant: 'medium' }, dir);

    await expect(loading).rejects.toThrow(ModelLoadError);
    await expect(loading).rejects.toThrow(path.join(dir, 'dist', 'resources.json'));
  });
});

describe('createSegmenter', () => {
  test('refuses a model file that does not exist, naming it', async () => {
    const missing = path.join(scratch, 'nowhere.onnx');

    const creating = createSegmenter(optionsFor({ kind: 'file', path: missing }));

    await expect(creating).rejects.toBeInstanceOf(ModelLoadError);
    await expect(creating).rejects.toThrow(missing);
  });

  test('refuses a file that is not ONNX, naming it', async () => {
    const notOnnx = path.join(scratch, 'random.onnx');
    await writeFile(notOnnx, randomBytes(10_000));

    const creating = createSegmenter(optionsFor({ kind: 'file', path: notOnnx }));

    await expect(creating).rejects.toBeInstanceOf(ModelLoadError);
    await expect(creating).rejects.toThrow(notOnnx);
  });

  test('loads a model file, and close() fails the request in flight', async () => {
    const modelFile = path.join(scratch, 'small.onnx');
    await writeFile(modelFile, await loadModelBytes({ kind: 'package', variant: 'small' }));
    const segmenter = await createSegmenter(optionsFor({ kind: 'file', path: modelFile }));
    expect(segmenter.provider).toBe('cpu');
    const image = await readFile(fixturePath('car-1.jpg'));

    const inFlight = segmenter.removeBackground(image);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await segmenter.close();

    await expect(inFlight).rejects.toBeInstanceOf(InferenceError);
    await expect(segmenter.removeBackground(image)).rejects.toThrow('segmenter is closed');
  });
});
