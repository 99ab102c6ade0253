import { createPublicKey, randomBytes } from 'node:crypto';
import { rsa2Sign, rsa2Verify } from './crypto.ts';
import { type PrivateKeyProblem, type PublicKeyProblem, privateKeyPem, publicKeyPem, readPrivateKey, readPublicKey } from './keys.ts';
import { alipayGatewayUrl } from './protocol.ts';

/** What an owner enters to connect an Alipay app (开放平台应用, public-key mode). */
export interface AlipaySettingsInput {
  appId?: unknown;
  appPrivateKey?: unknown;
  alipayPublicKey?: unknown;
  gatewayUrl?: unknown;
}

/** Settings that passed every check, keys normalised to PEM (PKCS#8 private, SPKI public). */
export interface AlipaySettings {
  appId: string;
  appPrivateKeyPem: string;
  alipayPublicKeyPem: string;
  gatewayUrl: string;
}

export type AlipaySettingsField = 'appId' | 'appPrivateKey' | 'alipayPublicKey' | 'gatewayUrl';

export type AlipaySettingsProblemCode =
  | 'ALIPAY_APP_ID_INVALID'
  | 'ALIPAY_APP_PRIVATE_KEY_REQUIRED'
  | 'ALIPAY_APP_PRIVATE_KEY_UNPARSEABLE'
  | 'ALIPAY_APP_PRIVATE_KEY_ENCRYPTED'
  | 'ALIPAY_APP_PRIVATE_KEY_IS_PUBLIC'
  | 'ALIPAY_APP_PRIVATE_KEY_NOT_RSA'
  | 'ALIPAY_APP_PRIVATE_KEY_TOO_SMALL'
  | 'ALIPAY_APP_PRIVATE_KEY_SELF_TEST_FAILED'
  | 'ALIPAY_PUBLIC_KEY_REQUIRED'
  | 'ALIPAY_PUBLIC_KEY_UNPARSEABLE'
  | 'ALIPAY_PUBLIC_KEY_IS_PRIVATE'
  | 'ALIPAY_PUBLIC_KEY_IS_CERTIFICATE'
  | 'ALIPAY_PUBLIC_KEY_NOT_RSA'
  | 'ALIPAY_PUBLIC_KEY_TOO_SMALL'
  | 'ALIPAY_PUBLIC_KEY_IS_APP_KEY'
  | 'ALIPAY_GATEWAY_URL_INVALID'
  | 'ALIPAY_GATEWAY_URL_INSECURE';

export interface AlipaySettingsProblem {
  field: AlipaySettingsField;
  code: AlipaySettingsProblemCode;
}

export type AlipaySettingsCheck = { ok: true; settings: AlipaySettings } | { ok: false; problems: AlipaySettingsProblem[] };

const privateKeyCodes: Record<PrivateKeyProblem, AlipaySettingsProblemCode> = {
  missing: 'ALIPAY_APP_PRIVATE_KEY_REQUIRED',
  unparseable: 'ALIPAY_APP_PRIVATE_KEY_UNPARSEABLE',
  encrypted: 'ALIPAY_APP_PRIVATE_KEY_ENCRYPTED',
  is_public: 'ALIPAY_APP_PRIVATE_KEY_IS_PUBLIC',
  not_rsa: 'ALIPAY_APP_PRIVATE_KEY_NOT_RSA',
  too_small: 'ALIPAY_APP_PRIVATE_KEY_TOO_SMALL',
};

const publicKeyCodes: Record<PublicKeyProblem, AlipaySettingsProblemCode> = {
  missing: 'ALIPAY_PUBLIC_KEY_REQUIRED',
  unparseable: 'ALIPAY_PUBLIC_KEY_UNPARSEABLE',
  is_private: 'ALIPAY_PUBLIC_KEY_IS_PRIVATE',
  is_certificate: 'ALIPAY_PUBLIC_KEY_IS_CERTIFICATE',
  not_rsa: 'ALIPAY_PUBLIC_KEY_NOT_RSA',
  too_small: 'ALIPAY_PUBLIC_KEY_TOO_SMALL',
};

const text = (v: unknown) => (typeof v === 'string' ? v : '');

/** Plain http is only for a gateway on this machine (the local gateway); anything else must be https. */
function gatewayUrlProblem(url: string): AlipaySettingsProblemCode | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'ALIPAY_GATEWAY_URL_INVALID';
  }
  if (parsed.username || parsed.password) return 'ALIPAY_GATEWAY_URL_INVALID';
  if (parsed.protocol === 'https:') return null;
  if (parsed.protocol !== 'http:') return 'ALIPAY_GATEWAY_URL_INVALID';
  const loopback = parsed.hostname === 'localhost' || parsed.hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(parsed.hostname);
  return loopback ? null : 'ALIPAY_GATEWAY_URL_INSECURE';
}

/**
 * Checks what an owner entered, field by field, and says precisely what is wrong with each. The owner
 * enters the *Alipay* public key, which cannot be checked against the app key; so the self test signs
 * and verifies with the app key pair, and an "Alipay public key" that is really the app's own public key
 * (the most common mix-up on the open platform's key page) is caught by comparing the two.
 */
export function validateAlipaySettings(input: AlipaySettingsInput): AlipaySettingsCheck {
  const problems: AlipaySettingsProblem[] = [];
  const appId = text(input.appId).trim();
  if (!/^\d{16}$/.test(appId)) problems.push({ field: 'appId', code: 'ALIPAY_APP_ID_INVALID' });

  const privateKey = readPrivateKey(text(input.appPrivateKey));
  if ('problem' in privateKey) problems.push({ field: 'appPrivateKey', code: privateKeyCodes[privateKey.problem] });
  else {
    const probe = randomBytes(32).toString('hex');
    if (!rsa2Verify(probe, rsa2Sign(probe, privateKey.key), createPublicKey(privateKey.key))) {
      problems.push({ field: 'appPrivateKey', code: 'ALIPAY_APP_PRIVATE_KEY_SELF_TEST_FAILED' });
    }
  }

  const alipayKey = readPublicKey(text(input.alipayPublicKey));
  if ('problem' in alipayKey) problems.push({ field: 'alipayPublicKey', code: publicKeyCodes[alipayKey.problem] });
  else if ('key' in privateKey && publicKeyPem(createPublicKey(privateKey.key)) === publicKeyPem(alipayKey.key)) {
    problems.push({ field: 'alipayPublicKey', code: 'ALIPAY_PUBLIC_KEY_IS_APP_KEY' });
  }

  const gatewayUrl = text(input.gatewayUrl).trim() || alipayGatewayUrl;
  const urlProblem = gatewayUrlProblem(gatewayUrl);
  if (urlProblem) problems.push({ field: 'gatewayUrl', code: urlProblem });

  if (problems.length > 0 || !('key' in privateKey) || !('key' in alipayKey)) return { ok: false, problems };
  return {
    ok: true,
    settings: { appId, appPrivateKeyPem: privateKeyPem(privateKey.key), alipayPublicKeyPem: publicKeyPem(alipayKey.key), gatewayUrl },
  };
}
