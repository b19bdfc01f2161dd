import sharp from 'sharp';

/** How clearly a result's alpha separates a centred subject from its background. */
export interface AlphaStats {
  /** Mean alpha (0..255) of the middle fifth of the image, where the subjects stand. */
  centreMean: number;
  /** Mean alpha of a frame 5% of the width and height wide along the edges. */
  borderMean: number;
  /** Share of pixels that are fully decided: alpha <= 8 or >= 247. */
  decidedShare: number;
}

/** The alpha channel of a PNG, as one byte per pixel. */
export async function readAlpha(png: Buffer): Promise<{ alpha: Buffer; width: number }> {
  const { data, info } = await sharp(png).extractChannel(3).raw().toBuffer({
    resolveWithObject: true,
  });

  return { alpha: data, width: info.width };
}

export async function alphaStats(png: Buffer): Promise<AlphaStats> {
  const { alpha, width } = await readAlpha(png);
  const height = alpha.length / width;
  const frameX = Math.round(width * 0.05);
  const frameY = Math.round(height * 0.05);

  const centre = { sum: 0, count: 0 };
  const border = { sum: 0, count: 0 };
  let decided = 0;
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const value = alpha[y * width + x]!;
      if (value <= 8 || value >= 247) decided += 1;

      const inCentre = x >= width * 0.4 && x < width * 0.6 && y >= height * 0.4 && y < height * 0.6;
      const inBorder = x < frameX || x >= width - frameX || y < frameY || y >= height - frameY;
      const bucket = inCentre ? centre : inBorder ? border : undefined;
      if (bucket) {
        bucket.sum += value;
        bucket.count += 1;
      }
    }
  }

  return {
    centreMean: centre.sum / centre.count,
    borderMean: border.sum / border.count,
    decidedShare: decided / alpha.length,
  };
}

/** Mean absolute difference of two equally sized alpha channels, in 0..255. */
export function meanAbsoluteDifference(a: Buffer, b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) sum += Math.abs(a[i]! - b[i]!);

  return sum / a.length;
}
