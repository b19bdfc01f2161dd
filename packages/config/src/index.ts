export { ConfigError, boolVar, intVar, listVar, logLevelVar, parseEnv } from './env';
export { createLogger, type Logger } from './logger';
