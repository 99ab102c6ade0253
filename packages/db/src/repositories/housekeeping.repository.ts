import type { Executor } from './executor.ts';

/**
 * Deletes rows that have outlived their use, across all merchants: the one place where queries do not
 * filter on merchant_id, because what they remove is decided by age alone. Each call deletes at most
 * `limit` rows (the oldest first is not promised), so that the caller can go in slices and let other work
 * in between: a first sweep over years of rows must not hold SQLite's one writer, or its thread, for long.
 */
export class HousekeepingRepository {
  constructor(private readonly db: Executor) {}

  async deleteExpiredSessions(now: number, limit: number): Promise<number> {
    const res = await this.db
      .deleteFrom('sessions')
      .where('id_hash', 'in', (eb) => eb.selectFrom('sessions').select('id_hash').where('expires_at', '<=', now).limit(limit))
      .executeTakeFirst();
    return Number(res.numDeletedRows);
  }

  async deleteOtpCodesExpiredBefore(before: number, limit: number): Promise<number> {
    const res = await this.db
      .deleteFrom('otp_codes')
      .where('id', 'in', (eb) => eb.selectFrom('otp_codes').select('id').where('expires_at', '<', before).limit(limit))
      .executeTakeFirst();
    return Number(res.numDeletedRows);
  }

  async deleteRateLimitWindowsBefore(before: number, limit: number): Promise<number> {
    const res = await this.db
      .deleteFrom('rate_limits')
      .where((eb) =>
        eb(
          eb.refTuple('key', 'window_start'),
          'in',
          eb
            .selectFrom('rate_limits')
            .select(['key', 'window_start'])
            .where('window_start', '<', before)
            .limit(limit)
            .$asTuple('key', 'window_start'),
        ),
      )
      .executeTakeFirst();
    return Number(res.numDeletedRows);
  }

  /** Idempotency keys claimed before `before`, whatever became of their requests. */
  async deleteIdempotencyKeysBefore(before: number, limit: number): Promise<number> {
    const res = await this.db
      .deleteFrom('idempotency_keys')
      .where((eb) =>
        eb(
          eb.refTuple('merchant_id', 'key'),
          'in',
          eb
            .selectFrom('idempotency_keys')
            .select(['merchant_id', 'key'])
            .where('created_at', '<', before)
            .limit(limit)
            .$asTuple('merchant_id', 'key'),
        ),
      )
      .executeTakeFirst();
    return Number(res.numDeletedRows);
  }

  /** Outbox rows done before `before` (failed ones stay, for someone to look at). */
  async deleteDoneOutboxBefore(before: number, limit: number): Promise<number> {
    const res = await this.db
      .deleteFrom('outbox')
      .where('id', 'in', (eb) =>
        eb.selectFrom('outbox').select('id').where('status', '=', 'done').where('done_at', '<', before).limit(limit),
      )
      .executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}
