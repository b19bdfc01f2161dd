import { createOpenApiDocument } from '@poofbg/contract';
import { Router } from 'express';

/** Serves the OpenAPI 3.1 document, built once from the same schemas that validate requests. */
export function openApiRouter(publicBaseUrl: string): Router {
  const router = Router();
  const document = JSON.stringify(createOpenApiDocument(publicBaseUrl));

  router.get('/v1/openapi.json', (_req, res) => {
    res.type('application/json').send(document);
  });
  return router;
}
