import { createServer, type RequestListener, type Server } from 'node:http';

import { createLogger } from '@poofbg/config';
import { createDatabase, findFinishedJobs } from '@poofbg/db';
import {
  OutcomeWaiter,
  createBlockingConnection,
  createCommandConnection,
  createRemovalQueue,
} from '@poofbg/queue';
import { createStorage } from '@poofbg/storage';

import { createApp } from './app';
import type { GatewayConfig } from './config';
import { createInternalServer } from './internal-server';
import { createRateLimiters } from './rate-limit/limiters';
import type { GatewayRuntime } from './runtime';

export interface RunningGateway {
  runtime: GatewayRuntime;
  server: Server;
  /** Base URL of the public listener, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** Stops accepting connections, lets waiting requests finish, and closes connections. */
  stop(): Promise<void>;
}

/** Connects to everything, starts listening, and returns once the gateway is serving. */
export async function startGateway(config: GatewayConfig): Promise<RunningGateway> {
  const { env } = config;
  const logger = createLogger('gateway', env.LOG_LEVEL);

  const db = createDatabase(env.DATABASE_URL, { poolSize: env.DATABASE_POOL_SIZE });
  // Named so `CLIENT LIST` shows what each connection is for.
  const redis = createCommandConnection(env.REDIS_URL, { connectionName: 'poofbg-gateway' });
  const subscriber = createBlockingConnection(env.REDIS_URL, {
    connectionName: 'poofbg-gateway-outcomes',
  });
  redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
  subscriber.on('error', (err) => logger.warn({ err: err.message }, 'redis subscriber error'));

  const { storage, ensureReady } = createStorage(config.storage);
  await ensureReady();

  const waiter = new OutcomeWaiter({
    subscriber,
    prefix: env.QUEUE_PREFIX,
    findFinished: async (ids) =>
      (await findFinishedJobs(db, ids)).map((job) => ({ jobId: job.id, status: job.status })),
    recheckIntervalMs: env.RESULT_RECHECK_MS,
    onError: (err, context) => logger.warn({ err }, context),
  });
  await waiter.start();

  const runtime: GatewayRuntime = {
    logger,
    db,
    redis,
    queue: createRemovalQueue(redis, env.QUEUE_PREFIX),
    queuePrefix: env.QUEUE_PREFIX,
    storage,
    waiter,
    rateLimiters: createRateLimiters(redis, env.QUEUE_PREFIX),
    localLinkSecret: config.storage.driver === 'local' ? config.storage.signingSecret : undefined,
    resultWaitMs: env.RESULT_WAIT_SECONDS * 1000,
  };

  const app = createApp(runtime, {
    trustProxy: env.TRUST_PROXY,
    logRequests: env.LOG_REQUESTS,
    publicBaseUrl: config.publicBaseUrl,
  });
  const server = await listen(app, env.PORT, env.HOST);
  // These bound how long a client may take to *send* a request, not the wait for a job's
  // outcome; a client that stalls is cut off with 408 (Node checks every 30 s).
  server.requestTimeout = env.REQUEST_TIMEOUT_SECONDS * 1000;
  server.headersTimeout = Math.min(30_000, server.requestTimeout);

  const internal =
    env.INTERNAL_PORT > 0
      ? await listen(createInternalServer(runtime), env.INTERNAL_PORT, env.HOST)
      : undefined;

  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  logger.info(
    { url, publicBaseUrl: config.publicBaseUrl, storage: config.storage.driver },
    'gateway listening',
  );

  return {
    runtime,
    server,
    url,
    async stop() {
      const closed = Promise.all([close(server), internal ? close(internal) : undefined]);
      // Requests still waiting answer now, 202 unless their job just finished; the client
      // polls for the rest instead of the shutdown waiting out their windows.
      await waiter.stop();
      await closed;
      await runtime.queue.close();
      subscriber.disconnect();
      redis.disconnect();
      await db.$disconnect();
      logger.info('gateway stopped');
    },
  };
}

function listen(app: RequestListener, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(app);
    server.once('listening', () => resolve(server));
    server.once('error', reject);
    server.listen(port, host);
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
