import sharp from 'sharp';

/**
 * How clearly a result's alpha channel separates subject from background: the shares of
 * pixels that are (nearly) opaque and (nearly) transparent. A mask that keeps or drops
 * everything fails one of the two.
 */
export async function alphaSeparation(
  png: Buffer,
): Promise<{ opaqueShare: number; transparentShare: number }> {
  const { data, info } = await sharp(png)
    .extractChannel(3)
    .raw()
    .toBuffer({ resolveWithObject: true });

  let opaque = 0;
  let transparent = 0;
  for (const value of data) {
    if (value >= 240) opaque += 1;
    else if (value <= 15) transparent += 1;
  }
  const total = info.width * info.height;
  return { opaqueShare: opaque / total, transparentShare: transparent / total };
}
