import { callApi, imageForm, type ApiResponse } from '@poofbg/testing';

/** An API client of the suite: one account and its key. */
export interface Client {
  accountId: string;
  apiKey: string;
}

/** One HTTP request the suite sent and what came of it. */
export interface RequestRecord {
  kind: 'submit' | 'poll' | 'account';
  accountId: string;
  /** HTTP status; 0 when no answer came (the connection failed or was reset). */
  status: number;
  /**
   * The error code of an error answer; for status 0, `NO_ANSWER` (no response) or
   * `OFF_CONTRACT` (a response the OpenAPI document does not allow).
   */
  code?: string;
  jobId?: string;
  /** The job's status in the answer. */
  jobStatus?: string;
  idempotencyKey?: string;
  latencyMs: number;
}

type Body = Record<string, unknown>;

/**
 * Sends the suite's requests through the real HTTP API and keeps a record of every one, so
 * the invariant checker can hold the database to what clients were told. Every answer is
 * checked against the OpenAPI document; an answer outside it is kept as a contract error.
 */
export class Traffic {
  readonly records: RequestRecord[] = [];
  readonly contractErrors: string[] = [];

  /** `POST /v1/remove-background` with an uploaded image. */
  async submit(
    baseUrl: string,
    client: Client,
    image: Uint8Array,
    options: { idempotencyKey?: string; signal?: AbortSignal } = {},
  ): Promise<RequestRecord & { body: Body }> {
    const headers: Record<string, string> = {};
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;

    return this.send('submit', client, options.idempotencyKey, () =>
      callApi(`${baseUrl}/v1/remove-background`, {
        method: 'POST',
        apiKey: client.apiKey,
        body: imageForm(image),
        headers,
        ...(options.signal ? { signal: options.signal } : {}),
      }),
    );
  }

  /** `GET /v1/jobs/:id`. */
  async poll(
    baseUrl: string,
    client: Client,
    jobId: string,
  ): Promise<RequestRecord & { body: Body }> {
    return this.send('poll', client, undefined, () =>
      callApi(`${baseUrl}/v1/jobs/${jobId}`, { apiKey: client.apiKey }),
    );
  }

  /** `GET /v1/account`. */
  async account(baseUrl: string, client: Client): Promise<RequestRecord & { body: Body }> {
    return this.send('account', client, undefined, () =>
      callApi(`${baseUrl}/v1/account`, { apiKey: client.apiKey }),
    );
  }

  /**
   * Polls a job until it is `completed` or `failed`, as a patient client does, backing off
   * when rate-limited. Returns the last answer, or null when `timeoutMs` passed first.
   */
  async waitForJob(
    baseUrl: string | (() => string),
    client: Client,
    jobId: string,
    timeoutMs: number,
  ): Promise<(RequestRecord & { body: Body }) | null> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const answer = await this.poll(
        typeof baseUrl === 'string' ? baseUrl : baseUrl(),
        client,
        jobId,
      );
      if (answer.jobStatus === 'completed' || answer.jobStatus === 'failed') return answer;
      await sleep(answer.status === 429 ? 2_000 : 1_000);
    }
    return null;
  }

  /** Ids of the jobs clients were told about in an accepted (200 or 202) answer. */
  acceptedJobIds(): Set<string> {
    return new Set(
      this.records
        .filter((r) => r.kind === 'submit' && (r.status === 200 || r.status === 202) && r.jobId)
        .map((r) => r.jobId!),
    );
  }

  get submits(): RequestRecord[] {
    return this.records.filter((r) => r.kind === 'submit');
  }

  private async send(
    kind: RequestRecord['kind'],
    client: Client,
    idempotencyKey: string | undefined,
    call: () => Promise<ApiResponse>,
  ): Promise<RequestRecord & { body: Body }> {
    const started = performance.now();
    let answer: ApiResponse | undefined;
    let failure = 'NO_ANSWER';
    try {
      answer = await call();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message.startsWith('contract:')) {
        this.contractErrors.push(message.slice(0, 500));
        failure = 'OFF_CONTRACT';
      }
    }

    const record = toRecord(kind, client, idempotencyKey, answer, failure);
    record.latencyMs = Math.round(performance.now() - started);
    this.records.push(record);
    return { ...record, body: answer?.body ?? {} };
  }
}

function toRecord(
  kind: RequestRecord['kind'],
  client: Client,
  idempotencyKey: string | undefined,
  answer: ApiResponse | undefined,
  failure: string,
): RequestRecord {
  const record: RequestRecord = { kind, accountId: client.accountId, status: 0, latencyMs: 0 };
  if (idempotencyKey) record.idempotencyKey = idempotencyKey;
  if (!answer) return { ...record, code: failure };

  record.status = answer.status;
  const body = answer.body;
  const error = body.error as { code?: unknown } | undefined;
  if (error && typeof error.code === 'string') record.code = error.code;
  if (kind === 'account') return record;
  if (typeof body.id === 'string') record.jobId = body.id;
  if (typeof body.status === 'string') record.jobStatus = body.status;
  return record;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
