import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, parseSetCookie } from '../support/assertions.ts';
import { dialects } from '../support/databases.ts';
import { tableDigests } from '../support/db-digest.ts';
import { addStaff, goodPassword, registrationBody } from '../support/factories.ts';
import type { HttpClient, Res } from '../support/http-client.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { type Call, callFor, documentedOperations, methodOf, publicOperations, send } from './operations.ts';
import { equippedShop, type Shop } from './shop.ts';

const otherSite = 'https://pay-attention.example';
const tokenOf = (res: Res) => parseSetCookie(res)?.value;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Sends a change with exactly this X-CSRF-Token (none when undefined), whatever the client holds. */
async function withToken(client: HttpClient, op: string, call: Call, token: string | undefined, headers: Record<string, string> = {}) {
  const held = client.csrf;
  client.csrf = undefined;
  try {
    return await send(client, op, call, { ...headers, ...(token !== undefined && { 'x-csrf-token': token }) });
  } finally {
    client.csrf = held;
  }
}

describe.each(dialects)('sessions on %s', (dialect) => {
  let t: TestApp;
  let a: Shop;
  let b: Shop;
  let operations: string[];
  let changes: string[];

  beforeAll(async () => {
    t = await createTestApp(dialect);
    a = await equippedShop(t, '甲');
    b = await equippedShop(t, '乙');
    operations = await documentedOperations(t.client());
    changes = operations.filter((op) => methodOf(op) !== 'GET' && !publicOperations.includes(op));
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  const signIn = async (login: string, password = goodPassword) => {
    const client = t.client();
    const res = await client.post('/api/auth/login', { login, password });
    expect(res.status, res.text).toBe(200);
    return client;
  };

  describe('CSRF', () => {
    it('refuses every change made with the cookie but without this session’s token, and changes nothing', async () => {
      const sameOwnerElsewhere = await signIn(a.phones.owner);
      const attempts: [string, string | undefined, Record<string, string>][] = [
        ['no token', undefined, {}],
        ['an empty token', '', {}],
        ['the token of the same person’s other session', sameOwnerElsewhere.csrf, {}],
        ['the token of another merchant’s session', b.clients.owner.csrf, {}],
        ['a page of another site', undefined, { origin: otherSite, referer: `${otherSite}/offer` }],
      ];
      const before = await tableDigests(t.db);
      for (const op of changes) {
        for (const [what, token, headers] of attempts) {
          const res = await withToken(a.clients.owner, op, callFor(op, a), token, headers);
          expect(res.body?.error?.code, `${op} with ${what}: ${res.status} ${res.text.slice(0, 200)}`).toBe('CSRF_FAILED');
          expectError(res, 'CSRF_FAILED');
          expect(res.headers['set-cookie'], `${op} with ${what}`).toBeUndefined();
          expect(await tableDigests(t.db), `${op} with ${what}`).toEqual(before);
        }
      }
      // The same session, with its own token, may make changes.
      expect((await a.clients.owner.patch(`/api/stations/${a.stationId}`, { name: '1 号收银台' })).status).toBe(200);
    }, 120_000);

    it('refuses the form and text posts another site can send without asking, before reading them, sign-in included', async () => {
      // A browser sends these three types cross-site without a CORS preflight; JSON and images need one.
      const simple: [string, string][] = [
        ['application/x-www-form-urlencoded', `login=${a.phones.owner}&password=${goodPassword}&name=x`],
        ['text/plain', JSON.stringify({ login: a.phones.owner, password: goodPassword, name: 'x' })],
        ['multipart/form-data; boundary=pd', '--pd\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--pd--\r\n'],
      ];
      // The gateways' notifications take any type (Alipay posts a form): they are checked by signature instead.
      const targets = operations.filter((op) => methodOf(op) !== 'GET' && !op.startsWith('POST /api/notify/'));
      const before = await tableDigests(t.db);
      for (const op of targets) {
        for (const [type, payload] of simple) {
          const url = callFor(op, a).url;
          // An empty token keeps the client from adding its own: a page on another site cannot read it.
          const res = await a.clients.owner.raw(methodOf(op), url, payload, type, { origin: otherSite, 'x-csrf-token': '' });
          expect(res.status, `${op} as ${type}: ${res.text.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
          expect(['UNSUPPORTED_MEDIA_TYPE', 'CSRF_FAILED'], `${op} as ${type}`).toContain(res.body?.error?.code);
          expect(res.headers['set-cookie'], `${op} as ${type}`).toBeUndefined();
          expect(await tableDigests(t.db), `${op} as ${type}`).toEqual(before);
        }
      }
    }, 120_000);

    it('lets no other site read an answer or send a preflighted request: no CORS is granted', async () => {
      for (const op of operations.filter((o) => methodOf(o) === 'GET')) {
        const res = await a.clients.owner.get(callFor(op, a).url, { origin: otherSite });
        for (const header of ['access-control-allow-origin', 'access-control-allow-credentials']) {
          expect(res.headers[header], `${op}: ${header}`).toBeUndefined();
        }
      }
      for (const op of changes) {
        const res = await t.app.fastify.inject({
          method: 'OPTIONS',
          url: callFor(op, a).url,
          headers: {
            origin: otherSite,
            'access-control-request-method': methodOf(op),
            'access-control-request-headers': 'content-type, x-csrf-token',
          },
        });
        expect(res.statusCode, op).toBeGreaterThanOrEqual(400);
        expect(
          Object.keys(res.headers).filter((h) => h.startsWith('access-control-')),
          op,
        ).toEqual([]);
      }
    });

    it('changes nothing on any read, which is why reads need no token', async () => {
      for (const op of operations.filter((o) => methodOf(o) === 'GET')) {
        const before = await tableDigests(t.db);
        const res = await send(a.clients.owner, op, callFor(op, a));
        expect(res.status, `${op}: ${res.text.slice(0, 200)}`).toBeLessThan(500);
        expect(await tableDigests(t.db), op).toEqual(before);
      }
    }, 60_000);
  });

  describe('fixation and rotation', () => {
    const invented = 'pd_session=chosen-by-someone-else-0123456789abcdefghijklmn';

    /** The session the server keeps for this token, if any. */
    const stored = (token: string) =>
      t.db.kysely.selectFrom('sessions').select(['user_id', 'csrf_token']).where('id_hash', '=', sha256(token)).executeTakeFirst();

    it('never adopts the session a browser brought to sign-in, whichever way the person signs in', async () => {
      const ways: [string, (c: HttpClient) => Promise<Res>][] = [
        ['password', (c) => c.post('/api/auth/login', { login: a.phones.manager, password: goodPassword })],
        [
          'one-time code',
          async (c) => {
            t.clock.advance(61_000);
            expect((await t.client().post('/api/auth/otp/send', { login: a.phones.manager, purpose: 'login' })).status).toBe(202);
            await t.drain();
            return c.post('/api/auth/otp/login', { login: a.phones.manager, code: t.transport.lastCodeFor(a.phones.manager) });
          },
        ],
        [
          'registration',
          async (c) => {
            const body = registrationBody();
            const started = await c.post('/api/auth/register', body);
            await t.drain();
            const code = t.transport.lastCodeFor(String(body.phone));
            return c.post('/api/auth/register/verify', { registrationId: started.body.registrationId, code });
          },
        ],
      ];
      // Planted: a token nobody has, and the live session of another merchant's owner (the classic
      // fixation: the attacker's own session, to share whatever the victim does next).
      const planted = [invented, String(b.clients.owner.cookie)];
      for (const [way, signInThisWay] of ways) {
        for (const cookie of planted) {
          const device = t.client();
          device.cookie = cookie;
          const res = await signInThisWay(device);
          expect(res.status, `${way}: ${res.text}`).toBe(200);
          const token = tokenOf(res);
          expect(token, way).toBeTruthy();
          expect(`pd_session=${token}`, way).not.toBe(cookie);
          expect((await stored(String(token)))?.user_id, way).toBe(res.body.user.id);
          expect(res.body.csrfToken, way).not.toBe(b.clients.owner.csrf);
        }
        const probe = t.client();
        probe.cookie = invented;
        expectError(await probe.get('/api/auth/session'), 'UNAUTHENTICATED');
        // The planted session of B's owner is still B's owner's, not the person who signed in over it.
        expect((await b.clients.owner.get('/api/auth/session')).body.user.id).toBe(b.userIds.owner);
      }
    });

    it('gives a new session token and CSRF token at every sign-in, station opening and change of person', async () => {
      const device = t.client();
      const tokens: string[] = [];
      const csrfs: string[] = [];
      const keep = (res: Res) => {
        expect(res.status, res.text).toBe(200);
        tokens.push(String(tokenOf(res)));
        csrfs.push(res.body.csrfToken);
      };
      for (let i = 0; i < 3; i++) keep(await device.post('/api/auth/login', { login: a.phones.manager, password: goodPassword }));
      keep(await device.post('/api/auth/station', { stationId: a.stationId }));
      keep(await device.post('/api/auth/switch-user', { userId: a.userIds.cashier, pin: '2580' }));
      keep(await device.post('/api/auth/switch-user', { userId: a.userIds.manager, pin: '2580' }));
      expect(new Set(tokens).size).toBe(tokens.length);
      expect(new Set(csrfs).size).toBe(csrfs.length);
      // Opening a station and changing person end the session they replace, on the server.
      for (const replaced of tokens.slice(2, -1)) expect(await stored(replaced)).toBeUndefined();
      expect((await stored(String(tokens.at(-1))))?.csrf_token).toBe(csrfs.at(-1));
    });
  });

  describe('ending sessions', () => {
    /** Replays a cookie with its CSRF token: neither a read nor a change may go through. */
    async function expectDead(cookie: string | undefined, csrf: string | undefined, what: string) {
      const replay = t.client();
      replay.cookie = cookie;
      replay.csrf = csrf;
      expectError(await replay.get('/api/auth/session'), 'UNAUTHENTICATED');
      const before = await tableDigests(t.db);
      const change = await replay.patch(`/api/stations/${a.stationId}`, { name: `${what}改的台` });
      expectError(change, 'UNAUTHENTICATED');
      expect(await tableDigests(t.db), what).toEqual(before);
    }

    it('ends the session on the server at sign-out; the person’s other sessions live on', async () => {
      const device = await signIn(a.phones.manager);
      const other = await signIn(a.phones.manager);
      const cookie = device.cookie;
      const csrf = device.csrf;
      expect((await device.post('/api/auth/logout')).status).toBe(204);
      const token = String(cookie).slice('pd_session='.length);
      expect(
        await t.db.kysely.selectFrom('sessions').select('user_id').where('id_hash', '=', sha256(token)).executeTakeFirst(),
      ).toBeUndefined();
      await expectDead(cookie, csrf, 'signed-out');
      expect((await other.get('/api/auth/session')).body.user.id).toBe(a.userIds.manager);
    });

    it('ends every session of the person at a password reset, at a station too, so no old cookie can be replayed', async () => {
      const person = await addStaff(t, a.clients.owner, 'manager', a.storeId);
      const laptop = await signIn(person.phone);
      const counter = t.client();
      expect((await counter.post('/api/auth/login', { login: a.phones.cashier, password: goodPassword })).status).toBe(200);
      expect((await counter.post('/api/auth/station', { stationId: a.stationId })).status).toBe(200);
      expect((await counter.post('/api/auth/switch-user', { userId: person.id, pin: '2580' })).status).toBe(200);
      const old = [person.client, laptop, counter].map((c) => ({ cookie: c.cookie, csrf: c.csrf }));

      t.clock.advance(61_000);
      expect((await t.client().post('/api/auth/otp/send', { login: person.phone, purpose: 'reset' })).status).toBe(202);
      await t.drain();
      const code = t.transport.lastCodeFor(person.phone);
      const newPassword = 'Quiet-Harbour-Lamp-73';
      expect((await t.client().post('/api/auth/password/reset', { login: person.phone, code, newPassword })).status).toBe(200);

      for (const [i, s] of old.entries()) await expectDead(s.cookie, s.csrf, `session ${i}`);
      expect(await t.db.kysely.selectFrom('sessions').select('id_hash').where('user_id', '=', person.id).execute()).toEqual([]);
      // Nobody else was signed out, and the new password gives a new session.
      expect((await a.clients.owner.get('/api/auth/session')).status).toBe(200);
      expect((await a.clients.cashier.get('/api/auth/session')).status).toBe(200);
      const again = await signIn(person.phone, newPassword);
      expect(old.map((s) => s.cookie)).not.toContain(again.cookie);
    });
  });
});
