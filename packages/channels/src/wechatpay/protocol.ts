/**
 * WeChat Pay API v3 as it appears on the wire (shared/reference/payments.md §3): the JSON shapes both the
 * adapter and the local gateway speak, so that a field renamed on one side breaks the other at compile time.
 * Amounts are integer fen (`amount.total`), as in Paydesk.
 */
import { chinaUtcOffsetMs } from '@paydesk/domain';

/** The real hosts: merchant API, the OAuth page a payer's browser visits, and the OAuth token API. */
export const wechatHosts = {
  pay: 'https://api.mch.weixin.qq.com',
  oauth: 'https://open.weixin.qq.com',
  sns: 'https://api.weixin.qq.com',
} as const;

export const maxClockSkewSeconds = 300;

export type TradeState = 'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED' | 'REVOKED' | 'USERPAYING' | 'PAYERROR';
export type TradeType = 'NATIVE' | 'JSAPI' | 'MICROPAY';
export type RefundStatus = 'SUCCESS' | 'CLOSED' | 'PROCESSING' | 'ABNORMAL';

export interface Amount {
  total: number;
  currency: 'CNY';
}

export interface NativeOrderBody {
  appid: string;
  mchid: string;
  description: string;
  out_trade_no: string;
  time_expire?: string;
  attach?: string;
  notify_url: string;
  amount: Amount;
}

export interface JsapiOrderBody extends NativeOrderBody {
  payer: { openid: string };
}

export interface CodePayBody {
  appid: string;
  mchid: string;
  description: string;
  out_trade_no: string;
  attach?: string;
  payer: { auth_code: string };
  amount: Amount;
  scene_info: { device_ip?: string; store_info?: { out_id: string } };
}

/** What a query, a code payment and a decrypted payment notification describe. */
export interface Transaction {
  appid: string;
  mchid: string;
  out_trade_no: string;
  transaction_id?: string;
  trade_type: TradeType;
  trade_state: TradeState;
  trade_state_desc: string;
  bank_type?: string;
  attach?: string;
  success_time?: string;
  payer?: { openid: string };
  amount: { total: number; payer_total?: number; currency: 'CNY'; payer_currency: 'CNY' };
}

export interface RefundBody {
  out_trade_no: string;
  out_refund_no: string;
  reason?: string;
  notify_url?: string;
  amount: { refund: number; total: number; currency: 'CNY' };
}

export interface Refund {
  refund_id: string;
  out_refund_no: string;
  transaction_id: string;
  out_trade_no: string;
  channel: 'ORIGINAL';
  user_received_account: string;
  success_time?: string;
  create_time: string;
  status: RefundStatus;
  amount: { total: number; refund: number; payer_total: number; payer_refund: number; currency: 'CNY' };
}

/** What a decrypted refund notification describes (its own shape, not the refund API's). */
export interface RefundNotice {
  mchid: string;
  out_trade_no: string;
  transaction_id: string;
  out_refund_no: string;
  refund_id: string;
  refund_status: RefundStatus;
  success_time?: string;
  user_received_account: string;
  amount: { total: number; refund: number; payer_total: number; payer_refund: number };
}

export interface ErrorBody {
  code: string;
  message: string;
  detail?: Record<string, unknown>;
}

export interface EncryptedResource {
  original_type: 'transaction' | 'refund';
  algorithm: 'AEAD_AES_256_GCM';
  ciphertext: string;
  associated_data: string;
  nonce: string;
}

export type NotificationEvent = 'TRANSACTION.SUCCESS' | 'REFUND.SUCCESS' | 'REFUND.ABNORMAL' | 'REFUND.CLOSED';

export interface NotificationBody {
  id: string;
  create_time: string;
  event_type: NotificationEvent;
  resource_type: 'encrypt-resource';
  summary: string;
  resource: EncryptedResource;
}

/** The answer of `/sns/oauth2/access_token`: the token, or an `errcode` with HTTP 200 as WeChat does. */
export type OAuthTokenAnswer =
  | { access_token: string; expires_in: number; refresh_token: string; openid: string; scope: string }
  | { errcode: number; errmsg: string };

/** Why a code payment fails, as the gateway says it (status, Chinese message); USERPAYING is not a failure. */
export const codePayFailures = {
  NOTENOUGH: { status: 403, message: '用户余额不足，请用户换卡支付' },
  AUTHCODEEXPIRE: { status: 403, message: '付款码已过期或已使用，请用户刷新付款码后重试' },
  AUTH_CODE_INVALID: { status: 400, message: '付款码无效，请扫描微信付款码' },
  NOTSUPORTCARD: { status: 403, message: '不支持该卡类型，请用户换卡支付' },
  BUYER_CANCELLED: { status: 403, message: '用户取消了支付' },
  TRADE_ERROR: { status: 403, message: '交易错误，该用户的支付存在风险' },
} as const;

export type CodePayFailure = keyof typeof codePayFailures;

/**
 * Times are RFC 3339 in Beijing time (+08:00) whatever the server's zone, as WeChat writes them;
 * `Date.parse` reads them back with their offset.
 */
export function beijingTime(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000 + chinaUtcOffsetMs).toISOString().slice(0, 19)}+08:00`;
}

export function parseRfc3339(text: unknown): number | null {
  if (typeof text !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

/** WeChat's rule for `out_trade_no`: 6–32 characters of digits, letters, `_-|*`. */
export function isOutTradeNo(text: unknown): text is string {
  return typeof text === 'string' && /^[0-9A-Za-z_\-|*]{6,32}$/.test(text);
}

/** Certificate serials compare as hex numbers: case and leading zeros do not matter. */
export function sameSerialNo(a: string, b: string): boolean {
  return a.replace(/^0+/, '').toUpperCase() === b.replace(/^0+/, '').toUpperCase();
}
