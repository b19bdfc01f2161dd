import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';

import {
  createSegmenter,
  ImageDecodeError,
  type Segmenter,
  type SegmenterLogger,
} from '@poofbg/segmentation';
import { fixturePath, fixturePhotos } from '@poofbg/testing';
import sharp from 'sharp';

import { alphaStats, meanAbsoluteDifference, readAlpha } from './alpha-stats';
import { withDeclaredSize } from './jpeg-header';

const maxInputPixels = 40_000_000;

const logged: { level: 'info' | 'warn'; fields: object; message: string }[] = [];
const logger: SegmenterLogger = {
  info: (fields, message) => logged.push({ level: 'info', fields, message }),
  warn: (fields, message) => logged.push({ level: 'warn', fields, message }),
};

let segmenter: Segmenter;

beforeAll(async () => {
  segmenter = await createSegmenter(
    {
      model: { kind: 'package', variant: 'medium' },
      executionProviders: ['cuda', 'cpu'],
      inferenceThreads: 0,
      maxInputPixels,
    },
    logger,
  );
});

afterAll(() => segmenter?.close());

function rgbOf(image: Buffer): Promise<Buffer> {
  return sharp(image).rotate().toColourspace('srgb').removeAlpha().raw().toBuffer();
}

async function expectSubjectSeparated(png: Buffer): Promise<void> {
  const stats = await alphaStats(png);

  expect(stats.centreMean).toBeGreaterThan(150);
  expect(stats.borderMean).toBeLessThan(20);
  expect(stats.decidedShare).toBeGreaterThan(0.7);
}

test('falls back from cuda to cpu on a machine without CUDA, and logs both facts', () => {
  expect(segmenter.provider).toBe('cpu');

  const warned = logged.find((entry) => entry.level === 'warn');
  expect(warned?.fields).toMatchObject({ provider: 'cuda' });
  const loaded = logged.find((entry) => entry.level === 'info');
  expect(loaded?.fields).toMatchObject({ provider: 'cpu', durationMs: expect.any(Number) });
});

describe.each(fixturePhotos)('the photo %s', (name) => {
  test('comes back as an RGBA PNG of its own size, colours kept, subject opaque', async () => {
    const image = await readFile(fixturePath(name));
    const { width, height } = await sharp(image).metadata();

    const result = await segmenter.removeBackground(image);

    expect(result).toMatchObject({ width, height });
    const output = await sharp(result.png).metadata();
    expect(output).toMatchObject({ format: 'png', channels: 4, depth: 'uchar', width, height });
    expect((await rgbOf(result.png)).equals(await rgbOf(image))).toBe(true);
    await expectSubjectSeparated(result.png);

    for (const ms of Object.values(result.timings)) expect(ms).toBeGreaterThanOrEqual(0);
    expect(result.timings.inferenceMs).toBeGreaterThan(0);
  });
});

test('applies EXIF orientation: a JPEG stored sideways comes back upright', async () => {
  const car = await readFile(fixturePath('car-1.jpg'));
  // Stored turned a quarter left and tagged "turn right to view": upright, it is the photo.
  const sideways = await sharp(car).rotate(270).withMetadata({ orientation: 6 }).jpeg().toBuffer();
  expect(await sharp(sideways).metadata()).toMatchObject({ width: 360, height: 480 });

  const [upright, rotated] = await Promise.all([
    segmenter.removeBackground(car),
    segmenter.removeBackground(sideways),
  ]);

  expect(rotated).toMatchObject({ width: 480, height: 360 });
  const difference = meanAbsoluteDifference(
    (await readAlpha(rotated.png)).alpha,
    (await readAlpha(upright.png)).alpha,
  );
  expect(difference).toBeLessThan(5);
});

describe('refuses what is not a decodable image', () => {
  test('a truncated JPEG', async () => {
    const car = await readFile(fixturePath('car-1.jpg'));
    const truncated = car.subarray(0, Math.floor(car.length / 2));

    await expect(segmenter.removeBackground(truncated)).rejects.toBeInstanceOf(ImageDecodeError);
  });

  test('random bytes', async () => {
    await expect(segmenter.removeBackground(randomBytes(4096))).rejects.toBeInstanceOf(
      ImageDecodeError,
    );
  });

  test('an image over maxInputPixels, by its header alone', async () => {
    const small = await sharp({
      create: { width: 64, height: 64, channels: 3, background: '#808080' },
    })
      .jpeg()
      .toBuffer();
    const bomb = withDeclaredSize(small, 60_000, 60_000);

    const started = performance.now();
    const refusal = segmenter.removeBackground(bomb);

    // Decoding would fail as truncated; the pixel count in the message shows it never began.
    await expect(refusal).rejects.toBeInstanceOf(ImageDecodeError);
    await expect(refusal).rejects.toThrow(/60000x60000.*40000000 pixels/);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

const variants: [string, (car: sharp.Sharp) => sharp.Sharp, Partial<sharp.Metadata>][] = [
  ['16-bit grayscale PNG', (car) => car.toColourspace('grey16').png(), { depth: 'ushort' }],
  ['palette PNG', (car) => car.png({ palette: true }), { isPalette: true }],
  ['RGBA PNG, fully transparent', (car) => car.ensureAlpha(0).png(), { channels: 4 }],
  ['CMYK JPEG', (car) => car.toColourspace('cmyk').jpeg(), { space: 'cmyk' }],
];

test.each(variants)('accepts a %s', async (_, encode, expectedInput) => {
  const image = await encode(sharp(fixturePath('car-1.jpg'))).toBuffer();
  expect(await sharp(image).metadata()).toMatchObject(expectedInput);

  const result = await segmenter.removeBackground(image);

  const output = await sharp(result.png).metadata();
  expect(output).toMatchObject({ format: 'png', channels: 4, width: 480, height: 360 });
  await expectSubjectSeparated(result.png);
});
