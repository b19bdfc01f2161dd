import {
  boolVar,
  commonEnv,
  intVar,
  parseEnv,
  storageEnv,
  storageSettings,
  type StorageSettings,
} from '@poofbg/config';
import { z } from 'zod';

/** Every environment variable the gateway reads. Keys are the variable names. */
export const gatewayEnvSchema = z.object({
  ...commonEnv,
  ...storageEnv,
  PORT: intVar(0, 65_535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  /** The address clients use to reach the gateway; local-storage links are built on it. */
  PUBLIC_BASE_URL: z.string().url().optional(),
  /** How long `POST /v1/remove-background` waits for the outcome before answering 202. */
  RESULT_WAIT_SECONDS: z.coerce.number().min(0).max(120).default(30),
  /** How often waiting requests re-check their job rows, in case a pub/sub message is lost. */
  RESULT_RECHECK_MS: intVar(50, 10_000).default(1_000),
  /**
   * How long a client may take to send one request, in seconds; a stalled upload is cut
   * off with 408 after this. Generous, so a 10 MB upload can crawl in over a slow link.
   */
  REQUEST_TIMEOUT_SECONDS: intVar(10, 3_600).default(120),
  /** Number of reverse proxies in front of the gateway, for the client address. 0 = none. */
  TRUST_PROXY: intVar(0, 10).default(0),
  /** Internal-only port for the queue-depth signal the autoscaler reads. 0 turns it off. */
  INTERNAL_PORT: intVar(0, 65_535).default(9090),
  /** Database connections per gateway process. */
  DATABASE_POOL_SIZE: intVar(1, 200).default(20),
  /** Whether the gateway answers HTTP on the public port with request logs at info level. */
  LOG_REQUESTS: boolVar().default(true),
});

export type GatewayEnv = z.infer<typeof gatewayEnvSchema>;

export interface GatewayConfig {
  env: GatewayEnv;
  publicBaseUrl: string;
  storage: StorageSettings;
}

export function loadGatewayConfig(source: NodeJS.ProcessEnv): GatewayConfig {
  const env = parseEnv(gatewayEnvSchema, source);
  const publicBaseUrl = (env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, '');
  return { env, publicBaseUrl, storage: storageSettings(env, publicBaseUrl) };
}
