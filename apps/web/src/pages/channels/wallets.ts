import type { ErrorCode } from '@paydesk/domain';
import { type AlipayBody, channelsApi, type WalletAccount, type WechatPayBody } from '../../api/channels.ts';

export type WalletKind = 'wechatpay' | 'alipay';

/** One field of a wallet's settings form; its label and help text are `channels.field.<name>`. */
export interface FieldSpec {
  name: string;
  input: 'text' | 'secret' | 'pem';
  /** Never sent back by the server: left empty on a re-save, the stored value is kept. */
  kept?: boolean;
  optional?: boolean;
  /** Shown under 高级设置. */
  advanced?: boolean;
  /** The wallet's live address, which an empty setting stands for. */
  liveDefault?: string;
  /** The shape the text must have, checked before sending; the key contents only the server can check. */
  shape?: { test: (value: string) => boolean; problem: ErrorCode };
}

export type FormValues = Record<string, string>;

export interface Wallet {
  kind: WalletKind;
  fields: FieldSpec[];
  /** The non-secret settings an account shows, in order (their names are also form fields). */
  shown: string[];
  save(storeId: string | null, values: FormValues): Promise<WalletAccount>;
}

const isHttpUrl = (text: string) => {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.search === '' && url.hash === '';
  } catch {
    return false;
  }
};

const matches = (pattern: RegExp) => (value: string) => pattern.test(value);
const text = (values: FormValues, name: string) => (values[name] ?? '').trim();
/** Optional settings are left out when empty, so the server applies its default. */
const optional = (values: FormValues, name: string) => (text(values, name) ? { [name]: text(values, name) } : {});

export const wechatPay: Wallet = {
  kind: 'wechatpay',
  fields: [
    { name: 'mchid', input: 'text', shape: { test: matches(/^\d{10}$/), problem: 'WECHATPAY_MCHID_INVALID' } },
    { name: 'appid', input: 'text', shape: { test: matches(/^wx[0-9a-f]{16}$/), problem: 'WECHATPAY_APPID_INVALID' } },
    { name: 'privateKeyPem', input: 'pem', kept: true },
    { name: 'certSerial', input: 'text', shape: { test: matches(/^[0-9A-Fa-f]{40}$/), problem: 'WECHATPAY_SERIAL_INVALID' } },
    { name: 'merchantCertificatePem', input: 'pem', optional: true },
    {
      name: 'apiV3Key',
      input: 'secret',
      kept: true,
      // AES-256 takes the key's bytes as typed.
      shape: { test: (v) => new TextEncoder().encode(v).length === 32, problem: 'WECHATPAY_APIV3_KEY_LENGTH' },
    },
    { name: 'platformPublicKeyPem', input: 'pem', kept: true },
    {
      name: 'platformPublicKeyId',
      input: 'text',
      shape: { test: matches(/^(PUB_KEY_ID_\d{10,40}|[0-9A-Fa-f]{40})$/), problem: 'WECHATPAY_KEY_ID_INVALID' },
    },
    {
      name: 'appSecret',
      input: 'secret',
      kept: true,
      optional: true,
      shape: { test: matches(/^[0-9a-f]{32}$/i), problem: 'WECHATPAY_APP_SECRET_INVALID' },
    },
    {
      name: 'baseUrl',
      input: 'text',
      optional: true,
      advanced: true,
      liveDefault: 'https://api.mch.weixin.qq.com',
      shape: { test: isHttpUrl, problem: 'WECHATPAY_URL_INVALID' },
    },
  ],
  shown: ['mchid', 'appid', 'certSerial', 'platformPublicKeyId', 'baseUrl'],
  save(storeId, v) {
    const body: WechatPayBody = {
      storeId,
      mchid: text(v, 'mchid'),
      appid: text(v, 'appid'),
      appSecret: text(v, 'appSecret'),
      privateKeyPem: text(v, 'privateKeyPem'),
      certSerial: text(v, 'certSerial'),
      apiV3Key: text(v, 'apiV3Key'),
      platformPublicKeyPem: text(v, 'platformPublicKeyPem'),
      platformPublicKeyId: text(v, 'platformPublicKeyId'),
      ...optional(v, 'merchantCertificatePem'),
      ...optional(v, 'baseUrl'),
    };
    return channelsApi.saveWechatPay(body);
  },
};

export const alipay: Wallet = {
  kind: 'alipay',
  fields: [
    { name: 'appId', input: 'text', shape: { test: matches(/^\d{16}$/), problem: 'ALIPAY_APP_ID_INVALID' } },
    { name: 'appPrivateKey', input: 'pem', kept: true },
    { name: 'alipayPublicKey', input: 'pem', kept: true },
    {
      name: 'gatewayUrl',
      input: 'text',
      optional: true,
      advanced: true,
      liveDefault: 'https://openapi.alipay.com/gateway.do',
      shape: { test: isHttpUrl, problem: 'ALIPAY_GATEWAY_URL_INVALID' },
    },
  ],
  shown: ['appId', 'gatewayUrl'],
  save(storeId, v) {
    const body: AlipayBody = {
      storeId,
      appId: text(v, 'appId'),
      appPrivateKey: text(v, 'appPrivateKey'),
      alipayPublicKey: text(v, 'alipayPublicKey'),
      ...optional(v, 'gatewayUrl'),
    };
    return channelsApi.saveAlipay(body);
  },
};

export const wallets: Record<WalletKind, Wallet> = { wechatpay: wechatPay, alipay };

/** An account's setting by name, as text: '' when unset or when it is the wallet's live address. */
export function settingOf(wallet: Wallet, account: WalletAccount, name: string): string {
  const value = (account.config as unknown as Record<string, unknown>)[name];
  const text = typeof value === 'string' ? value : '';
  return text === wallet.fields.find((f) => f.name === name)?.liveDefault ? '' : text;
}
