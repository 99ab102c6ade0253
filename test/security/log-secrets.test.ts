import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSetCookie, wrongCode } from '../support/assertions.ts';
import { dialects } from '../support/databases.ts';
import { registrationBody, uniquePhone } from '../support/factories.ts';
import type { HttpClient, Res } from '../support/http-client.ts';
import { createLoggedTestApp, type LoggedTestApp } from './logged-app.ts';

const secretKey = randomBytes(32);
const passwords = {
  owner: 'Velvet-Comet-Rain-4821',
  ownerAfterReset: 'Silent-Orchard-Kite-5307',
  staff: 'Amber-Tunnel-Moss-6194',
  mistyped: 'Velvet-Comet-Rain-4812',
};
const pins = { manager: '739146', cashier: '850274', managerNew: '482075', guessed: '902731' };
/** A settlement account, typed as printed on the card (grouped by four). */
const accountDigits = `6217${Array.from({ length: 15 }, () => randomInt(10)).join('')}`;
const accountTyped = accountDigits.replace(/(\d{4})(?=\d)/g, '$1 ');

const forms = (key: Buffer) => [key.toString('hex'), key.toString('base64'), key.toString('base64url')];
const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Digits-only secrets (codes, PINs) are matched as whole numbers, so a longer number that contains them is no hit. */
const pattern = (secret: string) => new RegExp(/^\d+$/.test(secret) ? `(?<![\\d.])${secret}(?!\\d)` : literal(secret));

describe.each(dialects)('secrets in logs and answers on %s', (dialect) => {
  let t: LoggedTestApp;
  const secrets = new Map<string, string>();
  const payerCodes: string[] = [];

  function keep(kind: string, value: string | undefined) {
    if (!value) throw new Error(`no ${kind} to keep`);
    secrets.set(value, kind);
  }

  async function ok(pending: Promise<Res>, status = 200): Promise<Res> {
    const res = await pending;
    if (res.status !== status) throw new Error(`flow step answered ${res.status}: ${res.text}`);
    return res;
  }

  async function codeSentTo(to: string): Promise<string> {
    await t.drain();
    const code = t.transport.lastCodeFor(to);
    keep('one-time code', code);
    return code;
  }

  async function signIn(login: string, password: string): Promise<HttpClient> {
    const client = t.client();
    await ok(client.post('/api/auth/login', { login, password }));
    return client;
  }

  /** Registration, every kind of sign-in, staff with PINs, a settlement account, a payment and a refund. */
  beforeAll(async () => {
    t = await createLoggedTestApp(dialect, secretKey.toString('hex'));
    for (const [kind, values] of Object.entries({ password: Object.values(passwords), PIN: Object.values(pins) })) {
      for (const value of values) keep(kind, value);
    }
    keep('settlement account', accountDigits);
    keep('settlement account', accountTyped);
    for (const form of forms(secretKey)) keep('secret key', form);

    const owner = t.client();
    const body = registrationBody({ password: passwords.owner, bankAccountNo: accountTyped });
    const phone = String(body.phone);
    const started = await ok(owner.post('/api/auth/register', body), 202);
    // The first text message fails (the SMS gateway timed out) and is sent again by the worker.
    await t.drain();
    t.clock.advance(5_000);
    const registered = await ok(
      owner.post('/api/auth/register/verify', { registrationId: started.body.registrationId, code: await codeSentTo(phone) }),
    );
    const merchantId = registered.body.merchant.id as string;
    for (const form of forms(t.app.gateway.key(merchantId))) keep('simulator key', form);
    await ok(owner.post('/api/auth/logout'), 204);

    await t.client().post('/api/auth/login', { login: phone, password: passwords.mistyped });
    const ownerAgain = await signIn(phone, passwords.owner);
    t.clock.advance(61_000);
    await ok(t.client().post('/api/auth/otp/send', { login: phone, purpose: 'login' }), 202);
    const loginCode = await codeSentTo(phone);
    const guessed = wrongCode(loginCode);
    keep('one-time code', guessed);
    await t.client().post('/api/auth/otp/login', { login: phone, code: guessed });
    await ok(t.client().post('/api/auth/otp/login', { login: phone, code: loginCode }));

    const store = await ok(ownerAgain.post('/api/stores', { name: '日志店', address: '成都市' }), 201);
    const station = await ok(ownerAgain.post('/api/stations', { storeId: store.body.id, name: '1 号收银台' }), 201);
    const staff = async (role: 'manager' | 'cashier', pin: string) => {
      const staffPhone = uniquePhone();
      const added = await ok(
        ownerAgain.post('/api/staff', {
          name: `${role}员工`,
          phone: staffPhone,
          role,
          storeId: store.body.id,
          password: passwords.staff,
          pin,
        }),
        201,
      );
      return { id: added.body.id as string, client: await signIn(staffPhone, passwords.staff) };
    };
    const manager = await staff('manager', pins.manager);
    const cashier = await staff('cashier', pins.cashier);
    await ok(
      ownerAgain.put('/api/channels/unionpay-emv', {
        acquirerIin: '48020000',
        merchantNo: '898340149000005',
        mcc: '5411',
        nameLatin: 'LOG SHOP',
        city: 'Chengdu',
      }),
    );

    await ok(cashier.client.post('/api/auth/station', { stationId: station.body.id }));
    await cashier.client.post('/api/auth/switch-user', { userId: manager.id, pin: pins.guessed });
    await ok(cashier.client.post('/api/auth/switch-user', { userId: manager.id, pin: pins.manager }));
    await ok(manager.client.put('/api/me/pin', { pin: pins.managerNew, password: passwords.staff }), 204);

    const payer = await ok(cashier.client.post('/api/sim/payer-codes', { wallet: 'alipay', behaviour: { action: 'pay' } }), 201);
    payerCodes.push(payer.body.code);
    const paid = await ok(
      cashier.client.post('/api/checkout', { id: randomUUID(), amountFen: 4250, payment: { flow: 'code_pay', authCode: payer.body.code } }),
      201,
    );
    const shown = await ok(
      cashier.client.post('/api/checkout', { id: randomUUID(), amountFen: 990, payment: { flow: 'dynamic_code' } }),
      201,
    );
    const trade = await ok(cashier.client.post('/api/sim/scan', { codeText: shown.body.codeText }));
    await ok(cashier.client.post(`/api/sim/trades/${trade.body.tradeNo}/decide`, { decision: { action: 'pay' } }));
    await t.drain();
    await ok(manager.client.post(`/api/payments/${paid.body.id}/refunds`, { amountFen: 1250, reason: '顾客退货' }), 201);
    await ok(manager.client.get(`/api/payments/${paid.body.id}`));

    t.clock.advance(61_000);
    await ok(t.client().post('/api/auth/otp/send', { login: phone, purpose: 'reset' }), 202);
    const resetCode = await codeSentTo(phone);
    await ok(t.client().post('/api/auth/password/reset', { login: phone, code: resetCode, newPassword: passwords.ownerAfterReset }));
    await signIn(phone, passwords.ownerAfterReset);

    for (const res of t.answers) {
      const token = parseSetCookie(res)?.value;
      if (token) keep('session token', token);
      if (typeof res.body?.csrfToken === 'string') keep('CSRF token', res.body.csrfToken);
    }
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  it('captured the log of the whole flow, the worker’s and the gateway notification’s included', () => {
    const logText = t.logs.join('');
    for (const url of [
      '/api/auth/register/verify',
      '/api/auth/otp/login',
      '/api/auth/switch-user',
      '/api/me/pin',
      '/api/checkout',
      '/api/notify/simulator',
      '/refunds',
    ]) {
      expect(logText, url).toContain(url);
    }
    expect(logText).toContain('outbox message failed');
    expect([...secrets.values()].sort()).toEqual(expect.arrayContaining(['CSRF token', 'one-time code', 'session token', 'simulator key']));
  });

  it('writes no password, PIN, code, token, account number or key into the logs', () => {
    const logText = t.logs.join('');
    for (const [secret, kind] of [...secrets, ...payerCodes.map((code): [string, string] => [code, 'customer payment code'])]) {
      const hit = pattern(secret).exec(logText);
      expect(hit && logText.slice(Math.max(0, hit.index - 200), hit.index + 200), `a ${kind} in the logs`).toBeNull();
    }
  });

  it('answers with no secret beyond the session’s own cookie and CSRF token, each where it belongs', () => {
    for (const res of t.answers) {
      const { csrfToken: _own, ...rest } = (typeof res.body === 'object' && res.body) || { text: res.text };
      const headers = Object.entries(res.headers).filter(([name]) => name !== 'set-cookie');
      const visible = `${JSON.stringify(headers)}\n${JSON.stringify(rest)}`;
      for (const [secret, kind] of secrets) {
        expect(pattern(secret).test(visible), `a ${kind} in an answer: ${visible.slice(0, 300)}`).toBe(false);
      }
    }
  });
});
