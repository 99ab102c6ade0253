import type { Dialect } from '../connect.ts';
import type { ChannelAccount } from '../schema.ts';
import { activeStatus, type Executor } from './executor.ts';
import { prepared } from './prepared.ts';

// Every sale routes through this lookup (prepared.ts).
const findForQuery = prepared((db, merchantId: string, kind: ChannelAccount['kind'], storeId: string) =>
  db
    .selectFrom('channel_accounts')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('kind', '=', kind)
    .where('status', '=', activeStatus)
    .where((eb) => eb.or([eb('store_id', '=', storeId), eb('store_id', 'is', null)])),
);

export class ChannelAccountRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect,
  ) {}

  async insert(row: ChannelAccount): Promise<void> {
    await this.db.insertInto('channel_accounts').values(row).execute();
  }

  async list(merchantId: string, kind?: ChannelAccount['kind']): Promise<ChannelAccount[]> {
    let q = this.db.selectFrom('channel_accounts').selectAll().where('merchant_id', '=', merchantId);
    if (kind) q = q.where('kind', '=', kind);
    return q.orderBy('created_at').execute();
  }

  /** The store's own account of this kind, else the merchant-wide one. */
  async findFor(merchantId: string, kind: ChannelAccount['kind'], storeId: string): Promise<ChannelAccount | undefined> {
    const rows = await findForQuery.rows(this.db, this.dialect, merchantId, kind, storeId);
    return rows.find((r) => r.store_id === storeId) ?? rows.find((r) => r.store_id === null);
  }

  async findById(merchantId: string, id: string): Promise<ChannelAccount | undefined> {
    return this.db.selectFrom('channel_accounts').selectAll().where('merchant_id', '=', merchantId).where('id', '=', id).executeTakeFirst();
  }

  /**
   * The account a channel's notification names in its URL. The only lookup without a merchant: the
   * notification carries no session, and it counts for nothing until the account's keys verify it.
   */
  async findForNotification(id: string): Promise<ChannelAccount | undefined> {
    return this.db.selectFrom('channel_accounts').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async update(
    merchantId: string,
    id: string,
    patch: { config: string; secrets_sealed?: string | null; status: ChannelAccount['status']; updated_at: number },
  ) {
    await this.db.updateTable('channel_accounts').set(patch).where('merchant_id', '=', merchantId).where('id', '=', id).execute();
  }

  /** Moves an account out of `from` (e.g. active → disabled); false when it was not in that state. */
  async setStatus(
    merchantId: string,
    id: string,
    from: ChannelAccount['status'],
    to: ChannelAccount['status'],
    now: number,
  ): Promise<boolean> {
    const res = await this.db
      .updateTable('channel_accounts')
      .set({ status: to, updated_at: now })
      .where('merchant_id', '=', merchantId)
      .where('id', '=', id)
      .where('status', '=', from)
      .executeTakeFirst();
    return res.numUpdatedRows > 0n;
  }
}
