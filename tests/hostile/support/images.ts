import { readFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';

import { fixturePath } from '@poofbg/testing';
import sharp from 'sharp';

/** A real photo, small so inference dominates: car-1.jpg scaled to 320 pixels wide. */
export async function smallPhoto(): Promise<Buffer> {
  return sharp(await readFile(fixturePath('car-1.jpg')))
    .resize(320)
    .toBuffer();
}

/** The first `fraction` of `bytes`, as a download or upload cut short leaves it. */
export function truncated(bytes: Buffer, fraction: number): Buffer {
  return Buffer.from(bytes.subarray(0, Math.floor(bytes.length * fraction)));
}

/** `bytes` with one byte in every `every` inverted from `from` on: damage, not truncation. */
export function damaged(bytes: Buffer, from: number, every: number): Buffer {
  const copy = Buffer.from(bytes);
  for (let i = from; i < copy.length; i += every) copy[i] = copy[i]! ^ 0xff;
  return copy;
}

/**
 * A valid PNG header that claims `width` x `height` RGB pixels, followed by a few bytes of
 * image data: the smallest possible decompression bomb. Its chunks carry correct CRCs, so
 * only the size gives it away.
 */
export function pngClaiming(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, adaptive filtering, no interlace

  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const data = Buffer.from([0x78, 0x9c, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01]);
  return Buffer.concat([
    signature,
    pngChunk('IHDR', header),
    pngChunk('IDAT', data),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A baseline JPEG whose frame header (SOF0) is rewritten to claim `width` x `height`. */
export function jpegClaiming(jpeg: Buffer, width: number, height: number): Buffer {
  const copy = Buffer.from(jpeg);
  const sof = findMarker(copy, 0xc0);
  copy.writeUInt16BE(height, sof + 5);
  copy.writeUInt16BE(width, sof + 7);
  return copy;
}

function findMarker(jpeg: Buffer, marker: number): number {
  for (let i = 2; i + 3 < jpeg.length;) {
    if (jpeg[i] !== 0xff) throw new Error(`no JPEG marker at ${i}`);
    if (jpeg[i + 1] === marker) return i;
    i += 2 + jpeg.readUInt16BE(i + 2);
  }
  throw new Error(`JPEG marker ${marker.toString(16)} not found`);
}

/**
 * A lossless WebP (a bare `VP8L` chunk) whose header is rewritten to claim `width` x `height`
 * (at most 16384 each, the format's own limit).
 */
export function webpClaiming(losslessWebp: Buffer, width: number, height: number): Buffer {
  const copy = Buffer.from(losslessWebp);
  if (copy.toString('latin1', 12, 16) !== 'VP8L') throw new Error('not a simple lossless WebP');

  // After the 0x2f signature byte: 14 bits width - 1, 14 bits height - 1, then 4 more bits.
  const packed = copy.readUInt32LE(21);
  const rest = packed & 0xf0000000;
  copy.writeUInt32LE((rest | ((height - 1) << 14) | (width - 1)) >>> 0, 21);
  return copy;
}

/** An animated WebP with `frames` (encoded images of one size), each shown for 100 ms. */
export function animatedWebp(frames: Buffer[]): Promise<Buffer> {
  return sharp(frames, { join: { animated: true } })
    .webp({ loop: 0, delay: frames.map(() => 100) })
    .toBuffer();
}

/** A one-colour greyscale PNG: huge in pixels, tiny in bytes. */
export function flatPng(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#404040' } })
    .toColourspace('b-w')
    .png({ compressionLevel: 9 })
    .toBuffer();
}

/** The upright 8-bit RGB pixels of an encoded image (its first frame), as the worker sees it. */
export async function uprightRgb(image: Buffer): Promise<Buffer> {
  return sharp(image)
    .rotate()
    .toColourspace('srgb')
    .removeAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer();
}

/** Mean absolute difference of two equally long pixel buffers, per byte. */
export function meanDifference(a: Buffer, b: Buffer): number {
  if (a.length !== b.length) throw new Error(`sizes differ: ${a.length} and ${b.length}`);
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}
