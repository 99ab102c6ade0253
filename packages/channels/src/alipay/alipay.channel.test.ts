import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ParsedNotification } from '../channel.ts';
import { AlipayChannel } from './alipay.channel.ts';
import { type AlipaySettings, validateAlipaySettings } from './credentials.ts';
import { signedResponseBody, signNotification, verifyNotification } from './crypto.ts';
import { type AlipayGateway, startAlipayGateway } from './local-gateway.ts';

const app = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherApp = generateKeyPairSync('rsa', { modulusLength: 2048 });
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
const appId = '2021000000000001';
const otherAppId = '2021000000000002';
const spki = (k: typeof app) => k.publicKey.export({ format: 'pem', type: 'spki' }).toString();
const pkcs1Base64 = (k: typeof app) => k.privateKey.export({ format: 'der', type: 'pkcs1' }).toString('base64');

let gateway: AlipayGateway;
let receiver: Server;
let notifyUrl: string;
let settings: AlipaySettings;
let channel: AlipayChannel;
/** Notifications as the shop's endpoint parsed them, with the channel that parsed them. */
const parsed: ParsedNotification[] = [];

function channelWith(change: Partial<AlipaySettings> = {}, o: { now?: () => number; timeoutMs?: number; fetch?: typeof fetch } = {}) {
  return new AlipayChannel({
    settings: { ...settings, ...change },
    now: o.now ?? gateway.control.now,
    timeoutMs: o.timeoutMs ?? 1000,
    ...(o.fetch ? { fetch: o.fetch } : {}),
  });
}

beforeAll(async () => {
  // A clock that moves only when a test moves it, shared by the gateway and the channels: 10:00 in Beijing.
  gateway = await startAlipayGateway({
    apps: [{ appId, appPublicKeyPem: spki(app) }],
    notifyTickMs: 60_000,
    now: () => Date.UTC(2026, 0, 15, 2),
  });
  // The owner pastes the bare Base64 PKCS#1 body Alipay's key tool shows; validation turns it into PEM.
  const check = validateAlipaySettings({
    appId,
    appPrivateKey: pkcs1Base64(app),
    alipayPublicKey: gateway.alipayPublicKeyPem,
    gatewayUrl: gateway.gatewayUrl,
  });
  if (!check.ok) throw new Error(JSON.stringify(check.problems));
  settings = check.settings;
  channel = channelWith();
  receiver = createServer((req, res) => {
    let rawBody = '';
    req.on('data', (c) => {
      rawBody += c;
    });
    req.on('end', async () => {
      const result = await channel.parseNotification({ headers: req.headers, rawBody });
      parsed.push(result);
      res.writeHead(result.ack.status, { 'content-type': 'text/plain' });
      res.end(result.ack.body);
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  notifyUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/notify/alipay`;
});

afterAll(async () => {
  await gateway.close();
  await new Promise((resolve) => receiver.close(resolve));
});

afterEach(() => {
  parsed.length = 0;
  gateway.control.setNotificationBehaviour({});
});

let serial = 0;
const nextTradeNo = () => {
  serial += 1;
  return `PD${Date.now()}${serial}`;
};
let codeSerial = 0;
const nextAuthCode = () => {
  codeSerial += 1;
  return `28${String(Date.now()).slice(-8)}${String(codeSerial).padStart(6, '0')}`;
};
const expiresAt = () => gateway.control.now() + 5 * 60_000;
const dynamicCode = (outTradeNo: string, amountFen = 1234, description = '拿铁 x2') =>
  channel.createDynamicCode({ outTradeNo, amountFen, description, expiresAt: expiresAt(), notifyUrl });
const codePay = (outTradeNo: string, authCode = nextAuthCode(), amountFen = 8880, ch = channel) =>
  ch.payWithCode({ outTradeNo, amountFen, description: '午餐', authCode });
const paymentsFor = (outTradeNo: string) => parsed.filter((p) => p.valid && p.kind === 'payment' && p.outTradeNo === outTradeNo);

describe('dynamic code (alipay.trade.precreate)', () => {
  it('creates the code, waits while nobody has paid, and learns of the payment by notification and query', async () => {
    const no = nextTradeNo();
    const code = await dynamicCode(no);
    expect(code).toEqual({ codeText: gateway.control.trade(no).pageUrl });
    expect(await channel.query(no)).toEqual({ state: 'waiting', why: 'not_paid_yet' });
    // The buyer scans the code with their phone and confirms.
    if (!('codeText' in code)) throw new Error('no code');
    await fetch(code.codeText);
    expect(await channel.query(no)).toEqual({ state: 'waiting', why: 'not_paid_yet' });
    const paidAt = gateway.control.now();
    await fetch(`${code.codeText}/pay`, { method: 'POST', redirect: 'manual' });
    await gateway.control.deliverNotifications();
    const tradeNo = gateway.control.trade(no).tradeNo;
    expect(paymentsFor(no)).toEqual([
      {
        valid: true,
        kind: 'payment',
        outTradeNo: no,
        outcome: { state: 'succeeded', channelTradeNo: tradeNo, paidAt, payerRef: expect.any(String) },
        ack: { status: 200, body: 'success' },
      },
    ]);
    expect(gateway.control.notifications().filter((n) => n.outTradeNo === no)).toMatchObject([{ state: 'acknowledged' }]);
    expect(await channel.query(no)).toMatchObject({
      state: 'succeeded',
      channelTradeNo: tradeNo,
      paidAt,
    });
  });

  it('sends fen as exact yuan strings, whatever the amount', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 100_000_000_00 }), async (amountFen) => {
        const no = nextTradeNo();
        expect(await dynamicCode(no, amountFen)).toHaveProperty('codeText');
        expect(gateway.control.trade(no).totalFen).toBe(amountFen);
      }),
      { numRuns: 25 },
    );
    await expect(dynamicCode(nextTradeNo(), 0)).rejects.toThrow(RangeError);
    await expect(dynamicCode(nextTradeNo(), 12.5)).rejects.toThrow(RangeError);
  });

  it('cleans a description Alipay would refuse as a subject', async () => {
    const no = nextTradeNo();
    expect(await dynamicCode(no, 100, 'A/B=C&D')).toHaveProperty('codeText');
    expect(await dynamicCode(nextTradeNo(), 100, '')).toHaveProperty('codeText');
    expect(await dynamicCode(nextTradeNo(), 100, '🍵'.repeat(300))).toHaveProperty('codeText');
  });

  it('writes Beijing time whatever the server time zone is', async () => {
    const tz = process.env.TZ;
    try {
      for (const zone of ['UTC', 'America/Los_Angeles', 'Asia/Shanghai']) {
        process.env.TZ = zone;
        expect(await dynamicCode(nextTradeNo()), zone).toHaveProperty('codeText');
      }
    } finally {
      process.env.TZ = tz;
    }
  });

  it('closes a code nobody scanned with cancel, since close cannot find it (payments.md §8)', async () => {
    const no = nextTradeNo();
    await dynamicCode(no);
    const before = gateway.control.calls().length;
    expect(await channel.close(no)).toEqual({ state: 'closed' });
    expect(
      gateway.control
        .calls()
        .slice(before)
        .map((c) => [c.method, c.subCode]),
    ).toEqual([
      ['alipay.trade.close', 'ACQ.TRADE_NOT_EXIST'],
      ['alipay.trade.cancel', undefined],
    ]);
    expect(() => gateway.control.pay(no)).toThrow(/TRADE_CLOSED/);
    expect(await channel.query(no)).toEqual({ state: 'closed' });
  });

  it('closes a scanned code with close, and reports a paid one as paid', async () => {
    const scanned = nextTradeNo();
    await dynamicCode(scanned);
    gateway.control.scan(scanned);
    expect(await channel.close(scanned)).toEqual({ state: 'closed' });
    expect(gateway.control.trade(scanned).state).toBe('TRADE_CLOSED');
    const paid = nextTradeNo();
    await dynamicCode(paid);
    gateway.control.pay(paid);
    expect(await channel.close(paid)).toMatchObject({ state: 'succeeded', channelTradeNo: gateway.control.trade(paid).tradeNo });
  });
});

describe('payment code (alipay.trade.pay, bar_code)', () => {
  it('is paid at once', async () => {
    const no = nextTradeNo();
    const outcome = await codePay(no);
    expect(outcome).toEqual({
      state: 'succeeded',
      channelTradeNo: gateway.control.trade(no).tradeNo,
      paidAt: gateway.control.now(),
      payerRef: expect.stringMatching(/^138\*{6}\d\d$/),
    });
    expect(gateway.control.trade(no)).toMatchObject({ state: 'TRADE_SUCCESS', totalFen: 8880 });
  });

  it('waits for the password (10003), then the query finds it paid', async () => {
    const no = nextTradeNo();
    const authCode = nextAuthCode();
    gateway.control.decideCode(authCode, { kind: 'password' });
    expect(await codePay(no, authCode)).toEqual({ state: 'waiting', why: 'user_paying' });
    expect(await channel.query(no)).toEqual({ state: 'waiting', why: 'not_paid_yet' });
    gateway.control.pay(no);
    expect(await channel.query(no)).toMatchObject({ state: 'succeeded', channelTradeNo: gateway.control.trade(no).tradeNo });
  });

  it('waits for the password (10003), then is cancelled so it can no longer be paid', async () => {
    const no = nextTradeNo();
    const authCode = nextAuthCode();
    gateway.control.decideCode(authCode, { kind: 'password' });
    expect(await codePay(no, authCode)).toMatchObject({ state: 'waiting' });
    expect(await channel.reverse(no)).toEqual({ state: 'closed' });
    expect(await channel.query(no)).toEqual({ state: 'closed' });
    expect(() => gateway.control.pay(no)).toThrow(/TRADE_CLOSED/);
  });

  it('reverses a payment that went through after all by refunding it', async () => {
    const no = nextTradeNo();
    await codePay(no);
    expect(await channel.reverse(no)).toEqual({ state: 'closed' });
    expect(gateway.control.trade(no)).toMatchObject({ state: 'TRADE_CLOSED', refundedFen: 8880 });
  });

  it('fails with the reason in plain Chinese when the buyer cannot pay', async () => {
    const authCode = nextAuthCode();
    gateway.control.decideCode(authCode, { kind: 'fail', subCode: 'ACQ.BUYER_BALANCE_NOT_ENOUGH' });
    expect(await codePay(nextTradeNo(), authCode)).toEqual({
      state: 'failed',
      reasonCode: 'ACQ.BUYER_BALANCE_NOT_ENOUGH',
      reason: '顾客支付宝余额不足，请顾客换一种付款方式',
    });
    expect(await codePay(nextTradeNo(), '134567890123456789')).toMatchObject({
      state: 'failed',
      reasonCode: 'ACQ.PAYMENT_AUTH_CODE_INVALID',
    });
  });

  it('asks again when a retried call finds the trade already paid', async () => {
    const no = nextTradeNo();
    const first = await codePay(no);
    expect(await codePay(no, nextAuthCode())).toEqual(first);
  });
});

describe('query', () => {
  it('of a trade Alipay does not know is "not paid yet", never "failed"', async () => {
    expect(await channel.query(nextTradeNo())).toEqual({ state: 'waiting', why: 'not_paid_yet' });
  });

  it('maps every trade status', async () => {
    const finished = nextTradeNo();
    await codePay(finished);
    gateway.control.finish(finished);
    expect(await channel.query(finished)).toMatchObject({ state: 'succeeded' });
    const closed = nextTradeNo();
    await dynamicCode(closed);
    gateway.control.scan(closed);
    gateway.control.fail(closed);
    expect(await channel.query(closed)).toEqual({ state: 'closed' });
  });
});

describe('refunds (alipay.trade.refund, fastpay.refund.query)', () => {
  it('refunds in part, then the rest, never more; each refund can be queried', async () => {
    const no = nextTradeNo();
    await codePay(no, nextAuthCode(), 1000);
    const refund = (outRefundNo: string, refundFen: number) =>
      channel.refund({ outTradeNo: no, outRefundNo, refundFen, totalFen: 1000, reason: '顾客退货' });
    const first = await refund(`${no}R1`, 300);
    expect(first).toMatchObject({ state: 'succeeded', channelRefundNo: gateway.control.trade(no).tradeNo });
    expect(await channel.queryRefund(no, `${no}R1`)).toMatchObject({ state: 'succeeded' });
    expect(await refund(`${no}R2`, 701)).toEqual({
      state: 'failed',
      reasonCode: 'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL',
      reason: '退款金额超过可退金额',
    });
    expect(await refund(`${no}R2`, 700)).toMatchObject({ state: 'succeeded' });
    expect(gateway.control.trade(no)).toMatchObject({ state: 'TRADE_CLOSED', refundedFen: 1000 });
    // A retried refund is the same refund: found by the query, no money moves twice.
    expect(await refund(`${no}R1`, 300)).toMatchObject({ state: 'succeeded' });
    expect(gateway.control.trade(no).refundedFen).toBe(1000);
    expect(await channel.queryRefund(no, `${no}R9`)).toEqual({
      state: 'failed',
      reasonCode: 'REFUND_NOT_FOUND',
      reason: '支付宝没有这笔退款，可用同一退款单号重新发起',
    });
    expect(await channel.queryRefund(nextTradeNo(), 'R1')).toMatchObject({ state: 'failed', reasonCode: 'ACQ.TRADE_NOT_EXIST' });
  });

  it('reads refund notifications as refunds', async () => {
    const no = nextTradeNo();
    await dynamicCode(no, 500);
    gateway.control.pay(no);
    await channel.refund({ outTradeNo: no, outRefundNo: `${no}R1`, refundFen: 200, totalFen: 500, reason: '' });
    await gateway.control.deliverNotifications();
    expect(parsed.filter((p) => p.valid && p.kind === 'refund')).toMatchObject([
      {
        kind: 'refund',
        outRefundNo: `${no}R1`,
        outcome: { state: 'succeeded', channelRefundNo: gateway.control.trade(no).tradeNo },
        ack: { body: 'success' },
      },
    ]);
  });
});

describe('when the gateway misbehaves, the outcome is unknown, never failed', () => {
  it('on 5xx, 20000, a timeout or a slow answer', async () => {
    gateway.control.failNextCalls(1, { kind: 'http_error', status: 502 });
    expect(await codePay(nextTradeNo())).toEqual({ state: 'unknown', why: 'gateway answered HTTP 502' });
    gateway.control.failNextCalls(1, { kind: 'unavailable' });
    expect(await codePay(nextTradeNo())).toMatchObject({ state: 'unknown', why: expect.stringContaining('20000') });
    gateway.control.failNextCalls(1, { kind: 'timeout' });
    expect(await channel.query(nextTradeNo())).toMatchObject({ state: 'unknown', why: expect.stringContaining('unreachable') });
    gateway.control.failNextCalls(1, { kind: 'slow', delayMs: 1500 });
    expect(await dynamicCode(nextTradeNo())).toMatchObject({ state: 'unknown' });
    gateway.control.failNextCalls(1, { kind: 'http_error', status: 500 });
    expect(await channel.refund({ outTradeNo: nextTradeNo(), outRefundNo: 'R', refundFen: 1, totalFen: 1, reason: '' })).toMatchObject({
      state: 'unknown',
    });
  });

  it('when the answer is lost after the money moved; the query then finds it paid', async () => {
    const no = nextTradeNo();
    gateway.control.failNextCalls(1, { kind: 'timeout', applied: true });
    expect(await codePay(no)).toMatchObject({ state: 'unknown' });
    expect(await channel.query(no)).toMatchObject({ state: 'succeeded' });
  });

  it('when the address is not reachable at all', async () => {
    const nowhere = channelWith({ gatewayUrl: 'http://127.0.0.1:9/gateway.do' });
    expect(await nowhere.payWithCode({ outTradeNo: nextTradeNo(), amountFen: 1, description: '', authCode: nextAuthCode() })).toMatchObject(
      { state: 'unknown' },
    );
  });

  it('when the answer does not verify with the Alipay public key, even though the money moved', async () => {
    const wrongKey = channelWith({ alipayPublicKeyPem: spki(stranger) });
    const no = nextTradeNo();
    expect(await codePay(no, nextAuthCode(), 100, wrongKey)).toEqual({ state: 'unknown', why: 'answer signature does not verify' });
    expect(await channel.query(no)).toMatchObject({ state: 'succeeded' });
  });

  it('when a genuine signed answer belongs to another trade (a replay)', async () => {
    let recorded = '';
    const recording: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      recorded = await response.text();
      return new Response(recorded, { status: response.status });
    };
    await codePay(nextTradeNo(), nextAuthCode(), 8880, channelWith({}, { fetch: recording }));
    const replaying: typeof fetch = async () => new Response(recorded, { status: 200 });
    expect(await codePay(nextTradeNo(), nextAuthCode(), 8880, channelWith({}, { fetch: replaying }))).toEqual({
      state: 'unknown',
      why: 'answer is for another trade',
    });
    // A success signed for this trade number but another amount is not believed either.
    const no = nextTradeNo();
    const otherAmount: typeof fetch = async () =>
      new Response(
        signedResponseBody(
          'alipay.trade.pay',
          { code: '10000', msg: 'Success', out_trade_no: no, total_amount: '0.01' },
          stranger.privateKey,
        ),
      );
    const trusting = channelWith({ alipayPublicKeyPem: spki(stranger) }, { fetch: otherAmount });
    expect(await codePay(no, nextAuthCode(), 8880, trusting)).toEqual({ state: 'unknown', why: 'answer is for another trade' });
  });
});

describe('our requests with a bad signature', () => {
  it('are refused by the gateway, and nothing is created', async () => {
    const wrongKey = channelWith({ appPrivateKeyPem: stranger.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() });
    const no = nextTradeNo();
    expect(await codePay(no, nextAuthCode(), 100, wrongKey)).toEqual({
      state: 'failed',
      reasonCode: 'isv.invalid-signature',
      reason: '支付宝验签失败：应用私钥与开放平台上的应用公钥不匹配',
    });
    expect(() => gateway.control.trade(no)).toThrow(/0 trades/);
    expect(
      await wrongKey.createDynamicCode({ outTradeNo: no, amountFen: 1, description: '', expiresAt: expiresAt(), notifyUrl }),
    ).toMatchObject({
      state: 'unknown',
      why: expect.stringContaining('isv.invalid-signature'),
    });
  });
});

describe('notifications', () => {
  const genuine = async () => {
    const no = nextTradeNo();
    await dynamicCode(no);
    gateway.control.pay(no);
    await gateway.control.deliverNotifications();
    const sent = gateway.control.notifications().find((n) => n.outTradeNo === no)?.lastSent;
    if (!sent) throw new Error('no notification sent');
    return { no, sent };
  };
  const parse = (fields: Record<string, string>) =>
    channel.parseNotification({ headers: {}, rawBody: new URLSearchParams(fields).toString() });

  it('are answered "success" every time they come, duplicates included', async () => {
    gateway.control.setNotificationBehaviour({ duplicates: 1 });
    const { no } = await genuine();
    expect(paymentsFor(no)).toHaveLength(2);
    expect(paymentsFor(no)[0]).toEqual(paymentsFor(no)[1]);
    expect(gateway.control.notifications().filter((n) => n.outTradeNo === no)).toMatchObject([
      { state: 'acknowledged' },
      { state: 'acknowledged' },
    ]);
  });

  it('refuse tampering, forgery and missing or foreign signature types, with an answer that makes Alipay retry', async () => {
    const { sent } = await genuine();
    const refused = { valid: false, ack: { status: 400, body: 'fail' } };
    expect(await parse(sent)).toMatchObject({ valid: true });
    expect(await parse({ ...sent, total_amount: '0.01' })).toMatchObject({ ...refused, reason: 'bad_signature' });
    expect(await parse({ ...sent, out_trade_no: nextTradeNo() })).toMatchObject({ ...refused, reason: 'bad_signature' });
    const { sign: _sign, ...unsigned } = sent;
    expect(await parse(unsigned)).toMatchObject({ ...refused, reason: 'missing_signature' });
    expect(await parse({ ...sent, sign: signNotification(sent, stranger.privateKey) })).toMatchObject({
      ...refused,
      reason: 'bad_signature',
    });
    expect(await parse({ ...sent, sign_type: 'RSA' })).toMatchObject({ ...refused, reason: 'unsupported_sign_type' });
    const doubled = `${new URLSearchParams(sent).toString()}&trade_status=TRADE_SUCCESS`;
    expect(await channel.parseNotification({ headers: {}, rawBody: doubled })).toMatchObject({ ...refused, reason: 'duplicate_field' });
    expect(await channel.parseNotification({ headers: {}, rawBody: 'not a form' })).toMatchObject({
      ...refused,
      reason: 'missing_signature',
    });
  });

  it('refuse a genuine notification for another app of the same Alipay account', async () => {
    gateway.control.addApp({ appId: otherAppId, appPublicKeyPem: spki(otherApp) });
    const other = channelWith({
      appId: otherAppId,
      appPrivateKeyPem: otherApp.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    });
    const no = nextTradeNo();
    await other.createDynamicCode({
      outTradeNo: no,
      amountFen: 100,
      description: 'x',
      expiresAt: expiresAt(),
      notifyUrl: `${notifyUrl}?other`,
    });
    gateway.control.pay(no, { appId: otherAppId });
    await gateway.control.deliverNotifications();
    const sent = gateway.control.notifications().find((n) => n.outTradeNo === no)?.lastSent as Record<string, string>;
    expect(verifyNotification(sent, gateway.alipayPublicKeyPem)).toBe(true);
    expect(await parse(sent)).toMatchObject({ valid: false, reason: 'wrong_app', ack: { body: 'fail' } });
    expect(await other.parseNotification({ headers: {}, rawBody: new URLSearchParams(sent).toString() })).toMatchObject({ valid: true });
  });
});

describe('wap pay for the store-code pay page (createWalletOrder)', () => {
  const returnUrl = 'https://shop.example/p/abc/return?from=alipay';

  it('sends the payer to the gateway cashier, then back to the shop with a signed return', async () => {
    const no = nextTradeNo();
    const start = await channel.createWalletOrder({
      outTradeNo: no,
      amountFen: 2590,
      description: '会员储值',
      expiresAt: expiresAt(),
      notifyUrl,
      returnUrl,
    });
    expect(start).toMatchObject({ kind: 'redirect', url: expect.stringContaining(`${gateway.gatewayUrl}?`) });
    if (start.kind !== 'redirect') throw new Error('no redirect');
    const opened = await fetch(start.url, { redirect: 'manual' });
    expect(opened.status).toBe(303);
    const cashier = opened.headers.get('location') as string;
    const page = await (await fetch(cashier)).text();
    expect(page).toContain('¥25.90');
    expect(page).toContain('会员储值');
    const paid = await fetch(`${cashier}/pay`, { method: 'POST', redirect: 'manual' });
    const back = new URL(paid.headers.get('location') as string);
    expect(`${back.origin}${back.pathname}`).toBe('https://shop.example/p/abc/return');
    const params = Object.fromEntries(back.searchParams);
    expect(params).toMatchObject({
      from: 'alipay',
      out_trade_no: no,
      total_amount: '25.90',
      method: 'alipay.trade.wap.pay.return',
      app_id: appId,
    });
    const { from: _from, ...returned } = params;
    expect(verifyNotification(returned, gateway.alipayPublicKeyPem)).toBe(true);
    await gateway.control.deliverNotifications();
    expect(paymentsFor(no)).toMatchObject([{ outcome: { state: 'succeeded' } }]);
    expect(await channel.query(no)).toMatchObject({ state: 'succeeded' });
  });

  it('lets the payer give up and go back to the shop, the order still payable until it expires', async () => {
    const no = nextTradeNo();
    const start = await channel.createWalletOrder({
      outTradeNo: no,
      amountFen: 100,
      description: 'x',
      expiresAt: expiresAt(),
      notifyUrl,
      returnUrl,
    });
    if (start.kind !== 'redirect') throw new Error('no redirect');
    const cashier = (await fetch(start.url, { redirect: 'manual' })).headers.get('location') as string;
    const quit = await fetch(`${cashier}/quit`, { method: 'POST', redirect: 'manual' });
    expect(quit.headers.get('location')).toBe(returnUrl);
    expect(await channel.query(no)).toEqual({ state: 'waiting', why: 'not_paid_yet' });
    gateway.control.advance(5 * 60_000);
    expect(await channel.query(no)).toEqual({ state: 'closed' });
  });

  it('shows the error page for an address changed after signing', async () => {
    const start = await channel.createWalletOrder({
      outTradeNo: nextTradeNo(),
      amountFen: 2590,
      description: 'x',
      expiresAt: expiresAt(),
      notifyUrl,
      returnUrl,
    });
    if (start.kind !== 'redirect') throw new Error('no redirect');
    const page = await (await fetch(start.url.replace('25.90', '0.01'))).text();
    expect(page).toContain('isv.invalid-signature');
  });
});

describe('checkConnection', () => {
  it('says the settings are right when the gateway answers "no such trade", signed', async () => {
    expect(await channel.checkConnection()).toEqual({ verdict: 'ok', detail: 'app id, keys and clock are right' });
  });

  it('tells apart each thing an owner gets wrong', async () => {
    const strangerPem = stranger.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect((await channelWith({ appPrivateKeyPem: strangerPem }).checkConnection()).verdict).toBe('app_key_rejected');
    expect((await channelWith({ alipayPublicKeyPem: spki(stranger) }).checkConnection()).verdict).toBe('alipay_key_mismatch');
    expect((await channelWith({ appId: '2021999999999999' }).checkConnection()).verdict).toBe('app_id_unknown');
    const fastClock = () => gateway.control.now() + 3_600_000;
    expect((await channelWith({}, { now: fastClock }).checkConnection()).verdict).toBe('clock_skew');
    expect((await channelWith({ gatewayUrl: 'http://127.0.0.1:9/gateway.do' }).checkConnection()).verdict).toBe('unreachable');
    expect(await channelWith({ gatewayUrl: `${gateway.url}/no-such-page` }).checkConnection()).toMatchObject({ verdict: 'unreachable' });
    gateway.control.failNextCalls(1, { kind: 'timeout' });
    expect((await channel.checkConnection()).verdict).toBe('unreachable');
  });

  it('names an app that has not signed up for the product', async () => {
    const limitedId = '2021000000000003';
    gateway.control.addApp({ appId: limitedId, appPublicKeyPem: spki(app), deniedMethods: ['alipay.trade.query'] });
    expect(await channelWith({ appId: limitedId }).checkConnection()).toMatchObject({
      verdict: 'permission_denied',
      detail: expect.stringContaining('isv.insufficient-isv-permissions'),
    });
  });
});
