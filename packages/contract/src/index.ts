export { ApiError, errorCodes, errorStatus, type ErrorBody, type ErrorCode } from './errors';
export * from './job';
export * from './limits';
export * from './plans';
