import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, type LogConfig, PostgresDialect, type SqliteDatabase, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { WalCheckpointer } from './checkpointer.ts';
import { WalGroupCommit } from './group-commit.ts';
import { postgresStatementName } from './repositories/prepared.ts';
import type { Database } from './schema.ts';
import { type Atomic, WriteBatcher } from './write-batch.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface Db {
  kysely: Kysely<Database>;
  dialect: Dialect;
  /** Where the SQLite file lives (undefined on PostgreSQL). */
  file?: string;
  /**
   * Resolves when every commit made so far would survive a power cut. Await it before acknowledging a
   * write or acting outside the process on one (see group-commit.ts). Immediate on PostgreSQL, whose
   * COMMIT returns only once durable.
   */
  durable(): Promise<void>;
  /**
   * SQLite: runs an atomic unit, committed together with the units submitted beside it (write-batch.ts).
   * Never await one inside a transaction of this database: the unit waits for the connection, which the
   * transaction holds until the unit is done.
   */
  atomic?: Atomic | undefined;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres://… selects PostgreSQL; otherwise SQLite under dataDir. */
  databaseUrl?: string | undefined;
  dataDir: string;
  /** SQLite file name inside dataDir; ':memory:' for throwaway test databases. */
  sqliteFile?: string;
  poolSize?: number;
}

// `pg` hands back int8 as strings; our int8 columns hold epoch milliseconds and fen, which stay far
// below 2^53, so convert them in this one place and refuse anything that would lose precision.
pg.types.setTypeParser(20, (value: string) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${value} exceeds the safe integer range`);
  return n;
});

export function openDatabase(options: OpenOptions): Db {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.poolSize ?? 10);
  return openSqlite(options.dataDir, options.sqliteFile ?? 'paydesk.sqlite');
}

function openSqlite(dataDir: string, fileName: string): Db {
  const file = fileName === ':memory:' ? ':memory:' : path.resolve(dataDir, fileName);
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const native = new SQLite(file);
  native.pragma('journal_mode = WAL');
  native.pragma('foreign_keys = ON');
  // NORMAL: commits do not wait for the disk; `durable()` flushes them in groups before anything is
  // acknowledged, so an acknowledged payment still survives a power cut (group-commit.ts).
  native.pragma('synchronous = NORMAL');
  native.pragma('busy_timeout = 5000');
  const groupCommit = file === ':memory:' ? undefined : new WalGroupCommit(`${file}-wal`);
  const checkpointer = file === ':memory:' ? undefined : new WalCheckpointer(file);
  // The checkpointer's thread keeps the WAL short; this only catches a checkpointer that fell behind.
  if (checkpointer) native.pragma('wal_autocheckpoint = 10000');
  const onWrite = () => {
    groupCommit?.noteWrite();
    checkpointer?.noteWrite();
  };
  const statements = withStatementCache(native, onWrite);
  const kysely = new Kysely<Database>({
    dialect: new SqliteDialect({ database: statements }),
    log: slowQueryLog(),
  });
  const batcher = new WriteBatcher(kysely, native, statements.prepare);
  return {
    kysely,
    dialect: 'sqlite',
    file,
    durable: () => groupCommit?.durable() ?? Promise.resolve(),
    atomic: (unit) => batcher.run(unit),
    async ping() {
      try {
        native.prepare('select 1').get();
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await checkpointer?.close();
      await groupCommit?.close();
      await kysely.destroy();
    },
  };
}

/** PAYDESK_SLOW_QUERY_MS=N prints every query slower than N ms to stderr (SQL only, never parameters). */
function slowQueryLog(): LogConfig | undefined {
  const threshold = Number(process.env.PAYDESK_SLOW_QUERY_MS);
  if (!Number.isFinite(threshold) || threshold <= 0) return undefined;
  return (event) => {
    if (event.queryDurationMillis >= threshold)
      process.stderr.write(`slow query ${event.queryDurationMillis.toFixed(1)} ms: ${event.query.sql}\n`);
  };
}

/**
 * Kysely's SQLite driver prepares every statement (BEGIN and COMMIT too) on every call, which costs more
 * than running it. Our queries are a fixed set of texts, so prepared statements are kept by their SQL.
 * Preparing is also where each execution can be seen: `onWrite` hears of every statement that may write.
 * The driver needs only `prepare` and `close`, so it gets exactly those (a Proxy of the whole database
 * object cost a closure or a bound function on every statement).
 */
function withStatementCache(native: SQLite.Database, onWrite: () => void): SqliteDatabase & { prepare(sql: string): SQLite.Statement } {
  const cache = new Map<string, SQLite.Statement>();
  return {
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (!statement) {
        statement = native.prepare(sql);
        // Bounded: ad-hoc texts (filters with IN lists) must not grow the cache without end.
        if (cache.size >= 2000) cache.clear();
        cache.set(sql, statement);
      }
      // Only a pure read is not counted: COMMIT must count, or a durable() that began inside the
      // transaction would cover its statements but not their commit.
      if (!(statement.reader && statement.readonly)) onWrite();
      return statement;
    },
    close() {
      native.close();
    },
  };
}

/**
 * Runs prepared queries (repositories/prepared.ts) as named statements: each connection parses and plans
 * such a text once, then only binds and executes it. Those are the few short statements every sale runs,
 * keyed lookups for which a generic plan is the right one; every other query stays unnamed and is planned
 * for its values, as before.
 */
class NamingClient extends pg.Client {
  // biome-ignore lint/suspicious/noExplicitAny: pg's query() has a dozen overloads; this forwards them all.
  override query(config: any, values?: any, callback?: any): any {
    const name = typeof config === 'string' ? postgresStatementName(config) : undefined;
    if (name && Array.isArray(values)) return super.query({ name, text: config, values }, callback);
    return super.query(config, values, callback);
  }
}

function openPostgres(url: string, max: number): Db {
  // JIT compiles every execution of a parameterised plan estimated above jit_above_cost anew: 7 ms on a
  // cashier's records page, seconds on an unbounded sum (docs/performance.md). Our queries are short.
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 3000, options: '-c jit=off', Client: NamingClient });
  // A client losing its server (a restart) must not crash the process: idle ones report on the pool,
  // ones checked out mid-transaction on themselves. Their query fails (503) and the next one reconnects.
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: slowQueryLog() });
  return {
    kysely,
    dialect: 'postgres',
    durable: () => Promise.resolve(),
    async ping() {
      try {
        await sql`select 1`.execute(kysely);
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await kysely.destroy();
    },
  };
}
