import { repositories } from '@paydesk/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, freshDatabase, type TestDb } from '../support/databases.ts';
import { rowsOf } from '../support/db-helpers.ts';
import { insertMerchant, insertStation, insertStore, insertUser, t0 } from '../support/rows.ts';

/** Every merchant-owned query filters on merchant_id: another merchant's id finds and changes nothing. */
describe.each(dialects)('merchant scoping of repositories on %s', (dialect) => {
  let db: TestDb;
  let repos: ReturnType<typeof repositories>;
  const a = { merchant: '', store: '', station: '', owner: '', cashier: '', pending: '' };
  const b = { merchant: '', store: '', station: '', owner: '' };

  beforeAll(async () => {
    db = await freshDatabase(dialect);
    repos = repositories(db.kysely, db.dialect);
    a.merchant = await insertMerchant(db);
    a.store = await insertStore(db, a.merchant, 'A 店');
    a.station = await insertStation(db, a.merchant, a.store, 'A 台');
    a.owner = await insertUser(db, a.merchant, { role: 'owner' });
    a.cashier = await insertUser(db, a.merchant, { role: 'cashier', storeId: a.store });
    a.pending = await insertUser(db, a.merchant, { role: 'owner', status: 'pending' });
    b.merchant = await insertMerchant(db);
    b.store = await insertStore(db, b.merchant, 'B 店');
    b.station = await insertStation(db, b.merchant, b.store, 'B 台');
    b.owner = await insertUser(db, b.merchant, { role: 'owner' });
    await repos.sessions.insert({
      id_hash: 'a-session',
      merchant_id: a.merchant,
      user_id: a.cashier,
      station_id: null,
      csrf_token: 'c',
      created_at: t0,
      last_seen_at: t0,
      expires_at: t0 + 1000,
      ip: null,
      user_agent: null,
    });
    await repos.audit.append({
      id: 'audit-a',
      merchant_id: a.merchant,
      actor_user_id: a.owner,
      action: 'store.created',
      target_type: 'store',
      target_id: a.store,
      detail: '{}',
      created_at: t0,
    });
  });
  afterAll(async () => {
    await db.destroy();
  });

  it('stores: found, listed and changed only within their merchant', async () => {
    expect((await repos.stores.findById(a.merchant, a.store))?.name).toBe('A 店');
    expect(await repos.stores.findById(b.merchant, a.store)).toBeUndefined();
    expect((await repos.stores.list(b.merchant)).map((s) => s.id)).toEqual([b.store]);
    expect(await repos.stores.list(b.merchant, a.store)).toEqual([]);
    expect((await repos.stores.list(a.merchant, a.store)).map((s) => s.id)).toEqual([a.store]);
    expect(await repos.stores.update(b.merchant, a.store, { name: '被改', address: 'x', updated_at: t0 + 1 })).toBe(false);
    expect((await repos.stores.findById(a.merchant, a.store))?.name).toBe('A 店');
  });

  it('stations: found, listed and renamed only within their merchant', async () => {
    expect((await repos.stations.findById(a.merchant, a.station))?.name).toBe('A 台');
    expect(await repos.stations.findById(b.merchant, a.station)).toBeUndefined();
    expect((await repos.stations.list(b.merchant)).map((s) => s.id)).toEqual([b.station]);
    expect(await repos.stations.list(b.merchant, a.store)).toEqual([]);
    expect(await repos.stations.rename(b.merchant, a.station, '被改', t0 + 1)).toBe(false);
    expect((await repos.stations.findById(a.merchant, a.station))?.name).toBe('A 台');
  });

  it('users: found, listed, counted and changed only within their merchant', async () => {
    expect((await repos.users.findById(a.merchant, a.cashier))?.role).toBe('cashier');
    expect(await repos.users.findById(b.merchant, a.cashier)).toBeUndefined();
    expect((await repos.users.list(b.merchant)).map((u) => u.id)).toEqual([b.owner]);
    expect(await repos.users.list(b.merchant, { storeId: a.store })).toEqual([]);
    expect((await repos.users.list(a.merchant, { storeId: a.store })).map((u) => u.id)).toEqual([a.cashier]);
    expect(await repos.users.countActiveOwners(a.merchant)).toBe(1);
    expect(await repos.users.countActiveOwners(b.merchant)).toBe(1);

    const before = await rowsOf(db, 'users');
    await repos.users.update(b.merchant, a.cashier, { role: 'owner', status: 'disabled', updated_at: t0 + 1 });
    await repos.users.activatePending(b.merchant, t0 + 1);
    await repos.sessions.deleteForUser(b.merchant, a.cashier);
    expect(await rowsOf(db, 'users')).toEqual(before);
    expect(await repos.sessions.findLive('a-session', t0)).toBeDefined();
    // The same calls with the right merchant do change things.
    await repos.users.activatePending(a.merchant, t0 + 2);
    expect((await repos.users.findById(a.merchant, a.pending))?.status).toBe('active');
  });

  it('audit entries and merchants: listed only for their own merchant', async () => {
    expect((await repos.audit.list(a.merchant)).map((e) => e.id)).toEqual(['audit-a']);
    expect(await repos.audit.list(b.merchant)).toEqual([]);
    expect(await repos.audit.list(b.merchant, { targetId: a.store })).toEqual([]);
    expect((await repos.merchants.findById(a.merchant))?.id).toBe(a.merchant);
  });
});
