import { z } from 'zod';

import { jobListDefaults } from './limits';

/** `POST /v1/remove-background` with JSON: the image is fetched from `image_url`. */
export const imageUrlBodySchema = z
  .object({
    image_url: z
      .url({ protocol: /^https?$/, error: 'image_url must be an http or https URL' })
      .max(2048, 'image_url must be at most 2048 characters')
      .refine((url) => !/^https?:\/\/[^/?#]*@/i.test(url), {
        error: 'image_url must not contain credentials',
      })
      .meta({ description: 'A JPEG or PNG image reachable over http or https.' }),
  })
  .strict()
  .meta({ id: 'ImageUrlRequest' });

/** `POST /v1/remove-background` with multipart/form-data (documentation; multer parses it). */
export const imageUploadBodySchema = z
  .object({
    file: z.string().meta({
      format: 'binary',
      description: 'A JPEG, PNG or WebP image of at most 10 MiB (10,485,760 bytes).',
    }),
  })
  .meta({ id: 'ImageUploadRequest' });

/** `Idempotency-Key`: 1 to 255 visible ASCII characters. */
export const idempotencyKeySchema = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, 'Idempotency-Key must be 1 to 255 visible ASCII characters')
  .meta({
    description:
      'Makes a retry safe: the same key with the same input returns the first job, ' +
      'charged once. Honoured for 24 hours.',
  });

const wholeNumber = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, `${name} must be at least ${min}`)
        .max(max, `${name} must be at most ${max}`),
    );

/** `GET /v1/jobs` paging parameters. */
export const listJobsQuerySchema = z.object({
  limit: wholeNumber('limit', 1, jobListDefaults.maxLimit)
    .default(jobListDefaults.limit)
    .meta({ description: 'Jobs to return: 1 to 100, default 20.' }),
  offset: wholeNumber('offset', 0, Number.MAX_SAFE_INTEGER)
    .default(0)
    .meta({ description: 'Jobs to skip, default 0.' }),
});
