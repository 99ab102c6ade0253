import { createHash } from 'node:crypto';
import type { Db } from '@paydesk/db';
import { allTables, rowsOf, type TableName } from './db-helpers.ts';

export const digestedTables = allTables;

export interface DigestOptions {
  /**
   * What may change without counting: a table name ("rate_limits") or one column of a table
   * ("sessions.last_seen_at"). Name only what legitimately changes on any request, and say why.
   */
  ignore?: string[];
}

/**
 * Binary columns (uploaded images) are hashed rather than spelled out as JSON arrays of bytes. The holder
 * (`this`) still has the Buffer itself; `value` is already what its toJSON made of it.
 */
function stable(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const original = this[key];
  return original instanceof Uint8Array ? `bytes:${createHash('sha256').update(original).digest('hex')}` : value;
}

function parseIgnore(ignore: readonly string[]): { tables: Set<string>; columns: Map<string, Set<string>> } {
  const tables = new Set<string>();
  const columns = new Map<string, Set<string>>();
  for (const entry of ignore) {
    const [table = '', column, ...rest] = entry.split('.');
    // A misspelt name would ignore nothing and hide nothing: refuse it rather than pass quietly.
    if (!(allTables as string[]).includes(table) || rest.length > 0 || column === '') throw new Error(`digest: cannot ignore "${entry}"`);
    if (column === undefined) tables.add(table);
    else columns.set(table, (columns.get(table) ?? new Set()).add(column));
  }
  return { tables, columns };
}

/**
 * One hash per table over all its rows (ignored columns left out), so a failing comparison names the
 * tables that changed.
 */
export async function tableDigests(db: Db, opts: DigestOptions = {}): Promise<Record<string, string>> {
  const { tables, columns } = parseIgnore(opts.ignore ?? []);
  const digestOf = async (table: TableName): Promise<[string, string]> => {
    const skip = columns.get(table);
    const lines = (await rowsOf(db, table))
      .map((row) => JSON.stringify(skip ? Object.fromEntries(Object.entries(row).filter(([k]) => !skip.has(k))) : row, stable))
      // rowsOf sorts whole rows; without the ignored columns the order must not depend on them.
      .sort();
    return [table, createHash('sha256').update(lines.join('\n')).digest('hex')];
  };
  // All tables at once: on PostgreSQL the pool reads them side by side, which a fuzzer calling this after
  // every request notices.
  return Object.fromEntries(await Promise.all(digestedTables.filter((table) => !tables.has(table)).map(digestOf)));
}

/** A hash of every row of every table: equal before and after a request means it changed nothing. */
export async function digestDatabase(db: Db, opts: DigestOptions = {}): Promise<string> {
  const digests = await tableDigests(db, opts);
  return createHash('sha256')
    .update(
      Object.entries(digests)
        .map(([table, hash]) => `${table}:${hash}`)
        .join('\n'),
    )
    .digest('hex');
}
