import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../support/databases.ts';
import { rowsOf, type TableName } from '../support/db-helpers.ts';
import { addStaff, addStoreAndStation, goodPassword, type Owner, registerOwner, uniquePhone } from '../support/factories.ts';
import type { HttpClient, Res } from '../support/http-client.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

type Staff = Awaited<ReturnType<typeof addStaff>>;

interface Merchant {
  owner: Owner;
  ownerId: string;
  storeId: string;
  stationId: string;
  manager: Staff;
  cashier: Staff;
}

const tenantTables: TableName[] = ['merchants', 'stores', 'stations', 'users', 'sessions', 'audit_log', 'idempotency_keys', 'otp_codes'];

describe.each(dialects)('tenant isolation on %s', (dialect) => {
  let t: TestApp;
  let a: Merchant;
  let b: Merchant;

  async function merchant(storeName: string): Promise<Merchant> {
    const owner = await registerOwner(t, { enterpriseName: `${storeName}有限公司` });
    const ownerId = (await owner.client.get('/api/auth/session')).body.user.id as string;
    const { storeId, stationId } = await addStoreAndStation(owner.client, storeName);
    const manager = await addStaff(t, owner.client, 'manager', storeId);
    const cashier = await addStaff(t, owner.client, 'cashier', storeId);
    return { owner, ownerId, storeId, stationId, manager, cashier };
  }

  /** Everything of merchant m in the database, to compare before and after the other merchant's attempts. */
  async function rowsOfMerchant(m: Merchant) {
    const out: Record<string, unknown[]> = {};
    for (const table of tenantTables) {
      const rows = await rowsOf(t.db, table);
      out[table] = rows.filter((r) => (table === 'merchants' ? r.id : r.merchant_id) === m.owner.merchantId);
    }
    return out;
  }

  const idsOf = (m: Merchant) => [m.owner.merchantId, m.ownerId, m.storeId, m.stationId, m.manager.id, m.cashier.id];

  function expectRefused(res: Res, what: string) {
    expect([403, 404], `${what}: ${res.status} ${res.text.slice(0, 200)}`).toContain(res.status);
    expect(['FORBIDDEN', 'NOT_FOUND', 'ROUTE_NOT_FOUND'], what).toContain(res.body?.error?.code);
    for (const id of idsOf(a)) expect(res.text, what).not.toContain(id);
  }

  beforeAll(async () => {
    t = await createTestApp(dialect);
    a = await merchant('甲店');
    b = await merchant('乙店');
    // A sets PINs and has an audit trail worth protecting.
    expect((await a.cashier.client.put('/api/me/pin', { pin: '3691', password: goodPassword })).status).toBe(204);
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses every call B’s owner, manager and cashier make with A’s ids, and nothing of A changes', async () => {
    const before = await rowsOfMerchant(a);
    const aUsers = [a.ownerId, a.manager.id, a.cashier.id];

    for (const [role, client] of [
      ['owner', b.owner.client],
      ['manager', b.manager.client],
      ['cashier', b.cashier.client],
    ] as [string, HttpClient][]) {
      const tries: [string, () => Promise<Res>][] = [
        ['GET store', () => client.get(`/api/stores/${a.storeId}`)],
        ['PATCH store', () => client.patch(`/api/stores/${a.storeId}`, { name: '被B改了', address: 'B' })],
        ['PATCH station', () => client.patch(`/api/stations/${a.stationId}`, { name: '被B改了' })],
        ['GET stations of A’s store', () => client.get(`/api/stations?storeId=${a.storeId}`)],
        ['POST station into A’s store', () => client.post('/api/stations', { storeId: a.storeId, name: 'B 的台' })],
        [
          'POST staff into A’s store',
          () =>
            client.post('/api/staff', { name: '卧底', phone: uniquePhone(), role: 'cashier', storeId: a.storeId, password: goodPassword }),
        ],
        [
          'POST manager into A’s store',
          () =>
            client.post('/api/staff', { name: '卧底', phone: uniquePhone(), role: 'manager', storeId: a.storeId, password: goodPassword }),
        ],
        ['open A’s station', () => client.post('/api/auth/station', { stationId: a.stationId })],
        ...aUsers.flatMap((id): [string, () => Promise<Res>][] => [
          [`PATCH staff ${id} status`, () => client.patch(`/api/staff/${id}`, { status: 'disabled' })],
          [`PATCH staff ${id} password`, () => client.patch(`/api/staff/${id}`, { password: 'Taken-Over-2026!' })],
          [`PATCH staff ${id} into B’s store`, () => client.patch(`/api/staff/${id}`, { role: 'cashier', storeId: b.storeId })],
          [`PATCH staff ${id} pin`, () => client.patch(`/api/staff/${id}`, { pin: '2468' })],
        ]),
      ];
      for (const [what, attempt] of tries) expectRefused(await attempt(), `${role}: ${what}`);

      // A’s store id in the audit filter finds nothing (owner) or is forbidden.
      const audit = await client.get(`/api/audit?targetId=${a.storeId}`);
      if (role === 'owner') {
        expect(audit.status).toBe(200);
        expect(audit.body.items).toEqual([]);
      } else {
        expectRefused(audit, `${role}: audit`);
      }
    }

    // Switching to one of A’s people from B’s station, whoever opened it.
    for (const opener of [b.owner, b.manager, b.cashier]) {
      const device = t.client();
      expect((await device.post('/api/auth/login', { login: opener.phone, password: goodPassword })).status).toBe(200);
      expect((await device.post('/api/auth/station', { stationId: b.stationId })).status).toBe(200);
      for (const id of aUsers) {
        for (const pin of ['3691', '2580'])
          expectRefused(await device.post('/api/auth/switch-user', { userId: id, pin }), `switch to ${id}`);
      }
      const users = await device.get('/api/auth/station/users');
      expect(users.status).toBe(200);
      for (const id of idsOf(a)) expect(users.text).not.toContain(id);
    }

    expect(await rowsOfMerchant(a)).toEqual(before);
    // A still works as before.
    const stores = await a.owner.client.get('/api/stores');
    expect(stores.body.items).toEqual([expect.objectContaining({ id: a.storeId, name: '甲店' })]);
    expect((await t.client().post('/api/auth/login', { login: a.cashier.phone, password: goodPassword })).status).toBe(200);
  });

  it('never lists A’s records to anyone of B', async () => {
    for (const client of [b.owner.client, b.manager.client, b.cashier.client]) {
      for (const url of ['/api/stores', '/api/stations', '/api/staff', '/api/audit', '/api/merchant', '/api/auth/session']) {
        const res = await client.get(url);
        expect([200, 403], url).toContain(res.status);
        for (const id of idsOf(a)) expect(res.text, url).not.toContain(id);
        expect(res.text, url).not.toContain('甲店');
        expect(res.text, url).not.toContain(a.owner.phone);
      }
    }
    const merchant = await b.owner.client.get('/api/merchant');
    expect(merchant.body.id).toBe(b.owner.merchantId);
    const staff = await b.owner.client.get('/api/staff');
    expect(staff.body.items.map((u: { id: string }) => u.id).sort()).toEqual([b.ownerId, b.manager.id, b.cashier.id].sort());
  });

  it('keeps A’s data away from B’s changes made with B’s own ids too', async () => {
    // B moving its own cashier into A's store, or adding staff with A's phone, fails without touching A.
    const before = await rowsOfMerchant(a);
    expectRefused(await b.owner.client.patch(`/api/staff/${b.cashier.id}`, { storeId: a.storeId }), 'move B cashier to A store');
    const taken = await b.owner.client.post('/api/staff', {
      name: 'x',
      phone: a.cashier.phone,
      role: 'cashier',
      storeId: b.storeId,
      password: goodPassword,
    });
    expect(taken.status).toBe(409);
    expect(taken.text).not.toContain(a.cashier.id);
    expect(await rowsOfMerchant(a)).toEqual(before);
  });
});
