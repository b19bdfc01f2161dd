import { callApi, startStack, type TestStack } from '@poofbg/testing';

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack({ workerEnv: null });
});

afterAll(() => stack.stop());

test('GET /v1/openapi.json is a valid OpenAPI 3.1 document, served without a key', async () => {
  const response = await callApi(`${stack.url}/v1/openapi.json`);
  expect(response.status).toBe(200);

  // The validator ships as an ES module only.
  const { Validator } = await import('@seriousme/openapi-schema-validator');
  const validator = new Validator();
  const result = await validator.validate(response.body);
  expect(result.errors ?? []).toEqual([]);
  expect(result.valid).toBe(true);
  expect(validator.version).toBe('3.1');
});

test('the document describes every endpoint and error code of the contract', async () => {
  const { body } = await callApi<{
    paths: Record<string, Record<string, unknown>>;
    components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
  }>(`${stack.url}/v1/openapi.json`);

  expect(Object.keys(body.paths)).toEqual(
    expect.arrayContaining(['/v1/remove-background', '/v1/jobs/{id}', '/v1/jobs', '/v1/account']),
  );
  const codes = JSON.stringify(body.components.schemas.Error);
  for (const code of [
    'UNAUTHORIZED',
    'INSUFFICIENT_CREDITS',
    'FORBIDDEN',
    'NOT_FOUND',
    'RATE_LIMITED',
    'INVALID_REQUEST',
    'INVALID_IMAGE_TYPE',
    'FILE_TOO_LARGE',
  ]) {
    expect(codes).toContain(code);
  }
  expect(Object.keys(body.components.schemas.Job!.properties!).sort()).toEqual([
    'completed_at',
    'created_at',
    'credits_remaining',
    'credits_used',
    'error',
    'id',
    'result_url',
    'status',
  ]);
});

test('a response outside the contract is caught by the test client', async () => {
  await expect(callApi(`${stack.url}/healthz`, { method: 'DELETE' })).rejects.toThrow(
    /not documented/,
  );
});
