export { ApiError, errorCodes, errorStatus, type ErrorBody, type ErrorCode } from './errors';
export * from './job';
export * from './limits';
export { createOpenApiDocument } from './openapi';
export * from './plans';
export * from './requests';
export * from './responses';
