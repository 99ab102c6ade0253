import type { Dialect } from '../connect.ts';
import type { BindingMethod, CodeBinding } from '../schema.ts';
import { sharedLookup } from './batched.ts';
import { activeStatus, type Executor } from './executor.ts';
import { prepared } from './prepared.ts';

// Every sale looks up the binding of its station (prepared.ts).
const findActiveQuery = prepared((db, merchantId: string, scopeKey: string, methods: readonly BindingMethod[]) =>
  db
    .selectFrom('code_bindings')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('scope_key', '=', scopeKey)
    .where('method', 'in', methods)
    .where('status', '=', activeStatus),
);

/** A binding proven by a payment that went through it: only the first one marks it (the sale's own write). */
export const markVerifiedQuery = prepared((db, merchantId: string, id: string, now: number) =>
  db
    .updateTable('code_bindings')
    .set({ verified_at: now })
    .where('merchant_id', '=', merchantId)
    .where('id', '=', id)
    .where('verified_at', 'is', null),
);

// PostgreSQL: the same for every sale of the moment at once (batched.ts).
const findActiveRows = sharedLookup<ActiveKey, CodeBinding>(
  'binding.active',
  `select x.i, c.* from json_to_recordset($1::json) as x(i int, merchant_id text, scope_key text, methods json)
join code_bindings c on c.merchant_id = x.merchant_id and c.scope_key = x.scope_key and c.status = 'active'
  and c.method in (select json_array_elements_text(x.methods))`,
  (db, dialect, x) => findActiveQuery.rows(db, dialect, x.merchant_id, x.scope_key, x.methods),
);

interface ActiveKey {
  merchant_id: string;
  scope_key: string;
  methods: readonly BindingMethod[];
}

export class BindingRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect,
  ) {}

  async insert(row: CodeBinding): Promise<void> {
    await this.db.insertInto('code_bindings').values(row).execute();
  }

  /** The active binding for the first of `methods` (in order of preference) that has one, in one query. */
  async findActiveFirst(merchantId: string, scopeKey: string, methods: readonly BindingMethod[]): Promise<CodeBinding | undefined> {
    if (methods.length === 0) return undefined;
    const rows = await findActiveRows(this.db, this.dialect, { merchant_id: merchantId, scope_key: scopeKey, methods });
    for (const method of methods) {
      const row = rows.find((r) => r.method === method);
      if (row) return row;
    }
    return undefined;
  }

  async findActive(merchantId: string, scopeKey: string, method: BindingMethod): Promise<CodeBinding | undefined> {
    return this.db
      .selectFrom('code_bindings')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .where('scope_key', '=', scopeKey)
      .where('method', '=', method)
      .where('status', '=', activeStatus)
      .executeTakeFirst();
  }

  async findById(merchantId: string, id: string): Promise<CodeBinding | undefined> {
    return this.db.selectFrom('code_bindings').selectAll().where('merchant_id', '=', merchantId).where('id', '=', id).executeTakeFirst();
  }

  /** Retiring is the only change a binding ever gets besides verification: history is never rewritten. */
  async retire(merchantId: string, id: string, by: string, now: number): Promise<boolean> {
    const res = await this.db
      .updateTable('code_bindings')
      .set({ status: 'retired', retired_at: now, retired_by: by })
      .where('merchant_id', '=', merchantId)
      .where('id', '=', id)
      .where('status', '=', activeStatus)
      .executeTakeFirst();
    return res.numUpdatedRows > 0n;
  }

  async markVerified(merchantId: string, id: string, now: number): Promise<boolean> {
    return (await markVerifiedQuery.changed(this.db, this.dialect, merchantId, id, now)) > 0;
  }

  async list(merchantId: string, filter: { codeId?: string | undefined; storeId?: string | null | undefined; activeOnly?: boolean } = {}) {
    let q = this.db.selectFrom('code_bindings').selectAll().where('merchant_id', '=', merchantId);
    if (filter.codeId) q = q.where('code_id', '=', filter.codeId);
    if (filter.storeId) q = q.where('store_id', '=', filter.storeId);
    if (filter.activeOnly) q = q.where('status', '=', activeStatus);
    return q.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
  }

  /** Active bindings of a code: what the pay page uses to know which wallets stand behind it. */
  async activeForCode(codeId: string): Promise<CodeBinding[]> {
    return this.db.selectFrom('code_bindings').selectAll().where('code_id', '=', codeId).where('status', '=', activeStatus).execute();
  }
}
