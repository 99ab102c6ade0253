import type { Store } from '../schema.ts';
import type { Executor } from './executor.ts';

export class StoreRepository {
  constructor(private readonly db: Executor) {}

  async insert(row: Store): Promise<void> {
    await this.db.insertInto('stores').values(row).execute();
  }

  async findById(merchantId: string, id: string): Promise<Store | undefined> {
    return this.db.selectFrom('stores').selectAll().where('merchant_id', '=', merchantId).where('id', '=', id).executeTakeFirst();
  }

  async list(merchantId: string, onlyId?: string | null): Promise<Store[]> {
    let q = this.db.selectFrom('stores').selectAll().where('merchant_id', '=', merchantId);
    if (onlyId) q = q.where('id', '=', onlyId);
    return q.orderBy('created_at').orderBy('id').execute();
  }

  async update(merchantId: string, id: string, patch: { name: string; address: string; updated_at: number }): Promise<boolean> {
    const res = await this.db
      .updateTable('stores')
      .set(patch)
      .where('merchant_id', '=', merchantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return res.numUpdatedRows > 0n;
  }
}
