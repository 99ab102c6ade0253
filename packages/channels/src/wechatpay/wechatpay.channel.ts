import type {
  ChannelOutcome,
  CodePayRequest,
  DynamicCodeRequest,
  IncomingNotification,
  ParsedNotification,
  PayerIdentification,
  PaymentChannel,
  RefundOutcome,
  RefundRequest,
  WalletOrderRequest,
  WalletOrderStart,
} from '../channel.ts';
import { checkWechatPayConnection, type WechatPayConnectionCheck } from './connection-check.ts';
import type { WechatPayCredentials } from './credentials.ts';
import { decryptResource, jsapiPaySign, newNonce, signedHeadersOf, unixSeconds, verifyFromPlatform } from './crypto.ts';
import {
  beijingTime,
  type CodePayBody,
  type ErrorBody,
  type JsapiOrderBody,
  type NativeOrderBody,
  type NotificationBody,
  type OAuthTokenAnswer,
  parseRfc3339,
  type Refund,
  type RefundBody,
  type RefundNotice,
  type RefundStatus,
  type Transaction,
  wechatHosts,
} from './protocol.ts';
import { type Exchange, userAgent, WechatPayClient } from './wechatpay.client.ts';

export interface WechatPayChannelOptions {
  credentials: WechatPayCredentials;
  /**
   * One base URL for the merchant API, the OAuth page and the OAuth token API (the local gateway serves
   * all three). Default: `credentials.baseUrl`, else WeChat's own hosts.
   */
  baseUrl?: string;
  now?: () => number;
  fetch?: typeof fetch;
  /** How long to wait for an answer; past it the outcome is "unknown". WeChat promises 5 s (issue 5). */
  timeoutMs?: number;
  /** Where WeChat sends refund results; without it refunds are learnt by query only. */
  refundNotifyUrl?: string;
  /** The cashier device's IP, reported in code payments' `scene_info`. */
  deviceIp?: string;
}

/** Reasons a cashier reads, in plain Chinese, for the codes WeChat Pay answers a payment with. */
export const wechatFailReasons: Record<string, string> = {
  NOTENOUGH: '顾客余额不足，请让顾客换卡或换一种方式支付',
  AUTHCODEEXPIRE: '付款码已过期或已使用，请让顾客刷新付款码',
  AUTH_CODE_INVALID: '付款码无效，请让顾客刷新付款码后重新扫描',
  NOTSUPORTCARD: '不支持顾客选择的卡，请让顾客换卡',
  BUYER_CANCELLED: '顾客取消了支付',
  TRADE_ERROR: '交易被微信支付拒绝（顾客账户受限或存在风险）',
  SIGN_ERROR: '微信支付拒绝了请求签名，请检查商户私钥和证书序列号',
  APPID_MCHID_NOT_MATCH: 'AppID 与商户号不匹配，请检查微信支付设置',
  MCH_NOT_EXISTS: '商户号不存在，请检查微信支付设置',
  PARAM_ERROR: '请求参数有误',
  INVALID_REQUEST: '请求不被接受',
  NO_AUTH: '商户没有开通该支付权限',
};

/** Answers to a code payment that say for certain that no money moved. */
const definiteCodePayFailures = new Set([
  'NOTENOUGH',
  'AUTHCODEEXPIRE',
  'AUTH_CODE_INVALID',
  'NOTSUPORTCARD',
  'BUYER_CANCELLED',
  'TRADE_ERROR',
  'SIGN_ERROR',
  'APPID_MCHID_NOT_MATCH',
  'MCH_NOT_EXISTS',
  'PARAM_ERROR',
  'INVALID_REQUEST',
  'NO_AUTH',
]);

const definiteRefundFailures = new Set([
  'PARAM_ERROR',
  'INVALID_REQUEST',
  'NOT_ENOUGH',
  'USER_ACCOUNT_ABNORMAL',
  'RESOURCE_NOT_EXISTS',
  'SIGN_ERROR',
  'MCH_NOT_EXISTS',
  'NO_AUTH',
]);

/** An authentic answer, parsed: only these are ever turned into a result. */
interface Reply {
  status: number;
  json: Record<string, unknown>;
  code?: string;
  message?: string;
}

type Judged = Reply | { unknown: string };

/** WeChat limits `description` to 127 bytes; cut on a character boundary. */
function clipBytes(text: string, max: number): string {
  let out = '';
  for (const ch of text) {
    if (Buffer.byteLength(out + ch, 'utf8') > max) break;
    out += ch;
  }
  return out;
}

function header(h: IncomingNotification['headers'], name: string): string | undefined {
  const key = Object.keys(h).find((k) => k.toLowerCase() === name);
  const v = key === undefined ? undefined : h[key];
  return Array.isArray(v) ? v[0] : v;
}

export class WechatOAuthError extends Error {
  constructor(
    readonly errcode: number,
    errmsg: string,
  ) {
    super(`WeChat OAuth refused the code: ${errcode} ${errmsg}`);
  }
}

/**
 * WeChat Pay API v3 behind the channel contract. Every answer is verified before it counts; a timeout, a
 * network error, a 5xx or an answer whose signature fails is "unknown" (never "failed": the money may have
 * moved), and the payment is then settled by query.
 */
export class WechatPayChannel implements PaymentChannel {
  readonly kind = 'wechatpay' as const;
  readonly payerIdentification?: PayerIdentification;
  private readonly client: WechatPayClient;
  private readonly c: WechatPayCredentials;
  private readonly now: () => number;
  private readonly hosts: { pay: string; oauth: string; sns: string };

  constructor(private readonly o: WechatPayChannelOptions) {
    this.c = o.credentials;
    this.now = o.now ?? Date.now;
    const base = (o.baseUrl ?? this.c.baseUrl)?.replace(/\/$/, '');
    this.hosts = base ? { pay: base, oauth: base, sns: base } : wechatHosts;
    this.client = new WechatPayClient({
      credentials: this.c,
      payBase: this.hosts.pay,
      fetch: o.fetch ?? fetch,
      now: this.now,
      timeoutMs: o.timeoutMs ?? 5000,
    });
    if (this.c.appSecret) {
      const secret = this.c.appSecret;
      this.payerIdentification = {
        authorizeUrl: (redirectUri, state) => this.authorizeUrl(redirectUri, state),
        payerIdFromCode: (code) => this.openidFromCode(secret, code),
      };
    }
  }

  private async call(method: 'GET' | 'POST', pathAndQuery: string, body?: object): Promise<Judged> {
    return judge(await this.client.call(method, pathAndQuery, body));
  }

  private tradePath(outTradeNo: string): string {
    return `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}`;
  }

  private order(req: DynamicCodeRequest | WalletOrderRequest): NativeOrderBody {
    return {
      appid: this.c.appid,
      mchid: this.c.mchid,
      description: clipBytes(req.description, 127) || '收银台收款',
      out_trade_no: req.outTradeNo,
      time_expire: beijingTime(req.expiresAt),
      notify_url: req.notifyUrl,
      amount: { total: req.amountFen, currency: 'CNY' },
    };
  }

  async createDynamicCode(req: DynamicCodeRequest) {
    const reply = await this.call('POST', '/v3/pay/transactions/native', this.order(req));
    if ('unknown' in reply) return { state: 'unknown' as const, why: reply.unknown };
    const codeUrl = reply.json.code_url;
    if (reply.status === 200 && typeof codeUrl === 'string') return { codeText: codeUrl };
    return { state: 'unknown' as const, why: `${reply.code ?? reply.status}: ${reply.message ?? 'no code_url in answer'}` };
  }

  async payWithCode(req: CodePayRequest): Promise<ChannelOutcome> {
    const body: CodePayBody = {
      appid: this.c.appid,
      mchid: this.c.mchid,
      description: clipBytes(req.description, 127) || '收银台收款',
      out_trade_no: req.outTradeNo,
      payer: { auth_code: req.authCode },
      amount: { total: req.amountFen, currency: 'CNY' },
      scene_info: this.o.deviceIp ? { device_ip: this.o.deviceIp } : {},
    };
    const reply = await this.call('POST', '/v3/pay/transactions/codepay', body);
    if ('unknown' in reply) return { state: 'unknown', why: reply.unknown };
    if (reply.status === 200) return this.tradeOutcome(reply.json, req.outTradeNo);
    // The payer is entering the password: ask again shortly (payments.md §3).
    if (reply.code === 'USERPAYING') return { state: 'waiting', why: 'user_paying' };
    if (reply.code === 'ORDER_CLOSED') return { state: 'closed' };
    if (reply.code && definiteCodePayFailures.has(reply.code)) return failed(reply.code, reply.message);
    return { state: 'unknown', why: `${reply.code ?? reply.status}: ${reply.message ?? ''}` };
  }

  async query(outTradeNo: string): Promise<ChannelOutcome> {
    const reply = await this.call('GET', `${this.tradePath(outTradeNo)}?mchid=${encodeURIComponent(this.c.mchid)}`);
    if ('unknown' in reply) return { state: 'unknown', why: reply.unknown };
    if (reply.status === 200) return this.tradeOutcome(reply.json, outTradeNo);
    // Not created (yet): a create call still in flight may create it, so it is waiting, not failed.
    if (reply.code === 'ORDER_NOT_EXIST') return { state: 'waiting', why: 'not_paid_yet' };
    return { state: 'unknown', why: `${reply.code ?? reply.status}: ${reply.message ?? ''}` };
  }

  async close(outTradeNo: string): Promise<ChannelOutcome> {
    const reply = await this.call('POST', `${this.tradePath(outTradeNo)}/close`, { mchid: this.c.mchid });
    return this.afterStop(reply, outTradeNo, 204);
  }

  async reverse(outTradeNo: string): Promise<ChannelOutcome> {
    const reply = await this.call('POST', `${this.tradePath(outTradeNo)}/reverse`, { appid: this.c.appid, mchid: this.c.mchid });
    return this.afterStop(reply, outTradeNo, 200);
  }

  /** A close or reverse that WeChat refused (already paid, refunded…) is settled by asking what the order is. */
  private async afterStop(reply: Judged, outTradeNo: string, okStatus: number): Promise<ChannelOutcome> {
    if ('unknown' in reply) return { state: 'unknown', why: reply.unknown };
    // An order WeChat never created can no longer be paid once stopped here: nothing to undo.
    if (reply.status === okStatus || reply.code === 'ORDER_NOT_EXIST') return { state: 'closed' };
    return this.query(outTradeNo);
  }

  async refund(req: RefundRequest): Promise<RefundOutcome> {
    const body: RefundBody = {
      out_trade_no: req.outTradeNo,
      out_refund_no: req.outRefundNo,
      ...(req.reason ? { reason: [...req.reason].slice(0, 80).join('') } : {}),
      ...(this.o.refundNotifyUrl ? { notify_url: this.o.refundNotifyUrl } : {}),
      amount: { refund: req.refundFen, total: req.totalFen, currency: 'CNY' },
    };
    const reply = await this.call('POST', '/v3/refund/domestic/refunds', body);
    if ('unknown' in reply) return { state: 'unknown', why: reply.unknown };
    if (reply.status === 200) return this.refundOutcome(reply.json as unknown as Refund, req.outRefundNo);
    if (reply.code && definiteRefundFailures.has(reply.code)) return failed(reply.code, reply.message);
    return { state: 'unknown', why: `${reply.code ?? reply.status}: ${reply.message ?? ''}` };
  }

  async queryRefund(_outTradeNo: string, outRefundNo: string): Promise<RefundOutcome> {
    const reply = await this.call('GET', `/v3/refund/domestic/refunds/${encodeURIComponent(outRefundNo)}`);
    if ('unknown' in reply) return { state: 'unknown', why: reply.unknown };
    if (reply.status === 200) return this.refundOutcome(reply.json as unknown as Refund, outRefundNo);
    // A refund request still in flight may yet create it; sending it again (same out_refund_no) settles it.
    return { state: 'unknown', why: `${reply.code ?? reply.status}: ${reply.message ?? ''}` };
  }

  async parseNotification(n: IncomingNotification): Promise<ParsedNotification> {
    const refuse = (status: number, reason: string): ParsedNotification => ({
      valid: false,
      reason,
      ack: { status, body: JSON.stringify({ code: 'FAIL', message: reason }) },
    });
    const failure = verifyFromPlatform(
      { id: this.c.platformPublicKeyId, publicKey: this.c.platformPublicKey },
      signedHeadersOf((name) => header(n.headers, name)),
      n.rawBody,
      this.now(),
    );
    if (failure) return refuse(401, failure);
    let plaintext: Record<string, unknown>;
    let body: NotificationBody;
    try {
      body = JSON.parse(n.rawBody) as NotificationBody;
      if (body.resource?.algorithm !== 'AEAD_AES_256_GCM') return refuse(400, 'unsupported_algorithm');
      plaintext = JSON.parse(decryptResource(this.c.apiV3Key, body.resource)) as Record<string, unknown>;
    } catch {
      return refuse(400, 'undecryptable');
    }
    if (plaintext.mchid !== this.c.mchid) return refuse(400, 'wrong_merchant');
    const ack = { status: 204, body: '' };
    if (body.event_type === 'TRANSACTION.SUCCESS') {
      const outTradeNo = String(plaintext.out_trade_no ?? '');
      if (plaintext.appid !== this.c.appid) return refuse(400, 'wrong_merchant');
      return { valid: true, kind: 'payment', outTradeNo, outcome: this.tradeOutcome(plaintext, outTradeNo), ack };
    }
    if (body.event_type?.startsWith('REFUND.')) {
      const notice = plaintext as unknown as RefundNotice;
      const outcome = this.refundStatusOutcome(notice.refund_status, notice.refund_id, notice.success_time);
      return { valid: true, kind: 'refund', outRefundNo: String(notice.out_refund_no ?? ''), outcome, ack };
    }
    // Authentic but of no use to Paydesk: acknowledged, or WeChat would resend it for days.
    return { valid: false, reason: `ignored_event ${body.event_type}`, ack };
  }

  async createWalletOrder(req: WalletOrderRequest): Promise<WalletOrderStart> {
    if (!req.payerId) return { kind: 'unknown', why: 'a JSAPI order needs the payer openid (payerIdentification first)' };
    const body: JsapiOrderBody = { ...this.order(req), payer: { openid: req.payerId } };
    const reply = await this.call('POST', '/v3/pay/transactions/jsapi', body);
    if ('unknown' in reply) return { kind: 'unknown', why: reply.unknown };
    const prepayId = reply.json.prepay_id;
    if (reply.status !== 200 || typeof prepayId !== 'string') {
      return { kind: 'unknown', why: `${reply.code ?? reply.status}: ${reply.message ?? 'no prepay_id in answer'}` };
    }
    const bridge = { appId: this.c.appid, timeStamp: unixSeconds(this.now()), nonceStr: newNonce(), package: `prepay_id=${prepayId}` };
    return { kind: 'jsapi', params: { ...bridge, signType: 'RSA', paySign: jsapiPaySign(this.c.merchantPrivateKey, bridge) } };
  }

  private authorizeUrl(redirectUri: string, state: string): string {
    // WeChat wants these parameters in this order, and the #wechat_redirect fragment.
    const q = `appid=${this.c.appid}&redirect_uri=${encodeURIComponent(redirectUri)}&response_type=code&scope=snsapi_base&state=${encodeURIComponent(state)}`;
    return `${this.hosts.oauth}/connect/oauth2/authorize?${q}#wechat_redirect`;
  }

  private async openidFromCode(secret: string, code: string): Promise<string> {
    const q = new URLSearchParams({ appid: this.c.appid, secret, code, grant_type: 'authorization_code' });
    const response = await (this.o.fetch ?? fetch)(`${this.hosts.sns}/sns/oauth2/access_token?${q}`, {
      headers: { accept: 'application/json', 'user-agent': userAgent },
      signal: AbortSignal.timeout(this.o.timeoutMs ?? 5000),
    });
    const answer = (await response.json()) as OAuthTokenAnswer;
    if ('errcode' in answer) throw new WechatOAuthError(answer.errcode, answer.errmsg);
    if (typeof answer.openid !== 'string' || !answer.openid) throw new Error('WeChat OAuth answer has no openid');
    return answer.openid;
  }

  /** Calls a harmless query and says what is wrong, if anything (bad key, wrong serial, clock skew, unreachable…). */
  checkConnection(): Promise<WechatPayConnectionCheck> {
    return checkWechatPayConnection(this.client, this.c.mchid, this.now);
  }

  private tradeOutcome(json: Record<string, unknown>, outTradeNo: string): ChannelOutcome {
    const t = json as unknown as Transaction;
    if (t.out_trade_no !== outTradeNo || t.mchid !== this.c.mchid) return { state: 'unknown', why: 'answer is about another order' };
    switch (t.trade_state) {
      case 'SUCCESS':
      case 'REFUND':
        return {
          state: 'succeeded',
          channelTradeNo: t.transaction_id ?? '',
          paidAt: parseRfc3339(t.success_time) ?? this.now(),
          ...(t.payer?.openid ? { payerRef: t.payer.openid } : {}),
        };
      case 'NOTPAY':
        return { state: 'waiting', why: 'not_paid_yet' };
      case 'USERPAYING':
        return { state: 'waiting', why: 'user_paying' };
      case 'CLOSED':
      case 'REVOKED':
        return { state: 'closed' };
      case 'PAYERROR':
        return failed('PAYERROR', t.trade_state_desc);
      default:
        return { state: 'unknown', why: `unexpected trade_state ${String(t.trade_state)}` };
    }
  }

  private refundOutcome(r: Refund, outRefundNo: string): RefundOutcome {
    if (r.out_refund_no !== outRefundNo) return { state: 'unknown', why: 'answer is about another refund' };
    return this.refundStatusOutcome(r.status, r.refund_id, r.success_time);
  }

  private refundStatusOutcome(status: RefundStatus, refundId: string, successTime: string | undefined): RefundOutcome {
    switch (status) {
      case 'SUCCESS':
        return { state: 'succeeded', channelRefundNo: refundId, refundedAt: parseRfc3339(successTime) ?? this.now() };
      // ABNORMAL: the money left the merchant but did not reach the payer's card; the merchant re-routes
      // it in the merchant platform. Calling it failed would free the amount for a second refund.
      case 'PROCESSING':
      case 'ABNORMAL':
        return { state: 'processing' };
      case 'CLOSED':
        return { state: 'failed', reasonCode: 'REFUND_CLOSED', reason: '退款已关闭，款项已退回商户账户' };
      default:
        return { state: 'unknown', why: `unexpected refund status ${String(status)}` };
    }
  }
}

function failed(code: string, message: string | undefined): { state: 'failed'; reasonCode: string; reason: string } {
  return { state: 'failed', reasonCode: code, reason: wechatFailReasons[code] ?? message ?? '支付失败' };
}

/** Only an authentic answer below 500 is a result; anything else leaves the money's fate unknown. */
function judge(exchange: Exchange): Judged {
  if (!exchange.reached) return { unknown: exchange.why };
  if (exchange.status >= 500) return { unknown: `gateway answered ${exchange.status}` };
  if (exchange.signature) return { unknown: `answer refused: ${exchange.signature}` };
  let json: Record<string, unknown> = {};
  try {
    if (exchange.text) json = JSON.parse(exchange.text) as Record<string, unknown>;
  } catch {
    return { unknown: 'answer is not JSON' };
  }
  const error = json as Partial<ErrorBody>;
  return {
    status: exchange.status,
    json,
    ...(typeof error.code === 'string' ? { code: error.code, message: error.message } : {}),
  };
}
