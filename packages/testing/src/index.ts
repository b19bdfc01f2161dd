export { baseDatabaseUrl, createTestDatabase, type TestDatabase } from './database';
export { callApi, imageForm, removeBackground, type ApiResponse } from './http';
export { uniqueName } from './names';
export { fixturePath, fixturePhotos, fixturesDir, repoRoot } from './paths';
export { freePort } from './ports';
export { startApp, type AppProcess } from './processes';
export { testRedisUrl, uniqueRedisPrefix } from './redis';
export { startS3Server, type TestS3Server } from './s3-server';
export { startStack, type StackOptions, type TestStack } from './stack';
