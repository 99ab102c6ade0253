import type { Dialect } from '../connect.ts';
import type { ChannelAccount } from '../schema.ts';
import { sharedLookup } from './batched.ts';
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

// PostgreSQL: the same for every sale of the moment at once (batched.ts).
const findForRows = sharedLookup<AccountKey, ChannelAccount>(
  'channel-account.for',
  `select x.i, c.* from json_to_recordset($1::json) as x(i int, merchant_id text, kind text, store_id text)
join channel_accounts c on c.merchant_id = x.merchant_id and c.kind = x.kind and c.status = 'active'
  and (c.store_id = x.store_id or c.store_id is null)`,
  (db, dialect, x) => findForQuery.rows(db, dialect, x.merchant_id, x.kind, x.store_id),
);

interface AccountKey {
  merchant_id: string;
  kind: ChannelAccount['kind'];
  store_id: string;
}

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
    const rows = await findForRows(this.db, this.dialect, { merchant_id: merchantId, kind, store_id: storeId });
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
