import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from './schema.ts';
import { WriteBatcher } from './write-batch.ts';

const open: { native: SQLite.Database; dir: string }[] = [];
afterEach(() => {
  for (const { native, dir } of open.splice(0)) {
    if (native.open) native.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A file database with a batcher, counting the COMMITs it runs. */
function setUp() {
  const dir = mkdtempSync(path.join(tmpdir(), 'pd-batch-'));
  const native = new SQLite(path.join(dir, 'db.sqlite'));
  native.pragma('journal_mode = WAL');
  native.exec('create table t (id text primary key, v integer not null)');
  open.push({ native, dir });
  const commits = { n: 0 };
  const prepare = (text: string) => {
    if (text === 'commit') commits.n += 1;
    return native.prepare(text);
  };
  const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: native }) });
  const batcher = new WriteBatcher(kysely, native, prepare);
  const insert = (id: string, v = 1) =>
    batcher.run((run) => run.changed({ sql: 'insert into t (id, v) values (?, ?)', parameters: [id, v] }));
  const ids = () => (native.prepare('select id from t order by id').all() as { id: string }[]).map((r) => r.id);
  return { native, kysely, batcher, commits, insert, ids };
}

describe('WriteBatcher', () => {
  it('commits the units submitted together in one transaction, and answers each with its own result', async () => {
    const { commits, insert, ids } = setUp();
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((id) => insert(id)));
    expect(results).toEqual([1, 1, 1, 1]);
    expect(ids()).toEqual(['a', 'b', 'c', 'd']);
    expect(commits.n).toBe(1);
  });

  it('rolls back a unit that fails, alone: the others of its batch commit', async () => {
    const { batcher, insert, ids } = setUp();
    await insert('taken');
    const half = batcher.run((run) => {
      run.changed({ sql: 'insert into t (id, v) values (?, ?)', parameters: ['half', 1] });
      run.changed({ sql: 'insert into t (id, v) values (?, ?)', parameters: ['taken', 2] });
    });
    const refused = batcher.run(() => {
      throw new Error('refused by the unit');
    });
    const [before, after] = [insert('before'), insert('after')];
    await expect(half).rejects.toThrow(/UNIQUE/);
    await expect(refused).rejects.toThrow('refused by the unit');
    await Promise.all([before, after]);
    expect(ids()).toEqual(['after', 'before', 'taken']);
  });

  it('runs a batch of more units than one commit takes, all of them', async () => {
    const { commits, insert, ids } = setUp();
    await Promise.all(Array.from({ length: 150 }, (_, i) => insert(`u${String(i).padStart(3, '0')}`)));
    expect(ids()).toHaveLength(150);
    expect(commits.n).toBe(3);
  });

  it('waits for an open transaction of the query builder and never joins it', async () => {
    const { kysely, insert, ids } = setUp();
    let unit: Promise<number> | undefined;
    await kysely
      .transaction()
      .execute(async (trx) => {
        await sql`insert into t (id, v) values ('in-trx', 1)`.execute(trx);
        unit = insert('unit');
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new Error('roll back');
      })
      .catch(() => {});
    await unit;
    expect(ids()).toEqual(['unit']);
  });

  it('refuses the units of a closed database instead of leaving them waiting', async () => {
    const { kysely, insert } = setUp();
    await insert('first');
    await kysely.destroy();
    await expect(Promise.all([insert('late'), insert('later')])).rejects.toThrow(/destroyed/);
  });

  it('gives a unit that makes SQLite abandon the transaction its own error, and runs the others again', async () => {
    const { native, batcher, insert, ids } = setUp();
    await insert('a');
    const pages = (native.pragma('page_count', { simple: true }) as number) + 1;
    native.pragma(`max_page_count = ${pages}`);
    const big = 'x'.repeat(200_000);
    const units = [
      insert('before'),
      batcher.run((run) => run.changed({ sql: 'insert into t (id, v) values (?, ?)', parameters: [big, 1] })),
      insert('after'),
    ];
    const [before, full, after] = await Promise.allSettled(units);
    expect(full).toMatchObject({ status: 'rejected', reason: { code: 'SQLITE_FULL' } });
    expect(before).toMatchObject({ status: 'fulfilled', value: 1 });
    expect(after).toMatchObject({ status: 'fulfilled', value: 1 });
    expect(ids()).toEqual(['a', 'after', 'before']);
    expect(native.inTransaction).toBe(false);
  });
});
