import { createOpenApiDocument } from '@poofbg/contract';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

const document = createOpenApiDocument() as unknown as {
  paths: Record<string, Record<string, { responses?: Record<string, ResponseSpec> }>>;
};

interface ResponseSpec {
  content?: Record<string, unknown>;
}

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ ...document, $id: 'poofbg-openapi' });

const templates = Object.keys(document.paths).map((template) => ({
  template,
  pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^?]+')}$`),
}));

/**
 * Checks a response against the OpenAPI document: its path and method exist, its status
 * is documented, and a JSON body matches that status's schema. Throws with the reasons
 * otherwise, so every API call a test makes is also a contract test.
 */
export function assertMatchesContract(
  method: string,
  url: string,
  status: number,
  contentType: string | null,
  body: unknown,
): void {
  const path = new URL(url).pathname;
  const template = templates.find((t) => t.pattern.test(path))?.template;
  if (!template) throw new Error(`contract: ${path} is not in the OpenAPI document`);

  const operation = document.paths[template]?.[method.toLowerCase()];
  if (!operation) throw new Error(`contract: ${method} ${template} is not documented`);

  const response = operation.responses?.[String(status)];
  if (!response) throw new Error(`contract: ${method} ${template} never answers ${status}`);

  if (!contentType?.includes('application/json')) return;
  if (!response.content?.['application/json']) {
    throw new Error(`contract: ${method} ${template} ${status} is not documented as JSON`);
  }

  const pointer = [
    'paths',
    template,
    method.toLowerCase(),
    'responses',
    String(status),
    'content',
    'application/json',
    'schema',
  ]
    .map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1'))
    .join('/');
  const validate = ajv.getSchema(`poofbg-openapi#/${pointer}`);
  if (!validate) throw new Error(`contract: no schema at ${pointer}`);
  if (!validate(body)) {
    throw new Error(
      `contract: ${method} ${template} ${status} body does not match: ` +
        `${ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`,
    );
  }
}
