/**
 * Payment channel accounts (支付通道): WeChat Pay and Alipay merchant settings, their connection check.
 * Kept apart from `endpoints.ts` like the payment calls. Secrets go up, never come back: an account's
 * `config` holds only what may be shown, and a secret sent empty on a re-save keeps the stored one.
 */
import { request } from './client.ts';
import type { Items } from './types.ts';

export type ChannelKind = 'wechatpay' | 'alipay' | 'unionpay_emv';

export interface WechatPayConfig {
  mchid: string;
  appid: string;
  certSerial: string;
  platformPublicKeyId: string;
  baseUrl: string | null;
}

export interface AlipayConfig {
  appId: string;
  gatewayUrl: string | null;
}

export interface UnionpayEmvConfig {
  acquirerIin: string;
  merchantNo: string;
  mcc: string;
  nameLatin: string;
  city: string;
}

interface AccountBase {
  id: string;
  /** null: every store of the merchant. */
  storeId: string | null;
  status: string;
  updatedAt: number;
}

export type WalletAccount =
  | (AccountBase & { kind: 'wechatpay'; config: WechatPayConfig })
  | (AccountBase & { kind: 'alipay'; config: AlipayConfig })
  | (AccountBase & { kind: 'unionpay_emv'; config: UnionpayEmvConfig });

export interface WechatPayBody {
  storeId: string | null;
  mchid: string;
  appid: string;
  appSecret: string;
  privateKeyPem: string;
  certSerial: string;
  apiV3Key: string;
  platformPublicKeyPem: string;
  platformPublicKeyId: string;
  merchantCertificatePem?: string;
  baseUrl?: string;
}

export interface AlipayBody {
  storeId: string | null;
  appId: string;
  appPrivateKey: string;
  alipayPublicKey: string;
  gatewayUrl?: string;
}

export interface ConnectionCheck {
  /** `ok`, or what is wrong (`unreachable`, `clock_skew`, `bad_signature`, …). */
  verdict: string;
  /** The verdict in the request's language. */
  message: string;
}

const enc = encodeURIComponent;

export const channelsApi = {
  list: () => request<Items<WalletAccount>>('GET', '/api/channels'),
  saveWechatPay: (body: WechatPayBody) => request<WalletAccount>('PUT', '/api/channels/wechatpay', body),
  saveAlipay: (body: AlipayBody) => request<WalletAccount>('PUT', '/api/channels/alipay', body),
  check: (id: string) => request<ConnectionCheck>('POST', `/api/channels/${enc(id)}/check`, {}),
  disable: (id: string) => request<void>('DELETE', `/api/channels/${enc(id)}`),
};
