import { randomUUID } from 'node:crypto';

import { callApi, imageForm } from '@poofbg/testing';

/** One request as the client saw it. */
export interface RequestSample {
  requestId: string;
  jobId: string | null;
  httpStatus: number;
  /** The job's status when the client stopped waiting: `completed` when all went well. */
  jobStatus: string;
  /** From sending the upload to holding the finished job (after polling, if it was 202). */
  latencyMs: number;
}

export interface LoadOptions {
  url: string;
  /** Keys are used in turn: each plan limits requests per minute per account. */
  apiKeys: string[];
  images: Buffer[];
  /** Requests kept in flight at once: each loop sends its next as soon as one ends. */
  concurrency: number;
  /** Total requests across all loops; the run stops by itself after this many. */
  requests: number;
}

export interface LoadRun {
  samples: RequestSample[];
  wallMs: number;
}

/** A closed loop of uploads to `POST /v1/remove-background`, bounded in count. */
export async function runClosedLoop(options: LoadOptions): Promise<LoadRun> {
  const samples: RequestSample[] = [];
  let issued = 0;

  const loop = async () => {
    while (issued < options.requests) {
      const index = issued;
      issued += 1;
      const image = options.images[index % options.images.length]!;
      const apiKey = options.apiKeys[index % options.apiKeys.length]!;
      samples.push(await sendOne(options.url, apiKey, image));
    }
  };

  const started = performance.now();
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  return { samples, wallMs: performance.now() - started };
}

async function sendOne(url: string, apiKey: string, image: Buffer): Promise<RequestSample> {
  const requestId = `bench-${randomUUID()}`;
  const started = performance.now();
  const response = await callApi<{ id?: string; status?: string }>(`${url}/v1/remove-background`, {
    method: 'POST',
    apiKey,
    headers: { 'x-request-id': requestId },
    body: imageForm(image),
  });

  const jobId = response.body.id ?? null;
  let jobStatus = response.body.status ?? `http ${response.status}`;
  if (response.status === 202 && jobId) jobStatus = await pollUntilDone(url, apiKey, jobId);

  const latencyMs = performance.now() - started;
  return { requestId, jobId, httpStatus: response.status, jobStatus, latencyMs };
}

/** The gateway answers 202 when a job outlasts its wait; the client then polls. */
async function pollUntilDone(url: string, apiKey: string, jobId: string): Promise<string> {
  for (let attempt = 0; attempt < 1200; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const job = await callApi<{ status?: string }>(`${url}/v1/jobs/${jobId}`, { apiKey });
    const status = job.body.status ?? 'unknown';
    if (status === 'completed' || status === 'failed') return status;
  }

  return 'timed out';
}
