import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // The account that carried a payment: its queries, closes and refunds go back to that account even
  // after the owner has changed the settings or switched to another account.
  await db.schema.alterTable('payments').addColumn('channel_account_id', 'text').execute();
  // One live account per wallet and scope (a store, or merchant-wide): routing must never have to pick.
  await sql`create unique index channel_accounts_one_active on channel_accounts (merchant_id, kind, coalesce(store_id, '')) where status = 'active'`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('channel_accounts_one_active').execute();
  await db.schema.alterTable('payments').dropColumn('channel_account_id').execute();
}
