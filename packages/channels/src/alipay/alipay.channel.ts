import { createPrivateKey, createPublicKey, type KeyObject, randomBytes } from 'node:crypto';
import { fenToYuanString, isValidAmountFen, parseYuan } from '@paydesk/domain';
import type {
  ChannelOutcome,
  CodePayRequest,
  DynamicCodeRequest,
  IncomingNotification,
  ParsedNotification,
  PaymentChannel,
  RefundOutcome,
  RefundRequest,
  WalletOrderRequest,
  WalletOrderStart,
} from '../channel.ts';
import type { AlipaySettings } from './credentials.ts';
import { type AlipayParams, type ResponseCheck, signRequest, verifyNotification, verifyResponse } from './crypto.ts';
import { type AlipayAnswer, alipayGatewayUrl, answerCodes, failReasonFor } from './protocol.ts';
import { beijingTimestamp, parseBeijingTime } from './time.ts';

export interface AlipayChannelOptions {
  /** Settings that passed `validateAlipaySettings`. */
  settings: Omit<AlipaySettings, 'gatewayUrl'> & { gatewayUrl?: string };
  now?: () => number;
  fetch?: typeof fetch;
  /** How long one gateway call may take before its outcome counts as unknown. */
  timeoutMs?: number;
}

/** What "check connection" found, for the owner to act on. */
export type ConnectionVerdict =
  | 'ok'
  | 'app_id_unknown'
  | 'app_key_rejected'
  | 'alipay_key_mismatch'
  | 'clock_skew'
  | 'permission_denied'
  | 'unreachable'
  | 'unexpected_answer';

export interface ConnectionCheck {
  verdict: ConnectionVerdict;
  detail: string;
}

type Exchange = { reached: true; check: ResponseCheck } | { reached: false; why: string };
type Call = { answer: AlipayAnswer } | { unknown: string };

const defaultTimeoutMs = 10_000;
const defaultSubject = '收银台收款';
const notificationAck = { status: 200, body: 'success' };
const notificationRefusal = { status: 400, body: 'fail' };

const str = (record: Record<string, unknown>, key: string): string | undefined => {
  const v = record[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
};

const summary = (a: AlipayAnswer) => [a.code, a.sub_code, a.sub_msg ?? a.msg].filter(Boolean).join(' ');

function yuan(fen: number): string {
  if (!isValidAmountFen(fen)) throw new RangeError(`not a payable amount of fen: ${fen}`);
  return fenToYuanString(fen);
}

/** The first `max` characters, never splitting a character outside the BMP (an emoji in a product name). */
const clip = (text: string, max: number) => Array.from(text).slice(0, max).join('');

/** Alipay refuses subjects with `/`, `=` or `&`, and longer than 256 characters; a subject is only a label. */
function subjectOf(description: string): string {
  const cleaned = clip(description.replace(/[/=&]/g, ' ').replace(/\s+/g, ' ').trim(), 256);
  return cleaned || defaultSubject;
}

/**
 * The Alipay open platform (payments.md §4) behind the channel contract. Requests are RSA2-signed with
 * the app private key; every answer and notification is verified with the Alipay public key before a
 * word of it is believed. Whatever does not verify, times out or says "20000" is `unknown`: the money
 * may have moved, so the payment stays pending until a query settles it.
 */
export class AlipayChannel implements PaymentChannel {
  readonly kind = 'alipay' as const;
  private readonly appId: string;
  private readonly appKey: KeyObject;
  private readonly alipayKey: KeyObject;
  private readonly gatewayUrl: string;
  private readonly now: () => number;
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;

  constructor(o: AlipayChannelOptions) {
    this.appId = o.settings.appId;
    this.appKey = createPrivateKey(o.settings.appPrivateKeyPem);
    this.alipayKey = createPublicKey(o.settings.alipayPublicKeyPem);
    this.gatewayUrl = o.settings.gatewayUrl ?? alipayGatewayUrl;
    this.now = o.now ?? Date.now;
    this.fetch = o.fetch ?? fetch;
    this.timeoutMs = o.timeoutMs ?? defaultTimeoutMs;
  }

  async createDynamicCode(req: DynamicCodeRequest): Promise<{ codeText: string } | { state: 'unknown'; why: string }> {
    const biz = {
      out_trade_no: req.outTradeNo,
      total_amount: yuan(req.amountFen),
      subject: subjectOf(req.description),
      timeout_express: this.timeoutExpress(req.expiresAt),
    };
    const call = await this.call('alipay.trade.precreate', biz, { notify_url: req.notifyUrl });
    if ('unknown' in call) return { state: 'unknown', why: call.unknown };
    const a = call.answer;
    const qrCode = str(a, 'qr_code');
    if (a.code !== answerCodes.success || !qrCode || a.out_trade_no !== req.outTradeNo) return { state: 'unknown', why: summary(a) };
    return { codeText: qrCode };
  }

  async payWithCode(req: CodePayRequest): Promise<ChannelOutcome> {
    const biz = {
      out_trade_no: req.outTradeNo,
      scene: 'bar_code',
      auth_code: req.authCode,
      subject: subjectOf(req.description),
      total_amount: yuan(req.amountFen),
    };
    const call = await this.call('alipay.trade.pay', biz);
    if ('unknown' in call) return { state: 'unknown', why: call.unknown };
    const a = call.answer;
    if (a.code === answerCodes.waitingForBuyer) return { state: 'waiting', why: 'user_paying' };
    if (a.code === answerCodes.success) {
      // A signed success for some other trade or amount (a replayed answer) proves nothing about this one.
      const paidFen = typeof a.total_amount === 'string' ? parseYuan(a.total_amount) : null;
      if (a.out_trade_no !== req.outTradeNo || paidFen !== req.amountFen) return { state: 'unknown', why: 'answer is for another trade' };
      return this.paid(a, 'gmt_payment');
    }
    if (a.sub_code === 'ACQ.SYSTEM_ERROR') return { state: 'unknown', why: summary(a) };
    // Paid before (a retried call): the query says when and by whom.
    if (a.sub_code === 'ACQ.TRADE_HAS_SUCCESS') return this.query(req.outTradeNo);
    return { state: 'failed', reasonCode: a.sub_code ?? a.code, reason: failReasonFor(a) };
  }

  async query(outTradeNo: string): Promise<ChannelOutcome> {
    const call = await this.call('alipay.trade.query', { out_trade_no: outTradeNo });
    if ('unknown' in call) return { state: 'unknown', why: call.unknown };
    const a = call.answer;
    // A precreated code does not exist at Alipay until the buyer scans it (payments.md §8).
    if (a.sub_code === 'ACQ.TRADE_NOT_EXIST') return { state: 'waiting', why: 'not_paid_yet' };
    if (a.code !== answerCodes.success) return { state: 'unknown', why: summary(a) };
    if (a.out_trade_no !== outTradeNo) return { state: 'unknown', why: 'answer is for another trade' };
    return this.tradeOutcome(a);
  }

  /**
   * Closes an unpaid trade. A precreated code nobody has scanned yet does not exist at Alipay, so close
   * answers "no such trade" and the code stays payable; only cancel stops it (payments.md §8).
   */
  async close(outTradeNo: string): Promise<ChannelOutcome> {
    const call = await this.call('alipay.trade.close', { out_trade_no: outTradeNo });
    if ('unknown' in call) return { state: 'unknown', why: call.unknown };
    const a = call.answer;
    if (a.code === answerCodes.success) return { state: 'closed' };
    if (a.sub_code === 'ACQ.TRADE_NOT_EXIST') return this.reverse(outTradeNo);
    // Paid (or finished) meanwhile: say so, with the payment's details.
    if (a.sub_code === 'ACQ.TRADE_STATUS_ERROR') return this.query(outTradeNo);
    return { state: 'unknown', why: summary(a) };
  }

  /** alipay.trade.cancel: closes the trade if unpaid, refunds it if paid; either way the buyer keeps the money. */
  async reverse(outTradeNo: string): Promise<ChannelOutcome> {
    const call = await this.call('alipay.trade.cancel', { out_trade_no: outTradeNo });
    if ('unknown' in call) return { state: 'unknown', why: call.unknown };
    const a = call.answer;
    if (a.code !== answerCodes.success || a.retry_flag === 'Y') return { state: 'unknown', why: summary(a) };
    return { state: 'closed' };
  }

  async refund(req: RefundRequest): Promise<RefundOutcome> {
    const biz = {
      out_trade_no: req.outTradeNo,
      refund_amount: yuan(req.refundFen),
      out_request_no: req.outRefundNo,
      refund_reason: clip(req.reason, 256),
    };
    const call = await this.call('alipay.trade.refund', biz);
    if ('unknown' in call) return { state: 'unknown', why: call.unknown };
    const a = call.answer;
    if (a.code === answerCodes.success) {
      if (a.out_trade_no !== req.outTradeNo) return { state: 'unknown', why: 'answer is for another trade' };
      // "N": no money moved by this call, e.g. a repeat of a refund already made; the query tells which.
      if (a.fund_change !== 'Y') return this.queryRefund(req.outTradeNo, req.outRefundNo);
      return { state: 'succeeded', channelRefundNo: str(a, 'trade_no') ?? '', refundedAt: this.timeOf(a, 'gmt_refund_pay') };
    }
    if (a.sub_code === 'ACQ.SYSTEM_ERROR') return { state: 'unknown', why: summary(a) };
    return { state: 'failed', reasonCode: a.sub_code ?? a.code, reason: failReasonFor(a) };
  }

  /**
   * Alipay refunds are synchronous, so a refund the query does not find was never made: it can be sent
   * again with the same refund number, which Alipay treats as the same refund.
   */
  async queryRefund(outTradeNo: string, outRefundNo: string): Promise<RefundOutcome> {
    const biz = { out_trade_no: outTradeNo, out_request_no: outRefundNo, query_options: ['gmt_refund_pay'] };
    const call = await this.call('alipay.trade.fastpay.refund.query', biz);
    if ('unknown' in call) return { state: 'unknown', why: call.unknown };
    const a = call.answer;
    if (a.code === answerCodes.success) {
      const found =
        a.out_request_no === outRefundNo && (a.refund_status === 'REFUND_SUCCESS' || (!a.refund_status && str(a, 'refund_amount')));
      if (found) return { state: 'succeeded', channelRefundNo: str(a, 'trade_no') ?? '', refundedAt: this.timeOf(a, 'gmt_refund_pay') };
      return { state: 'failed', reasonCode: 'REFUND_NOT_FOUND', reason: '支付宝没有这笔退款，可用同一退款单号重新发起' };
    }
    if (a.sub_code === 'ACQ.TRADE_NOT_EXIST') return { state: 'failed', reasonCode: a.sub_code, reason: failReasonFor(a) };
    return { state: 'unknown', why: summary(a) };
  }

  async parseNotification(n: IncomingNotification): Promise<ParsedNotification> {
    const refuse = (reason: string): ParsedNotification => ({ valid: false, reason, ack: notificationRefusal });
    const form = new URLSearchParams(n.rawBody);
    const fields: Record<string, string> = {};
    for (const [key, value] of form) {
      // Which of two values would the signature have covered? Neither is trusted.
      if (key in fields) return refuse('duplicate_field');
      fields[key] = value;
    }
    if (!fields.sign) return refuse('missing_signature');
    if (fields.sign_type && fields.sign_type !== 'RSA2') return refuse('unsupported_sign_type');
    if (!verifyNotification(fields, this.alipayKey)) return refuse('bad_signature');
    if (fields.app_id !== this.appId) return refuse('wrong_app');
    const outTradeNo = fields.out_trade_no;
    if (!outTradeNo) return refuse('no_trade');
    if (fields.out_biz_no && fields.refund_fee) {
      return {
        valid: true,
        kind: 'refund',
        outRefundNo: fields.out_biz_no,
        outcome: { state: 'succeeded', channelRefundNo: fields.trade_no ?? '', refundedAt: this.timeOf(fields, 'gmt_refund') },
        ack: notificationAck,
      };
    }
    return { valid: true, kind: 'payment', outTradeNo, outcome: this.tradeOutcome(fields), ack: notificationAck };
  }

  /** Alipay wap pay: a signed gateway address for the payer's browser; nothing is sent until they open it. */
  async createWalletOrder(req: WalletOrderRequest): Promise<WalletOrderStart> {
    const biz = {
      out_trade_no: req.outTradeNo,
      total_amount: yuan(req.amountFen),
      subject: subjectOf(req.description),
      product_code: 'QUICK_WAP_WAY',
      timeout_express: this.timeoutExpress(req.expiresAt),
      quit_url: req.returnUrl,
    };
    const params = this.signedParams('alipay.trade.wap.pay', biz, { notify_url: req.notifyUrl, return_url: req.returnUrl });
    const url = new URL(this.gatewayUrl);
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    return { kind: 'redirect', url: url.toString() };
  }

  /**
   * Asks about a trade that cannot exist. "No such trade", signed with the Alipay key, proves the app id,
   * both keys and the clock are right without touching any money; anything else names what is wrong.
   */
  async checkConnection(): Promise<ConnectionCheck> {
    const exchange = await this.exchange('alipay.trade.query', { out_trade_no: `paydesk_check_${randomBytes(8).toString('hex')}` });
    if (!exchange.reached) return { verdict: 'unreachable', detail: exchange.why };
    const check = exchange.check;
    if (check.verdict === 'malformed') return { verdict: 'unreachable', detail: 'the address answered, but not as an Alipay gateway' };
    const a = check.answer;
    if (a.sub_code === 'isv.invalid-app-id') return { verdict: 'app_id_unknown', detail: summary(a) };
    if (a.sub_code === 'isv.invalid-signature') return { verdict: 'app_key_rejected', detail: summary(a) };
    if (check.verdict === 'bad_signature')
      return { verdict: 'alipay_key_mismatch', detail: 'the answer does not verify with the Alipay public key' };
    if (check.verdict === 'unsigned') return { verdict: 'unexpected_answer', detail: `unsigned answer: ${summary(a)}` };
    if (a.sub_code === 'isv.invalid-timestamp') return { verdict: 'clock_skew', detail: summary(a) };
    if (a.code === answerCodes.noPermission) return { verdict: 'permission_denied', detail: summary(a) };
    if (a.sub_code === 'ACQ.TRADE_NOT_EXIST') return { verdict: 'ok', detail: 'app id, keys and clock are right' };
    return { verdict: 'unexpected_answer', detail: summary(a) };
  }

  private tradeOutcome(a: Record<string, unknown>): ChannelOutcome {
    switch (a.trade_status) {
      case 'TRADE_SUCCESS':
      case 'TRADE_FINISHED':
        return this.paid(a, str(a, 'gmt_payment') ? 'gmt_payment' : 'send_pay_date');
      case 'WAIT_BUYER_PAY':
        return { state: 'waiting', why: 'not_paid_yet' };
      case 'TRADE_CLOSED':
        return { state: 'closed' };
      default:
        return { state: 'unknown', why: `trade status ${String(a.trade_status)}` };
    }
  }

  private paid(a: Record<string, unknown>, timeField: string): ChannelOutcome {
    const payerRef = str(a, 'buyer_logon_id');
    return {
      state: 'succeeded',
      channelTradeNo: str(a, 'trade_no') ?? '',
      paidAt: this.timeOf(a, timeField),
      ...(payerRef ? { payerRef } : {}),
    };
  }

  private timeOf(a: Record<string, unknown>, field: string): number {
    const text = str(a, field);
    return (text && parseBeijingTime(text)) || this.now();
  }

  /** Alipay counts in whole minutes (1m at least); the code must not outlive the payment. */
  private timeoutExpress(expiresAt: number): string {
    const minutes = Math.min(Math.max(Math.floor((expiresAt - this.now()) / 60_000), 1), 15 * 24 * 60);
    return `${minutes}m`;
  }

  private signedParams(method: string, biz: object, extra: AlipayParams = {}): Record<string, string> {
    const params: Record<string, string> = {
      app_id: this.appId,
      method,
      format: 'JSON',
      charset: 'utf-8',
      sign_type: 'RSA2',
      timestamp: beijingTimestamp(this.now()),
      version: '1.0',
      biz_content: JSON.stringify(biz),
    };
    for (const [key, value] of Object.entries(extra)) if (value) params[key] = value;
    return { ...params, sign: signRequest(params, this.appKey) };
  }

  /** One gateway call as the official SDKs make it: common parameters in the query, biz_content in the form body. */
  private async exchange(method: string, biz: object, extra?: AlipayParams): Promise<Exchange> {
    const { biz_content, ...common } = this.signedParams(method, biz, extra);
    const url = new URL(this.gatewayUrl);
    for (const [key, value] of Object.entries(common)) url.searchParams.set(key, value);
    try {
      const response = await this.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8', accept: 'application/json' },
        body: new URLSearchParams({ biz_content: biz_content ?? '' }).toString(),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const raw = await response.text();
      if (response.status !== 200) return { reached: false, why: `gateway answered HTTP ${response.status}` };
      return { reached: true, check: verifyResponse(raw, method, this.alipayKey) };
    } catch (err) {
      return { reached: false, why: `gateway unreachable: ${(err as Error).message}` };
    }
  }

  private async call(method: string, biz: object, extra?: AlipayParams): Promise<Call> {
    const exchange = await this.exchange(method, biz, extra);
    if (!exchange.reached) return { unknown: exchange.why };
    const check = exchange.check;
    if (check.verdict === 'malformed') return { unknown: 'answer is not an Alipay response' };
    if (check.verdict === 'unsigned') return { unknown: `unsigned answer: ${summary(check.answer)}` };
    if (check.verdict === 'bad_signature') return { unknown: 'answer signature does not verify' };
    if (check.answer.code === answerCodes.unavailable) return { unknown: summary(check.answer) };
    return { answer: check.answer };
  }
}
