import type { CodeImage, CollectionCode } from '../schema.ts';
import type { Executor } from './executor.ts';

export interface CodeFilter {
  storeId?: string | null | undefined;
  stationId?: string | undefined;
}

export class CollectionCodeRepository {
  constructor(private readonly db: Executor) {}

  async insert(row: CollectionCode): Promise<void> {
    await this.db.insertInto('collection_codes').values(row).execute();
  }

  async insertImage(row: CodeImage): Promise<void> {
    await this.db.insertInto('code_images').values(row).execute();
  }

  /** The next serial number for this merchant: PD000001, PD000002, … (unique, so a race retries). */
  async nextSerial(merchantId: string): Promise<string> {
    const row = await this.db
      .selectFrom('collection_codes')
      .select((eb) => eb.fn.max('serial').as('last'))
      .where('merchant_id', '=', merchantId)
      .executeTakeFirst();
    const last = row?.last ? Number(String(row.last).slice(2)) : 0;
    return `PD${String(last + 1).padStart(6, '0')}`;
  }

  async findById(merchantId: string, id: string): Promise<CollectionCode | undefined> {
    return this.db.selectFrom('collection_codes').selectAll().where('merchant_id', '=', merchantId).where('id', '=', id).executeTakeFirst();
  }

  /** The pay page is reached by its public id alone: the customer has no session. */
  async findByPublicId(publicId: string): Promise<CollectionCode | undefined> {
    return this.db.selectFrom('collection_codes').selectAll().where('public_id', '=', publicId).executeTakeFirst();
  }

  async list(merchantId: string, filter: CodeFilter = {}): Promise<CollectionCode[]> {
    let q = this.db.selectFrom('collection_codes').selectAll().where('merchant_id', '=', merchantId);
    if (filter.storeId) q = q.where('store_id', '=', filter.storeId);
    if (filter.stationId) q = q.where('station_id', '=', filter.stationId);
    return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(500).execute();
  }

  async setStatus(merchantId: string, id: string, status: 'active' | 'disabled', now: number): Promise<boolean> {
    const res = await this.db
      .updateTable('collection_codes')
      .set({ status, updated_at: now })
      .where('merchant_id', '=', merchantId)
      .where('id', '=', id)
      .where('status', '!=', status)
      .executeTakeFirst();
    return res.numUpdatedRows > 0n;
  }

  async findImage(merchantId: string, codeId: string): Promise<CodeImage | undefined> {
    return this.db
      .selectFrom('code_images')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .where('code_id', '=', codeId)
      .executeTakeFirst();
  }
}
