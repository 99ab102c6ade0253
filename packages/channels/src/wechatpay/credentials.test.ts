import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { validateWechatPaySettings, type WechatPaySettingsInput, type WechatPaySettingsProblem } from './credentials.ts';
import { testMerchantCertificatePem, testMerchantKeyPem, testMerchantSerialNo } from './test-merchant.fixture.ts';

const platform = generateKeyPairSync('rsa', { modulusLength: 2048 });
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = (k: { export(o: object): string | Buffer }, type: 'pkcs8' | 'spki') => String(k.export({ type, format: 'pem' }));
const now = Date.parse('2030-06-01T00:00:00Z');

const good: WechatPaySettingsInput = {
  mchid: '1900000001',
  appid: 'wx0123456789abcdef',
  appSecret: '0123456789abcdef0123456789abcdef',
  merchantPrivateKeyPem: testMerchantKeyPem,
  merchantSerialNo: testMerchantSerialNo,
  merchantCertificatePem: testMerchantCertificatePem,
  apiV3Key: 'abcdefghijklmnopqrstuvwxyz012345',
  platformPublicKeyPem: pem(platform.publicKey, 'spki'),
  platformPublicKeyId: 'PUB_KEY_ID_0114232134912410000000000000',
  baseUrl: 'http://127.0.0.1:4010/',
};

function problemsOf(patch: Partial<WechatPaySettingsInput>, at = now): WechatPaySettingsProblem[] {
  const check = validateWechatPaySettings({ ...good, ...patch }, at);
  return check.ok ? [] : check.problems;
}

/** A key that parses but whose private exponents were damaged: its signatures do not verify. */
function corruptKeyPem(): string {
  const jwk = createPrivateKey(testMerchantKeyPem).export({ format: 'jwk' });
  const flip = (s = '') => {
    const b = Buffer.from(s, 'base64url');
    b[b.length - 1] = (b[b.length - 1] ?? 0) ^ 2;
    return b.toString('base64url');
  };
  return pem(createPrivateKey({ key: { ...jwk, d: flip(jwk.d), dp: flip(jwk.dp) }, format: 'jwk' }), 'pkcs8');
}

describe('validateWechatPaySettings', () => {
  it('accepts good settings and hands back parsed keys, without the trailing slash of the URL', () => {
    const check = validateWechatPaySettings(good, now);
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    expect(check.credentials.merchantPrivateKey.asymmetricKeyType).toBe('rsa');
    expect(check.credentials.platformPublicKey.type).toBe('public');
    expect(check.credentials.baseUrl).toBe('http://127.0.0.1:4010');
    expect(validateWechatPaySettings({ ...good, appSecret: '', merchantCertificatePem: '', baseUrl: '' }, now).ok).toBe(true);
  });

  it('names every empty required field', () => {
    const check = validateWechatPaySettings(
      {
        mchid: '',
        appid: ' ',
        merchantPrivateKeyPem: '',
        merchantSerialNo: '',
        apiV3Key: '',
        platformPublicKeyPem: '',
        platformPublicKeyId: '',
      },
      now,
    );
    expect(check.ok ? [] : check.problems.map((p) => p.field).sort()).toEqual(
      ['apiV3Key', 'appid', 'merchantPrivateKeyPem', 'merchantSerialNo', 'mchid', 'platformPublicKeyId', 'platformPublicKeyPem'].sort(),
    );
  });

  it('checks the shapes of the numbers and ids', () => {
    expect(problemsOf({ mchid: '190000000' })).toEqual([{ field: 'mchid', code: 'mchid_invalid' }]);
    expect(problemsOf({ mchid: '19000000011' })).toEqual([{ field: 'mchid', code: 'mchid_invalid' }]);
    expect(problemsOf({ appid: 'wx0123456789abcdeg' })).toEqual([{ field: 'appid', code: 'appid_invalid' }]);
    expect(problemsOf({ appid: 'wa0123456789abcdef' })).toEqual([{ field: 'appid', code: 'appid_invalid' }]);
    expect(problemsOf({ appSecret: 'secret' })).toEqual([{ field: 'appSecret', code: 'app_secret_invalid' }]);
    expect(problemsOf({ platformPublicKeyId: 'PUB_KEY_0114' })).toEqual([{ field: 'platformPublicKeyId', code: 'key_id_invalid' }]);
    expect(problemsOf({ platformPublicKeyId: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1' })).toEqual([]);
    expect(problemsOf({ baseUrl: 'ftp://example.com' })).toEqual([{ field: 'baseUrl', code: 'url_invalid' }]);
    expect(problemsOf({ baseUrl: 'not a url' })).toEqual([{ field: 'baseUrl', code: 'url_invalid' }]);
  });

  it('wants an APIv3 key of exactly 32 bytes, counting bytes not characters', () => {
    expect(problemsOf({ apiV3Key: 'abcdefghijklmnopqrstuvwxyz01234' })).toEqual([{ field: 'apiV3Key', code: 'apiv3_key_length' }]);
    expect(problemsOf({ apiV3Key: '密钥abcdefghijklmnopqrstuvwxyz01' })).toEqual([{ field: 'apiV3Key', code: 'apiv3_key_length' }]);
    expect(problemsOf({ apiV3Key: ' abcdefghijklmnopqrstuvwxyz012345\n' })).toEqual([]);
  });

  it('says what is wrong with the merchant private key', () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const only = (p: Partial<WechatPaySettingsInput>) => problemsOf({ merchantCertificatePem: '', ...p });
    expect(only({ merchantPrivateKeyPem: '-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----' })).toEqual([
      { field: 'merchantPrivateKeyPem', code: 'key_unparseable' },
    ]);
    expect(only({ merchantPrivateKeyPem: testMerchantCertificatePem })).toEqual([
      { field: 'merchantPrivateKeyPem', code: 'key_is_certificate' },
    ]);
    expect(only({ merchantPrivateKeyPem: pem(platform.publicKey, 'spki') })).toEqual([
      { field: 'merchantPrivateKeyPem', code: 'key_not_private' },
    ]);
    expect(only({ merchantPrivateKeyPem: pem(ec.privateKey, 'pkcs8') })).toEqual([{ field: 'merchantPrivateKeyPem', code: 'key_not_rsa' }]);
    expect(only({ merchantPrivateKeyPem: pem(small.privateKey, 'pkcs8') })).toEqual([
      { field: 'merchantPrivateKeyPem', code: 'key_too_small' },
    ]);
    expect(only({ merchantPrivateKeyPem: corruptKeyPem() })).toEqual([{ field: 'merchantPrivateKeyPem', code: 'key_self_test_failed' }]);
    // PKCS#1 ("BEGIN RSA PRIVATE KEY") is as good as PKCS#8.
    const pkcs1 = String(createPrivateKey(testMerchantKeyPem).export({ type: 'pkcs1', format: 'pem' }));
    expect(only({ merchantPrivateKeyPem: pkcs1 })).toEqual([]);
  });

  it('checks the key and the serial against the merchant certificate when there is one', () => {
    expect(problemsOf({ merchantPrivateKeyPem: pem(stranger.privateKey, 'pkcs8') })).toEqual([
      { field: 'merchantCertificatePem', code: 'key_pair_mismatch' },
    ]);
    expect(problemsOf({ merchantSerialNo: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1' })).toEqual([
      { field: 'merchantSerialNo', code: 'serial_mismatch' },
    ]);
    expect(problemsOf({ merchantSerialNo: testMerchantSerialNo.toLowerCase() })).toEqual([]);
    expect(problemsOf({ merchantSerialNo: '3A5C1E7D9F0B2468' })).toEqual([{ field: 'merchantSerialNo', code: 'serial_invalid' }]);
    expect(problemsOf({ merchantCertificatePem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' })).toEqual([
      { field: 'merchantCertificatePem', code: 'certificate_unparseable' },
    ]);
    expect(problemsOf({}, Date.parse('2121-01-01T00:00:00Z'))).toEqual([{ field: 'merchantCertificatePem', code: 'certificate_expired' }]);
    expect(problemsOf({}, Date.parse('2019-01-01T00:00:00Z'))).toEqual([
      { field: 'merchantCertificatePem', code: 'certificate_not_yet_valid' },
    ]);
  });

  it('says what is wrong with the platform public key', () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(problemsOf({ platformPublicKeyPem: 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA' })).toEqual([
      { field: 'platformPublicKeyPem', code: 'key_unparseable' },
    ]);
    expect(problemsOf({ platformPublicKeyPem: pem(platform.privateKey, 'pkcs8') })).toEqual([
      { field: 'platformPublicKeyPem', code: 'key_is_private' },
    ]);
    expect(problemsOf({ platformPublicKeyPem: pem(small.publicKey, 'spki') })).toEqual([
      { field: 'platformPublicKeyPem', code: 'key_too_small' },
    ]);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(problemsOf({ platformPublicKeyPem: pem(ec.publicKey, 'spki') })).toEqual([
      { field: 'platformPublicKeyPem', code: 'key_not_rsa' },
    ]);
    const merchantPublic = pem(createPublicKey(testMerchantKeyPem), 'spki');
    expect(problemsOf({ platformPublicKeyPem: merchantPublic })).toEqual([{ field: 'platformPublicKeyPem', code: 'key_is_merchant_key' }]);
    // Older merchants verify with a platform certificate instead of a public key: its key is used.
    expect(
      problemsOf({
        platformPublicKeyPem: testMerchantCertificatePem,
        merchantPrivateKeyPem: pem(platform.privateKey, 'pkcs8'),
        merchantCertificatePem: '',
      }),
    ).toEqual([]);
  });

  it('reports every problem at once', () => {
    expect(problemsOf({ mchid: 'abc', apiV3Key: 'short', platformPublicKeyPem: 'junk' })).toEqual([
      { field: 'mchid', code: 'mchid_invalid' },
      { field: 'apiV3Key', code: 'apiv3_key_length' },
      { field: 'platformPublicKeyPem', code: 'key_unparseable' },
    ]);
  });
});
