import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { createDatabase, createAccount, issueApiKey, type Database } from '@poofbg/db';
import type { PlanId } from '@poofbg/contract';

import { createTestDatabase, type TestDatabase } from './database';
import { startApp, type AppProcess } from './processes';
import { testRedisUrl, uniqueRedisPrefix } from './redis';
import { startS3Server, type TestS3Server } from './s3-server';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';

export interface StackOptions {
  /** Extra gateway variables, e.g. `RESULT_WAIT_SECONDS`. */
  gatewayEnv?: Record<string, string>;
  /** Extra worker variables; `null` starts no worker. */
  workerEnv?: Record<string, string> | null;
  /** Redis for this stack; the shared test Redis by default. */
  redisUrl?: string;
  /**
   * Routes the apps' PostgreSQL and S3 traffic through TCP proxies (`stack.proxies`) that a
   * test can cut or blackhole, taking a service away from this stack alone.
   */
  proxies?: boolean;
}

/** The proxies between the apps and their services, when the stack was asked for them. */
export interface StackProxies {
  database: TcpProxy;
  storage: TcpProxy;
}

export interface TestStack {
  /** Base URL of the gateway, e.g. `http://127.0.0.1:41234`. */
  url: string;
  database: TestDatabase;
  /** A Prisma client on the stack's schema, for arranging and checking rows. */
  db: Database;
  s3: TestS3Server;
  queuePrefix: string;
  gateway: AppProcess;
  workers: AppProcess[];
  /** Gateways started after the first one, e.g. to replace a killed one. */
  gateways: AppProcess[];
  /** Set when the stack was started with `proxies: true`. */
  proxies: StackProxies | undefined;
  /** The apps' TMPDIR: a folder of their own, so a test can prove they leave nothing there. */
  tempDir: string;
  /** Environment shared by gateway and workers, to start more of them. */
  env: Record<string, string>;
  /** Starts one more worker process and waits until it takes jobs. */
  addWorker(extra?: Record<string, string>): Promise<AppProcess>;
  /** Starts one more gateway process on a new port and waits until it listens. */
  addGateway(extra?: Record<string, string>): Promise<{ gateway: AppProcess; url: string }>;
  /** A fresh account on `plan` with a key; optionally with an exact credit balance. */
  createAccount(plan?: PlanId): Promise<{ accountId: string; apiKey: string; keyId: string }>;
  stop(): Promise<void>;
}

/**
 * A whole PoofBG on real services, isolated for one test file: its own Postgres schema,
 * Redis key prefix and S3 server, a gateway process, and (unless told otherwise) a worker
 * process running the real model on CPU.
 */
export async function startStack(options: StackOptions = {}): Promise<TestStack> {
  const database = await createTestDatabase();
  const s3 = await startS3Server();
  const queuePrefix = uniqueRedisPrefix();
  const tempDir = await mkdtemp(path.join(tmpdir(), 'poofbg-apps-'));
  const proxies = options.proxies ? await startProxies(database, s3) : undefined;

  const databaseUrl = new URL(database.url);
  if (proxies) databaseUrl.port = String(proxies.database.port);
  const s3Port = proxies ? proxies.storage.port : s3.port;

  const env: Record<string, string> = {
    DATABASE_URL: databaseUrl.toString(),
    REDIS_URL: options.redisUrl ?? testRedisUrl,
    QUEUE_PREFIX: queuePrefix,
    LOG_LEVEL: 'debug',
    STORAGE_DRIVER: 's3',
    S3_ENDPOINT: `http://${s3.endPoint}:${s3Port}`,
    S3_ACCESS_KEY: s3.accessKey,
    S3_SECRET_KEY: s3.secretKey,
    S3_BUCKET: 'poofbg-test',
    TMPDIR: tempDir,
  };

  const gateways: AppProcess[] = [];
  const addGateway = async (extra: Record<string, string> = {}) => {
    const gateway = startApp('gateway', {
      ...env,
      PORT: '0',
      HOST: '127.0.0.1',
      INTERNAL_PORT: '0',
      RESULT_RECHECK_MS: '500',
      ...options.gatewayEnv,
      ...extra,
    });
    const listening = await gateway.waitForLog((l) => l.msg === 'gateway listening');
    return { gateway, url: String(listening.url) };
  };
  const { gateway, url } = await addGateway();

  const workers: AppProcess[] = [];
  const addWorker = async (extra: Record<string, string> = {}) => {
    const worker = startApp('worker', {
      ...env,
      EXECUTION_PROVIDERS: 'cpu',
      HEALTH_PORT: '0',
      INFERENCE_THREADS: '2',
      ...options.workerEnv,
      ...extra,
    });
    workers.push(worker);
    await worker.waitForLog((l) => l.msg === 'worker ready', 90_000);
    return worker;
  };
  if (options.workerEnv !== null) await addWorker();

  const db = createDatabase(database.url, { poolSize: 4 });

  return {
    url,
    database,
    db,
    s3,
    queuePrefix,
    gateway,
    workers,
    gateways,
    proxies,
    tempDir,
    env,
    addWorker,
    async addGateway(extra) {
      const started = await addGateway(extra);
      gateways.push(started.gateway);
      return started;
    },
    async createAccount(plan: PlanId = 'pro') {
      const account = await createAccount(db, { name: 'test', plan });
      const key = await issueApiKey(db, account.id);
      return { accountId: account.id, apiKey: key.key, keyId: key.id };
    },
    async stop() {
      await Promise.all([gateway, ...gateways, ...workers].map((app) => app.stop()));
      await db.$disconnect();
      await Promise.all([proxies?.database.close(), proxies?.storage.close()]);
      await s3.stop();
      await database.drop();
      await rm(tempDir, { recursive: true, force: true });
    },
  };
}

async function startProxies(database: TestDatabase, s3: TestS3Server): Promise<StackProxies> {
  const postgres = new URL(database.url);
  return {
    database: await startTcpProxy({ host: postgres.hostname, port: Number(postgres.port || 5432) }),
    storage: await startTcpProxy({ host: s3.endPoint, port: s3.port }),
  };
}
