import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { StoreService } from '../../apps/server/src/services/store.service.ts';
import { IdempotencyRepository } from '../../packages/db/src/repositories/idempotency.repository.ts';
import { expectError, expectFieldIssue, parseSetCookie } from '../support/assertions.ts';
import { dialects } from '../support/databases.ts';
import { countRows, rowsOf } from '../support/db-helpers.ts';
import { addStaff, addStoreAndStation, goodPassword, type Owner, registerOwner, uniquePhone } from '../support/factories.ts';
import type { HttpClient } from '../support/http-client.ts';
import { expectNeverRunTwiceAfterLostAnswer } from '../support/lost-answer.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

type Staff = Awaited<ReturnType<typeof addStaff>>;
const tracked = ['users', 'stores', 'stations', 'audit_log', 'sessions'] as const;

describe.each(dialects)('staff and roles on %s', (dialect) => {
  let t: TestApp;
  let owner: Owner;
  let ownerId: string;
  let s1: { storeId: string; stationId: string };
  let s2: { storeId: string; stationId: string };
  let manager1: Staff;
  let cashier1: Staff;
  let cashier2: Staff;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    owner = await registerOwner(t);
    ownerId = (await owner.client.get('/api/auth/session')).body.user.id;
    s1 = await addStoreAndStation(owner.client, '一号店');
    s2 = await addStoreAndStation(owner.client, '二号店');
    manager1 = await addStaff(t, owner.client, 'manager', s1.storeId);
    cashier1 = await addStaff(t, owner.client, 'cashier', s1.storeId);
    cashier2 = await addStaff(t, owner.client, 'cashier', s2.storeId);
  });
  afterAll(async () => {
    await t.close();
  });

  const newStaff = (role: string, storeId?: string | null, extra: Record<string, unknown> = {}) => ({
    name: '新员工',
    phone: uniquePhone(),
    role,
    ...(storeId !== undefined && { storeId }),
    password: goodPassword,
    ...extra,
  });

  /** Runs a refused call and checks that nothing was written. */
  async function refusedWithoutWrites(call: () => Promise<{ status: number; body: any; text: string; headers: any }>, ...codes: string[]) {
    const before = await countRows(t.db, [...tracked]);
    const res = await call();
    expect(codes, res.text).toContain(res.body?.error?.code);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(await countRows(t.db, [...tracked])).toEqual(before);
    return res;
  }

  describe('owner', () => {
    it('adds managers and cashiers, who must belong to a store', async () => {
      for (const role of ['manager', 'cashier']) {
        const missing = await refusedWithoutWrites(() => owner.client.post('/api/staff', newStaff(role)), 'STORE_REQUIRED');
        expectError(missing, 'STORE_REQUIRED');
        expectFieldIssue(missing, 'storeId', 'STORE_REQUIRED');
        await refusedWithoutWrites(() => owner.client.post('/api/staff', newStaff(role, null)), 'STORE_REQUIRED');
        const en = await owner.client.post('/api/staff', newStaff(role), { 'accept-language': 'en' });
        expectError(en, 'STORE_REQUIRED', 'en');
        const ok = await owner.client.post('/api/staff', newStaff(role, s1.storeId));
        expect(ok.status, ok.text).toBe(201);
        expect(ok.body).toMatchObject({ role, storeId: s1.storeId, status: 'active', hasPin: false });
        expect(Object.keys(ok.body).sort()).toEqual(['createdAt', 'email', 'hasPin', 'id', 'name', 'phone', 'role', 'status', 'storeId']);
      }
      // An owner belongs to no store, whatever is sent.
      const another = await owner.client.post('/api/staff', newStaff('owner', s1.storeId));
      expect(another.status).toBe(201);
      expect(another.body.storeId).toBeNull();
      await owner.client.patch(`/api/staff/${another.body.id}`, { status: 'disabled' });
    });

    it('refuses bad staff input, writing nothing', async () => {
      const cases: [Record<string, unknown>, string, string | undefined][] = [
        [newStaff('cashier', s1.storeId, { phone: '12345' }), 'MOBILE_INVALID', 'phone'],
        [newStaff('cashier', s1.storeId, { email: 'not-an-email' }), 'EMAIL_INVALID', 'email'],
        [newStaff('cashier', s1.storeId, { password: 'password123' }), 'PASSWORD_COMMON', 'password'],
        [newStaff('cashier', s1.storeId, { password: 'short' }), 'PASSWORD_TOO_SHORT', 'password'],
        [newStaff('cashier', s1.storeId, { pin: '1234' }), 'PIN_INVALID', 'pin'],
        [newStaff('cashier', s1.storeId, { pin: '12a4' }), 'PIN_INVALID', 'pin'],
        [newStaff('cashier', s1.storeId, { name: '张\u202E三' }), 'TEXT_INVALID', 'name'],
        [newStaff('cashier', s1.storeId, { name: '' }), 'TEXT_INVALID', 'name'],
        [newStaff('cashier', s1.storeId, { name: '长'.repeat(10 * 1024) }), 'VALIDATION_FAILED', 'name'],
        [newStaff('cashier', s1.storeId, { role: 'admin' }), 'VALIDATION_FAILED', 'role'],
        [newStaff('cashier', s1.storeId, { isRoot: true }), 'VALIDATION_FAILED', 'isRoot'],
        [newStaff('cashier', s1.storeId, { phone: 13912345678 }), 'VALIDATION_FAILED', 'phone'],
        [newStaff('cashier', "x' OR '1'='1"), 'VALIDATION_FAILED', 'storeId'],
      ];
      for (const [body, code, field] of cases) {
        const res = await refusedWithoutWrites(() => owner.client.post('/api/staff', body), code);
        if (field) expect(res.body.error.fields.map((f: { field: string }) => f.field)).toContain(field);
      }
    });

    it('cannot add a phone or e-mail that already has an account, in this merchant or another', async () => {
      const other = await registerOwner(t);
      for (const phone of [cashier1.phone, owner.phone, other.phone]) {
        const res = await refusedWithoutWrites(
          () => owner.client.post('/api/staff', newStaff('cashier', s1.storeId, { phone })),
          'ACCOUNT_TAKEN',
        );
        expectError(res, 'ACCOUNT_TAKEN');
      }
      const byEmail = await refusedWithoutWrites(
        () => owner.client.post('/api/staff', newStaff('cashier', s1.storeId, { email: other.email })),
        'ACCOUNT_TAKEN',
      );
      expectError(byEmail, 'ACCOUNT_TAKEN');
    });

    it('cannot demote or disable the last owner', async () => {
      for (const patch of [{ role: 'manager', storeId: s1.storeId }, { status: 'disabled' }, { role: 'cashier', storeId: s2.storeId }]) {
        const res = await refusedWithoutWrites(() => owner.client.patch(`/api/staff/${ownerId}`, patch), 'LAST_OWNER');
        expectError(res, 'LAST_OWNER');
      }
      expect((await owner.client.get('/api/auth/session')).body.user.role).toBe('owner');

      // With a second active owner either may step down, but never the last one standing.
      const second = await owner.client.post('/api/staff', newStaff('owner'));
      expect(second.status).toBe(201);
      const demoted = await owner.client.patch(`/api/staff/${second.body.id}`, { role: 'manager', storeId: s2.storeId });
      expect(demoted.status, demoted.text).toBe(200);
      expectError(await owner.client.patch(`/api/staff/${ownerId}`, { status: 'disabled' }), 'LAST_OWNER');
    });

    it('ends a person’s sessions when they are disabled, and lets them back when enabled', async () => {
      const cashier = await addStaff(t, owner.client, 'cashier', s1.storeId);
      expect((await cashier.client.get('/api/auth/session')).status).toBe(200);
      const disabled = await owner.client.patch(`/api/staff/${cashier.id}`, { status: 'disabled' });
      expect(disabled.status).toBe(200);
      expect(disabled.body.status).toBe('disabled');
      expectError(await cashier.client.get('/api/auth/session'), 'UNAUTHENTICATED');
      const sessions = await t.db.kysely.selectFrom('sessions').select('user_id').where('user_id', '=', cashier.id).execute();
      expect(sessions).toEqual([]);
      expectError(await t.client().post('/api/auth/login', { login: cashier.phone, password: goodPassword }), 'ACCOUNT_NOT_ACTIVE');
      // A disabled person does not get a sign-in code either.
      const sent = t.transport.sent.length;
      expect((await t.client().post('/api/auth/otp/send', { login: cashier.phone, purpose: 'login' })).status).toBe(202);
      await t.drain();
      expect(t.transport.sent.slice(sent).filter((m) => m.to === cashier.phone)).toEqual([]);

      expect((await owner.client.patch(`/api/staff/${cashier.id}`, { status: 'active' })).status).toBe(200);
      expect((await t.client().post('/api/auth/login', { login: cashier.phone, password: goodPassword })).status).toBe(200);
    });

    it('ends a person’s sessions when their password, role or store changes', async () => {
      for (const patch of [{ password: 'Another-Lantern-2027' }, { role: 'manager' }, { storeId: s2.storeId }]) {
        const cashier = await addStaff(t, owner.client, 'cashier', s1.storeId);
        const res = await owner.client.patch(`/api/staff/${cashier.id}`, patch);
        expect(res.status, res.text).toBe(200);
        expectError(await cashier.client.get('/api/auth/session'), 'UNAUTHENTICATED');
      }
    });
  });

  describe('manager', () => {
    it('adds cashiers to their own store only, and never owners or managers', async () => {
      const ok = await manager1.client.post('/api/staff', newStaff('cashier', s1.storeId));
      expect(ok.status, ok.text).toBe(201);
      expect(ok.body.storeId).toBe(s1.storeId);
      await refusedWithoutWrites(() => manager1.client.post('/api/staff', newStaff('cashier', s2.storeId)), 'FORBIDDEN', 'NOT_FOUND');
      await refusedWithoutWrites(() => manager1.client.post('/api/staff', newStaff('cashier')), 'STORE_REQUIRED');
      await refusedWithoutWrites(() => manager1.client.post('/api/staff', newStaff('manager', s1.storeId)), 'FORBIDDEN');
      await refusedWithoutWrites(() => manager1.client.post('/api/staff', newStaff('owner')), 'FORBIDDEN');
    });

    it('changes cashiers of their own store only, and cannot promote or move them', async () => {
      const renamed = await manager1.client.patch(`/api/staff/${cashier1.id}`, { name: '改名收银员' });
      expect(renamed.status, renamed.text).toBe(200);
      await refusedWithoutWrites(() => manager1.client.patch(`/api/staff/${cashier1.id}`, { role: 'manager' }), 'FORBIDDEN');
      await refusedWithoutWrites(() => manager1.client.patch(`/api/staff/${cashier1.id}`, { role: 'owner' }), 'FORBIDDEN');
      await refusedWithoutWrites(
        () => manager1.client.patch(`/api/staff/${cashier1.id}`, { storeId: s2.storeId }),
        'FORBIDDEN',
        'NOT_FOUND',
      );
      await refusedWithoutWrites(() => manager1.client.patch(`/api/staff/${cashier2.id}`, { name: 'x' }), 'NOT_FOUND', 'FORBIDDEN');
      await refusedWithoutWrites(() => manager1.client.patch(`/api/staff/${ownerId}`, { status: 'disabled' }), 'NOT_FOUND', 'FORBIDDEN');
      await refusedWithoutWrites(() => manager1.client.patch(`/api/staff/${manager1.id}`, { role: 'owner' }), 'NOT_FOUND', 'FORBIDDEN');
      const users = await rowsOf(t.db, 'users');
      expect(users.find((u) => u.id === cashier1.id)).toMatchObject({ role: 'cashier', store_id: s1.storeId });
      expect(users.find((u) => u.id === cashier2.id)).toMatchObject({ role: 'cashier', store_id: s2.storeId, status: 'active' });
      expect(users.find((u) => u.id === ownerId)).toMatchObject({ role: 'owner', status: 'active' });
    });

    it('adds and renames stations of their own store only, and cannot manage stores', async () => {
      const ok = await manager1.client.post('/api/stations', { storeId: s1.storeId, name: '2 号收银台' });
      expect(ok.status, ok.text).toBe(201);
      await refusedWithoutWrites(
        () => manager1.client.post('/api/stations', { storeId: s2.storeId, name: '越权' }),
        'NOT_FOUND',
        'FORBIDDEN',
      );
      const renamed = await manager1.client.patch(`/api/stations/${ok.body.id}`, { name: '2 号台' });
      expect(renamed.status).toBe(200);
      await refusedWithoutWrites(() => manager1.client.patch(`/api/stations/${s2.stationId}`, { name: '越权' }), 'NOT_FOUND', 'FORBIDDEN');
      await refusedWithoutWrites(() => manager1.client.post('/api/stores', { name: '三号店', address: '' }), 'FORBIDDEN');
      await refusedWithoutWrites(() => manager1.client.patch(`/api/stores/${s1.storeId}`, { name: '改', address: '' }), 'FORBIDDEN');
      const stations = await rowsOf(t.db, 'stations');
      expect(stations.find((s) => s.id === s2.stationId)?.name).toBe('1 号收银台');
    });

    it('sees only their own store, its staff and its stations', async () => {
      const staff = await manager1.client.get('/api/staff');
      expect(staff.status).toBe(200);
      const ids = staff.body.items.map((u: { id: string }) => u.id);
      expect(ids).toContain(cashier1.id);
      expect(ids).not.toContain(cashier2.id);
      expect(ids).not.toContain(ownerId);
      expect(staff.body.items.every((u: { storeId: string }) => u.storeId === s1.storeId)).toBe(true);

      const stations = await manager1.client.get('/api/stations');
      expect(stations.body.items.length).toBeGreaterThan(0);
      expect(stations.body.items.every((s: { storeId: string }) => s.storeId === s1.storeId)).toBe(true);
      const other = await manager1.client.get(`/api/stations?storeId=${s2.storeId}`);
      expect([403, 404]).toContain(other.status);
      const stores = await manager1.client.get('/api/stores');
      expect(stores.body.items.map((s: { id: string }) => s.id)).toEqual([s1.storeId]);
    });
  });

  describe('cashier', () => {
    it('can add or change nothing, and cannot list staff or read the audit log', async () => {
      const c = cashier1.client;
      for (const call of [
        () => c.post('/api/staff', newStaff('cashier', s1.storeId)),
        () => c.post('/api/stations', { storeId: s1.storeId, name: 'x' }),
        () => c.post('/api/stores', { name: 'x', address: '' }),
        () => c.patch(`/api/stores/${s1.storeId}`, { name: 'x', address: '' }),
        () => c.patch(`/api/stations/${s1.stationId}`, { name: 'x' }),
        () => c.patch(`/api/staff/${cashier1.id}`, { role: 'owner' }),
        () => c.patch(`/api/staff/${cashier1.id}`, { name: '自己改名' }),
      ]) {
        const res = await refusedWithoutWrites(call, 'FORBIDDEN');
        expectError(res, 'FORBIDDEN');
      }
      expectError(await c.get('/api/staff'), 'FORBIDDEN');
      expectError(await c.get('/api/audit'), 'FORBIDDEN');
      const stores = await c.get('/api/stores');
      expect(stores.body.items.map((s: { id: string }) => s.id)).toEqual([s1.storeId]);
      const stations = await c.get('/api/stations');
      expect(stations.body.items.every((s: { storeId: string }) => s.storeId === s1.storeId)).toBe(true);
    });
  });

  describe('station and switching user with a PIN', () => {
    /** A fresh counter PC: the store's manager signs in and opens station 1 of store 1. */
    async function openCounter(): Promise<HttpClient> {
      const device = t.client();
      expect((await device.post('/api/auth/login', { login: manager1.phone, password: goodPassword })).status).toBe(200);
      const before = device.cookie;
      const opened = await device.post('/api/auth/station', { stationId: s1.stationId });
      expect(opened.status, opened.text).toBe(200);
      expect(opened.body.station).toEqual({ id: s1.stationId, name: expect.any(String), storeId: s1.storeId });
      expect(device.cookie).not.toBe(before);
      const stale = t.client();
      stale.cookie = before;
      expectError(await stale.get('/api/auth/session'), 'UNAUTHENTICATED');
      return device;
    }

    it('lists who may take over the station: that store’s staff and the owners', async () => {
      const device = await openCounter();
      const users = await device.get('/api/auth/station/users');
      expect(users.status).toBe(200);
      const ids = users.body.items.map((u: { id: string }) => u.id);
      expect(ids).toEqual(expect.arrayContaining([ownerId, manager1.id, cashier1.id]));
      expect(ids).not.toContain(cashier2.id);
      for (const u of users.body.items) expect(Object.keys(u).sort()).toEqual(['hasPin', 'id', 'name', 'role']);
    });

    it('switches with the right PIN: a new session and cookie, the old one dead, the station kept', async () => {
      const device = await openCounter();
      const before = device.cookie;
      const switched = await device.post('/api/auth/switch-user', { userId: cashier1.id, pin: '2580' });
      expect(switched.status, switched.text).toBe(200);
      expect(switched.body.user.id).toBe(cashier1.id);
      expect(switched.body.station.id).toBe(s1.stationId);
      expect(parseSetCookie(switched)?.value).toBeTruthy();
      expect(device.cookie).not.toBe(before);
      expect((await device.get('/api/auth/session')).body.user.id).toBe(cashier1.id);
      const stale = t.client();
      stale.cookie = before;
      expectError(await stale.get('/api/auth/session'), 'UNAUTHENTICATED');
      // The cashier's session is still at the station, so the next person can switch in.
      expect((await device.post('/api/auth/switch-user', { userId: manager1.id, pin: '2580' })).status).toBe(200);
    });

    it('refuses a wrong PIN, and after five locks the person out of PINs until they sign in with the password', async () => {
      const cashier = await addStaff(t, owner.client, 'cashier', s1.storeId, '4826');
      const device = await openCounter();
      const cookie = device.cookie;
      const wrong = await device.post('/api/auth/switch-user', { userId: cashier.id, pin: '4827' });
      expectError(wrong, 'PIN_WRONG');
      expect(device.cookie).toBe(cookie);
      for (let i = 2; i <= 4; i++)
        expectError(await device.post('/api/auth/switch-user', { userId: cashier.id, pin: '4827' }), 'PIN_WRONG');
      expectError(await device.post('/api/auth/switch-user', { userId: cashier.id, pin: '4827' }), 'ACCOUNT_LOCKED');
      expectError(await device.post('/api/auth/switch-user', { userId: cashier.id, pin: '4826' }), 'ACCOUNT_LOCKED');
      // Still the manager at the counter.
      expect((await device.get('/api/auth/session')).body.user.id).toBe(manager1.id);

      expect((await t.client().post('/api/auth/login', { login: cashier.phone, password: goodPassword })).status).toBe(200);
      const ok = await device.post('/api/auth/switch-user', { userId: cashier.id, pin: '4826' });
      expect(ok.status, ok.text).toBe(200);
    });

    it('needs an open station, a PIN, and a person of this store', async () => {
      expectError(await cashier1.client.post('/api/auth/switch-user', { userId: manager1.id, pin: '2580' }), 'STATION_REQUIRED');
      expectError(await cashier1.client.get('/api/auth/station/users'), 'STATION_REQUIRED');
      const device = await openCounter();
      const other = await device.post('/api/auth/switch-user', { userId: cashier2.id, pin: '2580' });
      expect([403, 404]).toContain(other.status);
      const noPin = await owner.client.post('/api/staff', newStaff('cashier', s1.storeId));
      expectError(await device.post('/api/auth/switch-user', { userId: noPin.body.id, pin: '2580' }), 'PIN_NOT_SET');
      // A cashier cannot open a station of another store.
      const opened = await cashier2.client.post('/api/auth/station', { stationId: s1.stationId });
      expect([403, 404]).toContain(opened.status);
      expect((await device.get('/api/auth/session')).body.user.id).toBe(manager1.id);
    });

    it('sets one’s own PIN only with the password and only to a PIN that is not weak', async () => {
      const cashier = await addStaff(t, owner.client, 'cashier', s1.storeId, '3957');
      const c = cashier.client;
      for (const pin of ['1234', '0000', '987654', '12a4', '123', '1234567']) {
        const res = await c.put('/api/me/pin', { pin, password: goodPassword });
        expectError(res, 'PIN_INVALID');
      }
      const wrongPassword = await c.put('/api/me/pin', { pin: '7391', password: 'Not-The-Password-1' });
      expect([401, 403]).toContain(wrongPassword.status);
      const ok = await c.put('/api/me/pin', { pin: '7391', password: goodPassword });
      expect(ok.status, ok.text).toBe(204);
      const row = await t.db.kysely.selectFrom('users').select('pin_hash').where('id', '=', cashier.id).executeTakeFirstOrThrow();
      expect(row.pin_hash).toMatch(/^\$argon2id\$/);

      const device = await openCounter();
      expectError(await device.post('/api/auth/switch-user', { userId: cashier.id, pin: '3957' }), 'PIN_WRONG');
      expect((await device.post('/api/auth/switch-user', { userId: cashier.id, pin: '7391' })).status).toBe(200);
    });

    it('does not let PUT /api/me/pin be used to guess the password without limit', async () => {
      const cashier = await addStaff(t, owner.client, 'cashier', s1.storeId);
      const codes: string[] = [];
      for (let i = 0; i < 6; i++) {
        const res = await cashier.client.put('/api/me/pin', { pin: '7391', password: `Guess-Number-${i}-xyz` });
        codes.push(res.body.error.code);
      }
      expect(codes.at(-1)).toBe('ACCOUNT_LOCKED');
      expectError(await cashier.client.put('/api/me/pin', { pin: '7391', password: goodPassword }), 'ACCOUNT_LOCKED');
    });
  });

  describe('Idempotency-Key', () => {
    it('gives the same answer for the same key and body, once', async () => {
      const key = `store-${Date.now()}`;
      const body = { name: '幂等店', address: '深圳' };
      const before = await countRows(t.db, ['stores', 'audit_log']);
      const first = await owner.client.post('/api/stores', body, { 'idempotency-key': key });
      expect(first.status).toBe(201);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      const again = await owner.client.post('/api/stores', body, { 'idempotency-key': key });
      expect(again.status).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(await countRows(t.db, ['stores', 'audit_log'])).toEqual({ stores: before.stores + 1, audit_log: before.audit_log + 1 });

      const staffKey = `staff-${Date.now()}`;
      const staffBody = newStaff('cashier', s1.storeId);
      const users = (await countRows(t.db, ['users'])).users;
      const s = await owner.client.post('/api/staff', staffBody, { 'idempotency-key': staffKey });
      const s2again = await owner.client.post('/api/staff', staffBody, { 'idempotency-key': staffKey });
      expect(s.status).toBe(201);
      expect(s2again.headers['idempotent-replayed']).toBe('true');
      expect(s2again.body.id).toBe(s.body.id);
      expect((await countRows(t.db, ['users'])).users).toBe(users + 1);

      const stationKey = `station-${Date.now()}`;
      const st = await owner.client.post('/api/stations', { storeId: first.body.id, name: '台' }, { 'idempotency-key': stationKey });
      const stAgain = await owner.client.post('/api/stations', { storeId: first.body.id, name: '台' }, { 'idempotency-key': stationKey });
      expect(stAgain.body.id).toBe(st.body.id);
      expect((await owner.client.get(`/api/stations?storeId=${first.body.id}`)).body.items).toHaveLength(1);
    });

    it('refuses the same key with a different body, and keys that are not valid', async () => {
      const key = `reuse-${Date.now()}`;
      expect((await owner.client.post('/api/stores', { name: '甲店', address: '' }, { 'idempotency-key': key })).status).toBe(201);
      const stores = (await countRows(t.db, ['stores'])).stores;
      const reused = await owner.client.post('/api/stores', { name: '乙店', address: '' }, { 'idempotency-key': key });
      expectError(reused, 'IDEMPOTENCY_KEY_REUSED');
      const otherRoute = await owner.client.post('/api/stations', { storeId: s1.storeId, name: '甲店' }, { 'idempotency-key': key });
      expectError(otherRoute, 'IDEMPOTENCY_KEY_REUSED');
      for (const bad of ['has space', 'x'.repeat(101), 'tab\there']) {
        expectError(
          await owner.client.post('/api/stores', { name: '丙店', address: '' }, { 'idempotency-key': bad }),
          'IDEMPOTENCY_KEY_INVALID',
        );
      }
      expect((await countRows(t.db, ['stores'])).stores).toBe(stores);
    });

    it('keeps keys apart between merchants', async () => {
      const other = await registerOwner(t);
      const key = `shared-${Date.now()}`;
      const body = { name: '同名店', address: '' };
      const mine = await owner.client.post('/api/stores', body, { 'idempotency-key': key });
      const theirs = await other.client.post('/api/stores', body, { 'idempotency-key': key });
      expect(theirs.status).toBe(201);
      expect(theirs.headers['idempotent-replayed']).toBeUndefined();
      expect(theirs.body.id).not.toBe(mine.body.id);
      expect((await other.client.get('/api/stores')).body.items.map((s: { id: string }) => s.id)).toEqual([theirs.body.id]);
    });
    describe('after a crash or a lost answer (a key is judged again 30 s after its claim if its writes committed, else after 5 min)', () => {
      const keyRow = async (key: string) =>
        (await rowsOf(t.db, 'idempotency_keys')).find((r) => String(r.key).endsWith(`:${key}`)) as { status: string } | undefined;
      const stations = async () => (await owner.client.get(`/api/stations?storeId=${s2.storeId}`)).body.items.length as number;
      /** A station request that fails before its writes, its key not freed (the database away again): it stays claimed. */
      const abandoned = async (key: string, body: { storeId: string; name: string }) => {
        vi.spyOn(t.app.ctx.repos.stores, 'findById').mockRejectedValueOnce(new Error('connection reset'));
        vi.spyOn(t.app.ctx.repos.idempotency, 'release').mockRejectedValueOnce(new Error('database away'));
        expect((await owner.client.post('/api/stations', body, { 'idempotency-key': key })).status).toBe(500);
        vi.restoreAllMocks();
      };
      afterEach(() => vi.restoreAllMocks());

      it('never runs again a request whose writes committed but whose answer was never kept', async () => {
        // The database is away when the answer would be kept: as if the process died right after the commit.
        vi.spyOn(t.app.ctx.repos.idempotency, 'complete').mockRejectedValueOnce(new Error('database away'));
        const key = `lost-${Date.now()}`;
        const body = { name: '断电店', address: '' };
        const before = await countRows(t.db, ['stores', 'audit_log']);
        const first = await owner.client.post('/api/stores', body, { 'idempotency-key': key });
        expect(first.status).toBe(201);
        expect(await keyRow(key)).toMatchObject({ status: 'applied' });
        expectError(await owner.client.post('/api/stores', body, { 'idempotency-key': key }), 'IDEMPOTENCY_IN_PROGRESS');
        // Only its answer was left to give, which takes milliseconds: half a minute on, it is known lost.
        t.clock.advance(31_000);
        const again = await owner.client.post('/api/stores', body, { 'idempotency-key': key });
        expectError(again, 'IDEMPOTENCY_APPLIED');
        expect(again.body.error.message).toMatch(/刷新/);
        expect(await countRows(t.db, ['stores', 'audit_log'])).toEqual({ stores: before.stores + 1, audit_log: before.audit_log + 1 });
      });

      it('runs again a request that died before any of its writes committed', async () => {
        const key = `died-${Date.now()}`;
        const body = { storeId: s2.storeId, name: '重试台' };
        const before = await stations();
        await abandoned(key, body);
        expect(await keyRow(key)).toMatchObject({ status: 'running' });
        expectError(await owner.client.post('/api/stations', body, { 'idempotency-key': key }), 'IDEMPOTENCY_IN_PROGRESS');
        t.clock.advance(6 * 60_000);
        const again = await owner.client.post('/api/stations', body, { 'idempotency-key': key });
        expect(again.status).toBe(201);
        expect(await stations()).toBe(before + 1);
        const replay = await owner.client.post('/api/stations', body, { 'idempotency-key': key });
        expect(replay.headers['idempotent-replayed']).toBe('true');
        expect(replay.body.id).toBe(again.body.id);
      });

      it('runs an abandoned request again in only one of two retries made at once', async () => {
        const key = `twice-${Date.now()}`;
        const body = { storeId: s2.storeId, name: '并发台' };
        const before = await stations();
        await abandoned(key, body);
        t.clock.advance(6 * 60_000);
        const answers = await Promise.all([1, 2].map(() => owner.client.post('/api/stations', body, { 'idempotency-key': key })));
        // One runs it; the other either waits its turn and replays that answer, or is told it is running.
        const made = answers.filter((a) => a.status === 201);
        expect(new Set(made.map((a) => a.body.id)).size).toBe(1);
        for (const other of answers.filter((a) => a.status !== 201)) expectError(other, 'IDEMPOTENCY_IN_PROGRESS');
        expect(await stations()).toBe(before + 1);
      });

      // SQLite runs one transaction at a time, so there a retry cannot take over while the first one writes.
      if (dialect === 'postgres') {
        it('rolls back the writes of a request judged dead when a retry has taken its key over', async () => {
          const key = `judged-dead-${Date.now()}`;
          const body = { storeId: s2.storeId, name: '迟到台' };
          const before = await stations();
          // The first request stops inside its transaction, its station written and not yet committed.
          let reached!: () => void;
          const atMark = new Promise<void>((resolve) => (reached = resolve));
          let release!: () => void;
          const gate = new Promise<void>((resolve) => (release = resolve));
          const markApplied = IdempotencyRepository.prototype.markApplied;
          vi.spyOn(IdempotencyRepository.prototype, 'markApplied').mockImplementationOnce(async function (
            this: IdempotencyRepository,
            ...args
          ) {
            reached();
            await gate;
            return markApplied.apply(this, args);
          });
          const first = owner.client.post('/api/stations', body, { 'idempotency-key': key });
          await atMark;
          t.clock.advance(6 * 60_000);
          const retry = await owner.client.post('/api/stations', body, { 'idempotency-key': key });
          expect(retry.status).toBe(201);
          release();
          expectError(await first, 'IDEMPOTENCY_IN_PROGRESS');
          expect(await stations()).toBe(before + 1);
          const replay = await owner.client.post('/api/stations', body, { 'idempotency-key': key });
          expect(replay.body.id).toBe(retry.body.id);
        });
      }

      it('never adds a person twice when the answer was lost and the same request is sent again later', async () => {
        const body = newStaff('cashier', s1.storeId);
        const users = async () => (await countRows(t.db, ['users'])).users;
        await expectNeverRunTwiceAfterLostAnswer(t, (headers) => owner.client.post('/api/staff', body, headers), users);
      });

      it('keeps an error that came after the writes committed, and replays it instead of running again', async () => {
        const create = StoreService.prototype.createStore;
        vi.spyOn(StoreService.prototype, 'createStore').mockImplementationOnce(async function (this: StoreService, ...args) {
          await create.apply(this, args);
          throw new Error('lost the printer');
        });
        const key = `late-error-${Date.now()}`;
        const body = { name: '半途店', address: '' };
        const before = (await countRows(t.db, ['stores'])).stores;
        const first = await owner.client.post('/api/stores', body, { 'idempotency-key': key });
        expect(first.status).toBe(500);
        const again = await owner.client.post('/api/stores', body, { 'idempotency-key': key });
        expect(again.status).toBe(500);
        expect(again.headers['idempotent-replayed']).toBe('true');
        expect((await countRows(t.db, ['stores'])).stores).toBe(before + 1);
      });
    });
  });

  describe('audit log', () => {
    it('records store, station and staff changes with who made them; only the owner reads it', async () => {
      const store = await owner.client.post('/api/stores', { name: '审计店', address: '广州' });
      const renamed = await owner.client.patch(`/api/stores/${store.body.id}`, { name: '审计店2', address: '广州' });
      expect(renamed.status).toBe(200);
      const station = await manager1.client.post('/api/stations', { storeId: s1.storeId, name: '审计台' });
      await manager1.client.patch(`/api/stations/${station.body.id}`, { name: '审计台2' });
      const cashier = await manager1.client.post('/api/staff', newStaff('cashier', s1.storeId, { pin: '8352' }));
      await owner.client.patch(`/api/staff/${cashier.body.id}`, { status: 'disabled', password: 'Reset-Lantern-2029' });

      const audit = await owner.client.get('/api/audit');
      expect(audit.status).toBe(200);
      const find = (action: string, targetId: string) =>
        audit.body.items.find((a: { action: string; targetId: string }) => a.action === action && a.targetId === targetId);
      expect(find('store.created', store.body.id)).toMatchObject({ actorUserId: ownerId, targetType: 'store' });
      expect(find('store.updated', store.body.id)).toMatchObject({
        actorUserId: ownerId,
        detail: { before: { name: '审计店' }, after: { name: '审计店2' } },
      });
      expect(find('station.created', station.body.id)).toMatchObject({ actorUserId: manager1.id, targetType: 'station' });
      expect(find('station.renamed', station.body.id)).toMatchObject({ actorUserId: manager1.id });
      expect(find('staff.created', cashier.body.id)).toMatchObject({ actorUserId: manager1.id, detail: { role: 'cashier' } });
      expect(find('staff.updated', cashier.body.id)).toMatchObject({ actorUserId: ownerId, detail: { status: ['active', 'disabled'] } });
      // Newest first.
      const times = audit.body.items.map((a: { createdAt: number }) => a.createdAt);
      expect([...times].sort((a, b) => b - a)).toEqual(times);
      // Never a password or a PIN.
      expect(audit.text).not.toContain('Reset-Lantern-2029');
      expect(audit.text).not.toContain(goodPassword);
      expect(audit.text).not.toContain('$argon2');
      expect(find('staff.updated', cashier.body.id).detail.password).toBe('reset');

      const filtered = await owner.client.get(`/api/audit?targetId=${store.body.id}`);
      expect(filtered.body.items.map((a: { action: string }) => a.action).sort()).toEqual(['store.created', 'store.updated']);
      expectError(await manager1.client.get('/api/audit'), 'FORBIDDEN');
      expectError(await cashier1.client.get('/api/audit'), 'FORBIDDEN');
    });
  });
});
