/**
 * One jest run for the whole workspace. Tests import workspace packages by name, so they run
 * against the built `dist/` output that `pnpm test` builds first; the test files themselves
 * are TypeScript, compiled on the fly by swc.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/packages', '<rootDir>/tests'],
  testMatch: ['**/test/**/*.test.ts', '<rootDir>/tests/**/*.test.ts'],
  // The real-model soak runs for minutes: only `pnpm test:faults` (POOFBG_SOAK=1) runs it.
  testPathIgnorePatterns: [
    '/node_modules/',
    '/dist/',
    ...(process.env.POOFBG_SOAK === '1' ? [] : ['/tests/faults/soak-real-model\\.test\\.ts$']),
  ],
  // Dynamic import() stays a real import so ESM-only packages load (VM modules are on).
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { target: 'es2022' }, module: { type: 'commonjs', ignoreDynamic: true } },
    ],
  },
  testTimeout: 120_000,
  maxWorkers: 2,
};
