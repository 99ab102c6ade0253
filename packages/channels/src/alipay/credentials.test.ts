import { createPrivateKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type AlipaySettingsInput, validateAlipaySettings } from './credentials.ts';
import { alipayGatewayUrl } from './protocol.ts';

const app = generateKeyPairSync('rsa', { modulusLength: 2048 });
const alipay = generateKeyPairSync('rsa', { modulusLength: 2048 });
const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });

const pem = (key: KeyObject, type: 'pkcs8' | 'pkcs1' | 'spki' | 'sec1') => key.export({ format: 'pem', type } as never).toString();
const der = (key: KeyObject, type: 'pkcs8' | 'pkcs1' | 'spki') => key.export({ format: 'der', type } as never).toString('base64');

/** A private key whose public exponent does not belong to it: it parses, but what it signs does not verify. */
function brokenPrivateKeyPem(): string {
  const jwk = app.privateKey.export({ format: 'jwk' });
  jwk.e = Buffer.from([1, 0, 3]).toString('base64url');
  return pem(createPrivateKey({ key: jwk, format: 'jwk' }), 'pkcs8');
}

/** A minimal self-signed X.509 certificate, DER-encoded by hand (what "公钥证书" mode hands out). */
function certificateDer(): Buffer {
  const tlv = (tag: number, ...parts: Buffer[]) => {
    const body = Buffer.concat(parts);
    const n = body.length;
    const length = n < 128 ? Buffer.from([n]) : n < 256 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
    return Buffer.concat([Buffer.from([tag]), length, body]);
  };
  const sha256WithRsa = tlv(0x30, Buffer.from('06092a864886f70d01010b0500', 'hex'));
  const name = tlv(0x30, tlv(0x31, tlv(0x30, Buffer.from('0603550403', 'hex'), tlv(0x0c, Buffer.from('Alipay test')))));
  const validity = tlv(0x30, tlv(0x17, Buffer.from('240101000000Z')), tlv(0x17, Buffer.from('340101000000Z')));
  const tbs = tlv(
    0x30,
    Buffer.from('a003020102', 'hex'),
    Buffer.from('020101', 'hex'),
    sha256WithRsa,
    name,
    validity,
    name,
    alipay.publicKey.export({ format: 'der', type: 'spki' }),
  );
  const signature = sign('sha256', tbs, alipay.privateKey);
  return tlv(0x30, tbs, sha256WithRsa, tlv(0x03, Buffer.from([0]), signature));
}

const good: AlipaySettingsInput = {
  appId: '2021000000000001',
  appPrivateKey: pem(app.privateKey, 'pkcs8'),
  alipayPublicKey: pem(alipay.publicKey, 'spki'),
  gatewayUrl: 'https://openapi.alipay.com/gateway.do',
};

const problemsWith = (change: AlipaySettingsInput) => {
  const check = validateAlipaySettings({ ...good, ...change });
  return check.ok ? [] : check.problems;
};

describe('validateAlipaySettings', () => {
  it('accepts every key form an owner meets, normalised to PKCS#8 and SPKI PEM', () => {
    const privateForms = [
      pem(app.privateKey, 'pkcs8'),
      pem(app.privateKey, 'pkcs1'),
      der(app.privateKey, 'pkcs8'),
      der(app.privateKey, 'pkcs1'),
      // Pasted on one line, or with literal "\n" as keys look inside JSON and .env files.
      pem(app.privateKey, 'pkcs1').replace(/\n(?!-----END)/g, ''),
      pem(app.privateKey, 'pkcs8').replaceAll('\n', '\\n'),
      `  ${der(app.privateKey, 'pkcs8').replace(/(.{64})/g, '$1\r\n')}  `,
    ];
    const publicForms = [
      pem(alipay.publicKey, 'spki'),
      pem(alipay.publicKey, 'pkcs1'),
      der(alipay.publicKey, 'spki'),
      der(alipay.publicKey, 'pkcs1'),
    ];
    for (const appPrivateKey of privateForms) {
      for (const alipayPublicKey of publicForms) {
        const check = validateAlipaySettings({ ...good, appPrivateKey, alipayPublicKey });
        expect(check).toEqual({
          ok: true,
          settings: {
            appId: '2021000000000001',
            appPrivateKeyPem: pem(app.privateKey, 'pkcs8'),
            alipayPublicKeyPem: pem(alipay.publicKey, 'spki'),
            gatewayUrl: 'https://openapi.alipay.com/gateway.do',
          },
        });
      }
    }
  });

  it('defaults the gateway to the real one and allows plain http only on this machine', () => {
    expect(validateAlipaySettings({ ...good, gatewayUrl: undefined })).toMatchObject({
      ok: true,
      settings: { gatewayUrl: alipayGatewayUrl },
    });
    expect(validateAlipaySettings({ ...good, gatewayUrl: 'http://127.0.0.1:4567/gateway.do' }).ok).toBe(true);
    expect(validateAlipaySettings({ ...good, gatewayUrl: 'http://localhost:4567/gateway.do' }).ok).toBe(true);
    expect(problemsWith({ gatewayUrl: 'http://openapi.alipay.com/gateway.do' })).toEqual([
      { field: 'gatewayUrl', code: 'ALIPAY_GATEWAY_URL_INSECURE' },
    ]);
    for (const gatewayUrl of [
      'openapi.alipay.com/gateway.do',
      'ftp://openapi.alipay.com/',
      'https://user:pw@openapi.alipay.com/',
      'javascript:alert(1)',
    ]) {
      expect(problemsWith({ gatewayUrl })).toEqual([{ field: 'gatewayUrl', code: 'ALIPAY_GATEWAY_URL_INVALID' }]);
    }
  });

  it('wants a 16-digit app id', () => {
    for (const appId of ['', '202100000000001', '20210000000000012', '2021OOOOOOOOOOO1', 12345678, undefined]) {
      expect(problemsWith({ appId })).toEqual([{ field: 'appId', code: 'ALIPAY_APP_ID_INVALID' }]);
    }
    expect(validateAlipaySettings({ ...good, appId: ' 2021000000000001 ' })).toMatchObject({
      ok: true,
      settings: { appId: '2021000000000001' },
    });
  });

  it('says what is wrong with the app private key', () => {
    const cases: [unknown, string][] = [
      ['', 'ALIPAY_APP_PRIVATE_KEY_REQUIRED'],
      [undefined, 'ALIPAY_APP_PRIVATE_KEY_REQUIRED'],
      ['not a key', 'ALIPAY_APP_PRIVATE_KEY_UNPARSEABLE'],
      ['MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', 'ALIPAY_APP_PRIVATE_KEY_UNPARSEABLE'],
      ['-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----', 'ALIPAY_APP_PRIVATE_KEY_UNPARSEABLE'],
      [
        app.privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'secret' }),
        'ALIPAY_APP_PRIVATE_KEY_ENCRYPTED',
      ],
      [
        app.privateKey.export({ format: 'pem', type: 'pkcs1', cipher: 'aes-256-cbc', passphrase: 'secret' }),
        'ALIPAY_APP_PRIVATE_KEY_ENCRYPTED',
      ],
      [pem(app.publicKey, 'spki'), 'ALIPAY_APP_PRIVATE_KEY_IS_PUBLIC'],
      [der(app.publicKey, 'spki'), 'ALIPAY_APP_PRIVATE_KEY_IS_PUBLIC'],
      [pem(ec.privateKey, 'pkcs8'), 'ALIPAY_APP_PRIVATE_KEY_NOT_RSA'],
      [pem(ec.privateKey, 'sec1'), 'ALIPAY_APP_PRIVATE_KEY_NOT_RSA'],
      [pem(small.privateKey, 'pkcs1'), 'ALIPAY_APP_PRIVATE_KEY_TOO_SMALL'],
      [brokenPrivateKeyPem(), 'ALIPAY_APP_PRIVATE_KEY_SELF_TEST_FAILED'],
    ];
    for (const [appPrivateKey, code] of cases) {
      expect(problemsWith({ appPrivateKey }), String(appPrivateKey).slice(0, 40)).toEqual([{ field: 'appPrivateKey', code }]);
    }
  });

  it('says what is wrong with the Alipay public key', () => {
    const certificate = certificateDer();
    const cases: [unknown, string][] = [
      ['', 'ALIPAY_PUBLIC_KEY_REQUIRED'],
      ['MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA', 'ALIPAY_PUBLIC_KEY_UNPARSEABLE'],
      ['公钥', 'ALIPAY_PUBLIC_KEY_UNPARSEABLE'],
      [pem(alipay.privateKey, 'pkcs8'), 'ALIPAY_PUBLIC_KEY_IS_PRIVATE'],
      [der(alipay.privateKey, 'pkcs1'), 'ALIPAY_PUBLIC_KEY_IS_PRIVATE'],
      [`-----BEGIN CERTIFICATE-----\n${certificate.toString('base64')}\n-----END CERTIFICATE-----`, 'ALIPAY_PUBLIC_KEY_IS_CERTIFICATE'],
      [certificate.toString('base64'), 'ALIPAY_PUBLIC_KEY_IS_CERTIFICATE'],
      [pem(ec.publicKey, 'spki'), 'ALIPAY_PUBLIC_KEY_NOT_RSA'],
      [pem(small.publicKey, 'spki'), 'ALIPAY_PUBLIC_KEY_TOO_SMALL'],
    ];
    for (const [alipayPublicKey, code] of cases) {
      expect(problemsWith({ alipayPublicKey }), String(alipayPublicKey).slice(0, 40)).toEqual([{ field: 'alipayPublicKey', code }]);
    }
  });

  it('catches the app public key entered where the Alipay public key belongs', () => {
    for (const alipayPublicKey of [pem(app.publicKey, 'spki'), der(app.publicKey, 'spki'), pem(app.publicKey, 'pkcs1')]) {
      expect(problemsWith({ alipayPublicKey })).toEqual([{ field: 'alipayPublicKey', code: 'ALIPAY_PUBLIC_KEY_IS_APP_KEY' }]);
    }
  });

  it('reports every field at once', () => {
    expect(validateAlipaySettings({ appId: 'x', appPrivateKey: '', alipayPublicKey: 'y', gatewayUrl: 'http://example.com' })).toEqual({
      ok: false,
      problems: [
        { field: 'appId', code: 'ALIPAY_APP_ID_INVALID' },
        { field: 'appPrivateKey', code: 'ALIPAY_APP_PRIVATE_KEY_REQUIRED' },
        { field: 'alipayPublicKey', code: 'ALIPAY_PUBLIC_KEY_UNPARSEABLE' },
        { field: 'gatewayUrl', code: 'ALIPAY_GATEWAY_URL_INSECURE' },
      ],
    });
  });
});
