import { type Kysely, PostgresAdapter, sql } from 'kysely';

/** Image bytes: bytea on PostgreSQL, blob on SQLite; the only type that differs between the two. */
function binaryType(db: Kysely<unknown>) {
  return db.getExecutor().adapter instanceof PostgresAdapter ? sql`bytea` : sql`blob`;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('channel_accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    .addColumn('store_id', 'text', (c) => c.references('stores.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('secrets_sealed', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('channel_accounts_merchant').on('channel_accounts').columns(['merchant_id', 'kind']).execute();

  await db.schema
    .createTable('collection_codes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
    .addColumn('station_id', 'text', (c) => c.references('stations.id'))
    .addColumn('serial', 'text', (c) => c.notNull())
    .addColumn('public_id', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('provider_kind', 'text')
    .addColumn('merchant_name', 'text', (c) => c.notNull())
    .addColumn('amount_fen', 'bigint')
    .addColumn('valid_from', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('notice', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('collection_codes_serial', ['merchant_id', 'serial'])
    .execute();
  await db.schema.createIndex('collection_codes_merchant').on('collection_codes').columns(['merchant_id', 'created_at']).execute();

  await db.schema
    .createTable('code_images')
    .addColumn('code_id', 'text', (c) => c.primaryKey().references('collection_codes.id'))
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('bytes', binaryType(db), (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('code_bindings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    .addColumn('code_id', 'text', (c) => c.notNull().references('collection_codes.id'))
    .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
    .addColumn('station_id', 'text', (c) => c.references('stations.id'))
    // station id, or "store:<id>" for a store-wide binding: one key so "one active binding per place and
    // method" is a single unique index on both databases (NULLs never collide in a unique index).
    .addColumn('scope_key', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('merchant_no', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('verified_at', 'bigint')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('retired_at', 'bigint')
    .addColumn('retired_by', 'text')
    .execute();
  await db.schema
    .createIndex('code_bindings_one_active')
    .on('code_bindings')
    .columns(['merchant_id', 'scope_key', 'method'])
    .unique()
    .where(sql.ref('status'), '=', 'active')
    .execute();
  await db.schema.createIndex('code_bindings_code').on('code_bindings').columns(['merchant_id', 'code_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['code_bindings', 'code_images', 'collection_codes', 'channel_accounts']) await db.schema.dropTable(t).execute();
}
