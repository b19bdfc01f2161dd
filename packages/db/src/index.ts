export * from './accounts';
export * from './api-keys';
export { createDatabase, isDatabaseUnavailable, pingDatabase, type Database } from './client';
export { newJobId, randomBase62 } from './ids';
export * from './jobs';
export * from './job-inputs';
export * from './idempotency';
export * from './ledger';
export { addMonths, isQuotaDue, nextRenewal, renewQuotaIfDue } from './quota';
