import { createPrivateKey, createPublicKey, type KeyObject, randomBytes, sign, verify, X509Certificate } from 'node:crypto';
import { sameSerialNo } from './protocol.ts';

/** The WeChat Pay settings an owner enters in the console, as text. */
export interface WechatPaySettingsInput {
  /** 商户号: 10 digits. */
  mchid: string;
  /** The 公众号 (or mini-program) AppID bound to the merchant: `wx` + 16 hex digits. */
  appid: string;
  /** The AppSecret of that AppID, for the OAuth exchange that yields a JSAPI payer's openid; optional. */
  appSecret?: string;
  /** 商户 API 私钥 (apiclient_key.pem). */
  merchantPrivateKeyPem: string;
  /** 商户 API 证书序列号: 40 hex digits. */
  merchantSerialNo: string;
  /** 商户 API 证书 (apiclient_cert.pem); optional, but when given, the key and serial are checked against it. */
  merchantCertificatePem?: string;
  /** APIv3 密钥: exactly 32 bytes. */
  apiV3Key: string;
  /** 微信支付公钥 (or, for older merchants, the platform certificate PEM). */
  platformPublicKeyPem: string;
  /** 微信支付公钥 ID (`PUB_KEY_ID_…`) or the platform certificate serial. */
  platformPublicKeyId: string;
  /** Where the merchant API lives; empty for the real one. */
  baseUrl?: string;
}

/** Settings that passed every check, with the keys parsed. Only `validateWechatPaySettings` makes these. */
export interface WechatPayCredentials {
  mchid: string;
  appid: string;
  appSecret?: string;
  merchantPrivateKey: KeyObject;
  merchantSerialNo: string;
  apiV3Key: string;
  platformPublicKey: KeyObject;
  platformPublicKeyId: string;
  baseUrl?: string;
}

export type WechatPaySettingsProblemCode =
  | 'required'
  | 'mchid_invalid'
  | 'appid_invalid'
  | 'app_secret_invalid'
  | 'key_unparseable'
  | 'key_is_certificate'
  | 'key_not_private'
  | 'key_is_private'
  | 'key_not_rsa'
  | 'key_too_small'
  | 'key_self_test_failed'
  | 'key_is_merchant_key'
  | 'serial_invalid'
  | 'serial_mismatch'
  | 'certificate_unparseable'
  | 'certificate_expired'
  | 'certificate_not_yet_valid'
  | 'key_pair_mismatch'
  | 'apiv3_key_length'
  | 'key_id_invalid'
  | 'url_invalid';

export interface WechatPaySettingsProblem {
  field: keyof WechatPaySettingsInput;
  code: WechatPaySettingsProblemCode;
}

export type WechatPaySettingsCheck = { ok: true; credentials: WechatPayCredentials } | { ok: false; problems: WechatPaySettingsProblem[] };

const minModulusBits = 2048;

/** A key that signs must produce signatures its public half accepts; a corrupt key can parse and still fail this. */
function signsAndVerifies(privateKey: KeyObject, publicKey: KeyObject): boolean {
  const probe = randomBytes(32);
  try {
    return verify('sha256', probe, publicKey, sign('sha256', probe, privateKey));
  } catch {
    return false;
  }
}

function rsaProblem(key: KeyObject): WechatPaySettingsProblemCode | null {
  if (key.asymmetricKeyType !== 'rsa') return 'key_not_rsa';
  return (key.asymmetricKeyDetails?.modulusLength ?? 0) < minModulusBits ? 'key_too_small' : null;
}

function merchantKey(pem: string): KeyObject | WechatPaySettingsProblemCode {
  if (/-----BEGIN CERTIFICATE-----/.test(pem)) return 'key_is_certificate';
  if (/-----BEGIN (RSA )?PUBLIC KEY-----/.test(pem)) return 'key_not_private';
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    return 'key_unparseable';
  }
  const problem = rsaProblem(key);
  if (problem) return problem;
  return signsAndVerifies(key, createPublicKey(key)) ? key : 'key_self_test_failed';
}

function certificate(pem: string): X509Certificate | null {
  try {
    return new X509Certificate(pem);
  } catch {
    return null;
  }
}

function validityProblem(cert: X509Certificate, nowMs: number): WechatPaySettingsProblemCode | null {
  if (nowMs < Date.parse(cert.validFrom)) return 'certificate_not_yet_valid';
  return nowMs > Date.parse(cert.validTo) ? 'certificate_expired' : null;
}

function platformKey(pem: string, nowMs: number): KeyObject | WechatPaySettingsProblemCode {
  // A private key here is a secret pasted into the wrong field: refuse it rather than quietly derive its public half.
  if (/PRIVATE KEY-----/.test(pem)) return 'key_is_private';
  let key: KeyObject;
  if (/-----BEGIN CERTIFICATE-----/.test(pem)) {
    const cert = certificate(pem);
    if (!cert) return 'certificate_unparseable';
    const validity = validityProblem(cert, nowMs);
    if (validity) return validity;
    key = cert.publicKey;
  } else {
    try {
      key = createPublicKey(pem);
    } catch {
      return 'key_unparseable';
    }
  }
  return rsaProblem(key) ?? key;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.search === '' && url.hash === '';
  } catch {
    return false;
  }
}

/**
 * Checks what an owner entered, field by field, and says precisely what is wrong with each (several
 * problems at once, so the form can mark every field in one go). Nothing here reaches the network.
 */
export function validateWechatPaySettings(input: WechatPaySettingsInput, nowMs: number = Date.now()): WechatPaySettingsCheck {
  const problems: WechatPaySettingsProblem[] = [];
  const problem = (field: keyof WechatPaySettingsInput, code: WechatPaySettingsProblemCode) => problems.push({ field, code });
  const text = (field: keyof WechatPaySettingsInput) => (input[field] ?? '').trim();
  for (const field of [
    'mchid',
    'appid',
    'merchantPrivateKeyPem',
    'merchantSerialNo',
    'apiV3Key',
    'platformPublicKeyPem',
    'platformPublicKeyId',
  ] as const) {
    if (!text(field)) problem(field, 'required');
  }
  const filled = (field: keyof WechatPaySettingsInput) => text(field) !== '';

  if (filled('mchid') && !/^\d{10}$/.test(text('mchid'))) problem('mchid', 'mchid_invalid');
  if (filled('appid') && !/^wx[0-9a-f]{16}$/.test(text('appid'))) problem('appid', 'appid_invalid');
  if (filled('appSecret') && !/^[0-9a-f]{32}$/i.test(text('appSecret'))) problem('appSecret', 'app_secret_invalid');
  if (filled('merchantSerialNo') && !/^[0-9A-Fa-f]{40}$/.test(text('merchantSerialNo'))) problem('merchantSerialNo', 'serial_invalid');
  // AES-256 needs the key's 32 bytes as typed (letters and digits; surrounding whitespace is a paste accident).
  if (filled('apiV3Key') && Buffer.byteLength(text('apiV3Key'), 'utf8') !== 32) problem('apiV3Key', 'apiv3_key_length');
  if (filled('platformPublicKeyId') && !/^(PUB_KEY_ID_\d{10,40}|[0-9A-Fa-f]{40})$/.test(text('platformPublicKeyId'))) {
    problem('platformPublicKeyId', 'key_id_invalid');
  }
  if (filled('baseUrl') && !isHttpUrl(text('baseUrl'))) problem('baseUrl', 'url_invalid');

  const privateKey = filled('merchantPrivateKeyPem') ? merchantKey(text('merchantPrivateKeyPem')) : null;
  if (typeof privateKey === 'string') problem('merchantPrivateKeyPem', privateKey);
  const publicKey = filled('platformPublicKeyPem') ? platformKey(text('platformPublicKeyPem'), nowMs) : null;
  if (typeof publicKey === 'string') problem('platformPublicKeyPem', publicKey);

  if (privateKey && typeof privateKey !== 'string' && publicKey && typeof publicKey !== 'string') {
    // The merchant's own public key in the platform field would make every forged answer "verify" for
    // anyone holding the merchant key; it is never WeChat Pay's key.
    const mine = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
    if (mine.equals(publicKey.export({ type: 'spki', format: 'der' }))) problem('platformPublicKeyPem', 'key_is_merchant_key');
  }

  if (filled('merchantCertificatePem')) {
    const cert = certificate(text('merchantCertificatePem'));
    if (!cert) problem('merchantCertificatePem', 'certificate_unparseable');
    else {
      const validity = validityProblem(cert, nowMs);
      if (validity) problem('merchantCertificatePem', validity);
      if (privateKey && typeof privateKey !== 'string' && !signsAndVerifies(privateKey, cert.publicKey)) {
        problem('merchantCertificatePem', 'key_pair_mismatch');
      }
      if (/^[0-9A-Fa-f]{40}$/.test(text('merchantSerialNo')) && !sameSerialNo(cert.serialNumber, text('merchantSerialNo'))) {
        problem('merchantSerialNo', 'serial_mismatch');
      }
    }
  }

  if (problems.length > 0 || !privateKey || typeof privateKey === 'string' || !publicKey || typeof publicKey === 'string') {
    return { ok: false, problems };
  }
  return {
    ok: true,
    credentials: {
      mchid: text('mchid'),
      appid: text('appid'),
      appSecret: filled('appSecret') ? text('appSecret') : undefined,
      merchantPrivateKey: privateKey,
      merchantSerialNo: text('merchantSerialNo').toUpperCase(),
      apiV3Key: text('apiV3Key'),
      platformPublicKey: publicKey,
      platformPublicKeyId: text('platformPublicKeyId'),
      baseUrl: filled('baseUrl') ? text('baseUrl').replace(/\/$/, '') : undefined,
    },
  };
}
