import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../support/databases.ts';
import { addStaff, addStoreAndStation, goodPassword, registerOwner, registrationBody } from '../support/factories.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

describe.each(dialects)('onboarding on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => {
    await t.close();
  });

  it('registers, verifies by code, adds a store, a station and a cashier who then signs in', async () => {
    const owner = await registerOwner(t);
    const session = await owner.client.get('/api/auth/session');
    expect(session.status).toBe(200);
    expect(session.body.user.role).toBe('owner');

    const { storeId, stationId } = await addStoreAndStation(owner.client);
    const cashier = await addStaff(t, owner.client, 'cashier', storeId);
    const me = await cashier.client.get('/api/auth/session');
    expect(me.body.user).toMatchObject({ role: 'cashier', storeId });

    const stations = await cashier.client.get('/api/stations');
    expect(stations.body.items.map((s: { id: string }) => s.id)).toEqual([stationId]);
  });

  it('keeps the account inactive until the code is verified', async () => {
    const client = t.client();
    const body = registrationBody();
    const started = await client.post('/api/auth/register', body);
    expect(started.status).toBe(202);
    expect(started.body.sentTo).toBe(`${body.phone.slice(0, 3)}****${body.phone.slice(-4)}`);
    const login = await t.client().post('/api/auth/login', { login: body.phone, password: goodPassword });
    expect(login.status).toBe(403);
    expect(login.body.error.code).toBe('ACCOUNT_NOT_ACTIVE');
  });
});
