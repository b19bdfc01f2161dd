import { readFileSync } from 'node:fs';

import { sniffImageType } from '@poofbg/image-fetch';
import { fixturePath } from '@poofbg/testing';

function bytes(...parts: Array<string | number[]>): Uint8Array {
  const buffers = parts.map((part) =>
    typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part),
  );

  return Buffer.concat(buffers);
}

test('recognises the JPEG fixtures', () => {
  expect(sniffImageType(readFileSync(fixturePath('car-1.jpg')))).toBe('jpeg');
  expect(sniffImageType(readFileSync(fixturePath('cloth-1.jpg')))).toBe('jpeg');
});

test('goes by content, not name: plants-1.jpg is a PNG', () => {
  expect(sniffImageType(readFileSync(fixturePath('plants-1.jpg')))).toBe('png');
});

test('recognises a WebP header', () => {
  expect(sniffImageType(bytes('RIFF', [0x24, 0x00, 0x00, 0x00], 'WEBPVP8 '))).toBe('webp');
});

test.each([
  ['GIF', bytes('GIF89a', [0x01, 0x00, 0x01, 0x00])],
  ['BMP', bytes('BM', [0x3a, 0x00, 0x00, 0x00, 0x00, 0x00])],
  ['PDF', bytes('%PDF-1.7\n')],
  ['SVG', bytes('<svg xmlns="http://www.w3.org/2000/svg"></svg>')],
  ['WAV (RIFF but not WebP)', bytes('RIFF', [0x24, 0x00, 0x00, 0x00], 'WAVEfmt ')],
  ['a truncated JPEG marker', bytes([0xff, 0xd8])],
  ['a truncated PNG signature', bytes([0x89, 0x50, 0x4e, 0x47])],
  ['nothing', new Uint8Array()],
])('returns null for %s', (_name, input) => {
  expect(sniffImageType(input)).toBeNull();
});
