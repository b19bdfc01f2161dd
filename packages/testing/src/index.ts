export { baseDatabaseUrl, createTestDatabase, type TestDatabase } from './database';
export { uniqueName } from './names';
export { fixturePath, fixturePhotos, fixturesDir, repoRoot } from './paths';
export { testRedisUrl, uniqueRedisPrefix } from './redis';
export { startS3Server, type TestS3Server } from './s3-server';
