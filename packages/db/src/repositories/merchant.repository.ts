import type { Merchant, NewMerchant } from '../schema.ts';
import type { Executor } from './executor.ts';

export class MerchantRepository {
  constructor(private readonly db: Executor) {}

  async insert(row: NewMerchant): Promise<void> {
    await this.db.insertInto('merchants').values(row).execute();
  }

  async findById(id: string): Promise<Merchant | undefined> {
    return this.db.selectFrom('merchants').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async findByUscc(uscc: string): Promise<Merchant | undefined> {
    return this.db.selectFrom('merchants').selectAll().where('uscc', '=', uscc).executeTakeFirst();
  }

  /** Conditional: only a pending merchant becomes active, so a replayed verification changes nothing. */
  async activate(id: string, now: number): Promise<boolean> {
    const res = await this.db
      .updateTable('merchants')
      .set({ status: 'active', updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return res.numUpdatedRows > 0n;
  }

  /** Registration that was never verified frees its credit code again after a day. */
  async deleteStalePending(uscc: string, olderThan: number): Promise<void> {
    const stale = await this.db
      .selectFrom('merchants')
      .select('id')
      .where('uscc', '=', uscc)
      .where('status', '=', 'pending')
      .where('created_at', '<', olderThan)
      .executeTakeFirst();
    if (!stale) return;
    await this.db.deleteFrom('otp_codes').where('merchant_id', '=', stale.id).execute();
    await this.db.deleteFrom('users').where('merchant_id', '=', stale.id).execute();
    await this.db.deleteFrom('merchants').where('id', '=', stale.id).execute();
  }
}
