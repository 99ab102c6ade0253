import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, expectFieldIssue, maskPhone, parseSetCookie, wrongCode } from '../support/assertions.ts';
import { dialects } from '../support/databases.ts';
import { countRows } from '../support/db-helpers.ts';
import { goodPassword, registerOwner, uniquePhone } from '../support/factories.ts';
import type { HttpClient, Res } from '../support/http-client.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

const minute = 60_000;
const hour = 60 * minute;
const wrongPassword = 'Wrong-Lantern-2026';
const newPassword = 'Harbour-Kite-Seven-91';

/** Moves the clock so that it stands `offset` ms into a fresh window of `windowMs`. */
function moveIntoWindow(t: TestApp, windowMs: number, offset = 0): void {
  t.clock.advance(windowMs - (t.clock.now % windowMs) + offset);
}

/** Status and body only: what a stranger can compare between two answers. */
const answer = (res: Res) => ({ status: res.status, body: res.body, cookie: res.headers['set-cookie'] ?? null });

describe.each(dialects)('sign-in on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => {
    await t.close();
  });

  const login = (client: HttpClient, who: string, password: string) => client.post('/api/auth/login', { login: who, password });

  async function sendCode(who: string, purpose: 'login' | 'reset', client = t.client()) {
    return client.post('/api/auth/otp/send', { login: who, purpose });
  }

  describe('with a password', () => {
    it('signs in by phone (as typed in any usual way) and by e-mail', async () => {
      const owner = await registerOwner(t);
      for (const who of [owner.phone, `+86 ${owner.phone.slice(0, 3)} ${owner.phone.slice(3, 7)} ${owner.phone.slice(7)}`, owner.email]) {
        const res = await login(t.client(), who, goodPassword);
        expect(res.status, res.text).toBe(200);
        expect(res.body.user).toMatchObject({ phone: owner.phone, email: owner.email, role: 'owner' });
        expect(res.body.csrfToken).toEqual(expect.any(String));
        expect(parseSetCookie(res)?.value).toBeTruthy();
      }
    });

    it('answers a wrong password exactly as it answers an account that does not exist', async () => {
      const owner = await registerOwner(t);
      for (const lang of ['zh-CN', 'en'] as const) {
        const c = t.client();
        c.lang = lang;
        const wrong = await login(c, owner.phone, wrongPassword);
        expectError(wrong, 'LOGIN_FAILED', lang === 'en' ? 'en' : 'zh');
        expect(wrong.headers['set-cookie']).toBeUndefined();
        for (const stranger of [uniquePhone(), `nobody${Date.now()}@example.cn`, 'not-a-login-at-all']) {
          expect(answer(await login(c, stranger, wrongPassword))).toEqual(answer(wrong));
        }
        expect(answer(await login(c, owner.email, wrongPassword))).toEqual(answer(wrong));
      }
    });

    it('locks after five wrong passwords, even against the right one, for the full 15 minutes', async () => {
      const owner = await registerOwner(t);
      // The fifth failure lands late in a fixed 15-minute window: the lock must still last 15 minutes.
      moveIntoWindow(t, 15 * minute, 14 * minute);
      const c = t.client();
      for (let i = 1; i <= 4; i++) expectError(await login(c, owner.phone, wrongPassword), 'LOGIN_FAILED');
      expectError(await login(c, owner.phone, wrongPassword), 'ACCOUNT_LOCKED');
      const locked = await login(t.client(), owner.phone, goodPassword);
      expectError(locked, 'ACCOUNT_LOCKED');
      expect(locked.headers['set-cookie']).toBeUndefined();
      const en = t.client();
      en.lang = 'en';
      expectError(await login(en, owner.phone, goodPassword), 'ACCOUNT_LOCKED', 'en');

      t.clock.advance(2 * minute);
      expectError(await login(t.client(), owner.phone, goodPassword), 'ACCOUNT_LOCKED');
      t.clock.advance(12 * minute);
      expectError(await login(t.client(), owner.phone, goodPassword), 'ACCOUNT_LOCKED');
      t.clock.advance(1 * minute);
      const after = await login(t.client(), owner.phone, goodPassword);
      expect(after.status, after.text).toBe(200);
    });

    it('locks an account that does not exist in the same way, so the lock reveals nothing', async () => {
      const owner = await registerOwner(t);
      const stranger = uniquePhone();
      moveIntoWindow(t, 15 * minute);
      const real: unknown[] = [];
      const fake: unknown[] = [];
      for (let i = 0; i < 7; i++) {
        real.push(answer(await login(t.client(), owner.phone, wrongPassword)));
        fake.push(answer(await login(t.client(), stranger, wrongPassword)));
      }
      expect(fake).toEqual(real);
      expect((real[4] as { body: { error: { code: string } } }).body.error.code).toBe('ACCOUNT_LOCKED');
      expect(answer(await login(t.client(), stranger, goodPassword))).toEqual(answer(await login(t.client(), owner.phone, goodPassword)));
    });

    it('forgets earlier failures after a successful sign-in', async () => {
      const owner = await registerOwner(t);
      moveIntoWindow(t, 15 * minute);
      for (let i = 0; i < 4; i++) expectError(await login(t.client(), owner.phone, wrongPassword), 'LOGIN_FAILED');
      expect((await login(t.client(), owner.phone, goodPassword)).status).toBe(200);
      for (let i = 0; i < 4; i++) expectError(await login(t.client(), owner.phone, wrongPassword), 'LOGIN_FAILED');
      expect((await login(t.client(), owner.phone, goodPassword)).status).toBe(200);
    });

    it('still lets a locked person in with a one-time code, as the message says', async () => {
      const owner = await registerOwner(t);
      for (let i = 0; i < 5; i++) await login(t.client(), owner.phone, wrongPassword);
      expectError(await login(t.client(), owner.phone, goodPassword), 'ACCOUNT_LOCKED');
      expect((await sendCode(owner.phone, 'login')).status).toBe(202);
      await t.drain();
      const res = await t.client().post('/api/auth/otp/login', { login: owner.phone, code: t.transport.lastCodeFor(owner.phone) });
      expect(res.status, res.text).toBe(200);
    });

    it('limits sign-in attempts per IP address', async () => {
      const owner = await registerOwner(t);
      moveIntoWindow(t, 10 * minute);
      const busy = t.client();
      const stranger = uniquePhone();
      for (let i = 0; i < 60; i++) {
        const res = await login(busy, stranger, wrongPassword);
        expect(res.status).not.toBe(429);
      }
      expectError(await login(busy, stranger, wrongPassword), 'RATE_LIMITED');
      expectError(await login(busy, owner.phone, goodPassword), 'RATE_LIMITED');
      const en = busy;
      en.lang = 'en';
      expectError(await login(en, owner.phone, goodPassword), 'RATE_LIMITED', 'en');
      // Another address is not affected.
      expect((await login(t.client(), owner.phone, goodPassword)).status).toBe(200);
      // And the limit is a window, not a ban.
      t.clock.advance(10 * minute);
      expect((await login(busy, owner.phone, goodPassword)).status).toBe(200);
    });

    it('refuses bad sign-in bodies with a stable code', async () => {
      const c = t.client();
      expectError(await c.post('/api/auth/login', { login: '13900000000' }), 'VALIDATION_FAILED');
      expectError(await c.post('/api/auth/login', { login: 13900000000, password: goodPassword }), 'VALIDATION_FAILED');
      expectError(await c.post('/api/auth/login', { login: '', password: goodPassword }), 'VALIDATION_FAILED');
      expectError(await c.post('/api/auth/login', { login: 'x', password: 'p'.repeat(300) }), 'VALIDATION_FAILED');
      expectError(await c.raw('POST', '/api/auth/login', '{"login":', 'application/json'), 'MALFORMED_JSON');
      expectError(
        await c.raw('POST', '/api/auth/login', 'login=x&password=y', 'application/x-www-form-urlencoded'),
        'UNSUPPORTED_MEDIA_TYPE',
      );
    });
  });

  describe('with a one-time code', () => {
    it('signs in by phone and by e-mail, and each code works once', async () => {
      const owner = await registerOwner(t);
      for (const who of [owner.phone, owner.email]) {
        const sent = await sendCode(who, 'login');
        expect(sent.status).toBe(202);
        expect(sent.body).toEqual({ sentTo: who === owner.phone ? maskPhone(owner.phone) : 'o***@example.cn' });
        await t.drain();
        const code = t.transport.lastCodeFor(who);
        const c = t.client();
        const res = await c.post('/api/auth/otp/login', { login: who, code });
        expect(res.status, res.text).toBe(200);
        expect(res.body.user.phone).toBe(owner.phone);
        expect((await c.get('/api/auth/session')).status).toBe(200);
        expectError(await t.client().post('/api/auth/otp/login', { login: who, code }), 'CODE_INVALID');
      }
    });

    it('answers a send for an unknown account exactly like one for a real account, and sends nothing', async () => {
      const owner = await registerOwner(t);
      const stranger = uniquePhone();
      await t.drain();
      const outboxBefore = (await countRows(t.db, ['outbox'])).outbox;
      const sentBefore = t.transport.sent.length;

      const known = await sendCode(owner.phone, 'login');
      const afterKnown = (await countRows(t.db, ['outbox'])).outbox;
      const unknown = await sendCode(stranger, 'login');
      expect(unknown.status).toBe(202);
      expect(known.status).toBe(202);
      expect(unknown.body).toEqual({ sentTo: maskPhone(stranger) });
      expect(Object.keys(unknown.body)).toEqual(Object.keys(known.body));
      expect(afterKnown).toBe(outboxBefore + 1);
      expect((await countRows(t.db, ['outbox'])).outbox).toBe(afterKnown);
      await t.drain();
      expect(t.transport.sent.slice(sentBefore).map((m) => m.to)).toEqual([owner.phone]);

      // Asking again at once: the same refusal for both.
      const knownAgain = await sendCode(owner.phone, 'login');
      const unknownAgain = await sendCode(stranger, 'login');
      expectError(knownAgain, 'CODE_TOO_SOON');
      expect(answer(unknownAgain)).toEqual(answer(knownAgain));

      // Signing in with a guessed code: the same refusal too.
      const code = t.transport.lastCodeFor(owner.phone);
      const wrong = await t.client().post('/api/auth/otp/login', { login: owner.phone, code: wrongCode(code) });
      expectError(wrong, 'CODE_INVALID');
      expect(answer(await t.client().post('/api/auth/otp/login', { login: stranger, code }))).toEqual(answer(wrong));
      expect(t.transport.sent.slice(sentBefore).map((m) => m.to)).toEqual([owner.phone]);
    });

    it('refuses a login that is neither a mobile number nor an e-mail address', async () => {
      const res = await sendCode('not a login', 'login');
      expectError(res, 'VALIDATION_FAILED');
      expectFieldIssue(res, 'login', 'MOBILE_INVALID');
      expectError(await t.client().post('/api/auth/otp/send', { login: uniquePhone(), purpose: 'admin' }), 'VALIDATION_FAILED');
    });

    it('voids a sign-in code after five wrong tries and after five minutes', async () => {
      const owner = await registerOwner(t);
      await sendCode(owner.phone, 'login');
      await t.drain();
      const code = t.transport.lastCodeFor(owner.phone);
      for (let i = 0; i < 5; i++) {
        expectError(await t.client().post('/api/auth/otp/login', { login: owner.phone, code: wrongCode(code) }), 'CODE_INVALID');
      }
      expectError(await t.client().post('/api/auth/otp/login', { login: owner.phone, code }), 'CODE_INVALID');

      t.clock.advance(minute);
      await sendCode(owner.phone, 'login');
      await t.drain();
      const second = t.transport.lastCodeFor(owner.phone);
      t.clock.advance(5 * minute);
      expectError(await t.client().post('/api/auth/otp/login', { login: owner.phone, code: second }), 'CODE_INVALID');
    });

    it('keeps sign-in and reset codes apart', async () => {
      const owner = await registerOwner(t);
      await sendCode(owner.phone, 'login');
      await t.drain();
      const loginCode = t.transport.lastCodeFor(owner.phone);
      expectError(await t.client().post('/api/auth/password/reset', { login: owner.phone, code: loginCode, newPassword }), 'CODE_INVALID');
      await sendCode(owner.phone, 'reset');
      await t.drain();
      const resetCode = t.transport.lastCodeFor(owner.phone);
      expectError(await t.client().post('/api/auth/otp/login', { login: owner.phone, code: resetCode }), 'CODE_INVALID');
      expect((await login(t.client(), owner.phone, goodPassword)).status).toBe(200);
    });

    it('limits the codes sent to one address, from however many IP addresses, known or not', async () => {
      const owner = await registerOwner(t);
      const stranger = uniquePhone();
      moveIntoWindow(t, hour);
      const known: unknown[] = [];
      const unknown: unknown[] = [];
      for (let i = 0; i < 11; i++) {
        known.push(answer(await sendCode(owner.phone, 'login')));
        unknown.push(answer(await sendCode(stranger, 'login')));
        t.clock.advance(minute);
      }
      expect(known.slice(0, 10).every((a) => (a as { status: number }).status === 202)).toBe(true);
      const last = known[10] as { status: number; body: { error: { code: string } } };
      expect({ status: last.status, code: last.body.error.code }).toEqual({ status: 429, code: 'RATE_LIMITED' });
      expect(unknown.map((a) => (a as { status: number }).status)).toEqual(known.map((a) => (a as { status: number }).status));
      expect((unknown[10] as { body: unknown }).body).toEqual(last.body);
      await t.drain();
      expect(t.transport.sent.filter((m) => m.to === owner.phone && m.subject.includes('登录'))).toHaveLength(10);
    });

    it('limits the codes one IP address may ask for', async () => {
      moveIntoWindow(t, hour);
      const c = t.client();
      for (let i = 0; i < 30; i++) expect((await sendCode(uniquePhone(), 'login', c)).status).toBe(202);
      expectError(await sendCode(uniquePhone(), 'login', c), 'RATE_LIMITED');
      expect((await sendCode(uniquePhone(), 'login')).status).toBe(202);
    });
  });

  describe('forgotten password', () => {
    it('sets a new password with a reset code; the old one stops working and open sessions end', async () => {
      const owner = await registerOwner(t);
      const other = t.client();
      expect((await login(other, owner.email, goodPassword)).status).toBe(200);

      expect((await sendCode(owner.phone, 'reset')).status).toBe(202);
      await t.drain();
      const code = t.transport.lastCodeFor(owner.phone);
      const c = t.client();
      // A weak new password is refused and leaves the code usable.
      const weak = await c.post('/api/auth/password/reset', { login: owner.phone, code, newPassword: 'password123' });
      expectError(weak, 'PASSWORD_COMMON');
      const short = await c.post('/api/auth/password/reset', { login: owner.phone, code, newPassword: 'short' });
      expectError(short, 'PASSWORD_TOO_SHORT');
      const ok = await c.post('/api/auth/password/reset', { login: owner.phone, code, newPassword });
      expect(ok.status, ok.text).toBe(200);
      expect(ok.body).toEqual({ ok: true });

      expectError(await owner.client.get('/api/auth/session'), 'UNAUTHENTICATED');
      expectError(await other.get('/api/auth/session'), 'UNAUTHENTICATED');
      expectError(await login(t.client(), owner.phone, goodPassword), 'LOGIN_FAILED');
      expect((await login(t.client(), owner.phone, newPassword)).status).toBe(200);
      // The code was used up.
      expectError(
        await c.post('/api/auth/password/reset', { login: owner.phone, code, newPassword: 'Another-Kite-Eight-22' }),
        'CODE_INVALID',
      );
    });

    it('lifts a lock-out: after a reset the new password works at once', async () => {
      const owner = await registerOwner(t);
      for (let i = 0; i < 5; i++) await login(t.client(), owner.phone, wrongPassword);
      expectError(await login(t.client(), owner.phone, goodPassword), 'ACCOUNT_LOCKED');
      await sendCode(owner.phone, 'reset');
      await t.drain();
      const code = t.transport.lastCodeFor(owner.phone);
      expect((await t.client().post('/api/auth/password/reset', { login: owner.phone, code, newPassword })).status).toBe(200);
      expect((await login(t.client(), owner.phone, newPassword)).status).toBe(200);
    });

    it('answers a reset request for an unknown account like one for a real account', async () => {
      const stranger = uniquePhone();
      const res = await sendCode(stranger, 'reset');
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ sentTo: maskPhone(stranger) });
      const reset = await t.client().post('/api/auth/password/reset', { login: stranger, code: '123456', newPassword });
      expectError(reset, 'CODE_INVALID');
    });
  });

  describe('sessions', () => {
    it('uses an HttpOnly, SameSite=Lax cookie on path /, not Secure by default, and stores only its hash', async () => {
      const owner = await registerOwner(t);
      const res = await login(t.client(), owner.phone, goodPassword);
      const cookie = parseSetCookie(res);
      expect(cookie?.value).toMatch(/^[A-Za-z0-9_-]{40,}$/);
      expect(cookie?.attrs.httponly).toBe(true);
      expect(String(cookie?.attrs.samesite).toLowerCase()).toBe('lax');
      expect(cookie?.attrs.path).toBe('/');
      expect(cookie?.attrs.secure).toBeUndefined();
      const rows = await t.db.kysely.selectFrom('sessions').select(['id_hash', 'csrf_token']).execute();
      expect(rows.map((r) => r.id_hash)).not.toContain(cookie?.value);
      expect(JSON.stringify(rows)).not.toContain(String(cookie?.value));
    });

    it('ends the session on sign-out: the cookie no longer works', async () => {
      const owner = await registerOwner(t);
      const c = t.client();
      await login(c, owner.phone, goodPassword);
      const cookie = c.cookie;
      // Signing out is a change, so it needs the CSRF token too.
      const csrf = c.csrf;
      c.csrf = undefined;
      expectError(await c.post('/api/auth/logout'), 'CSRF_FAILED');
      expect((await c.get('/api/auth/session')).status).toBe(200);
      c.csrf = csrf;
      const out = await c.post('/api/auth/logout');
      expect(out.status).toBe(204);
      const cleared = parseSetCookie(out);
      expect(cleared?.value).toBe('');
      expectError(await c.get('/api/auth/session'), 'UNAUTHENTICATED');
      c.cookie = cookie;
      expectError(await c.get('/api/auth/session'), 'UNAUTHENTICATED');
      expectError(await c.get('/api/stores'), 'UNAUTHENTICATED');
    });

    it('never accepts a session token the client made up, and always issues a new one on sign-in', async () => {
      const owner = await registerOwner(t);
      const c = t.client();
      const invented = 'pd_session=attacker-chosen-token-0123456789abcdefghijklmnop';
      c.cookie = invented;
      expectError(await c.get('/api/auth/session'), 'UNAUTHENTICATED');
      const first = await login(c, owner.phone, goodPassword);
      const firstToken = parseSetCookie(first)?.value;
      expect(firstToken).toBeTruthy();
      expect(`pd_session=${firstToken}`).not.toBe(invented);
      const probe = t.client();
      probe.cookie = invented;
      expectError(await probe.get('/api/auth/session'), 'UNAUTHENTICATED');

      // Signing in again while signed in rotates the token as well.
      const second = await login(c, owner.phone, goodPassword);
      const secondToken = parseSetCookie(second)?.value;
      expect(secondToken).toBeTruthy();
      expect(secondToken).not.toBe(firstToken);
      expect((await c.get('/api/auth/session')).status).toBe(200);

      // The one-time code and registration sign-ins issue fresh tokens too.
      await sendCode(owner.phone, 'login', c);
      await t.drain();
      const viaCode = await c.post('/api/auth/otp/login', { login: owner.phone, code: t.transport.lastCodeFor(owner.phone) });
      expect(parseSetCookie(viaCode)?.value).not.toBe(secondToken);
    });

    it('expires after 12 hours without use, and use keeps it alive', async () => {
      const owner = await registerOwner(t);
      const idle = t.client();
      const busy = t.client();
      await login(idle, owner.phone, goodPassword);
      await login(busy, owner.phone, goodPassword);
      t.clock.advance(11 * hour);
      expect((await busy.get('/api/auth/session')).status).toBe(200);
      t.clock.advance(hour - 1);
      expect((await idle.get('/api/auth/session')).status).toBe(200);
      t.clock.advance(11 * hour + 30 * minute);
      // idle was last used 11.5 h ago, busy 12.5 h ago.
      expect((await idle.get('/api/auth/session')).status).toBe(200);
      expectError(await busy.get('/api/auth/session'), 'UNAUTHENTICATED');
      t.clock.advance(12 * hour);
      expectError(await idle.get('/api/auth/session'), 'UNAUTHENTICATED');
    });

    it('refuses a change made with the cookie but without the right X-CSRF-Token, and changes nothing', async () => {
      const owner = await registerOwner(t);
      const other = t.client();
      await login(other, owner.phone, goodPassword);
      const store = await owner.client.post('/api/stores', { name: '原名', address: '上海' });
      expect(store.status).toBe(201);
      const before = await countRows(t.db, ['stores', 'stations', 'users', 'audit_log']);

      const attempts: [string, (headers: Record<string, string>) => Promise<Res>][] = [
        ['create a store', (h) => owner.client.post('/api/stores', { name: '伪造', address: '' }, h)],
        ['rename a store', (h) => owner.client.patch(`/api/stores/${store.body.id}`, { name: '被改', address: '' }, h)],
        [
          'add staff',
          (h) => owner.client.post('/api/staff', { name: 'x', phone: uniquePhone(), role: 'owner', password: goodPassword }, h),
        ],
        ['set a PIN', (h) => owner.client.put('/api/me/pin', { pin: '2580', password: goodPassword }, h)],
      ];
      for (const [, attempt] of attempts) {
        const csrf = owner.client.csrf;
        owner.client.csrf = undefined;
        expectError(await attempt({}), 'CSRF_FAILED');
        owner.client.csrf = csrf;
        expectError(await attempt({ 'x-csrf-token': 'forged-token' }), 'CSRF_FAILED');
        expectError(await attempt({ 'x-csrf-token': '' }), 'CSRF_FAILED');
        // Another session's token (even of the same person) does not fit this one.
        expectError(await attempt({ 'x-csrf-token': String(other.csrf) }), 'CSRF_FAILED');
      }
      const en = await owner.client.post('/api/stores', { name: '伪造', address: '' }, { 'x-csrf-token': 'x', 'accept-language': 'en' });
      expectError(en, 'CSRF_FAILED', 'en');
      expect(await countRows(t.db, ['stores', 'stations', 'users', 'audit_log'])).toEqual(before);
      const stores = await owner.client.get('/api/stores');
      expect(stores.body.items.map((s: { name: string }) => s.name)).toEqual(['原名']);
      const me = await t.db.kysely.selectFrom('users').select('pin_hash').where('phone', '=', owner.phone).executeTakeFirstOrThrow();
      expect(me.pin_hash).toBeNull();

      // With the right token the same change goes through.
      expect((await owner.client.post('/api/stores', { name: '二号店', address: '' })).status).toBe(201);
    });
  });

  describe('secure cookies', () => {
    let secure: TestApp;
    beforeAll(async () => {
      secure = await createTestApp(dialect, { secureCookies: true });
    });
    afterAll(async () => {
      await secure.close();
    });

    it('marks the cookie Secure when the server is configured for https', async () => {
      const owner = await registerOwner(secure);
      const res = await login(secure.client(), owner.phone, goodPassword);
      const cookie = parseSetCookie(res);
      expect(cookie?.attrs.secure).toBe(true);
      expect(cookie?.attrs.httponly).toBe(true);
    });
  });
});
