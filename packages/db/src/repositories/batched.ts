import { CompiledQuery } from 'kysely';
import { Coalescer, type CoalescerOptions } from '../coalescer.ts';
import type { Dialect } from '../connect.ts';
import type { Executor } from './executor.ts';
import { namedOnPostgres } from './prepared.ts';

/**
 * PostgreSQL building blocks of statements that serve many calls at once (coalescer.ts): rows travel as
 * one JSON array per table and become typed rows with `json_populate_recordset(null::table, …)`, so one
 * statement text serves any number of them and is parsed and planned once per connection.
 */

const quoted = (name: string) => `"${name}"`;

/** The columns any of `rows` sets (undefined ones are left out, as in a single insert). */
export function columnsOfRows(rows: readonly object[]): string[] {
  const columns = new Set<string>();
  for (const row of rows) for (const [k, v] of Object.entries(row)) if (v !== undefined) columns.add(k);
  return [...columns].sort();
}

/** `table`'s rows from the JSON array bound at `$param`, typed by the table's own row type. */
function rowsOf(table: string, param: number): string {
  return `json_populate_recordset(null::${quoted(table)}, $${param}::json)`;
}

/** INSERT of the JSON array at `$param` into `table`, `columns` set (the others take their defaults). */
export function insertRows(table: string, columns: readonly string[], param: number, where = ''): string {
  const list = columns.map(quoted).join(', ');
  return `insert into ${quoted(table)} (${list}) select ${list} from ${rowsOf(table, param)} x${where ? ` where ${where}` : ''}`;
}

/**
 * JSON has no NaN or Infinity (they would arrive as NULL); a bound value refuses them, so the batch fails
 * and each call runs by itself, refused as it would be alone.
 */
function finiteOnly(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  return value;
}

/** Runs a batch statement; its text is named, so each connection prepares it once. */
export async function runBatch<R>(db: Executor, text: string, arrays: readonly unknown[]): Promise<R[]> {
  namedOnPostgres(text);
  const { rows } = await db.executeQuery<R>(
    CompiledQuery.raw(
      text,
      arrays.map((a) => JSON.stringify(a, finiteOnly)),
    ),
  );
  return rows;
}

/**
 * A lookup that concurrent requests share on PostgreSQL: `text` reads the rows of every input at once
 * from the JSON array at $1, whose objects carry their position as `i` (the text selects `x.i` with the
 * rows). On SQLite, inside a transaction, or for a lone call, the single query `one` runs instead: a
 * transaction's reads must see what it wrote and hold what it locked.
 */
export function sharedLookup<I extends object, R>(
  kind: string,
  text: string,
  one: (db: Executor, dialect: Dialect, input: I) => Promise<R[]>,
): (db: Executor, dialect: Dialect, input: I) => Promise<R[]> {
  return (db, dialect, input) => {
    if (dialect !== 'postgres' || db.isTransaction) return one(db, dialect, input);
    const coalescer = coalescerFor(db, kind, () => ({
      many: async (inputs: readonly I[]) => {
        const rows = await runBatch<R & { i: number }>(db, text, [inputs.map((x, i) => ({ ...x, i }))]);
        const out: R[][] = inputs.map(() => []);
        for (const { i, ...row } of rows) out[i]?.push(row as unknown as R);
        return out;
      },
      one: (x: I) => one(db, dialect, x),
    }));
    return coalescer.run(input);
  };
}

const registry = new WeakMap<Executor, Map<string, Coalescer<never, unknown>>>();

/**
 * The coalescer of `kind` for this database (one per pool, shared by every request). Kinds whose
 * statement text depends on the call (which columns a patch sets) include that in `kind`.
 */
export function coalescerFor<I, O>(db: Executor, kind: string, options: () => CoalescerOptions<I, O>): Coalescer<I, O> {
  let kinds = registry.get(db);
  if (!kinds) {
    kinds = new Map();
    registry.set(db, kinds);
  }
  let coalescer = kinds.get(kind) as Coalescer<I, O> | undefined;
  if (!coalescer) {
    coalescer = new Coalescer({ ...options(), onFailure: reportFailure(kind) });
    kinds.set(kind, coalescer as unknown as Coalescer<never, unknown>);
  }
  return coalescer;
}

/**
 * A shared statement that fails is answered correctly (each call runs alone) but costs twice; one that
 * keeps failing (a schema the code does not expect, a bad value) should not do so silently. At most a
 * line a minute per kind, on stderr like the slow-query log (connect.ts).
 */
function reportFailure(kind: string): (error: unknown, calls: number) => void {
  let last = Number.NEGATIVE_INFINITY;
  return (error, calls) => {
    const now = Date.now();
    if (now - last < 60_000) return;
    last = now;
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`shared statement ${kind.split(':')[0]} failed, its ${calls} calls ran alone: ${message}\n`);
  };
}

/** How many calls the batches of this database served, and in how many statements (for diagnostics). */
export function batchStats(db: Executor): Record<string, Coalescer<never, unknown>['stats']> {
  const out: Record<string, Coalescer<never, unknown>['stats']> = {};
  for (const [kind, c] of registry.get(db) ?? []) out[kind] = { ...c.stats };
  return out;
}
