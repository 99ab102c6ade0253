import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database } from '../schema.ts';

/** A Kysely instance or a transaction: repositories work the same inside and outside one. */
export type Executor = Kysely<Database>;

/**
 * 'active' written into the SQL instead of bound: SQLite can use a partial index (`… where status = 'active'`)
 * for a bound value only by planning the statement again on every run (~40 µs a time, measured), while a
 * literal is planned once. For the status columns of tables with such indexes.
 */
export const activeStatus = sql.lit('active' as const);

/** The columns a row sets (undefined values are left out, as Kysely leaves them out of an INSERT). */
export function columnsOf<R extends object>(row: R): (keyof R & string)[] {
  return (Object.keys(row) as (keyof R & string)[]).filter((k) => row[k] !== undefined);
}
