import { createSign, createVerify, generateKeyPairSync } from 'node:crypto';
import { AlipaySdk } from 'alipay-sdk';
import { describe, expect, it } from 'vitest';
import {
  alipayJson,
  responseKeyOf,
  rsa2Sign,
  signedResponseBody,
  signingText,
  signNotification,
  signRequest,
  topLevelMembers,
  verifyNotification,
  verifyRequest,
  verifyResponse,
} from './crypto.ts';
import { beijingTimestamp, parseBeijingTime } from './time.ts';

const pair = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
const app = pair();
const alipay = pair();
const stranger = pair();
const pkcs1 = (k: typeof app) => k.privateKey.export({ format: 'pem', type: 'pkcs1' }).toString();
const spki = (k: typeof app) => k.publicKey.export({ format: 'pem', type: 'spki' }).toString();
const appId = '2021000000000001';

/** The SDK as a merchant's server would configure it: our app key, the gateway's public key. */
const sdk = new AlipaySdk({ appId, privateKey: pkcs1(app), alipayPublicKey: spki(alipay) });

/** The signing text written out by hand, independently of `signingText`. */
function byHand(params: Record<string, string>, omit: string[]): string {
  const keys = Object.keys(params).filter((k) => !omit.includes(k) && params[k] !== '');
  keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return keys.map((k) => `${k}=${params[k]}`).join('&');
}

const nodeSign = (text: string, key = app.privateKey) => createSign('RSA-SHA256').update(text, 'utf8').sign(key, 'base64');
const nodeVerify = (text: string, sig: string, key = app.publicKey) =>
  createVerify('RSA-SHA256').update(text, 'utf8').verify(key, sig, 'base64');

const request = {
  app_id: appId,
  method: 'alipay.trade.precreate',
  charset: 'utf-8',
  sign_type: 'RSA2',
  timestamp: '2024-05-13 17:49:20',
  version: '1.0',
  notify_url: 'https://shop.example/notify/alipay',
  return_url: '',
  biz_content: '{"out_trade_no":"PD1","total_amount":"88.80","subject":"咖啡 & 蛋糕"}',
};

describe('signing text', () => {
  it('sorts by key, joins with &, and leaves out empty values and the signature', () => {
    expect(signingText({ b: '2', a: '1', sign: 'x', empty: '', c: 'hello world' }, ['sign'])).toBe('a=1&b=2&c=hello world');
    expect(signingText({ sign_type: 'RSA2', sign: 'x', a: '1' }, ['sign', 'sign_type'])).toBe('a=1');
    expect(signingText(request, ['sign'])).toBe(byHand(request, ['sign']));
  });
});

describe('request signatures (app key)', () => {
  it('matches node:crypto over the hand-written text, both ways', () => {
    const ours = signRequest(request, app.privateKey);
    expect(nodeVerify(byHand(request, ['sign']), ours)).toBe(true);
    expect(verifyRequest({ ...request, sign: nodeSign(byHand(request, ['sign'])) }, app.publicKey)).toBe(true);
    // RSASSA-PKCS1-v1_5 is deterministic: the same text and key give the same bytes.
    expect(ours).toBe(nodeSign(byHand(request, ['sign'])));
  });

  it('verifies what alipay-sdk signs', () => {
    const query = sdk.sdkExecute('alipay.trade.precreate', {
      notifyUrl: 'https://shop.example/notify/alipay',
      bizContent: { outTradeNo: 'PD1', totalAmount: '88.80', subject: '咖啡' },
    });
    const params = Object.fromEntries(new URLSearchParams(query));
    expect(params.sign_type).toBe('RSA2');
    expect(verifyRequest(params, app.publicKey)).toBe(true);
    expect(verifyRequest({ ...params, biz_content: params.biz_content?.replace('88.80', '0.01') }, app.publicKey)).toBe(false);
    expect(verifyRequest(params, stranger.publicKey)).toBe(false);
  });

  it('is accepted by alipay-sdk', () => {
    // The SDK has no request verifier; its notification check tries the fields with sign_type kept first,
    // which is the request rule, so an SDK holding the *app* public key can judge our requests. It does
    // not drop empty values, so they are left out of what is handed to it (they are not signed either).
    const judge = new AlipaySdk({ appId, privateKey: pkcs1(stranger), alipayPublicKey: spki(app) });
    const sent = (sign: string) => Object.fromEntries(Object.entries({ ...request, sign }).filter(([, v]) => v !== ''));
    expect(judge.checkNotifySign(sent(signRequest(request, app.privateKey)), true)).toBe(true);
    expect(judge.checkNotifySign({ ...sent(signRequest(request, app.privateKey)), timestamp: '2024-05-13 17:49:21' }, true)).toBe(false);
    expect(judge.checkNotifySign(sent(signRequest(request, stranger.privateKey)), true)).toBe(false);
  });

  it('refuses tampering, other keys, and missing or garbled signatures', () => {
    const signed = { ...request, sign: signRequest(request, app.privateKey) };
    expect(verifyRequest(signed, app.publicKey)).toBe(true);
    expect(verifyRequest({ ...signed, notify_url: 'https://evil.example/' }, app.publicKey)).toBe(false);
    expect(verifyRequest({ ...signed, sign_type: 'RSA' }, app.publicKey)).toBe(false);
    expect(verifyRequest(signed, stranger.publicKey)).toBe(false);
    expect(verifyRequest({ ...signed, sign: undefined }, app.publicKey)).toBe(false);
    expect(verifyRequest({ ...signed, sign: 'not base64 at all!' }, app.publicKey)).toBe(false);
  });
});

describe('notification signatures (Alipay key)', () => {
  const fields = {
    notify_time: '2024-05-13 17:49:21',
    notify_type: 'trade_status_sync',
    notify_id: 'ac05099524730693a8b330c5ecf72da9786',
    app_id: appId,
    charset: 'utf-8',
    version: '1.0',
    trade_no: '2024051322001400000000000001',
    out_trade_no: 'PD1',
    trade_status: 'TRADE_SUCCESS',
    total_amount: '88.80',
    subject: '咖啡 & 蛋糕 = 早餐',
    fund_bill_list: '[{"amount":"88.80","fundChannel":"ALIPAYACCOUNT"}]',
  };

  it('leaves sign and sign_type out, matching node:crypto both ways', () => {
    const sign = signNotification(fields, alipay.privateKey);
    expect(nodeVerify(byHand(fields, []), sign, alipay.publicKey)).toBe(true);
    const handSigned = { ...fields, sign_type: 'RSA2', sign: nodeSign(byHand(fields, []), alipay.privateKey) };
    expect(verifyNotification(handSigned, alipay.publicKey)).toBe(true);
  });

  it('is accepted by alipay-sdk checkNotifySign, and tampering is not', () => {
    const signed = { ...fields, sign_type: 'RSA2', sign: signNotification(fields, alipay.privateKey) };
    expect(sdk.checkNotifySign(signed)).toBe(true);
    expect(sdk.checkNotifySignV2(signed)).toBe(true);
    expect(sdk.checkNotifySignV2({ ...signed, total_amount: '0.01' })).toBe(false);
    expect(sdk.checkNotifySignV2({ ...fields, sign_type: 'RSA2', sign: signNotification(fields, stranger.privateKey) })).toBe(false);
  });

  it('refuses tampered fields, added fields and other keys', () => {
    const signed = { ...fields, sign_type: 'RSA2', sign: signNotification(fields, alipay.privateKey) };
    expect(verifyNotification(signed, alipay.publicKey)).toBe(true);
    expect(verifyNotification({ ...signed, trade_status: 'TRADE_CLOSED' }, alipay.publicKey)).toBe(false);
    expect(verifyNotification({ ...signed, refund_fee: '88.80' }, alipay.publicKey)).toBe(false);
    expect(verifyNotification(signed, app.publicKey)).toBe(false);
  });
});

describe('response signatures (exact raw node text)', () => {
  const method = 'alipay.trade.precreate';
  const answer = { code: '10000', msg: 'Success', out_trade_no: 'PD1', qr_code: 'https://qr.alipay.com/bax08431ji3zvwbbwl4i0009' };

  it('writes `/` as `\\/` and signs the node as written, which alipay-sdk verifies', () => {
    const raw = signedResponseBody(method, answer, alipay.privateKey);
    expect(raw).toContain('"qr_code":"https:\\/\\/qr.alipay.com\\/bax08431ji3zvwbbwl4i0009"');
    const sign = JSON.parse(raw).sign as string;
    expect(() => sdk.checkResponseSign(raw, responseKeyOf(method), sign, 'trace')).not.toThrow();
    expect(sdk.getSignStr(raw, responseKeyOf(method))).toBe(alipayJson(answer));
    const tampered = raw.replace('PD1', 'PD2');
    expect(() => sdk.checkResponseSign(tampered, responseKeyOf(method), sign, 'trace')).toThrow(/验签失败/);
  });

  it('verifies over the raw text, so the same answer parsed and serialised again fails (payments.md §8)', () => {
    const nodeText = alipayJson(answer);
    const raw = `{"alipay_trade_precreate_response":${nodeText},"sign":"${nodeSign(nodeText, alipay.privateKey)}"}`;
    expect(verifyResponse(raw, method, alipay.publicKey)).toEqual({ verdict: 'verified', answer });
    const reserialised = JSON.stringify(JSON.parse(raw));
    expect(reserialised).not.toBe(raw);
    expect(verifyResponse(reserialised, method, alipay.publicKey).verdict).toBe('bad_signature');
  });

  it('finds the node wherever it stands, with any spacing, and signatures over text node:crypto made', () => {
    const nodeText = '{ "code" : "40004", "msg":"Business Failed","sub_code":"ACQ.TRADE_NOT_EXIST","sub_msg":"交易不存在 {\\"}" }';
    const raw = `{ "sign" : "${nodeSign(nodeText, alipay.privateKey)}" ,\n "alipay_trade_query_response" : ${nodeText} }`;
    expect(verifyResponse(raw, 'alipay.trade.query', alipay.publicKey)).toMatchObject({
      verdict: 'verified',
      answer: { sub_code: 'ACQ.TRADE_NOT_EXIST', sub_msg: '交易不存在 {"}' },
    });
  });

  it('reads error_response when the method node is missing', () => {
    const raw = signedResponseBody(
      'no.such.method',
      { code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.invalid-method' },
      alipay.privateKey,
      true,
    );
    expect(raw.startsWith('{"error_response":')).toBe(true);
    expect(verifyResponse(raw, 'no.such.method', alipay.publicKey).verdict).toBe('verified');
  });

  it('tells tampered, unsigned, wrongly keyed and malformed answers apart', () => {
    const raw = signedResponseBody(method, answer, alipay.privateKey);
    expect(verifyResponse(raw.replace('"10000"', '"10001"'), method, alipay.publicKey).verdict).toBe('bad_signature');
    expect(verifyResponse(raw, method, stranger.publicKey).verdict).toBe('bad_signature');
    expect(verifyResponse(signedResponseBody(method, answer, null), method, alipay.publicKey).verdict).toBe('unsigned');
    expect(verifyResponse(signedResponseBody(method, answer, stranger.privateKey), method, alipay.publicKey).verdict).toBe('bad_signature');
    expect(verifyResponse('<html>502 Bad Gateway</html>', method, alipay.publicKey).verdict).toBe('malformed');
    expect(verifyResponse('{"alipay_trade_query_response":{"code":"10000"}}', method, alipay.publicKey).verdict).toBe('malformed');
    expect(verifyResponse('{"alipay_trade_precreate_response":"10000","sign":"x"}', method, alipay.publicKey).verdict).toBe('malformed');
  });

  it('refuses a body that names the answer node twice, whichever copy is signed', () => {
    const nodeText = alipayJson(answer);
    const forged = alipayJson({ ...answer, qr_code: 'https://evil.example/' });
    const raw = `{"alipay_trade_precreate_response":${nodeText},"alipay_trade_precreate_response":${forged},"sign":"${rsa2Sign(nodeText, alipay.privateKey)}"}`;
    expect(topLevelMembers(raw)).toBeNull();
    expect(verifyResponse(raw, method, alipay.publicKey).verdict).toBe('malformed');
  });

  it('splits members exactly, keeping braces and quotes inside strings', () => {
    const members = topLevelMembers('{"a":{"b":"}{\\"","c":[1,{"d":2}]},"e":true,"f":null,"g":-1.5e3}');
    expect(members?.get('a')).toBe('{"b":"}{\\"","c":[1,{"d":2}]}');
    expect(members?.get('e')).toBe('true');
    expect(members?.get('g')).toBe('-1.5e3');
    expect(topLevelMembers('{"a":1} trailing')).toBeNull();
    expect(topLevelMembers('{"a":{"b":1}')).toBeNull();
    expect(topLevelMembers('[]')).toBeNull();
    expect(topLevelMembers('{}')).toEqual(new Map());
  });
});

describe('Beijing time', () => {
  it('is UTC+8 whatever the process time zone, across midnight and year ends', () => {
    expect(beijingTimestamp(Date.UTC(2024, 0, 1, 16, 30, 0))).toBe('2024-01-02 00:30:00');
    expect(beijingTimestamp(Date.UTC(2023, 11, 31, 16, 0, 0))).toBe('2024-01-01 00:00:00');
    expect(beijingTimestamp(Date.UTC(2024, 5, 1, 3, 4, 5, 320), true)).toBe('2024-06-01 11:04:05.320');
  });

  it('reads back what it writes, keeps milliseconds, and refuses impossible or foreign formats', () => {
    const ms = Date.UTC(2024, 1, 29, 23, 59, 59);
    expect(parseBeijingTime(beijingTimestamp(ms))).toBe(ms);
    expect(parseBeijingTime('2024-06-01 11:04:05.320')).toBe(Date.UTC(2024, 5, 1, 3, 4, 5, 320));
    expect(parseBeijingTime('2024-06-01 11:04:05.3')).toBe(Date.UTC(2024, 5, 1, 3, 4, 5, 300));
    expect(parseBeijingTime('2023-02-29 10:00:00')).toBeNull();
    expect(parseBeijingTime('2024-06-01T11:04:05Z')).toBeNull();
    expect(parseBeijingTime('2024-06-01 25:00:00')).toBeNull();
    expect(parseBeijingTime('')).toBeNull();
  });
});
