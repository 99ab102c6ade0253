export { type Db, type Dialect, type OpenOptions, openDatabase } from './connect.ts';
export { newId } from './ids.ts';
export { migrateToLatest } from './migrate.ts';
export { batchStats } from './repositories/batched.ts';
export type { DevMessageRepository } from './repositories/dev-message.repository.ts';
export { type Executor, type LiveSession, type Repositories, repositories } from './repositories/index.ts';
export type { NewOutboxMessage, OutboxRepository } from './repositories/outbox.repository.ts';
export type { RateLimitRepository } from './repositories/rate-limit.repository.ts';
export * from './schema.ts';
