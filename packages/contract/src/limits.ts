/** Largest accepted image: 10 MiB (10,485,760 bytes). Exactly this size is accepted. */
export const maxImageBytes = 10 * 1024 * 1024;

/** How long a `result_url` stays valid. */
export const resultUrlTtlSeconds = 60 * 60;

/** `GET /v1/jobs` paging. */
export const jobListDefaults = { limit: 20, maxLimit: 100 } as const;

/** Credits one background removal costs. */
export const creditsPerRemoval = 1;
