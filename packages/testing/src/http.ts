import { readFile } from 'node:fs/promises';

import { assertMatchesContract } from './contract';
import { fixturePath } from './paths';

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * Calls the API and parses its JSON answer. Every response is checked against the OpenAPI
 * document, so a test fails if the API answers anything the contract does not describe;
 * `offContract` skips the check for requests that probe paths outside the API on purpose.
 */
export async function callApi<T = Record<string, unknown>>(
  url: string,
  init: RequestInit & { apiKey?: string; offContract?: boolean } = {},
): Promise<ApiResponse<T>> {
  const headers = new Headers(init.headers);
  if (init.apiKey) headers.set('authorization', `Bearer ${init.apiKey}`);

  const response = await fetch(url, { ...init, headers });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = { raw: text };
  }

  const method = init.method ?? 'GET';
  if (!init.offContract)
    assertMatchesContract(method, url, response.status, response.headers.get('content-type'), body);
  return { status: response.status, headers: response.headers, body: body as T };
}

/** A multipart body with `bytes` in the `file` field, as `curl -F file=@…` sends it. */
export function imageForm(bytes: Uint8Array, filename = 'photo.jpg', field = 'file'): FormData {
  const form = new FormData();
  form.append(field, new Blob([bytes]), filename);
  return form;
}

/** Uploads a fixture photo to `POST /v1/remove-background`. */
export async function removeBackground(
  baseUrl: string,
  apiKey: string,
  photo: string | Uint8Array,
): Promise<ApiResponse> {
  const bytes = typeof photo === 'string' ? await readFile(fixturePath(photo)) : photo;
  return callApi(`${baseUrl}/v1/remove-background`, {
    method: 'POST',
    apiKey,
    body: imageForm(bytes),
  });
}
