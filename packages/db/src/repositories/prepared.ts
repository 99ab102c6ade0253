import { type Compilable, CompiledQuery } from 'kysely';
import type { Dialect } from '../connect.ts';
import type { Statement } from '../write-batch.ts';
import type { Executor } from './executor.ts';

/**
 * Queries built and compiled once, then run many times with new values.
 *
 * Kysely builds an operation tree and compiles it to SQL on every call; on the checkout path that was
 * more CPU than SQLite spent running the statements (docs/performance.md). A prepared query is built
 * once per dialect and per *shape* of its arguments (array lengths, the keys of objects whose values
 * are defined, as Kysely omits undefined ones), with markers in place of the values; later calls only
 * bind the values where the markers landed. So a build function must put each argument into the query
 * as it is: one that computes with an argument (`n + 1`, `String(x)`) loses its marker, which is caught
 * at the first call, before anything runs.
 */
export interface PreparedQuery<A extends unknown[], O> {
  rows(db: Executor, dialect: Dialect, ...args: A): Promise<O[]>;
  first(db: Executor, dialect: Dialect, ...args: A): Promise<O | undefined>;
  /** Rows inserted, updated or deleted. */
  changed(db: Executor, dialect: Dialect, ...args: A): Promise<number>;
  /** The SQL and values, to run on a connection directly (write-batch.ts). */
  statement(db: Executor, dialect: Dialect, ...args: A): Statement;
}

/** Stands for the value at this index of the flattened arguments while the query is compiled. */
class Marker {
  constructor(readonly index: number) {}
}

interface Compiled {
  sql: string;
  /** For each parameter: the index of a flattened argument, or a constant the build put there itself. */
  sources: ({ arg: number } | { constant: unknown })[];
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/**
 * Walks the arguments once: pushes each scalar onto `values` (the order markers() numbers them in) and
 * returns their shape, which together with the build function decides the SQL text.
 */
function walk(value: unknown, values: unknown[]): string {
  if (Array.isArray(value)) {
    let shape = '[';
    for (const v of value) shape += walk(v, values);
    return `${shape}]`;
  }
  if (isRecord(value)) {
    let shape = '{';
    for (const k in value) if (value[k] !== undefined) shape += `${k}:${walk(value[k], values)}`;
    return `${shape}}`;
  }
  values.push(value);
  return '.';
}

function markers(value: unknown, next: { index: number }): unknown {
  if (Array.isArray(value)) return value.map((v) => markers(v, next));
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const k in value) if (value[k] !== undefined) out[k] = markers(value[k], next);
    return out;
  }
  const marker = new Marker(next.index);
  next.index += 1;
  return marker;
}

const postgresNames = new Map<string, string>();

/** Our prepared texts get a name, so each PostgreSQL connection parses and plans them once (connect.ts). */
export function namedOnPostgres(sql: string): void {
  if (!postgresNames.has(sql)) postgresNames.set(sql, `pd_${postgresNames.size}`);
}

/** The server-side statement name of a prepared query's text; undefined for every other text. */
export function postgresStatementName(sql: string): string | undefined {
  return postgresNames.get(sql);
}

export function prepared<A extends unknown[], O>(build: (db: Executor, ...args: A) => Compilable<O>): PreparedQuery<A, O> {
  const cache = new Map<string, Compiled>();

  const compile = (db: Executor, dialect: Dialect, key: string, args: A): Compiled => {
    const hit = cache.get(key);
    if (hit) return hit;
    const counter = { index: 0 };
    const marked = markers(args, counter) as A;
    const { sql, parameters } = build(db, ...marked).compile();
    const sources = parameters.map((p) => (p instanceof Marker ? { arg: p.index } : { constant: p }));
    const used = new Set(sources.flatMap((s) => ('arg' in s ? [s.arg] : [])));
    if (used.size !== counter.index) throw new Error(`prepared query lost an argument (it must be used as it is): ${sql}`);
    const compiled = { sql, sources };
    if (dialect === 'postgres') namedOnPostgres(sql);
    // Bounded, though shapes are few: IN lists vary by length, rows and patches by which columns they set.
    if (cache.size >= 200) cache.clear();
    cache.set(key, compiled);
    return compiled;
  };

  const bind = (db: Executor, dialect: Dialect, args: A): Statement => {
    const values: unknown[] = [];
    const { sql, sources } = compile(db, dialect, dialect + walk(args, values), args);
    return { sql, parameters: sources.map((s) => ('arg' in s ? values[s.arg] : s.constant)) };
  };
  const run = (db: Executor, dialect: Dialect, args: A) => {
    const { sql, parameters } = bind(db, dialect, args);
    return db.executeQuery<O>(CompiledQuery.raw(sql, parameters as unknown[]));
  };

  return {
    async rows(db, dialect, ...args) {
      return (await run(db, dialect, args)).rows;
    },
    async first(db, dialect, ...args) {
      return (await run(db, dialect, args)).rows[0];
    },
    async changed(db, dialect, ...args) {
      return Number((await run(db, dialect, args)).numAffectedRows ?? 0n);
    },
    statement(db, dialect, ...args) {
      return bind(db, dialect, args);
    },
  };
}
