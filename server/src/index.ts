export { createAccordServer, openStore, startAccord, VERSION, type AccordServer, type AccordOverrides } from './server';
export { PostgresStore } from './store/postgres';
export { loadConfig, type AccordConfig } from './config';
export { createDemoCase, type DemoCase } from './cases/demo';
export * from './store/index';
export { LocalBus, type Bus, type BusMessage } from './scale/bus';
export { TokenSigner } from './auth/tokens';
export { createLogger, redactText, type Logger } from './log';
export { RedisAttemptLimiter } from './auth/redis-attempts';
