import { z } from 'zod';
import { createDocument, type oas32, type ZodOpenApiResponseObject } from 'zod-openapi';

import { errorStatus, type ErrorCode } from './errors';
import { jobListResponseSchema, jobResponseSchema } from './job';
import {
  idempotencyKeySchema,
  imageUploadBodySchema,
  imageUrlBodySchema,
  listJobsQuerySchema,
} from './requests';
import { accountResponseSchema, errorBodySchema, healthResponseSchema } from './responses';

const rateLimitHeaders = z.object({
  'X-RateLimit-Limit': z.string().meta({ description: 'Requests allowed per 60 s window.' }),
  'X-RateLimit-Remaining': z.string().meta({ description: 'Requests left in the window.' }),
});

const retryAfterHeaders = rateLimitHeaders.extend({
  'Retry-After': z.string().meta({ description: 'Seconds until a request would pass.' }),
});

function json(schema: z.ZodType, description: string, limited = true): ZodOpenApiResponseObject {
  return {
    description,
    ...(limited ? { headers: rateLimitHeaders } : {}),
    content: { 'application/json': { schema } },
  };
}

/** The error responses an operation can give, grouped by status as OpenAPI wants them. */
function errors(codes: ErrorCode[], limited = true): Record<string, ZodOpenApiResponseObject> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes)
    byStatus.set(errorStatus[code], [...(byStatus.get(errorStatus[code]) ?? []), code]);

  return Object.fromEntries(
    [...byStatus].map(([status, group]) => [
      String(status),
      {
        ...json(errorBodySchema, group.join(' or '), limited),
        ...(status === 429 ? { headers: retryAfterHeaders } : {}),
      },
    ]),
  );
}

const authErrors: ErrorCode[] = [
  'UNAUTHORIZED',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_ERROR',
];

/** The whole public API, generated from the same zod schemas that validate requests. */
export function createOpenApiDocument(serverUrl = '/'): oas32.OpenAPIObject {
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'PoofBG API',
      version: '1.0.0',
      description:
        'Remove image backgrounds. Each removal costs 1 credit; failed jobs are refunded.',
    },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'pk_live_… API key' },
      },
    },
    security: [{ apiKey: [] }],
    paths: {
      '/v1/remove-background': {
        post: {
          summary: 'Remove the background of an uploaded image or an image URL',
          requestParams: {
            header: z.object({ 'Idempotency-Key': idempotencyKeySchema.optional() }),
          },
          requestBody: {
            required: true,
            content: {
              'multipart/form-data': { schema: imageUploadBodySchema },
              'application/json': { schema: imageUrlBodySchema },
            },
          },
          responses: {
            '200': json(jobResponseSchema, 'The job finished (completed or failed) within 30 s'),
            '202': json(jobResponseSchema, 'Still pending or processing; poll GET /v1/jobs/{id}'),
            ...errors([
              ...authErrors,
              'INVALID_REQUEST',
              'INVALID_IMAGE_TYPE',
              'FILE_TOO_LARGE',
              'INSUFFICIENT_CREDITS',
            ]),
          },
        },
      },
      '/v1/jobs/{id}': {
        get: {
          summary: 'Get a job',
          requestParams: { path: z.object({ id: z.string() }) },
          responses: {
            '200': json(jobResponseSchema, 'The job'),
            ...errors([...authErrors, 'FORBIDDEN', 'NOT_FOUND']),
          },
        },
      },
      '/v1/jobs': {
        get: {
          summary: 'List recent jobs, newest first',
          requestParams: { query: listJobsQuerySchema },
          responses: {
            '200': json(jobListResponseSchema, 'A page of jobs'),
            ...errors([...authErrors, 'INVALID_REQUEST']),
          },
        },
      },
      '/v1/account': {
        get: {
          summary: 'Plan, credits and rate limit of the calling account',
          responses: {
            '200': json(accountResponseSchema, 'The account'),
            ...errors(authErrors),
          },
        },
      },
      '/v1/files/{key}': {
        get: {
          summary: 'Download a result through a signed link (local storage driver)',
          security: [],
          requestParams: {
            path: z.object({ key: z.string() }),
            query: z.object({ expires: z.string(), signature: z.string() }),
          },
          responses: {
            '200': {
              description: 'The transparent PNG',
              content: { 'image/png': { schema: z.string().meta({ format: 'binary' }) } },
            },
            ...errors(['FORBIDDEN', 'NOT_FOUND', 'INTERNAL_ERROR'], false),
          },
        },
      },
      '/v1/openapi.json': {
        get: {
          summary: 'This document',
          security: [],
          responses: {
            '200': {
              description: 'OpenAPI 3.1 document',
              content: { 'application/json': { schema: z.looseObject({ openapi: z.string() }) } },
            },
          },
        },
      },
      '/healthz': {
        get: {
          summary: 'Liveness',
          security: [],
          responses: { '200': json(healthResponseSchema, 'The process is alive', false) },
        },
      },
      '/readyz': {
        get: {
          summary: 'Readiness: PostgreSQL, Redis and storage answer',
          security: [],
          responses: {
            '200': json(healthResponseSchema, 'Ready', false),
            '503': json(healthResponseSchema, 'A dependency is failing', false),
          },
        },
      },
    },
  });
}
