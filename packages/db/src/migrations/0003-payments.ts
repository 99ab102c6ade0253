import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // The client generates the order id (it doubles as the idempotency key of a sale), so it is unique
  // only together with the merchant: one shop's ids can never block another's.
  await db.schema
    .createTable('orders')
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
    .addColumn('station_id', 'text', (c) => c.references('stations.id'))
    .addColumn('cashier_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('total_fen', 'bigint', (c) => c.notNull())
    .addColumn('lines', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('orders_pk', ['merchant_id', 'id'])
    .execute();

  await db.schema
    .createTable('payments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('store_id', 'text', (c) => c.notNull())
    .addColumn('station_id', 'text')
    .addColumn('cashier_id', 'text', (c) => c.notNull())
    .addColumn('out_trade_no', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('flow', 'text', (c) => c.notNull())
    .addColumn('binding_id', 'text')
    .addColumn('amount_fen', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('failure_code', 'text')
    .addColumn('failure_reason', 'text')
    .addColumn('channel_trade_no', 'text')
    .addColumn('code_text', 'text')
    .addColumn('payer_code_masked', 'text')
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('paid_at', 'bigint')
    .addColumn('refunded_fen', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('tendered_fen', 'bigint')
    .addColumn('change_fen', 'bigint')
    .addColumn('rounding_fen', 'bigint')
    .addColumn('late_success', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('query_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('payments_out_trade_no', ['merchant_id', 'out_trade_no'])
    .execute();
  await db.schema.createIndex('payments_order').on('payments').columns(['merchant_id', 'order_id']).execute();
  // One payment in flight per order: a second tap on "pay" cannot start a second charge.
  await db.schema
    .createIndex('payments_one_in_flight')
    .on('payments')
    .columns(['merchant_id', 'order_id'])
    .unique()
    .where(sql<boolean>`status in ('created', 'pending')`)
    .execute();
  // The transaction list: newest first per merchant, keyset-paginated on (created_at, id).
  await db.schema.createIndex('payments_list').on('payments').columns(['merchant_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('payments_status').on('payments').columns(['merchant_id', 'status', 'expires_at']).execute();

  await db.schema
    .createTable('payment_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull())
    .addColumn('payment_id', 'text', (c) => c.notNull().references('payments.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('actor_user_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('payment_events_payment').on('payment_events').columns(['merchant_id', 'payment_id', 'created_at']).execute();

  await db.schema
    .createTable('refunds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    .addColumn('payment_id', 'text', (c) => c.notNull().references('payments.id'))
    .addColumn('out_refund_no', 'text', (c) => c.notNull())
    .addColumn('amount_fen', 'bigint', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('automatic', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('requested_by', 'text')
    .addColumn('channel_refund_no', 'text')
    .addColumn('failure_reason', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('refunds_out_refund_no', ['merchant_id', 'out_refund_no'])
    .execute();
  // One refund in flight per payment, enforced by the database itself.
  await db.schema
    .createIndex('refunds_one_pending')
    .on('refunds')
    .column('payment_id')
    .unique()
    .where(sql.ref('status'), '=', 'pending')
    .execute();

  // Append-only: the shift's expected cash is the sum of these.
  await db.schema
    .createTable('cash_movements')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    .addColumn('store_id', 'text', (c) => c.notNull())
    .addColumn('station_id', 'text')
    .addColumn('payment_id', 'text')
    .addColumn('refund_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('amount_fen', 'bigint', (c) => c.notNull())
    .addColumn('actor_user_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('cash_movements_station').on('cash_movements').columns(['merchant_id', 'station_id', 'created_at']).execute();

  // The simulator gateway's own books: what a wallet would hold on its side.
  await db.schema
    .createTable('sim_trades')
    .addColumn('merchant_id', 'text', (c) => c.notNull())
    .addColumn('out_trade_no', 'text', (c) => c.notNull())
    .addColumn('trade_no', 'text', (c) => c.notNull())
    .addColumn('flow', 'text', (c) => c.notNull())
    .addColumn('amount_fen', 'bigint', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('code_text', 'text')
    .addColumn('payer_code', 'text')
    .addColumn('fail_code', 'text')
    .addColumn('notify_url', 'text')
    .addColumn('refunded_fen', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('paid_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('sim_trades_pk', ['merchant_id', 'out_trade_no'])
    .execute();
  await db.schema.createIndex('sim_trades_state').on('sim_trades').columns(['merchant_id', 'state', 'created_at']).execute();

  await db.schema
    .createTable('sim_refunds')
    .addColumn('merchant_id', 'text', (c) => c.notNull())
    .addColumn('out_refund_no', 'text', (c) => c.notNull())
    .addColumn('out_trade_no', 'text', (c) => c.notNull())
    .addColumn('refund_no', 'text', (c) => c.notNull())
    .addColumn('amount_fen', 'bigint', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('sim_refunds_pk', ['merchant_id', 'out_refund_no'])
    .execute();

  // Customer payment codes the simulator hands out, each with the fate the person chose for it.
  await db.schema
    .createTable('sim_payer_codes')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull())
    .addColumn('wallet', 'text', (c) => c.notNull())
    .addColumn('behaviour', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['sim_payer_codes', 'sim_refunds', 'sim_trades', 'cash_movements', 'refunds', 'payment_events', 'payments', 'orders']) {
    await db.schema.dropTable(t).execute();
  }
}
