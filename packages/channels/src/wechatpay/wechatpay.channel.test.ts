import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ParsedNotification } from '../channel.ts';
import { signAsPlatform } from './crypto.ts';
import { startWechatPayGateway, type WechatPayBridgeParams, type WechatPayGateway } from './local-gateway.ts';
import { beijingTime } from './protocol.ts';
import { credentialsFor, gatewayMerchant, testMerchant as M, type Received, startReceiver } from './test-support.ts';
import { WechatOAuthError, WechatPayChannel, type WechatPayChannelOptions } from './wechatpay.channel.ts';

// End to end: the adapter against the local gateway over real HTTP on loopback, signatures checked both ways.
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
const strangerPem = String(stranger.privateKey.export({ type: 'pkcs8', format: 'pem' }));
const strangerPublicPem = String(stranger.publicKey.export({ type: 'spki', format: 'pem' }));

let gw: WechatPayGateway;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let channel: WechatPayChannel;
const parsed: ParsedNotification[] = [];
/** Requests the adapter sent, as sent. */
const sent: { url: string; body: string }[] = [];

function channelWith(patch: Partial<WechatPayChannelOptions> = {}, settings = {}): WechatPayChannel {
  return new WechatPayChannel({ credentials: credentialsFor(gw, settings), refundNotifyUrl: receiver.url, ...patch });
}

beforeAll(async () => {
  receiver = await startReceiver(async (r) => {
    const p = await channel.parseNotification({ headers: r.headers, rawBody: r.rawBody });
    parsed.push(p);
    return p.ack;
  });
  gw = await startWechatPayGateway({ merchants: [gatewayMerchant()], retryDelaysMs: [20, 20] });
  const recordingFetch: typeof fetch = (input, init) => {
    sent.push({ url: String(input), body: String(init?.body ?? '') });
    return fetch(input, init);
  };
  channel = channelWith({ fetch: recordingFetch });
});
afterAll(async () => {
  await gw.close();
  await receiver.close();
});
afterEach(async () => {
  await gw.control.notifications.settled();
  gw.control.clock.reset();
  gw.control.notifications.setPolicy({ duplicates: 0, delayMs: 0, lose: false });
  gw.control.setRefundPolicy({ status: 'SUCCESS', hold: false });
  receiver.received.length = 0;
  parsed.length = 0;
  sent.length = 0;
});

let seq = 0;
const no = () => {
  seq += 1;
  return `PD${Date.now()}${seq}`;
};
const dynamic = (outTradeNo: string, amountFen = 2590) => ({
  outTradeNo,
  amountFen,
  description: '拿铁 ×2',
  expiresAt: Date.now() + 5 * 60_000,
  notifyUrl: receiver.url,
});
const codePay = (outTradeNo: string, authCode: string, amountFen = 1800) => ({ outTradeNo, amountFen, description: '美式', authCode });

describe('dynamic code (Native)', () => {
  it('creates the code, learns of the payment by a verified notification, and by query', async () => {
    const outTradeNo = no();
    const created = await channel.createDynamicCode(dynamic(outTradeNo));
    expect(created).toEqual({ codeText: expect.stringMatching(/^weixin:\/\/wxpay\/bizpayurl\?pr=/) });
    expect(await channel.query(outTradeNo)).toEqual({ state: 'waiting', why: 'not_paid_yet' });
    const paid = gw.control.pay(outTradeNo, { openid: 'oAlice' });
    await gw.control.notifications.settled();
    expect(parsed).toEqual([
      {
        valid: true,
        kind: 'payment',
        outTradeNo,
        outcome: { state: 'succeeded', channelTradeNo: paid.transaction_id, paidAt: expect.any(Number), payerRef: 'oAlice' },
        ack: { status: 204, body: '' },
      },
    ]);
    expect(gw.control.notifications.log.filter((d) => d.outTradeNo === outTradeNo).map((d) => d.status)).toEqual([204]);
    expect(await channel.query(outTradeNo)).toMatchObject({ state: 'succeeded', channelTradeNo: paid.transaction_id, payerRef: 'oAlice' });
  });

  it('is idempotent for the same request and unknown (not a new code) for the number reused with another amount', async () => {
    const outTradeNo = no();
    const first = await channel.createDynamicCode(dynamic(outTradeNo));
    expect(await channel.createDynamicCode(dynamic(outTradeNo))).toEqual(first);
    expect(await channel.createDynamicCode(dynamic(outTradeNo, 2600))).toEqual({
      state: 'unknown',
      why: expect.stringContaining('OUT_TRADE_NO_USED'),
    });
  });

  it('sends the expiry in Beijing time, and the order closes then', async () => {
    const outTradeNo = no();
    const expiresAt = Date.now() + 2 * 60_000;
    await channel.createDynamicCode({ ...dynamic(outTradeNo), expiresAt });
    const body = JSON.parse(sent.find((s) => s.url.endsWith('/v3/pay/transactions/native'))?.body ?? '{}');
    expect(body.time_expire).toBe(beijingTime(expiresAt));
    expect(body.time_expire).toMatch(/\+08:00$/);
    expect(body.amount).toEqual({ total: 2590, currency: 'CNY' });
    gw.control.clock.advance(3 * 60_000);
    expect(await channelWith({ now: () => Date.now() + 3 * 60_000 }).query(outTradeNo)).toEqual({ state: 'closed' });
  });

  it('closes an unpaid order, reports a paid one as paid, and an order WeChat never had as closed', async () => {
    const open = no();
    await channel.createDynamicCode(dynamic(open));
    expect(await channel.close(open)).toEqual({ state: 'closed' });
    expect(gw.control.trade(open)?.trade_state).toBe('CLOSED');
    const paid = no();
    await channel.createDynamicCode(dynamic(paid));
    gw.control.pay(paid);
    expect(await channel.close(paid)).toMatchObject({ state: 'succeeded' });
    expect(await channel.close(no())).toEqual({ state: 'closed' });
  });

  it('accepts a notification that arrives before the create call has returned', async () => {
    const outTradeNo = no();
    gw.control.failNextCalls(1, { kind: 'slow', delayMs: 800 });
    let returned = false;
    const creating = channel.createDynamicCode(dynamic(outTradeNo)).then((r) => {
      returned = true;
      return r;
    });
    while (!gw.control.trade(outTradeNo)) await new Promise((resolve) => setTimeout(resolve, 10));
    gw.control.pay(outTradeNo);
    await gw.control.notifications.settled();
    expect(returned).toBe(false);
    expect(parsed[0]).toMatchObject({ valid: true, outTradeNo, outcome: { state: 'succeeded' } });
    expect(await creating).toEqual({ codeText: expect.stringMatching(/^weixin:/) });
  });

  it('answers a query for an order that does not exist as still waiting', async () => {
    expect(await channel.query(no())).toEqual({ state: 'waiting', why: 'not_paid_yet' });
  });
});

describe('code pay (付款码)', () => {
  it('succeeds at once and sends no notification (WeChat never notifies code payments)', async () => {
    const outTradeNo = no();
    const outcome = await channel.payWithCode(codePay(outTradeNo, gw.control.payerCode({ action: 'pay', openid: 'oBob' })));
    expect(outcome).toEqual({
      state: 'succeeded',
      channelTradeNo: expect.stringMatching(/^4200/),
      paidAt: expect.any(Number),
      payerRef: 'oBob',
    });
    await gw.control.notifications.settled();
    expect(receiver.received).toEqual([]);
  });

  it('waits while the payer enters the password, then a query finds the success', async () => {
    const outTradeNo = no();
    expect(await channel.payWithCode(codePay(outTradeNo, gw.control.payerCode({ action: 'password' })))).toEqual({
      state: 'waiting',
      why: 'user_paying',
    });
    expect(await channel.query(outTradeNo)).toEqual({ state: 'waiting', why: 'user_paying' });
    gw.control.pay(outTradeNo);
    expect(await channel.query(outTradeNo)).toMatchObject({ state: 'succeeded' });
  });

  it('reverses a payment still waiting for the password, and one that was paid (the money goes back)', async () => {
    const waiting = no();
    await channel.payWithCode(codePay(waiting, gw.control.payerCode({ action: 'password' })));
    expect(await channel.reverse(waiting)).toEqual({ state: 'closed' });
    expect(await channel.query(waiting)).toEqual({ state: 'closed' });
    const paid = no();
    await channel.payWithCode(codePay(paid, gw.control.payerCode()));
    expect(await channel.reverse(paid)).toEqual({ state: 'closed' });
    expect(gw.control.trade(paid)?.trade_state).toBe('REVOKED');
    expect(await channel.reverse(no())).toEqual({ state: 'closed' });
  });

  it('fails with the reason in Chinese when the payer cannot pay or cancels', async () => {
    expect(await channel.payWithCode(codePay(no(), gw.control.payerCode({ action: 'fail', code: 'NOTENOUGH' })))).toEqual({
      state: 'failed',
      reasonCode: 'NOTENOUGH',
      reason: '顾客余额不足，请让顾客换卡或换一种方式支付',
    });
    expect(await channel.payWithCode(codePay(no(), '999999999999999999'))).toMatchObject({
      state: 'failed',
      reasonCode: 'AUTH_CODE_INVALID',
    });
    const cancelled = no();
    await channel.payWithCode(codePay(cancelled, gw.control.payerCode({ action: 'password' })));
    gw.control.payerCancels(cancelled);
    expect(await channel.query(cancelled)).toEqual({ state: 'failed', reasonCode: 'PAYERROR', reason: '用户取消了支付' });
  });
});

describe('refunds', () => {
  async function paid(amountFen = 1800): Promise<string> {
    const outTradeNo = no();
    await channel.payWithCode(codePay(outTradeNo, gw.control.payerCode(), amountFen));
    return outTradeNo;
  }
  const refund = (outTradeNo: string, outRefundNo: string, refundFen: number) =>
    channel.refund({ outTradeNo, outRefundNo, refundFen, totalFen: 1800, reason: '顾客退货' });

  it('refunds in part and in full, refuses more than was paid, and answers the refund query', async () => {
    const outTradeNo = await paid();
    const part = await refund(outTradeNo, `${outTradeNo}R1`, 500);
    expect(part).toEqual({ state: 'succeeded', channelRefundNo: expect.stringMatching(/^50\d{30}$/), refundedAt: expect.any(Number) });
    expect(await refund(outTradeNo, `${outTradeNo}R1`, 500)).toEqual(part);
    expect(await refund(outTradeNo, `${outTradeNo}R2`, 1301)).toMatchObject({ state: 'failed', reasonCode: 'INVALID_REQUEST' });
    expect(await refund(outTradeNo, `${outTradeNo}R2`, 1300)).toMatchObject({ state: 'succeeded' });
    expect(await channel.queryRefund(outTradeNo, `${outTradeNo}R2`)).toMatchObject({ state: 'succeeded' });
    expect(await channel.query(outTradeNo)).toMatchObject({ state: 'succeeded' });
    expect(await channel.queryRefund(outTradeNo, 'R-never')).toMatchObject({ state: 'unknown' });
    expect(await refund(no(), 'R-x', 1)).toMatchObject({ state: 'failed', reasonCode: 'RESOURCE_NOT_EXISTS' });
  });

  it('maps PROCESSING and ABNORMAL to processing (the money is on its way) and CLOSED to failed', async () => {
    const outTradeNo = await paid();
    gw.control.setRefundPolicy({ hold: true });
    expect(await refund(outTradeNo, `${outTradeNo}R1`, 100)).toEqual({ state: 'processing' });
    expect(await channel.queryRefund(outTradeNo, `${outTradeNo}R1`)).toEqual({ state: 'processing' });
    gw.control.settleRefund(`${outTradeNo}R1`, 'SUCCESS');
    expect(await channel.queryRefund(outTradeNo, `${outTradeNo}R1`)).toMatchObject({ state: 'succeeded' });
    gw.control.setRefundPolicy({ hold: false, status: 'ABNORMAL' });
    expect(await refund(outTradeNo, `${outTradeNo}R2`, 100)).toEqual({ state: 'processing' });
    gw.control.setRefundPolicy({ status: 'CLOSED' });
    expect(await refund(outTradeNo, `${outTradeNo}R3`, 100)).toMatchObject({ state: 'failed', reasonCode: 'REFUND_CLOSED' });
  });

  it('verifies and decrypts refund notifications', async () => {
    const outTradeNo = await paid();
    await refund(outTradeNo, `${outTradeNo}R1`, 300);
    await gw.control.notifications.settled();
    expect(parsed).toEqual([
      {
        valid: true,
        kind: 'refund',
        outRefundNo: `${outTradeNo}R1`,
        outcome: { state: 'succeeded', channelRefundNo: expect.any(String), refundedAt: expect.any(Number) },
        ack: { status: 204, body: '' },
      },
    ]);
  });
});

describe('when the gateway misbehaves', () => {
  it('treats a 5xx, a timeout and a slow answer as unknown, never as failed', async () => {
    gw.control.failNextCalls(1, { kind: 'server_error' });
    expect(await channel.payWithCode(codePay(no(), gw.control.payerCode()))).toEqual({ state: 'unknown', why: 'gateway answered 500' });
    gw.control.failNextCalls(1, { kind: 'server_error', status: 503 });
    expect(await channel.createDynamicCode(dynamic(no()))).toMatchObject({ state: 'unknown' });
    const quick = channelWith({ timeoutMs: 200 });
    gw.control.failNextCalls(1, { kind: 'timeout' });
    expect(await quick.query(no())).toEqual({ state: 'unknown', why: 'no answer within 200 ms' });
    gw.control.failNextCalls(1, { kind: 'slow', delayMs: 400 });
    expect(await quick.refund({ outTradeNo: no(), outRefundNo: 'R1', refundFen: 1, totalFen: 1, reason: '' })).toMatchObject({
      state: 'unknown',
    });
  });

  it('finds by query a payment whose answer was lost after the money moved', async () => {
    const outTradeNo = no();
    gw.control.failNextCalls(1, { kind: 'timeout', afterProcessing: true });
    expect(await channelWith({ timeoutMs: 200 }).payWithCode(codePay(outTradeNo, gw.control.payerCode()))).toMatchObject({
      state: 'unknown',
    });
    expect(await channel.query(outTradeNo)).toMatchObject({ state: 'succeeded' });
    // The retried code payment with the same number learns the same result, and charges nothing twice.
    const again = await channel.payWithCode(codePay(outTradeNo, '134567890123450000'));
    expect(again).toMatchObject({ state: 'unknown', why: expect.stringContaining('OUT_TRADE_NO_USED') });
  });

  it('treats an answer signed by another key, or no answer at all, as unknown', async () => {
    const forgedTrust = channelWith({}, { platformPublicKeyPem: strangerPublicPem });
    expect(await forgedTrust.query(no())).toEqual({ state: 'unknown', why: 'answer refused: bad_signature' });
    const otherId = channelWith({}, { platformPublicKeyId: 'PUB_KEY_ID_0100000000000000000000000000' });
    expect(await otherId.query(no())).toEqual({ state: 'unknown', why: 'answer refused: wrong_serial' });
    const nowhere = channelWith({ baseUrl: 'http://127.0.0.1:9' });
    expect(await nowhere.payWithCode(codePay(no(), gw.control.payerCode()))).toMatchObject({
      state: 'unknown',
      why: expect.stringContaining('unreachable'),
    });
  });

  it('fails a code payment the gateway refused for our bad signature: no money moved', async () => {
    const outTradeNo = no();
    const badKey = channelWith({}, { merchantPrivateKeyPem: strangerPem, merchantCertificatePem: '' });
    expect(await badKey.payWithCode(codePay(outTradeNo, gw.control.payerCode()))).toEqual({
      state: 'failed',
      reasonCode: 'SIGN_ERROR',
      reason: '微信支付拒绝了请求签名，请检查商户私钥和证书序列号',
    });
    expect(gw.control.trade(outTradeNo)).toBeNull();
    expect(await badKey.query(outTradeNo)).toMatchObject({ state: 'unknown' });
    const badSerial = channelWith({}, { merchantSerialNo: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1' });
    expect(await badSerial.payWithCode(codePay(no(), gw.control.payerCode()))).toMatchObject({ state: 'failed', reasonCode: 'SIGN_ERROR' });
  });
});

describe('notifications that must be refused', () => {
  let genuine: Received;

  beforeAll(async () => {
    const outTradeNo = no();
    await channel.createDynamicCode(dynamic(outTradeNo));
    gw.control.pay(outTradeNo);
    await gw.control.notifications.settled();
    genuine = receiver.received[0]!;
  });

  const parse = (headers: Received['headers'], rawBody: string, ch = channel) => ch.parseNotification({ headers, rawBody });

  it('accepts the genuine one, however often it comes', async () => {
    for (let i = 0; i < 3; i += 1) expect(await parse(genuine.headers, genuine.rawBody)).toMatchObject({ valid: true, kind: 'payment' });
  });

  it('refuses a tampered body, a forged signature, a wrong serial, a replay and a missing signature, with a non-2xx ack', async () => {
    const body = JSON.parse(genuine.rawBody);
    // One character of the ciphertext changed (a fixed 'A' left it as it was whenever it began with 'A').
    const first = body.resource.ciphertext[0] === 'A' ? 'B' : 'A';
    const tampered = JSON.stringify({
      ...body,
      resource: { ...body.resource, ciphertext: `${first}${body.resource.ciphertext.slice(1)}` },
    });
    const forgedHeaders = (raw: string) => {
      const h = signAsPlatform(stranger.privateKey, gw.platformPublicKeyId, raw, Date.now());
      return {
        'wechatpay-timestamp': h.timestamp,
        'wechatpay-nonce': h.nonce,
        'wechatpay-signature': h.signature,
        'wechatpay-serial': h.serial,
      };
    };
    const cases: [Received['headers'], string, WechatPayChannel, string][] = [
      [genuine.headers, tampered, channel, 'bad_signature'],
      // The signature is over the bytes sent: the same JSON laid out again is not what was signed.
      [genuine.headers, JSON.stringify(body, null, 1), channel, 'bad_signature'],
      [forgedHeaders(genuine.rawBody), genuine.rawBody, channel, 'bad_signature'],
      [{ ...genuine.headers, 'wechatpay-serial': 'PUB_KEY_ID_0100000000000000000000000000' }, genuine.rawBody, channel, 'wrong_serial'],
      [genuine.headers, genuine.rawBody, channelWith({ now: () => Date.now() + 6 * 60_000 }), 'stale_timestamp'],
      [{ 'content-type': 'application/json' }, genuine.rawBody, channel, 'missing_signature'],
    ];
    for (const [headers, raw, ch, reason] of cases) {
      const result = await parse(headers, raw, ch);
      expect(result, reason).toMatchObject({ valid: false, reason });
      expect(result.ack.status).toBeGreaterThanOrEqual(400);
    }
  });

  it('refuses one it cannot decrypt or that is for another merchant', async () => {
    const otherKey = channelWith({}, { apiV3Key: 'ZYXWVUTSRQPONMLKJIHGFEDCBA987654' });
    expect(await parse(genuine.headers, genuine.rawBody, otherKey)).toMatchObject({
      valid: false,
      reason: 'undecryptable',
      ack: { status: 400 },
    });
    const otherMerchant = channelWith({}, { mchid: '1900000002' });
    expect(await parse(genuine.headers, genuine.rawBody, otherMerchant)).toMatchObject({ valid: false, reason: 'wrong_merchant' });
  });

  it('parses every duplicate the gateway sends to the same outcome', async () => {
    gw.control.notifications.setPolicy({ duplicates: 2 });
    const outTradeNo = no();
    await channel.createDynamicCode(dynamic(outTradeNo));
    gw.control.pay(outTradeNo);
    await gw.control.notifications.settled();
    expect(parsed).toHaveLength(3);
    expect(new Set(parsed.map((p) => JSON.stringify(p)))).toHaveProperty('size', 1);
  });
});

describe('store-code pay page (JSAPI with the OAuth openid)', () => {
  const wechatUa = 'Mozilla/5.0 (Linux; Android 14) Mobile Safari/537.36 MicroMessenger/8.0.49.2600 NetType/WIFI Language/zh_CN';

  it('gets the openid through the OAuth redirect, creates the order, and the wallet pays with the signed bridge', async () => {
    const identify = channel.payerIdentification!;
    const url = identify.authorizeUrl('https://shop.example/p/store-1', 'st4te');
    expect(url).toMatch(
      /\/connect\/oauth2\/authorize\?appid=wx0123456789abcdef&redirect_uri=https%3A%2F%2Fshop\.example%2Fp%2Fstore-1&response_type=code&scope=snsapi_base&state=st4te#wechat_redirect$/,
    );
    const redirect = await fetch(url, { redirect: 'manual', headers: { 'user-agent': wechatUa } });
    const back = new URL(redirect.headers.get('location') ?? '');
    expect(back.searchParams.get('state')).toBe('st4te');
    const code = back.searchParams.get('code') ?? '';
    const openid = await identify.payerIdFromCode(code);
    expect(openid).toBe(gw.control.openid(M.appid, 'demo-user'));
    await expect(identify.payerIdFromCode(code)).rejects.toThrow(WechatOAuthError);

    const outTradeNo = no();
    const start = await channel.createWalletOrder({
      ...dynamic(outTradeNo),
      returnUrl: 'https://shop.example/p/store-1/done',
      payerId: openid,
    });
    expect(start.kind).toBe('jsapi');
    const params = (start as { params: Record<string, string> }).params as unknown as WechatPayBridgeParams;
    expect(Object.keys(params).sort()).toEqual(['appId', 'nonceStr', 'package', 'paySign', 'signType', 'timeStamp']);
    expect(gw.control.walletPay({ ...params, package: 'prepay_id=wx0' })).toEqual({ err_msg: 'get_brand_wcpay_request:fail' });
    expect(gw.control.walletPay(params)).toEqual({ err_msg: 'get_brand_wcpay_request:ok' });
    await gw.control.notifications.settled();
    expect(parsed[0]).toMatchObject({ valid: true, outTradeNo, outcome: { state: 'succeeded', payerRef: openid } });
  });

  it('needs the openid first, and offers no payer identification without an AppSecret', async () => {
    expect(await channel.createWalletOrder({ ...dynamic(no()), returnUrl: 'https://shop.example/done' })).toMatchObject({
      kind: 'unknown',
    });
    expect(channelWith({}, { appSecret: '' }).payerIdentification).toBeUndefined();
    const wrongSecret = channelWith({}, { appSecret: 'ffffffffffffffffffffffffffffffff' });
    await expect(wrongSecret.payerIdentification!.payerIdFromCode('x')).rejects.toMatchObject({ errcode: 40125 });
  });
});

describe('checkConnection', () => {
  it('says the set-up is fine, or exactly what is wrong', async () => {
    expect(await channel.checkConnection()).toMatchObject({ verdict: 'ok' });
    const verdictOf = async (ch: WechatPayChannel) => (await ch.checkConnection()).verdict;
    expect(await verdictOf(channelWith({}, { merchantPrivateKeyPem: strangerPem, merchantCertificatePem: '' }))).toBe('bad_signature');
    expect(await verdictOf(channelWith({}, { merchantSerialNo: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1' }))).toBe('wrong_serial');
    expect(await verdictOf(channelWith({}, { mchid: '1900000009' }))).toBe('merchant_unknown');
    expect(await verdictOf(channelWith({}, { platformPublicKeyPem: strangerPublicPem }))).toBe('platform_key_mismatch');
    expect(await verdictOf(channelWith({}, { platformPublicKeyId: 'PUB_KEY_ID_0100000000000000000000000000' }))).toBe(
      'platform_key_id_mismatch',
    );
    expect(await verdictOf(channelWith({ baseUrl: 'http://127.0.0.1:9' }))).toBe('unreachable');
    gw.control.clock.advance(7 * 60_000);
    expect(await channel.checkConnection()).toMatchObject({ verdict: 'clock_skew', skewSeconds: expect.any(Number) });
    gw.control.clock.reset();
    gw.control.failNextCalls(1, { kind: 'server_error' });
    expect(await verdictOf(channel)).toBe('gateway_error');
  });

  it('notices a base URL that is not WeChat Pay at all', async () => {
    const impostor = createServer((_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>'));
    await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', () => resolve()));
    const { port } = impostor.address() as AddressInfo;
    expect(await channelWith({ baseUrl: `http://127.0.0.1:${port}` }).checkConnection()).toMatchObject({ verdict: 'unsigned_answer' });
    await new Promise<void>((resolve) => impostor.close(() => resolve()));
  });
});
