import { type Expression, type SqlBool, sql } from 'kysely';
import type { Database } from '../schema.ts';
import type { Executor } from './executor.ts';

/**
 * Deletes rows that have outlived their use, across all merchants: the one place where queries do not
 * filter on merchant_id, because what they remove is decided by age alone. Each call deletes at most
 * `limit` rows (the oldest first is not promised), so that the caller can go in slices and let other work
 * in between: a first sweep over years of rows must not hold SQLite's one writer, or its thread, for long.
 */
export class HousekeepingRepository {
  constructor(private readonly db: Executor) {}

  deleteExpiredSessions(now: number, limit: number): Promise<number> {
    return this.slice('sessions', ['id_hash'], sql<SqlBool>`expires_at <= ${now}`, limit);
  }

  deleteOtpCodesExpiredBefore(before: number, limit: number): Promise<number> {
    return this.slice('otp_codes', ['id'], sql<SqlBool>`expires_at < ${before}`, limit);
  }

  deleteRateLimitWindowsBefore(before: number, limit: number): Promise<number> {
    return this.slice('rate_limits', ['key', 'window_start'], sql<SqlBool>`window_start < ${before}`, limit);
  }

  /** Idempotency keys claimed before `before`, whatever became of their requests. */
  deleteIdempotencyKeysBefore(before: number, limit: number): Promise<number> {
    return this.slice('idempotency_keys', ['merchant_id', 'key'], sql<SqlBool>`created_at < ${before}`, limit);
  }

  /** Outbox rows done before `before` (failed ones stay, for someone to look at). */
  deleteDoneOutboxBefore(before: number, limit: number): Promise<number> {
    return this.slice('outbox', ['id'], sql<SqlBool>`status = 'done' and done_at < ${before}`, limit);
  }

  /** Deletes up to `limit` rows of `table` that `old` holds for, picked by their primary key `keys`. */
  private async slice(table: keyof Database, keys: string[], old: Expression<SqlBool>, limit: number): Promise<number> {
    const key = sql.join(keys.map((k) => sql.ref(k)));
    const res =
      await sql`delete from ${sql.table(table)} where (${key}) in (select ${key} from ${sql.table(table)} where ${old} limit ${limit})`.execute(
        this.db,
      );
    return Number(res.numAffectedRows ?? 0n);
  }
}
