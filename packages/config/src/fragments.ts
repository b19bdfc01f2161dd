import { z } from 'zod';

import { ConfigError, logLevelVar } from './env';

/**
 * Variables both apps read. Each app's schema spreads these into its own, so one name
 * means one thing everywhere.
 */
export const commonEnv = {
  /** PostgreSQL URL; a `schema` query parameter selects a schema other than `public`. */
  DATABASE_URL: z.string().url(),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  /** Prefix of every Redis key PoofBG writes (queue and pub/sub channel). */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]+$/)
    .default('poofbg'),
  LOG_LEVEL: logLevelVar().default('info'),
};

export const storageEnv = {
  /** `local`: a folder on this machine, links served by the gateway. `s3`: MinIO or any S3. */
  STORAGE_DRIVER: z.enum(['local', 's3']).default('local'),
  /** Folder for the local driver. Gateway and worker must see the same folder. */
  STORAGE_LOCAL_DIR: z.string().default('.poofbg/storage'),
  /** HMAC secret that signs local-driver links; at least 32 characters. */
  STORAGE_SIGNING_SECRET: z.string().min(32).optional(),
  /** Internal S3 endpoint, e.g. `http://minio:9000`. */
  S3_ENDPOINT: z.string().url().optional(),
  /** The S3 address clients reach; result links are signed for it. Defaults to S3_ENDPOINT. */
  S3_PUBLIC_ENDPOINT: z.string().url().optional(),
  S3_ACCESS_KEY: z.string().optional(),
  S3_SECRET_KEY: z.string().optional(),
  S3_BUCKET: z.string().default('poofbg'),
  S3_REGION: z.string().default('us-east-1'),
};

export type StorageEnv = z.infer<z.ZodObject<typeof storageEnv>>;

/** The storage settings as `@poofbg/storage`'s factory takes them. */
export type StorageSettings =
  | { driver: 'local'; root: string; publicBaseUrl: string; signingSecret: string }
  | {
      driver: 's3';
      endpoint: string;
      publicEndpoint: string;
      accessKey: string;
      secretKey: string;
      bucket: string;
      region: string;
    };

/**
 * Checks the variables the chosen driver needs and shapes them for the storage package.
 * `publicBaseUrl` is the gateway's external address, where local links are served.
 */
export function storageSettings(env: StorageEnv, publicBaseUrl: string): StorageSettings {
  if (env.STORAGE_DRIVER === 'local') {
    if (!env.STORAGE_SIGNING_SECRET) {
      throw new ConfigError(['STORAGE_SIGNING_SECRET is required when STORAGE_DRIVER=local']);
    }
    return {
      driver: 'local',
      root: env.STORAGE_LOCAL_DIR,
      publicBaseUrl,
      signingSecret: env.STORAGE_SIGNING_SECRET,
    };
  }

  const missing = (['S3_ENDPOINT', 'S3_ACCESS_KEY', 'S3_SECRET_KEY'] as const).filter(
    (key) => !env[key],
  );
  if (missing.length > 0) {
    throw new ConfigError(missing.map((key) => `${key} is required when STORAGE_DRIVER=s3`));
  }
  return {
    driver: 's3',
    endpoint: env.S3_ENDPOINT!,
    publicEndpoint: env.S3_PUBLIC_ENDPOINT ?? env.S3_ENDPOINT!,
    accessKey: env.S3_ACCESS_KEY!,
    secretKey: env.S3_SECRET_KEY!,
    bucket: env.S3_BUCKET,
    region: env.S3_REGION,
  };
}
