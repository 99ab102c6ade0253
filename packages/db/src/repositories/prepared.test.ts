import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../connect.ts';
import { prepared } from './prepared.ts';

let db: Db;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'pd-prepared-'));
  db = openDatabase({ dataDir: dir });
  await sql`create table orders (merchant_id text not null, id text not null, store_id text, station_id text default 'none', cashier_id text,
    status text not null, total_fen integer not null, lines text not null default '[]', created_at integer not null,
    updated_at integer not null, primary key (merchant_id, id))`.execute(db.kysely);
});
afterAll(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

const insert = prepared(
  (k, row: { merchant_id: string; id: string; status: 'open' | 'paid'; total_fen: number; station_id?: string | null }) =>
    k
      .insertInto('orders')
      .values({ ...row, store_id: 's', cashier_id: 'u', lines: '[]', created_at: 1, updated_at: 1 })
      .onConflict((oc) => oc.columns(['merchant_id', 'id']).doNothing()),
);
const byStatus = prepared((k, merchantId: string, statuses: readonly string[]) =>
  k
    .selectFrom('orders')
    .select(['id', 'station_id'])
    .where('merchant_id', '=', merchantId)
    .where('status', 'in', statuses as ('open' | 'paid')[])
    .orderBy('id'),
);

describe('prepared queries', () => {
  it('bind each call’s values where the first call’s markers landed, for every shape of the arguments', async () => {
    expect(await insert.changed(db.kysely, 'sqlite', { merchant_id: 'm1', id: 'a', status: 'open', total_fen: 100 })).toBe(1);
    // Another shape (one more column): compiled on its own, so no value lands in another column's place.
    expect(await insert.changed(db.kysely, 'sqlite', { merchant_id: 'm1', id: 'b', status: 'paid', total_fen: 5, station_id: 'st1' })).toBe(
      1,
    );
    // Undefined is left out, as Kysely leaves it out: the column's default applies.
    expect(
      await insert.changed(db.kysely, 'sqlite', { merchant_id: 'm2', id: 'c', status: 'open', total_fen: 7, station_id: undefined }),
    ).toBe(1);
    expect(await insert.changed(db.kysely, 'sqlite', { merchant_id: 'm1', id: 'a', status: 'paid', total_fen: 1 })).toBe(0);

    expect(await byStatus.rows(db.kysely, 'sqlite', 'm1', ['open'])).toEqual([{ id: 'a', station_id: 'none' }]);
    expect(await byStatus.rows(db.kysely, 'sqlite', 'm1', ['open', 'paid'])).toEqual([
      { id: 'a', station_id: 'none' },
      { id: 'b', station_id: 'st1' },
    ]);
    expect(await byStatus.first(db.kysely, 'sqlite', 'm2', ['paid', 'open'])).toEqual({ id: 'c', station_id: 'none' });
    expect(await byStatus.first(db.kysely, 'sqlite', 'm3', ['open'])).toBeUndefined();
  });

  it('run inside a transaction like any query', async () => {
    await expect(
      db.kysely.transaction().execute(async (trx) => {
        await insert.changed(trx, 'sqlite', { merchant_id: 'm9', id: 'z', status: 'open', total_fen: 1 });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await byStatus.rows(db.kysely, 'sqlite', 'm9', ['open'])).toEqual([]);
  });

  it('refuse a build that computes with an argument instead of binding it, before anything runs', async () => {
    const wrong = prepared((k, n: number) =>
      k
        .selectFrom('orders')
        .select('id')
        .where('total_fen', '=', n + 1),
    );
    await expect(wrong.rows(db.kysely, 'sqlite', 1)).rejects.toThrow(/lost an argument/);
  });
});
