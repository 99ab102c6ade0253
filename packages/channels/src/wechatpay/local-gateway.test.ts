import { createDecipheriv, createPrivateKey, createPublicKey, createVerify, generateKeyPairSync } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { authorizationHeader, jsapiPaySign, newNonce, unixSeconds } from './crypto.ts';
import { startWechatPayGateway, type WechatPayGateway } from './local-gateway.ts';
import { testMerchantKeyPem } from './test-merchant.fixture.ts';
import { gatewayMerchant, testMerchant as M, startReceiver } from './test-support.ts';

// The gateway is checked here from outside, over HTTP, with signatures and decryption written by hand.
const merchantKey = createPrivateKey(testMerchantKeyPem);
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
let gw: WechatPayGateway;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let receiverStatus = 204;

beforeAll(async () => {
  receiver = await startReceiver(() => ({ status: receiverStatus, body: '' }));
  gw = await startWechatPayGateway({ merchants: [gatewayMerchant()], retryDelaysMs: [30, 30] });
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
  receiverStatus = 204;
});

let seq = 0;
const no = () => {
  seq += 1;
  return `PD${Date.now()}${seq}`;
};

interface CallOptions {
  key?: typeof merchantKey;
  serial?: string;
  mchid?: string;
  at?: number;
  authorization?: string | null;
  /** Sent instead of the body that was signed. */
  sendBody?: string;
}

async function call(method: 'GET' | 'POST', pathAndQuery: string, body?: object, o: CallOptions = {}) {
  const text = body === undefined ? '' : JSON.stringify(body);
  const authorization =
    o.authorization === null
      ? undefined
      : (o.authorization ??
        authorizationHeader(
          { mchid: o.mchid ?? M.mchid, serialNo: o.serial ?? M.serialNo, privateKey: o.key ?? merchantKey },
          { method, pathAndQuery, body: text, timestamp: unixSeconds(o.at ?? Date.now()), nonce: newNonce() },
        ));
  const res = await fetch(gw.url + pathAndQuery, {
    method,
    headers: { ...(authorization ? { authorization } : {}), accept: 'application/json', 'content-type': 'application/json' },
    body: method === 'POST' ? (o.sendBody ?? text) : undefined,
  });
  const answer = await res.text();
  return { status: res.status, text: answer, json: answer ? JSON.parse(answer) : null, headers: res.headers };
}

/** The platform's signature checked by hand: `TIMESTAMP\nNONCE\nBODY\n`, SHA256withRSA, the gateway's public key. */
function signedByPlatform(r: { headers: Headers; text: string }): boolean {
  const h = (n: string) => r.headers.get(n) ?? '';
  if (h('wechatpay-serial') !== gw.platformPublicKeyId) return false;
  return createVerify('RSA-SHA256')
    .update(`${h('wechatpay-timestamp')}\n${h('wechatpay-nonce')}\n${r.text}\n`)
    .verify(createPublicKey(gw.platformPublicKeyPem), h('wechatpay-signature'), 'base64');
}

const order = (outTradeNo: string, patch: object = {}) => ({
  appid: M.appid,
  mchid: M.mchid,
  description: '拿铁',
  out_trade_no: outTradeNo,
  notify_url: receiver.url,
  amount: { total: 1800, currency: 'CNY' },
  ...patch,
});
const codePay = (outTradeNo: string, authCode: string, total = 1800) => ({
  appid: M.appid,
  mchid: M.mchid,
  description: '拿铁',
  out_trade_no: outTradeNo,
  payer: { auth_code: authCode },
  amount: { total, currency: 'CNY' },
  scene_info: {},
});
const query = (outTradeNo: string) => call('GET', `/v3/pay/transactions/out-trade-no/${outTradeNo}?mchid=${M.mchid}`);

describe('who may call', () => {
  it('refuses a missing or malformed Authorization header with 401 SIGN_ERROR, signed', async () => {
    for (const authorization of [null, 'Bearer x', 'WECHATPAY2-SHA256-RSA2048 mchid="1900000001"']) {
      const r = await call('POST', '/v3/pay/transactions/native', order(no()), { authorization });
      expect(r.status).toBe(401);
      expect(r.json.code).toBe('SIGN_ERROR');
      expect(signedByPlatform(r)).toBe(true);
    }
  });

  it('refuses a signature by another key, says what it expected, and creates nothing', async () => {
    const outTradeNo = no();
    const r = await call('POST', '/v3/pay/transactions/native', order(outTradeNo), { key: stranger.privateKey });
    expect(r.status).toBe(401);
    expect(r.json).toMatchObject({
      code: 'SIGN_ERROR',
      message: '错误的签名，验签失败',
      detail: { field: 'signature', sign_information: { method: 'POST', url: '/v3/pay/transactions/native' } },
    });
    expect(signedByPlatform(r)).toBe(true);
    expect((await query(outTradeNo)).status).toBe(404);
  });

  it('refuses a body changed after signing, a wrong serial, a stale or future timestamp, an unknown merchant', async () => {
    const body = order(no());
    const tampered = await call('POST', '/v3/pay/transactions/native', body, {
      sendBody: JSON.stringify({ ...body, amount: { total: 1, currency: 'CNY' } }),
    });
    expect([tampered.status, tampered.json.code]).toEqual([401, 'SIGN_ERROR']);
    const serial = await call('POST', '/v3/pay/transactions/native', order(no()), { serial: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1' });
    expect([serial.status, serial.json.message]).toEqual([401, '商户证书序列号有误。']);
    for (const at of [Date.now() - 301_000, Date.now() + 301_000]) {
      const r = await call('POST', '/v3/pay/transactions/native', order(no()), { at });
      expect([r.status, r.json.code, r.json.detail.field]).toEqual([401, 'SIGN_ERROR', 'timestamp']);
    }
    const unknown = await call('POST', '/v3/pay/transactions/native', order(no(), { mchid: '1900000002' }), { mchid: '1900000002' });
    expect([unknown.status, unknown.json.code]).toEqual([400, 'MCH_NOT_EXISTS']);
  });

  it('judges the request against the gateway clock, which can be set', async () => {
    gw.control.clock.advance(10 * 60_000);
    expect((await call('POST', '/v3/pay/transactions/native', order(no()))).status).toBe(401);
    expect((await call('POST', '/v3/pay/transactions/native', order(no()), { at: Date.now() + 10 * 60_000 })).status).toBe(200);
  });

  it('refuses a body for another mchid or an AppID not bound to the merchant', async () => {
    const other = await call('POST', '/v3/pay/transactions/native', order(no(), { mchid: '1900000009' }));
    expect([other.status, other.json.code]).toEqual([400, 'INVALID_REQUEST']);
    const appid = await call('POST', '/v3/pay/transactions/native', order(no(), { appid: 'wx00000000000000ff' }));
    expect([appid.status, appid.json.code]).toEqual([400, 'APPID_MCHID_NOT_MATCH']);
  });
});

describe('Native and JSAPI orders', () => {
  it('answers a code_url, the same one again for the same request, and refuses the number with another amount', async () => {
    const outTradeNo = no();
    const first = await call('POST', '/v3/pay/transactions/native', order(outTradeNo));
    expect(first.status).toBe(200);
    expect(first.json.code_url).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=[A-Za-z0-9]+$/);
    expect(signedByPlatform(first)).toBe(true);
    expect((await call('POST', '/v3/pay/transactions/native', order(outTradeNo))).json.code_url).toBe(first.json.code_url);
    const other = await call('POST', '/v3/pay/transactions/native', order(outTradeNo, { amount: { total: 1900, currency: 'CNY' } }));
    expect([other.status, other.json.code]).toEqual([403, 'OUT_TRADE_NO_USED']);
  });

  it('checks the parameters as WeChat does', async () => {
    for (const patch of [
      { out_trade_no: 'abc' },
      { out_trade_no: 'has space 123' },
      { notify_url: `${receiver.url}?merchant=m1` },
      { notify_url: 'ftp://shop/notify' },
      { amount: { total: 12.5, currency: 'CNY' } },
      { amount: { total: 0, currency: 'CNY' } },
      { amount: { total: 100, currency: 'USD' } },
      { description: '长'.repeat(43) },
      { time_expire: '2030-01-01 10:00:00' },
    ]) {
      const r = await call('POST', '/v3/pay/transactions/native', order(no(), patch));
      expect([r.status, r.json.code], JSON.stringify(patch)).toEqual([400, 'PARAM_ERROR']);
    }
  });

  it('closes an order at its time_expire, raised to at least one minute', async () => {
    const soon = no();
    const now = gw.control.clock.now();
    const expire = new Date(now + 10_000 + 8 * 3_600_000).toISOString().slice(0, 19);
    await call('POST', '/v3/pay/transactions/native', order(soon, { time_expire: `${expire}+08:00` }));
    gw.control.clock.advance(55_000);
    expect((await query(soon)).json.trade_state).toBe('NOTPAY');
    gw.control.clock.advance(10_000);
    expect((await query(soon)).json.trade_state).toBe('CLOSED');
  });

  it('describes the trade on query, before and after the payer pays', async () => {
    const outTradeNo = no();
    await call('POST', '/v3/pay/transactions/native', order(outTradeNo, { attach: 'station=1' }));
    const before = await query(outTradeNo);
    expect(before.json).toEqual({
      appid: M.appid,
      mchid: M.mchid,
      out_trade_no: outTradeNo,
      trade_type: 'NATIVE',
      trade_state: 'NOTPAY',
      trade_state_desc: '订单未支付',
      attach: 'station=1',
      amount: { total: 1800, currency: 'CNY', payer_currency: 'CNY' },
    });
    gw.control.pay(outTradeNo, { openid: 'oPayer' });
    const after = await query(outTradeNo);
    expect(after.json).toMatchObject({ trade_state: 'SUCCESS', payer: { openid: 'oPayer' }, amount: { payer_total: 1800 } });
    expect(after.json.transaction_id).toMatch(/^4200\d{24}$/);
    expect(after.json.success_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    expect(signedByPlatform(after)).toBe(true);
  });

  it('closes an unpaid order with 204 (signed, empty body) and refuses to close a paid one', async () => {
    const open = no();
    await call('POST', '/v3/pay/transactions/native', order(open));
    const closed = await call('POST', `/v3/pay/transactions/out-trade-no/${open}/close`, { mchid: M.mchid });
    expect([closed.status, closed.text, signedByPlatform(closed)]).toEqual([204, '', true]);
    expect((await query(open)).json.trade_state).toBe('CLOSED');
    expect(() => gw.control.pay(open)).toThrow(/CLOSED/);
    const paid = no();
    await call('POST', '/v3/pay/transactions/native', order(paid));
    gw.control.pay(paid);
    const refused = await call('POST', `/v3/pay/transactions/out-trade-no/${paid}/close`, { mchid: M.mchid });
    expect([refused.status, refused.json.code]).toEqual([403, 'ORDERPAID']);
    expect((await call('POST', `/v3/pay/transactions/out-trade-no/${no()}/close`, { mchid: M.mchid })).status).toBe(404);
  });

  it('takes a JSAPI order only for an openid of its AppID', async () => {
    const stranger_ = await call('POST', '/v3/pay/transactions/jsapi', { ...order(no()), payer: { openid: 'oNobodyKnowsThisOne' } });
    expect([stranger_.status, stranger_.json.code]).toEqual([400, 'OPENID_MISMATCH']);
    const ok = await call('POST', '/v3/pay/transactions/jsapi', { ...order(no()), payer: { openid: gw.control.openid(M.appid, 'alice') } });
    expect(ok.json.prepay_id).toMatch(/^wx\d{14}[0-9a-z]{20}$/);
  });
});

describe('code pay (付款码)', () => {
  it('pays a small amount at once, answers a retry the same, and refuses the number with another amount', async () => {
    const outTradeNo = no();
    const code = '134567890123456789';
    const r = await call('POST', '/v3/pay/transactions/codepay', codePay(outTradeNo, code));
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ trade_type: 'MICROPAY', trade_state: 'SUCCESS', amount: { total: 1800 } });
    expect((await call('POST', '/v3/pay/transactions/codepay', codePay(outTradeNo, code))).json.transaction_id).toBe(r.json.transaction_id);
    const other = await call('POST', '/v3/pay/transactions/codepay', codePay(outTradeNo, code, 1900));
    expect([other.status, other.json.code]).toEqual([403, 'OUT_TRADE_NO_USED']);
    const reused = await call('POST', '/v3/pay/transactions/codepay', codePay(no(), code));
    expect([reused.status, reused.json.code]).toEqual([403, 'AUTHCODEEXPIRE']);
  });

  it('refuses a code that is not a WeChat payment code, creating nothing', async () => {
    const outTradeNo = no();
    for (const code of ['284567890123456789', '13456789012345678', ' 134567890123456780']) {
      const r = await call('POST', '/v3/pay/transactions/codepay', codePay(outTradeNo, code));
      expect([r.status, r.json.code]).toEqual([400, 'AUTH_CODE_INVALID']);
    }
    expect((await query(outTradeNo)).status).toBe(404);
  });

  it('asks for the password above ¥1000 (202 USERPAYING) and revokes after 45 s unconfirmed', async () => {
    const outTradeNo = no();
    const r = await call('POST', '/v3/pay/transactions/codepay', codePay(outTradeNo, '104567890123456789', 100_001));
    expect([r.status, r.json.code]).toEqual([202, 'USERPAYING']);
    expect(signedByPlatform(r)).toBe(true);
    expect((await query(outTradeNo)).json.trade_state).toBe('USERPAYING');
    gw.control.clock.advance(46_000);
    expect((await query(outTradeNo)).json.trade_state).toBe('REVOKED');
  });

  it('fails as the payer code was told to, and never notifies a code payment', async () => {
    const outTradeNo = no();
    const r = await call(
      'POST',
      '/v3/pay/transactions/codepay',
      codePay(outTradeNo, gw.control.payerCode({ action: 'fail', code: 'NOTENOUGH' })),
    );
    expect([r.status, r.json.code]).toEqual([403, 'NOTENOUGH']);
    expect((await query(outTradeNo)).json.trade_state).toBe('PAYERROR');
    const paid = no();
    await call('POST', '/v3/pay/transactions/codepay', codePay(paid, gw.control.payerCode({ action: 'password' })));
    gw.control.pay(paid);
    await gw.control.notifications.settled();
    expect(receiver.received).toEqual([]);
  });

  it('reverses a code payment, paid or not, and only a code payment', async () => {
    const paid = no();
    await call('POST', '/v3/pay/transactions/codepay', codePay(paid, gw.control.payerCode()));
    const r = await call('POST', `/v3/pay/transactions/out-trade-no/${paid}/reverse`, { appid: M.appid, mchid: M.mchid });
    expect([r.status, r.json]).toEqual([200, { appid: M.appid, mchid: M.mchid, out_trade_no: paid }]);
    expect((await query(paid)).json.trade_state).toBe('REVOKED');
    const native = no();
    await call('POST', '/v3/pay/transactions/native', order(native));
    const refused = await call('POST', `/v3/pay/transactions/out-trade-no/${native}/reverse`, { appid: M.appid, mchid: M.mchid });
    expect([refused.status, refused.json.code]).toEqual([400, 'INVALID_REQUEST']);
  });
});

describe('refunds', () => {
  const refund = (outTradeNo: string, outRefundNo: string, amount: number, total = 1800, extra: object = {}) =>
    call('POST', '/v3/refund/domestic/refunds', {
      out_trade_no: outTradeNo,
      out_refund_no: outRefundNo,
      amount: { refund: amount, total, currency: 'CNY' },
      ...extra,
    });

  async function paidOrder(): Promise<string> {
    const outTradeNo = no();
    await call('POST', '/v3/pay/transactions/codepay', codePay(outTradeNo, gw.control.payerCode()));
    return outTradeNo;
  }

  it('refunds in parts up to what was paid, idempotently per out_refund_no', async () => {
    const outTradeNo = await paidOrder();
    const first = await refund(outTradeNo, `${outTradeNo}R1`, 800);
    expect(first.json).toMatchObject({ status: 'SUCCESS', out_refund_no: `${outTradeNo}R1`, amount: { refund: 800, total: 1800 } });
    expect(first.json.refund_id).toMatch(/^50\d{30}$/);
    expect((await refund(outTradeNo, `${outTradeNo}R1`, 800)).json.refund_id).toBe(first.json.refund_id);
    expect((await refund(outTradeNo, `${outTradeNo}R1`, 700)).json.code).toBe('INVALID_REQUEST');
    expect((await refund(outTradeNo, `${outTradeNo}R2`, 1001)).json.message).toBe('申请退款金额超过订单可退金额');
    expect((await refund(outTradeNo, `${outTradeNo}R2`, 1000)).json.status).toBe('SUCCESS');
    expect((await query(outTradeNo)).json.trade_state).toBe('REFUND');
    expect((await refund(outTradeNo, `${outTradeNo}R3`, 1, 1700)).json.code).toBe('PARAM_ERROR');
    expect((await refund(no(), 'R-none', 1)).status).toBe(404);
    const got = await call('GET', `/v3/refund/domestic/refunds/${outTradeNo}R2`);
    expect([got.status, got.json.status, signedByPlatform(got)]).toEqual([200, 'SUCCESS', true]);
    expect((await call('GET', '/v3/refund/domestic/refunds/R-none')).json.code).toBe('RESOURCE_NOT_EXISTS');
  });

  it('holds refunds in PROCESSING when told to, then settles them and notifies with an encrypted resource', async () => {
    const outTradeNo = await paidOrder();
    gw.control.setRefundPolicy({ hold: true });
    const held = await refund(outTradeNo, `${outTradeNo}R1`, 500, 1800, { notify_url: receiver.url });
    expect(held.json.status).toBe('PROCESSING');
    expect(gw.control.settleRefund(`${outTradeNo}R1`, 'CLOSED').status).toBe('CLOSED');
    // A closed refund gives the money back to the merchant: all of it can be refunded again.
    gw.control.setRefundPolicy({ hold: false, status: 'ABNORMAL' });
    expect((await refund(outTradeNo, `${outTradeNo}R2`, 1800)).json.status).toBe('ABNORMAL');
    await gw.control.notifications.settled();
    expect(receiver.received).toHaveLength(1);
    const body = JSON.parse(receiver.received[0]!.rawBody);
    expect(body).toMatchObject({ event_type: 'REFUND.CLOSED', resource: { original_type: 'refund', associated_data: 'refund' } });
  });
});

describe('notifications', () => {
  function decryptByHand(rawBody: string): Record<string, unknown> {
    const { resource } = JSON.parse(rawBody);
    const sealed = Buffer.from(resource.ciphertext, 'base64');
    const d = createDecipheriv('aes-256-gcm', Buffer.from(M.apiV3Key), Buffer.from(resource.nonce));
    d.setAAD(Buffer.from(resource.associated_data));
    d.setAuthTag(sealed.subarray(-16));
    return JSON.parse(Buffer.concat([d.update(sealed.subarray(0, -16)), d.final()]).toString());
  }

  async function paidNative(): Promise<string> {
    const outTradeNo = no();
    await call('POST', '/v3/pay/transactions/native', order(outTradeNo));
    gw.control.pay(outTradeNo, { openid: 'oPayer' });
    await gw.control.notifications.settled();
    return outTradeNo;
  }

  it('sends a signed notification whose resource decrypts to the transaction', async () => {
    const outTradeNo = await paidNative();
    expect(receiver.received).toHaveLength(1);
    const n = receiver.received[0]!;
    const h = new Headers(n.headers as Record<string, string>);
    expect(signedByPlatform({ headers: h, text: n.rawBody })).toBe(true);
    const body = JSON.parse(n.rawBody);
    expect(body).toMatchObject({
      event_type: 'TRANSACTION.SUCCESS',
      resource_type: 'encrypt-resource',
      resource: { algorithm: 'AEAD_AES_256_GCM' },
    });
    expect(decryptByHand(n.rawBody)).toMatchObject({ out_trade_no: outTradeNo, trade_state: 'SUCCESS', payer: { openid: 'oPayer' } });
  });

  it('retries until acknowledged, signing each attempt afresh', async () => {
    receiverStatus = 500;
    const outTradeNo = no();
    await call('POST', '/v3/pay/transactions/native', order(outTradeNo));
    gw.control.pay(outTradeNo);
    await gw.control.notifications.settled();
    expect(gw.control.notifications.log.filter((d) => d.outTradeNo === outTradeNo).map((d) => [d.attempt, d.status])).toEqual([
      [1, 500],
      [2, 500],
      [3, 500],
    ]);
    expect(new Set(receiver.received.map((r) => r.headers['wechatpay-nonce'])).size).toBe(3);
  });

  it('duplicates, delays or loses notifications when told to', async () => {
    gw.control.notifications.setPolicy({ duplicates: 2 });
    await paidNative();
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((r) => JSON.parse(r.rawBody).id)).size).toBe(1);
    receiver.received.length = 0;
    gw.control.notifications.setPolicy({ duplicates: 0, lose: true });
    const lost = await paidNative();
    expect(receiver.received).toHaveLength(0);
    expect(gw.control.notifications.log.find((d) => d.outTradeNo === lost)?.lost).toBe(true);
    gw.control.notifications.setPolicy({ lose: false, delayMs: 150 });
    const started = Date.now();
    await paidNative();
    expect(receiver.received).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    gw.control.notifications.resend(lost);
    await gw.control.notifications.settled();
    expect(receiver.received).toHaveLength(2);
  });
});

describe('faults on request', () => {
  it('fails the next calls with 5xx, then answers normally', async () => {
    gw.control.failNextCalls(2, { kind: 'server_error' });
    expect((await query(no())).status).toBe(500);
    const second = await query(no());
    expect([second.status, second.json.code, signedByPlatform(second)]).toEqual([500, 'SYSTEM_ERROR', true]);
    expect((await query(no())).status).toBe(404);
  });

  it('hangs or answers slowly when told to', async () => {
    gw.control.failNextCalls(1, { kind: 'timeout' });
    await expect(
      fetch(`${gw.url}/v3/pay/transactions/out-trade-no/${no()}?mchid=${M.mchid}`, { signal: AbortSignal.timeout(200) }),
    ).rejects.toThrow();
    gw.control.failNextCalls(1, { kind: 'slow', delayMs: 200 });
    const started = Date.now();
    expect((await query(no())).status).toBe(404);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });
});

describe('OAuth and pages', () => {
  const authorizeUrl = (redirect: string) =>
    `${gw.url}/connect/oauth2/authorize?appid=${M.appid}&redirect_uri=${encodeURIComponent(redirect)}&response_type=code&scope=snsapi_base&state=s1#wechat_redirect`;
  const wechatUa = 'Mozilla/5.0 (iPhone) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.47(0x18002f2f) NetType/WIFI Language/zh_CN';
  const token = (q: Record<string, string>) => fetch(`${gw.url}/sns/oauth2/access_token?${new URLSearchParams(q)}`).then((r) => r.json());

  it('redirects inside WeChat with a one-time code that yields the openid, and not outside it', async () => {
    const outside = await fetch(authorizeUrl('https://shop.example/p/1'), { redirect: 'manual' });
    expect(outside.status).toBe(200);
    expect(await outside.text()).toContain('请在微信客户端打开链接');
    const inside = await fetch(authorizeUrl('https://shop.example/p/1?x=1'), { redirect: 'manual', headers: { 'user-agent': wechatUa } });
    expect(inside.status).toBe(302);
    const back = new URL(inside.headers.get('location') ?? '');
    expect([back.host, back.pathname, back.searchParams.get('x'), back.searchParams.get('state')]).toEqual([
      'shop.example',
      '/p/1',
      '1',
      's1',
    ]);
    const code = back.searchParams.get('code') ?? '';
    const q = { appid: M.appid, secret: M.appSecret, code, grant_type: 'authorization_code' };
    expect(await token({ ...q, secret: '0'.repeat(32) })).toEqual({ errcode: 40125, errmsg: 'invalid appsecret' });
    expect(await token(q)).toMatchObject({ openid: gw.control.openid(M.appid, 'demo-user'), scope: 'snsapi_base', expires_in: 7200 });
    expect(await token(q)).toEqual({ errcode: 40163, errmsg: 'code been used' });
    expect(await token({ ...q, code: 'nope' })).toEqual({ errcode: 40029, errmsg: 'invalid code' });
  });

  it('lets a person pay from the code_url page and the home page list', async () => {
    const outTradeNo = no();
    const codeUrl = (await call('POST', '/v3/pay/transactions/native', order(outTradeNo))).json.code_url as string;
    const pr = new URL(codeUrl).searchParams.get('pr');
    const page = await fetch(`${gw.url}/bizpayurl?pr=${pr}`).then((r) => r.text());
    expect(page).toContain('¥18.00');
    expect(await fetch(gw.url).then((r) => r.text())).toContain(outTradeNo);
    const decided = await fetch(`${gw.url}/ui/decide`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: 'wx_person=bob' },
      body: new URLSearchParams({ mchid: M.mchid, out_trade_no: outTradeNo, action: 'pay', back: `/bizpayurl?pr=${pr}` }),
    });
    expect([decided.status, decided.headers.get('location')]).toEqual([303, `/bizpayurl?pr=${pr}`]);
    expect(gw.control.trade(outTradeNo)?.payer?.openid).toBe(gw.control.openid(M.appid, 'bob'));
  });

  it('pays a JSAPI order from the bridge parameters only when paySign is the merchant’s', async () => {
    const openid = gw.control.openid(M.appid, 'carol');
    const outTradeNo = no();
    const prepayId = (await call('POST', '/v3/pay/transactions/jsapi', { ...order(outTradeNo), payer: { openid } })).json.prepay_id;
    const bridge = { appId: M.appid, timeStamp: unixSeconds(Date.now()), nonceStr: 'n0nce', package: `prepay_id=${prepayId}` };
    const wallet = (params: object) =>
      fetch(`${gw.url}/wallet/jsapi`, { method: 'POST', body: JSON.stringify(params) }).then((r) => r.json());
    expect(await wallet({ ...bridge, signType: 'RSA', paySign: jsapiPaySign(stranger.privateKey, bridge) })).toEqual({
      err_msg: 'get_brand_wcpay_request:fail',
    });
    expect(await wallet({ ...bridge, signType: 'RSA', paySign: jsapiPaySign(merchantKey, bridge) })).toEqual({
      err_msg: 'get_brand_wcpay_request:ok',
    });
    expect(gw.control.trade(outTradeNo)).toMatchObject({ trade_state: 'SUCCESS', payer: { openid } });
  });
});
