import { sql } from 'kysely';
import type { Executor } from './executor.ts';

/**
 * Fixed-window counters in the database, so that limits hold across several server processes.
 */
export class RateLimitRepository {
  constructor(private readonly db: Executor) {}

  /** Adds one hit and returns the window's count including it. */
  async hit(key: string, windowStart: number): Promise<number> {
    const row = await this.db
      .insertInto('rate_limits')
      .values({ key, window_start: windowStart, count: 1 })
      .onConflict((oc) => oc.columns(['key', 'window_start']).doUpdateSet({ count: sql`rate_limits.count + 1` }))
      .returning('count')
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async count(key: string, windowStart: number): Promise<number> {
    const row = await this.db
      .selectFrom('rate_limits')
      .select('count')
      .where('key', '=', key)
      .where('window_start', '=', windowStart)
      .executeTakeFirst();
    return row ? Number(row.count) : 0;
  }

  /** The newest window start kept for key; a lock is kept as one row whose window starts when it began. */
  async latestWindowStart(key: string): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('rate_limits')
      .select('window_start')
      .where('key', '=', key)
      .orderBy('window_start', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? Number(row.window_start) : undefined;
  }

  async reset(key: string): Promise<void> {
    await this.db.deleteFrom('rate_limits').where('key', '=', key).execute();
  }
}
