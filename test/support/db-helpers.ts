import type { Database, Db } from '@paydesk/db';

export type TableName = keyof Database;

export const allTables: TableName[] = [
  'merchants',
  'users',
  'sessions',
  'otp_codes',
  'rate_limits',
  'outbox',
  'dev_messages',
  'stores',
  'stations',
  'audit_log',
  'idempotency_keys',
];

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
