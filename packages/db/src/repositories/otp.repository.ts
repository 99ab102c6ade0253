import type { OtpCode, OtpPurpose } from '../schema.ts';
import type { Executor } from './executor.ts';

export class OtpRepository {
  constructor(private readonly db: Executor) {}

  async insert(row: Omit<OtpCode, 'attempts'>): Promise<void> {
    await this.db.insertInto('otp_codes').values(row).execute();
  }

  async latest(target: string, purpose: OtpPurpose): Promise<OtpCode | undefined> {
    return this.db
      .selectFrom('otp_codes')
      .selectAll()
      .where('target', '=', target)
      .where('purpose', '=', purpose)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /** A code row that belongs to no merchant (stands in for a registration that got a notice instead). */
  async findPlaceholder(id: string, purpose: OtpPurpose): Promise<OtpCode | undefined> {
    return this.db
      .selectFrom('otp_codes')
      .selectAll()
      .where('id', '=', id)
      .where('purpose', '=', purpose)
      .where('merchant_id', 'is', null)
      .executeTakeFirst();
  }

  async latestForMerchant(merchantId: string, purpose: OtpPurpose): Promise<OtpCode | undefined> {
    return this.db
      .selectFrom('otp_codes')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .where('purpose', '=', purpose)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /**
   * Counts a try before the code is compared, in one conditional statement: concurrent guesses each
   * take a numbered try and none gets past `limit`, however many are in flight. Answers the try's
   * number, or undefined when the code is used, void or out of tries.
   */
  async claimAttempt(id: string, limit: number): Promise<number | undefined> {
    const row = await this.db
      .updateTable('otp_codes')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('id', '=', id)
      .where('consumed_at', 'is', null)
      .where('attempts', '<', limit)
      .returning('attempts')
      .executeTakeFirst();
    return row?.attempts;
  }

  /** Conditional, so two requests racing with the same right code cannot both use it. */
  async consume(id: string, now: number): Promise<boolean> {
    const res = await this.db
      .updateTable('otp_codes')
      .set({ consumed_at: now })
      .where('id', '=', id)
      .where('consumed_at', 'is', null)
      .executeTakeFirst();
    return res.numUpdatedRows > 0n;
  }

  async voidOpen(target: string, purpose: OtpPurpose, now: number): Promise<void> {
    await this.db
      .updateTable('otp_codes')
      .set({ consumed_at: now })
      .where('target', '=', target)
      .where('purpose', '=', purpose)
      .where('consumed_at', 'is', null)
      .execute();
  }
}
