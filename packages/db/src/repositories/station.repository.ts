import type { Dialect } from '../connect.ts';
import type { Station } from '../schema.ts';
import type { Executor } from './executor.ts';
import { prepared } from './prepared.ts';

// Every sale at a station reads it (prepared.ts).
const findByIdQuery = prepared((db, merchantId: string, id: string) =>
  db.selectFrom('stations').selectAll().where('merchant_id', '=', merchantId).where('id', '=', id),
);

export class StationRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect,
  ) {}

  async insert(row: Station): Promise<void> {
    await this.db.insertInto('stations').values(row).execute();
  }

  async findById(merchantId: string, id: string): Promise<Station | undefined> {
    return findByIdQuery.first(this.db, this.dialect, merchantId, id);
  }

  async list(merchantId: string, storeId?: string | null): Promise<Station[]> {
    let q = this.db.selectFrom('stations').selectAll().where('merchant_id', '=', merchantId);
    if (storeId) q = q.where('store_id', '=', storeId);
    return q.orderBy('created_at').orderBy('id').execute();
  }

  async rename(merchantId: string, id: string, name: string, now: number): Promise<boolean> {
    const res = await this.db
      .updateTable('stations')
      .set({ name, updated_at: now })
      .where('merchant_id', '=', merchantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return res.numUpdatedRows > 0n;
  }
}
