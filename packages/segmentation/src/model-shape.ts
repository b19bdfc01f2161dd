/** The IS-Net graph works on square images of this side, in pixels. */
export const modelSide = 1024;

/** Shape of the `input` tensor: one RGB image, planar (NCHW). */
export const inputShape = [1, 3, modelSide, modelSide] as const;
