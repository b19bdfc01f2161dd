export { ConfigError, boolVar, intVar, listVar, logLevelVar, parseEnv } from './env';
export {
  commonEnv,
  storageEnv,
  storageSettings,
  type StorageEnv,
  type StorageSettings,
} from './fragments';
export { exitOnStartupFailure, stopOnSignals } from './lifecycle';
export { createLogger, type Logger } from './logger';
