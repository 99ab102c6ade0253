import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limits } from '../../apps/server/src/services/rate-limiter.ts';
import { expectError, wrongCode } from '../support/assertions.ts';
import { dialects } from '../support/databases.ts';
import { addStaff, addStoreAndStation, goodPassword, registerOwner, registrationBody, uniquePhone } from '../support/factories.ts';
import type { Res } from '../support/http-client.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

const minute = 60_000;
/** Wrong tries a one-time code survives (otp.service.ts: void after five). */
const triesPerCode = 5;
/** How many wrong guesses arrive together in a burst, before the right one. */
const burst = 20;

/** Six-digit codes other than `code`, all different. */
const wrongCodes = (code: string, n: number) => Array.from({ length: n }, (_, i) => wrongCode(String((Number(code) + i) % 1_000_000)));

/** Moves the clock to the start of a fresh window of `windowMs`. */
const freshWindow = (t: TestApp, windowMs: number) => t.clock.advance(windowMs - (t.clock.now % windowMs));

interface CodeUse {
  code: string;
  attempt(code: string): Promise<Res>;
  /** Checks that whatever the code would have given (a session, a new password, an account) was not given. */
  expectNothingGained(): Promise<void>;
}

const signedIn = (res: Res) => res.status === 200 || res.headers['set-cookie'] !== undefined;

describe.each(dialects)('guessing on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => {
    await t.close();
  });

  /**
   * Each way of using a one-time code: get a code sent for it, then try codes. Every try comes from an
   * address of its own, as from a botnet, so that only the per-code limit stands in the way.
   */
  const codeUses: [string, () => Promise<CodeUse>][] = [
    [
      'sign-in code',
      async () => {
        const owner = await registerOwner(t);
        t.clock.advance(minute);
        expect((await t.client().post('/api/auth/otp/send', { login: owner.phone, purpose: 'login' })).status).toBe(202);
        await t.drain();
        return {
          code: t.transport.lastCodeFor(owner.phone),
          attempt: (code) => t.client().post('/api/auth/otp/login', { login: owner.phone, code }),
          expectNothingGained: async () => {
            // Only the session the registration opened.
            const sessions = await t.db.kysely
              .selectFrom('sessions')
              .select('user_id')
              .where('merchant_id', '=', owner.merchantId)
              .execute();
            expect(sessions).toHaveLength(1);
          },
        };
      },
    ],
    [
      'password reset code',
      async () => {
        const owner = await registerOwner(t);
        t.clock.advance(minute);
        expect((await t.client().post('/api/auth/otp/send', { login: owner.phone, purpose: 'reset' })).status).toBe(202);
        await t.drain();
        return {
          code: t.transport.lastCodeFor(owner.phone),
          attempt: (code) => t.client().post('/api/auth/password/reset', { login: owner.phone, code, newPassword: 'Taken-Over-Kite-88' }),
          expectNothingGained: async () => {
            expect((await t.client().post('/api/auth/login', { login: owner.phone, password: goodPassword })).status).toBe(200);
          },
        };
      },
    ],
    [
      'registration code',
      async () => {
        const body = registrationBody();
        const started = await t.client().post('/api/auth/register', body);
        expect(started.status).toBe(202);
        await t.drain();
        return {
          code: t.transport.lastCodeFor(String(body.phone)),
          attempt: (code) => t.client().post('/api/auth/register/verify', { registrationId: started.body.registrationId, code }),
          expectNothingGained: async () => {
            const merchant = await t.db.kysely
              .selectFrom('merchants')
              .select('status')
              .where('uscc', '=', String(body.uscc))
              .executeTakeFirst();
            expect(merchant?.status).toBe('pending');
          },
        };
      },
    ],
  ];

  describe.each(codeUses)('a %s', (_use, prepare) => {
    it('is void after five wrong tries, even for the right code', async () => {
      const { code, attempt, expectNothingGained } = await prepare();
      for (const guess of wrongCodes(code, triesPerCode)) expectError(await attempt(guess), 'CODE_INVALID');
      const right = await attempt(code);
      expectError(right, 'CODE_INVALID');
      expect(signedIn(right)).toBe(false);
      await expectNothingGained();
    });

    it('is void after five wrong tries when many guesses arrive at once, so a burst cannot try more', async () => {
      const { code, attempt, expectNothingGained } = await prepare();
      // The right code is sent last: by then at least five wrong ones have arrived before it.
      const answers = await Promise.all([...wrongCodes(code, burst), code].map((guess) => attempt(guess)));
      expect(
        answers.map((r) => r.body?.error?.code ?? r.status),
        `${burst} wrong guesses and then the right one, all at once`,
      ).toEqual(Array(burst + 1).fill('CODE_INVALID'));
      await expectNothingGained();
    });
  });

  it('limits code tries per IP address, across accounts, and the limit is a window', async () => {
    const owner = await registerOwner(t);
    freshWindow(t, limits.codeVerifyPerIp.windowMs);
    expect((await t.client().post('/api/auth/otp/send', { login: owner.phone, purpose: 'login' })).status).toBe(202);
    await t.drain();
    const code = t.transport.lastCodeFor(owner.phone);
    const pending = await t.client().post('/api/auth/register', registrationBody());
    const guesser = t.client();
    // Spread over many logins, so no single code is voided: only the per-IP limit can stop this.
    for (let i = 0; i < limits.codeVerifyPerIp.max; i++) {
      expectError(await guesser.post('/api/auth/otp/login', { login: uniquePhone(), code: '382910' }), 'CODE_INVALID');
    }
    expectError(await guesser.post('/api/auth/otp/login', { login: owner.phone, code }), 'RATE_LIMITED');
    expectError(
      await guesser.post('/api/auth/password/reset', { login: owner.phone, code, newPassword: 'Taken-Over-Kite-88' }),
      'RATE_LIMITED',
    );
    expectError(await guesser.post('/api/auth/register/verify', { registrationId: pending.body.registrationId, code }), 'RATE_LIMITED');
    // The refused tries used nothing up: the owner, elsewhere, still signs in with the code.
    expect((await t.client().post('/api/auth/otp/login', { login: owner.phone, code })).status).toBe(200);
    t.clock.advance(limits.codeVerifyPerIp.windowMs);
    expectError(await guesser.post('/api/auth/otp/login', { login: owner.phone, code }), 'CODE_INVALID');
  });

  it('gives one account at most fifty code guesses an hour, however many addresses ask', async () => {
    const owner = await registerOwner(t);
    freshWindow(t, limits.codeSendPerTarget.windowMs);
    for (let round = 0; round < limits.codeSendPerTarget.max; round++) {
      expect((await t.client().post('/api/auth/otp/send', { login: owner.phone, purpose: 'login' })).status, `round ${round}`).toBe(202);
      await t.drain();
      const code = t.transport.lastCodeFor(owner.phone);
      for (const guess of wrongCodes(code, triesPerCode)) {
        expectError(await t.client().post('/api/auth/otp/login', { login: owner.phone, code: guess }), 'CODE_INVALID');
      }
      expectError(await t.client().post('/api/auth/otp/login', { login: owner.phone, code }), 'CODE_INVALID');
      t.clock.advance(minute);
    }
    expectError(await t.client().post('/api/auth/otp/send', { login: owner.phone, purpose: 'login' }), 'RATE_LIMITED');
  });

  it('locks a login after five wrong passwords even when the guesses arrive at once, and a stranger’s login the same', async () => {
    const owner = await registerOwner(t);
    const stranger = uniquePhone();
    freshWindow(t, limits.passwordFailuresPerLogin.windowMs);
    const guesses = [...Array.from({ length: burst }, (_, i) => `Guess-Number-${i}-Wrong`), goodPassword];
    const real = await Promise.all(guesses.map((password) => t.client().post('/api/auth/login', { login: owner.phone, password })));
    const fake = await Promise.all(guesses.map((password) => t.client().post('/api/auth/login', { login: stranger, password })));
    expect(real.filter(signedIn), 'sessions given to a burst of guesses').toEqual([]);
    expect(fake.filter(signedIn)).toEqual([]);
    // Afterwards both logins are locked, and say so in the same words.
    const lockedReal = await t.client().post('/api/auth/login', { login: owner.phone, password: goodPassword });
    const lockedFake = await t.client().post('/api/auth/login', { login: stranger, password: goodPassword });
    expectError(lockedReal, 'ACCOUNT_LOCKED');
    expect({ status: lockedFake.status, body: lockedFake.body }).toEqual({ status: lockedReal.status, body: lockedReal.body });
  });

  it('locks a person out of PIN switching after five wrong PINs even when they are tried at once', async () => {
    const owner = await registerOwner(t);
    const { storeId, stationId } = await addStoreAndStation(owner.client);
    const target = await addStaff(t, owner.client, 'manager', storeId, '4826');
    const counter = (await addStaff(t, owner.client, 'cashier', storeId)).client;
    expect((await counter.post('/api/auth/station', { stationId })).status).toBe(200);
    // PINs have four to six digits: a burst that got past the lock would find one in minutes.
    const pins = [...Array.from({ length: burst }, (_, i) => String(5000 + 7 * i)), '4826'];
    const answers = await Promise.all(pins.map((pin) => counter.post('/api/auth/switch-user', { userId: target.id, pin })));
    expect(
      answers.filter(signedIn).map((r) => r.body?.user?.id),
      'sessions given to a burst of PIN guesses',
    ).toEqual([]);
    expectError(await counter.post('/api/auth/switch-user', { userId: target.id, pin: '4826' }), 'ACCOUNT_LOCKED');
  });
});
