import type { Kysely } from 'kysely';

// Measured on 10 M payments (docs/performance.md): without these, a manager's or a cashier's records page
// walks the whole merchant's list, and a month of sums reads a table page per payment (285 ms for a busy
// chain on PostgreSQL; 52 ms with them). `ifNotExists` lets an operator of a big live database build them
// beforehand with CREATE INDEX CONCURRENTLY, which a migration cannot.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('payments_store_list')
    .ifNotExists()
    .on('payments')
    .columns(['merchant_id', 'store_id', 'created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('payments_cashier_list')
    .ifNotExists()
    .on('payments')
    .columns(['merchant_id', 'cashier_id', 'created_at', 'id'])
    .execute();
  // Every column the totals read is in the index, so they never touch the table.
  await db.schema
    .createIndex('payments_day_totals')
    .ifNotExists()
    .on('payments')
    .columns(['merchant_id', 'created_at', 'status', 'amount_fen', 'refunded_fen'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('payments_day_totals').execute();
  await db.schema.dropIndex('payments_cashier_list').execute();
  await db.schema.dropIndex('payments_store_list').execute();
}
