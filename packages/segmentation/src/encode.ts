import sharp from 'sharp';

import type { UprightImage } from './decode';

/**
 * PNG settings for results. Measured on the ~1 MP fixture photos (2 cores): adaptive row
 * filtering shrinks these photo PNGs by a third or more, and zlib level 3 with it encodes in
 * about half the time of level 6 for a file only ~6% larger. Level 1 without filtering is the
 * fastest by a few tens of milliseconds, but its files are 1.6-2x larger; that costs more in
 * storage and download than it saves beside seconds of inference.
 */
const pngOptions: sharp.PngOptions = { compressionLevel: 3, adaptiveFiltering: true };

/** Encodes the image with `alpha` as its fourth channel, as an RGBA PNG. */
export function encodeRgba(image: UprightImage, alpha: Buffer): Promise<Buffer> {
  const { width, height } = image;

  return sharp(image.rgb, { raw: { width, height, channels: 3 } })
    .joinChannel(alpha, { raw: { width, height, channels: 1 } })
    .png(pngOptions)
    .toBuffer();
}
