import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // The caller's Idempotency-Key, kept with the refund it asked for and committed with it: a retry after
  // a crash that lost the answer finds this refund instead of sending the money back a second time.
  await db.schema.alterTable('refunds').addColumn('request_key', 'text').execute();
  await sql`create unique index refunds_request_key on refunds (merchant_id, request_key) where request_key is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('refunds_request_key').execute();
  await db.schema.alterTable('refunds').dropColumn('request_key').execute();
}
