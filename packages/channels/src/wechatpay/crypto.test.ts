import { createCipheriv, createDecipheriv, createSign, createVerify, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  authorizationHeader,
  decryptResource,
  encryptResource,
  jsapiPaySign,
  parseAuthorization,
  signAsPlatform,
  verifyFromPlatform,
  verifyJsapiPaySign,
  verifyRequest,
} from './crypto.ts';

// Two real RSA-2048 pairs, made once: the merchant's and the platform's.
const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 });
const platform = generateKeyPairSync('rsa', { modulusLength: 2048 });
const platformKey = { id: 'PUB_KEY_ID_0112345678901234567890', publicKey: platform.publicKey };
const apiV3Key = '0123456789abcdefghijklmnopqrstuv';
const now = 1_800_000_000_000;

/** The signature written out with node:crypto directly, as the WeChat Pay documentation describes it. */
function signByHand(key: typeof merchant.privateKey, text: string): string {
  const s = createSign('sha256WithRSAEncryption');
  s.update(Buffer.from(text, 'utf8'));
  return s.sign(key).toString('base64');
}

function verifyByHand(key: typeof merchant.publicKey, text: string, signature: string): boolean {
  return createVerify('sha256WithRSAEncryption').update(Buffer.from(text, 'utf8')).verify(key, Buffer.from(signature, 'base64'));
}

describe('request signature (WECHATPAY2-SHA256-RSA2048)', () => {
  const body = '{"appid":"wxd678efh567hg6787","amount":{"total":100,"currency":"CNY"},"description":"测试商品"}';
  const request = { method: 'POST', pathAndQuery: '/v3/pay/transactions/native', body, timestamp: '1554208460', nonce: 'ABC123' };
  const signer = { mchid: '1900000001', serialNo: '1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C', privateKey: merchant.privateKey };

  it('signs METHOD\\nURL\\nTIMESTAMP\\nNONCE\\nBODY\\n and lays out every header field', () => {
    const header = authorizationHeader(signer, request);
    const expected = signByHand(merchant.privateKey, `POST\n/v3/pay/transactions/native\n1554208460\nABC123\n${body}\n`);
    expect(header).toBe(
      `WECHATPAY2-SHA256-RSA2048 mchid="1900000001",nonce_str="ABC123",signature="${expected}",timestamp="1554208460",serial_no="1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C"`,
    );
  });

  it('verifies a header made by hand, including a GET with a query and an empty body', () => {
    const signature = signByHand(merchant.privateKey, 'GET\n/v3/pay/transactions/out-trade-no/PD1?mchid=1900000001\n1554208460\nN1\n\n');
    const auth = parseAuthorization(
      `WECHATPAY2-SHA256-RSA2048 mchid="1900000001",nonce_str="N1",signature="${signature}",timestamp="1554208460",serial_no="AB"`,
    );
    expect(auth).toEqual({ mchid: '1900000001', nonceStr: 'N1', signature, timestamp: '1554208460', serialNo: 'AB' });
    const get = { method: 'GET', pathAndQuery: '/v3/pay/transactions/out-trade-no/PD1?mchid=1900000001', body: '' };
    expect(verifyRequest(merchant.publicKey, auth!, get)).toBe(true);
    expect(
      verifyRequest(merchant.publicKey, auth!, { ...get, pathAndQuery: '/v3/pay/transactions/out-trade-no/PD2?mchid=1900000001' }),
    ).toBe(false);
    expect(verifyRequest(platform.publicKey, auth!, get)).toBe(false);
  });

  it('refuses headers of another scheme or with a field missing', () => {
    expect(parseAuthorization(undefined)).toBeNull();
    expect(parseAuthorization('Bearer abc')).toBeNull();
    expect(parseAuthorization('WECHATPAY2-SHA256-RSA2048 mchid="1",nonce_str="n",signature="s",timestamp="1"')).toBeNull();
  });
});

describe('platform signatures on answers and notifications', () => {
  const body = '{"code_url":"weixin://wxpay/bizpayurl?pr=p4lpSuKzz"}';

  it('accepts what the platform signed by hand over TIMESTAMP\\nNONCE\\nBODY\\n', () => {
    const timestamp = String(now / 1000);
    const signature = signByHand(platform.privateKey, `${timestamp}\nN0NCE\n${body}\n`);
    expect(verifyFromPlatform(platformKey, { timestamp, nonce: 'N0NCE', signature, serial: platformKey.id }, body, now)).toBeNull();
  });

  it('signs in a way node:crypto verifies by hand', () => {
    const h = signAsPlatform(platform.privateKey, platformKey.id, body, now);
    expect(h.timestamp).toBe(String(now / 1000));
    expect(verifyByHand(platform.publicKey, `${h.timestamp}\n${h.nonce}\n${body}\n`, h.signature)).toBe(true);
  });

  it('refuses a tampered body, another key, a wrong serial, a stale or future timestamp and missing headers', () => {
    const h = signAsPlatform(platform.privateKey, platformKey.id, body, now);
    expect(verifyFromPlatform(platformKey, h, body.replace('p4l', 'x4l'), now)).toBe('bad_signature');
    const forged = signAsPlatform(merchant.privateKey, platformKey.id, body, now);
    expect(verifyFromPlatform(platformKey, forged, body, now)).toBe('bad_signature');
    expect(verifyFromPlatform(platformKey, { ...h, serial: 'PUB_KEY_ID_0999' }, body, now)).toBe('wrong_serial');
    expect(verifyFromPlatform(platformKey, h, body, now + 301_000)).toBe('stale_timestamp');
    expect(verifyFromPlatform(platformKey, h, body, now - 301_000)).toBe('stale_timestamp');
    expect(verifyFromPlatform(platformKey, h, body, now + 299_000)).toBeNull();
    expect(verifyFromPlatform(platformKey, { ...h, timestamp: '1e9' }, body, now)).toBe('stale_timestamp');
    expect(verifyFromPlatform(platformKey, { ...h, signature: undefined }, body, now)).toBe('missing_signature');
  });
});

describe('AEAD_AES_256_GCM notification resource', () => {
  const plaintext = '{"out_trade_no":"PD20250101","trade_state":"SUCCESS","payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}}';

  it('decrypts what node:crypto encrypted by hand (tag appended, IV = nonce, AAD = associated_data)', () => {
    const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key), Buffer.from('fdasflkja484'));
    cipher.setAAD(Buffer.from('transaction'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]).toString('base64');
    expect(decryptResource(apiV3Key, { ciphertext, associated_data: 'transaction', nonce: 'fdasflkja484' })).toBe(plaintext);
  });

  it('encrypts so that node:crypto decrypts by hand', () => {
    const sealed = Buffer.from(encryptResource(apiV3Key, plaintext, 'refund', 'a1b2c3d4e5f6'), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', Buffer.from(apiV3Key), Buffer.from('a1b2c3d4e5f6'));
    decipher.setAAD(Buffer.from('refund'));
    decipher.setAuthTag(sealed.subarray(-16));
    expect(Buffer.concat([decipher.update(sealed.subarray(0, -16)), decipher.final()]).toString()).toBe(plaintext);
  });

  it('refuses a flipped bit, other associated data, another key or nonce, and a truncated ciphertext', () => {
    const resource = {
      ciphertext: encryptResource(apiV3Key, plaintext, 'transaction', 'n0nce0123456'),
      associated_data: 'transaction',
      nonce: 'n0nce0123456',
    };
    const bytes = Buffer.from(resource.ciphertext, 'base64');
    bytes[3] = (bytes[3] ?? 0) ^ 1;
    expect(() => decryptResource(apiV3Key, { ...resource, ciphertext: bytes.toString('base64') })).toThrow();
    expect(() => decryptResource(apiV3Key, { ...resource, associated_data: 'refund' })).toThrow();
    expect(() => decryptResource('vutsrqponmlkjihgfedcba9876543210', resource)).toThrow();
    expect(() => decryptResource(apiV3Key, { ...resource, nonce: 'n0nce0123457' })).toThrow();
    expect(() => decryptResource(apiV3Key, { ...resource, ciphertext: 'AAAA' })).toThrow();
  });
});

describe('JSAPI paySign', () => {
  const params = {
    appId: 'wx8888888888888888',
    timeStamp: '1414561699',
    nonceStr: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
    package: 'prepay_id=wx201410272009395522657a690389285100',
  };

  it('signs appId\\ntimeStamp\\nnonceStr\\npackage\\n with the merchant key, both ways', () => {
    const paySign = jsapiPaySign(merchant.privateKey, params);
    expect(paySign).toBe(signByHand(merchant.privateKey, `${params.appId}\n${params.timeStamp}\n${params.nonceStr}\n${params.package}\n`));
    expect(verifyJsapiPaySign(merchant.publicKey, { ...params, paySign })).toBe(true);
    expect(verifyJsapiPaySign(merchant.publicKey, { ...params, package: 'prepay_id=wx2', paySign })).toBe(false);
    expect(verifyJsapiPaySign(platform.publicKey, { ...params, paySign })).toBe(false);
  });
});
