import type { Executor } from './executor.ts';

/**
 * Deletes rows that have outlived their use, across all merchants: the one place where queries do not
 * filter on merchant_id, because what they remove is decided by age alone. The large tables go in slices,
 * so that a first sweep over years of rows never holds SQLite's one writer for long.
 */
export class HousekeepingRepository {
  constructor(private readonly db: Executor) {}

  async deleteExpiredSessions(now: number): Promise<number> {
    const res = await this.db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
    return Number(res.numDeletedRows);
  }

  async deleteOtpCodesExpiredBefore(before: number): Promise<number> {
    const res = await this.db.deleteFrom('otp_codes').where('expires_at', '<', before).executeTakeFirst();
    return Number(res.numDeletedRows);
  }

  async deleteRateLimitWindowsBefore(before: number): Promise<number> {
    const res = await this.db.deleteFrom('rate_limits').where('window_start', '<', before).executeTakeFirst();
    return Number(res.numDeletedRows);
  }

  /** Idempotency keys claimed before `before`, whatever became of their requests; at most `limit`. */
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

  /** Outbox rows done before `before` (failed ones stay, for someone to look at); at most `limit`. */
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
