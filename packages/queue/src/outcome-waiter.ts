import type { Redis } from 'ioredis';

import { jobOutcomeSchema, outcomeChannel, type JobOutcome } from './outcomes';

export type OutcomeStatus = JobOutcome['status'];

export interface OutcomeWaiterOptions {
  /** A connection used only for this subscription (pub/sub takes over a connection). */
  subscriber: Redis;
  prefix: string;
  /** Asks the record of truth which of these jobs have finished. */
  findFinished: (jobIds: string[]) => Promise<JobOutcome[]>;
  /**
   * How often the record of truth is asked about every waiting job, in case a pub/sub
   * message was lost. Milliseconds.
   */
  recheckIntervalMs: number;
  onError?: (error: unknown, context: string) => void;
}

type Resolve = (status: OutcomeStatus | null) => void;

/** Jobs per database lookup when re-checking many waiting requests at once. */
const recheckBatchSize = 500;

/**
 * Lets thousands of HTTP requests wait for their job's outcome over one Redis subscription.
 * Three paths deliver an outcome, whichever comes first: the pub/sub message; a look at the
 * job row as soon as a request starts waiting (an outcome published before that is not
 * missed); and a periodic re-check of all waiting jobs, also run whenever the subscription
 * reconnects (a lost message costs at most one interval).
 */
export class OutcomeWaiter {
  private readonly waiting = new Map<string, Set<Resolve>>();
  private timer: NodeJS.Timeout | undefined;
  private rechecking = false;
  private stopped = false;
  private readonly channel: string;

  constructor(private readonly options: OutcomeWaiterOptions) {
    this.channel = outcomeChannel(options.prefix);
  }

  async start(): Promise<void> {
    const { subscriber } = this.options;
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.onMessage(message);
    });
    subscriber.on('ready', () => void this.recheck());
    // Subscribing before the connection's ready check has run makes ioredis send that
    // check in subscriber mode, which Redis refuses.
    if (subscriber.status !== 'ready') {
      await new Promise<void>((resolve) => subscriber.once('ready', () => resolve()));
    }
    await subscriber.subscribe(this.channel);

    this.timer = setInterval(() => void this.recheck(), this.options.recheckIntervalMs);
    this.timer.unref();
  }

  /** Number of requests waiting now. */
  get size(): number {
    let n = 0;
    for (const set of this.waiting.values()) n += set.size;
    return n;
  }

  /**
   * Resolves with the job's outcome, or null when `timeoutMs` passes or `signal` aborts
   * first (the client went away).
   */
  wait(jobId: string, timeoutMs: number, signal?: AbortSignal): Promise<OutcomeStatus | null> {
    return new Promise((resolve) => {
      const done: Resolve = (status) => {
        clearTimeout(timeout);
        signal?.removeEventListener('abort', onAbort);
        this.remove(jobId, done);
        resolve(status);
      };
      const onAbort = () => done(null);
      const timeout = setTimeout(() => done(null), timeoutMs);

      if (signal?.aborted || this.stopped) return done(null);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.add(jobId, done);
      void this.recheckJobs([jobId]);
    });
  }

  /**
   * Releases every waiting request with null, and any that starts waiting from now on:
   * a request still being accepted when the gateway stops must not wait out its window.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    for (const [, set] of this.waiting) for (const resolve of [...set]) resolve(null);
    await this.options.subscriber.unsubscribe(this.channel).catch(() => undefined);
  }

  private onMessage(message: string): void {
    let outcome: JobOutcome;
    try {
      outcome = jobOutcomeSchema.parse(JSON.parse(message));
    } catch (error) {
      this.options.onError?.(error, 'malformed outcome message');
      return;
    }
    this.settle(outcome);
  }

  private settle(outcome: JobOutcome): void {
    const set = this.waiting.get(outcome.jobId);
    if (!set) return;
    for (const resolve of [...set]) resolve(outcome.status);
  }

  private async recheck(): Promise<void> {
    if (this.rechecking || this.waiting.size === 0) return;
    this.rechecking = true;
    try {
      const ids = [...this.waiting.keys()];
      for (let i = 0; i < ids.length; i += recheckBatchSize) {
        await this.recheckJobs(ids.slice(i, i + recheckBatchSize));
      }
    } finally {
      this.rechecking = false;
    }
  }

  private async recheckJobs(jobIds: string[]): Promise<void> {
    try {
      const finished = await this.options.findFinished(jobIds);
      for (const outcome of finished) this.settle(outcome);
    } catch (error) {
      this.options.onError?.(error, 'outcome re-check failed');
    }
  }

  private add(jobId: string, resolve: Resolve): void {
    const set = this.waiting.get(jobId) ?? new Set<Resolve>();
    set.add(resolve);
    this.waiting.set(jobId, set);
  }

  private remove(jobId: string, resolve: Resolve): void {
    const set = this.waiting.get(jobId);
    if (!set) return;
    set.delete(resolve);
    if (set.size === 0) this.waiting.delete(jobId);
  }
}
