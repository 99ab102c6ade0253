import type { Database, Db } from '@paydesk/db';

export type TableName = keyof Database;

/**
 * Every table of the schema. Written as an object checked against `Database` so that a table added to
 * the schema and forgotten here fails the type check instead of silently escaping every digest.
 */
const everyTable = {
  merchants: true,
  users: true,
  sessions: true,
  otp_codes: true,
  rate_limits: true,
  outbox: true,
  dev_messages: true,
  stores: true,
  stations: true,
  audit_log: true,
  idempotency_keys: true,
  channel_accounts: true,
  collection_codes: true,
  code_images: true,
  code_bindings: true,
  orders: true,
  payments: true,
  payment_events: true,
  refunds: true,
  cash_movements: true,
  sim_trades: true,
  sim_refunds: true,
  sim_payer_codes: true,
} as const satisfies Record<keyof Database, true>;

export const allTables = Object.keys(everyTable) as TableName[];

/** Rows per table, to show that a refused request wrote nothing. */
export async function countRows<T extends TableName>(db: Db, tables: readonly T[]): Promise<Record<T, number>> {
  const counts = {} as Record<T, number>;
  for (const table of tables) {
    const name: TableName = table;
    const row = await db.kysely
      .selectFrom(name)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}

/** Every row of a table, in a stable order, for before/after comparisons. */
export async function rowsOf(db: Db, table: TableName): Promise<Record<string, unknown>[]> {
  const rows = (await db.kysely.selectFrom(table).selectAll().execute()) as Record<string, unknown>[];
  return rows
    .map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

/** The whole database as one text, to search it for things that must never be stored in clear. */
export async function dumpDatabase(db: Db): Promise<string> {
  const parts: string[] = [];
  for (const table of allTables) parts.push(`${table}: ${JSON.stringify(await rowsOf(db, table))}`);
  return parts.join('\n');
}
