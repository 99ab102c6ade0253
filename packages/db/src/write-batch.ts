import type SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** A compiled statement: its SQL text and the values bound to it. */
export interface Statement {
  sql: string;
  parameters: readonly unknown[];
}

/** Runs statements on SQLite's one connection, synchronously, inside an atomic unit. */
export interface UnitStatements {
  /** The rows a statement returns (a SELECT, or a write with RETURNING). */
  rows<R>(statement: Statement): R[];
  /** How many rows a write changed. */
  changed(statement: Statement): number;
}

/** Work that commits whole or not at all. It may not wait for anything: it runs inside a shared transaction. */
export type AtomicUnit<T> = (statements: UnitStatements) => T;
export type Atomic = <T>(unit: AtomicUnit<T>) => Promise<T>;

interface Queued {
  unit: AtomicUnit<unknown>;
  resolve(value: unknown): void;
  reject(reason: unknown): void;
}

/** Bounds how long one batch holds the event loop (a unit of a sale runs in ~0.1 ms). */
const maxUnitsPerBatch = 64;

/**
 * SQLite: the atomic units that concurrent requests submit in the same turn of the event loop are
 * committed by one transaction, each inside its own savepoint, so one that fails (or refuses) rolls back
 * alone while the others commit.
 *
 * Why: a COMMIT writes every page the transaction changed to the WAL, and a sale changes a page in each
 * of its tables and indexes: ~30 page writes a checkout when every unit commits alone. Sales made
 * together append to the same pages, which a shared commit writes once. The units also run straight on
 * the connection, without the promise hops of a query builder's transaction. A unit's promise settles
 * only after the COMMIT, so durability is as before: callers still await `durable()` before anything is
 * acknowledged (group-commit.ts).
 */
export class WriteBatcher {
  private queue: Queued[] = [];
  private scheduled = false;

  constructor(
    /** Held while a batch runs, so no transaction of the query builder's is open across ours. */
    private readonly kysely: Kysely<Database>,
    private readonly native: SQLite.Database,
    private readonly prepare: (sql: string) => SQLite.Statement,
  ) {}

  run<T>(unit: AtomicUnit<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ unit, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    try {
      // Units submitted while the connection is busy join this batch.
      await this.kysely.connection().execute(async () => this.commit(this.queue.splice(0, maxUnitsPerBatch)));
    } catch (err) {
      // The connection could not be had (the database is closing): nothing queued can run.
      for (const job of this.queue.splice(0)) job.reject(err);
    } finally {
      this.scheduled = false;
      this.schedule();
    }
  }

  private commit(batch: Queued[]): void {
    const statements: UnitStatements = {
      rows: <R>(s: Statement) => this.prepare(s.sql).all(s.parameters) as R[],
      changed: (s: Statement) => this.prepare(s.sql).run(s.parameters).changes,
    };
    const exec = (sql: string) => this.prepare(sql).run();
    const outcomes: { job: Queued; ok: boolean; value: unknown }[] = [];
    try {
      exec('begin');
      for (const job of batch) {
        exec('savepoint unit');
        try {
          const value = job.unit(statements);
          exec('release unit');
          outcomes.push({ job, ok: true, value });
        } catch (err) {
          if (!this.native.inTransaction) {
            // SQLite rolled the whole transaction back (disk full, an I/O error): this unit gets its own
            // error; the others, whose writes went with it, run again in the next batch.
            job.reject(err);
            this.queue.unshift(...batch.filter((other) => other !== job));
            return;
          }
          exec('rollback to unit');
          exec('release unit');
          outcomes.push({ job, ok: false, value: err });
        }
      }
      exec('commit');
    } catch (err) {
      this.abandon(batch, err, exec);
      return;
    }
    for (const { job, ok, value } of outcomes) {
      if (ok) job.resolve(value);
      else job.reject(value);
    }
  }

  /** Nothing of the batch is kept, and the connection must not stay inside its transaction. */
  private abandon(batch: Queued[], err: unknown, exec: (sql: string) => void): void {
    if (this.native.inTransaction) {
      try {
        exec('rollback');
      } catch {}
    }
    // Left open, every later write would join a transaction that never commits while durable() said
    // all was well: better no database than that.
    if (this.native.inTransaction) this.native.close();
    for (const job of batch) job.reject(err);
  }
}
