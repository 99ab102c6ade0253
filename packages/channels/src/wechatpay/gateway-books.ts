import { type KeyObject, randomInt } from 'node:crypto';
import { classifyPaymentCode } from '@paydesk/domain';
import {
  beijingTime,
  type CodePayFailure,
  codePayFailures,
  type ErrorBody,
  isOutTradeNo,
  parseRfc3339,
  type Refund,
  type RefundStatus,
  type TradeState,
  type TradeType,
  type Transaction,
} from './protocol.ts';

/** A merchant the local gateway knows: what WeChat Pay holds about a merchant account. */
export interface GatewayMerchant {
  mchid: string;
  appid: string;
  appSecret: string;
  publicKey: KeyObject;
  serialNo: string;
  apiV3Key: string;
}

/** What the customer does with a payment code (付款码) the cashier scans. */
export type PayerBehaviour = { action: 'pay'; openid?: string } | { action: 'password' } | { action: 'fail'; code: CodePayFailure };

/** How new refunds end: at once, or held in PROCESSING until `settleRefund`. */
export interface RefundPolicy {
  status: Exclude<RefundStatus, 'PROCESSING'>;
  hold: boolean;
}

export interface Trade {
  mchid: string;
  appid: string;
  outTradeNo: string;
  tradeType: TradeType;
  description: string;
  attach?: string;
  notifyUrl?: string;
  total: number;
  state: TradeState;
  stateDesc: string;
  fingerprint: string;
  createdAt: number;
  expiresAt?: number;
  transactionId?: string;
  openid?: string;
  successAt?: number;
  refundedFen: number;
  failCode?: CodePayFailure;
  codeToken?: string;
  prepayId?: string;
}

export interface RefundRecord {
  mchid: string;
  outRefundNo: string;
  outTradeNo: string;
  refundId: string;
  refund: number;
  total: number;
  status: RefundStatus;
  createdAt: number;
  successAt?: number;
  notifyUrl?: string;
  fingerprint: string;
}

export type Answer = { status: number; body?: object };

export type BookEvent = { kind: 'paid'; trade: Trade } | { kind: 'refund_settled'; refund: RefundRecord };

const stateDescs: Record<TradeState, string> = {
  SUCCESS: '支付成功',
  REFUND: '转入退款',
  NOTPAY: '订单未支付',
  CLOSED: '订单已关闭',
  REVOKED: '已撤销',
  USERPAYING: '用户支付中，需要输入密码',
  PAYERROR: '支付失败',
};

/** WeChat revokes a code payment the payer has not confirmed within 45 s (payments.md §3). */
const codePayPatienceMs = 45_000;
/** Above ¥1000 WeChat asks for the password (payments.md §1). */
const passwordFreeCeilingFen = 100_000;

export function error(status: number, code: string, message: string, detail?: Record<string, unknown>): Answer {
  const body: ErrorBody = detail ? { code, message, detail } : { code, message };
  return { status, body };
}

const paramError = (field: string, issue: string) =>
  error(400, 'PARAM_ERROR', `参数错误：${field} ${issue}`, { field, location: 'body', issue });

function digits(n: number): string {
  let s = '';
  for (let i = 0; i < n; i += 1) s += String(randomInt(10));
  return s;
}

function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

type Body = Record<string, unknown>;
const obj = (v: unknown): Body | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Body) : null);

function notifyUrlProblem(v: unknown): string | null {
  if (typeof v !== 'string') return '必填';
  try {
    const url = new URL(v);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return '必须是 http(s) 地址';
    return url.search || url.hash ? '不能携带参数' : null;
  } catch {
    return '不是有效的URL';
  }
}

function amountOf(body: Body): { total: number } | Answer {
  const amount = obj(body.amount);
  const total = amount?.total;
  if (typeof total !== 'number' || !Number.isSafeInteger(total) || total < 1) return paramError('amount.total', '必须是正整数（分）');
  if (amount?.currency !== undefined && amount.currency !== 'CNY') return paramError('amount.currency', '仅支持CNY');
  return { total };
}

/**
 * The local gateway's books: every trade and refund of every merchant it knows, and the rules WeChat Pay
 * applies to them. In memory, synchronous, so each call is one atomic step; the HTTP layer above does
 * signatures, faults and notifications.
 */
export class GatewayBooks {
  private readonly trades = new Map<string, Trade>();
  private readonly refunds = new Map<string, RefundRecord>();
  private readonly byCodeToken = new Map<string, Trade>();
  private readonly byPrepayId = new Map<string, Trade>();
  private readonly payerCodes = new Map<string, PayerBehaviour>();
  private readonly usedCodes = new Set<string>();
  refundPolicy: RefundPolicy = { status: 'SUCCESS', hold: false };

  constructor(
    private readonly now: () => number,
    private readonly onEvent: (event: BookEvent) => void,
    private readonly openidFor: (appid: string, user: string) => string,
    private readonly isOpenidOf: (appid: string, openid: string) => boolean,
  ) {}

  /** A trade as it stands now: expired orders close, and code payments left unconfirmed are revoked. */
  find(mchid: string, outTradeNo: string): Trade | undefined {
    const trade = this.trades.get(`${mchid}|${outTradeNo}`);
    if (!trade) return undefined;
    const now = this.now();
    if (trade.state === 'NOTPAY' && trade.expiresAt !== undefined && now > trade.expiresAt) this.move(trade, 'CLOSED');
    if (trade.state === 'USERPAYING' && now - trade.createdAt > codePayPatienceMs) this.move(trade, 'REVOKED', '用户支付超时，订单已撤销');
    return trade;
  }

  findByCodeToken(token: string): Trade | undefined {
    const trade = this.byCodeToken.get(token);
    return trade && this.find(trade.mchid, trade.outTradeNo);
  }

  findByPrepayId(prepayId: string): Trade | undefined {
    const trade = this.byPrepayId.get(prepayId);
    return trade && this.find(trade.mchid, trade.outTradeNo);
  }

  findRefund(mchid: string, outRefundNo: string): RefundRecord | undefined {
    return this.refunds.get(`${mchid}|${outRefundNo}`);
  }

  openTrades(): Trade[] {
    return [...this.trades.values()].filter((t) => {
      const now = this.find(t.mchid, t.outTradeNo);
      return now?.state === 'NOTPAY' || now?.state === 'USERPAYING';
    });
  }

  private move(trade: Trade, state: TradeState, desc = stateDescs[state]): void {
    trade.state = state;
    trade.stateDesc = desc;
  }

  placeOrder(tradeType: 'NATIVE' | 'JSAPI', merchant: GatewayMerchant, body: Body): Answer {
    const checked = this.checkOrder(body);
    if ('status' in checked) return checked;
    let openid: string | undefined;
    if (tradeType === 'JSAPI') {
      const payer = obj(body.payer);
      if (typeof payer?.openid !== 'string' || !payer.openid) return paramError('payer.openid', '必填');
      if (!this.isOpenidOf(merchant.appid, payer.openid)) return error(400, 'OPENID_MISMATCH', 'openid和appid不匹配');
      openid = payer.openid;
    }
    const fingerprint = JSON.stringify([
      tradeType,
      body.appid,
      body.description,
      checked.total,
      body.notify_url,
      body.attach ?? '',
      openid,
    ]);
    const existing = this.find(merchant.mchid, String(body.out_trade_no));
    if (existing) {
      if (existing.fingerprint !== fingerprint) return error(403, 'OUT_TRADE_NO_USED', '商户订单号重复');
      if (existing.state === 'SUCCESS' || existing.state === 'REFUND') return error(403, 'ORDERPAID', '该订单已支付');
      if (existing.state !== 'NOTPAY') return error(400, 'ORDER_CLOSED', '订单已关闭');
      return this.orderAnswer(existing);
    }
    const now = this.now();
    const trade: Trade = {
      mchid: merchant.mchid,
      appid: merchant.appid,
      outTradeNo: String(body.out_trade_no),
      tradeType,
      description: String(body.description),
      attach: typeof body.attach === 'string' ? body.attach : undefined,
      notifyUrl: String(body.notify_url),
      total: checked.total,
      state: 'NOTPAY',
      stateDesc: stateDescs.NOTPAY,
      fingerprint,
      createdAt: now,
      // Under a minute is raised to a minute; unset means seven days (payments.md §3).
      expiresAt: Math.max(checked.expiresAt ?? now + 7 * 86_400_000, now + 60_000),
      openid,
      refundedFen: 0,
    };
    if (tradeType === 'NATIVE') {
      trade.codeToken = randomToken(9);
      this.byCodeToken.set(trade.codeToken, trade);
    } else {
      trade.prepayId = `wx${beijingTime(now).replace(/\D/g, '').slice(0, 14)}${randomToken(20).toLowerCase()}`;
      this.byPrepayId.set(trade.prepayId, trade);
    }
    this.trades.set(`${trade.mchid}|${trade.outTradeNo}`, trade);
    return this.orderAnswer(trade);
  }

  private orderAnswer(trade: Trade): Answer {
    return trade.tradeType === 'NATIVE'
      ? { status: 200, body: { code_url: `weixin://wxpay/bizpayurl?pr=${trade.codeToken}` } }
      : { status: 200, body: { prepay_id: trade.prepayId } };
  }

  private checkOrder(body: Body): { total: number; expiresAt?: number } | Answer {
    if (typeof body.description !== 'string' || !body.description || bytes(body.description) > 127) {
      return paramError('description', '必填，且不超过127字节');
    }
    if (!isOutTradeNo(body.out_trade_no)) return paramError('out_trade_no', '须为6-32位数字、字母或_-|*');
    const urlProblem = notifyUrlProblem(body.notify_url);
    if (urlProblem) return paramError('notify_url', urlProblem);
    if (body.attach !== undefined && (typeof body.attach !== 'string' || bytes(body.attach) > 128)) {
      return paramError('attach', '不超过128字节');
    }
    let expiresAt: number | undefined;
    if (body.time_expire !== undefined) {
      const parsed = parseRfc3339(body.time_expire);
      if (parsed === null) return paramError('time_expire', '须为RFC 3339格式，如2018-06-08T10:34:56+08:00');
      expiresAt = parsed;
    }
    const amount = amountOf(body);
    return 'status' in amount ? amount : { total: amount.total, expiresAt };
  }

  codePay(merchant: GatewayMerchant, body: Body): Answer {
    if (typeof body.description !== 'string' || !body.description || bytes(body.description) > 127) {
      return paramError('description', '必填，且不超过127字节');
    }
    if (!isOutTradeNo(body.out_trade_no)) return paramError('out_trade_no', '须为6-32位数字、字母或_-|*');
    if (!obj(body.scene_info)) return paramError('scene_info', '必填');
    const amount = amountOf(body);
    if ('status' in amount) return amount;
    const authCode = obj(body.payer)?.auth_code;
    if (typeof authCode !== 'string' || classifyPaymentCode(authCode).wallet !== 'wechat' || authCode !== authCode.trim()) {
      return error(codePayFailures.AUTH_CODE_INVALID.status, 'AUTH_CODE_INVALID', codePayFailures.AUTH_CODE_INVALID.message);
    }
    const fingerprint = JSON.stringify(['MICROPAY', body.appid, body.description, amount.total, authCode, body.attach ?? '']);
    const existing = this.find(merchant.mchid, String(body.out_trade_no));
    if (existing) {
      // The same request again (a retry after a timeout) learns where the first one got to.
      return existing.fingerprint === fingerprint ? this.codePayAnswer(existing) : error(403, 'OUT_TRADE_NO_USED', '商户订单号重复');
    }
    const trade: Trade = {
      mchid: merchant.mchid,
      appid: merchant.appid,
      outTradeNo: String(body.out_trade_no),
      tradeType: 'MICROPAY',
      description: body.description,
      attach: typeof body.attach === 'string' ? body.attach : undefined,
      total: amount.total,
      state: 'USERPAYING',
      stateDesc: stateDescs.USERPAYING,
      fingerprint,
      createdAt: this.now(),
      refundedFen: 0,
    };
    this.trades.set(`${trade.mchid}|${trade.outTradeNo}`, trade);
    const behaviour: PayerBehaviour = this.usedCodes.has(authCode)
      ? { action: 'fail', code: 'AUTHCODEEXPIRE' }
      : (this.payerCodes.get(authCode) ?? (amount.total > passwordFreeCeilingFen ? { action: 'password' } : { action: 'pay' }));
    this.usedCodes.add(authCode);
    if (behaviour.action === 'pay') this.succeed(trade, behaviour.openid ?? this.openidFor(merchant.appid, `payer-${authCode}`));
    if (behaviour.action === 'fail') this.failTrade(trade, behaviour.code);
    return this.codePayAnswer(trade);
  }

  private codePayAnswer(trade: Trade): Answer {
    switch (trade.state) {
      case 'SUCCESS':
      case 'REFUND':
        return { status: 200, body: this.transaction(trade) };
      case 'USERPAYING':
        return error(202, 'USERPAYING', stateDescs.USERPAYING);
      case 'PAYERROR': {
        const code = trade.failCode ?? 'TRADE_ERROR';
        return error(codePayFailures[code].status, code, trade.stateDesc);
      }
      default:
        return error(400, 'ORDER_CLOSED', trade.stateDesc);
    }
  }

  query(mchid: string, outTradeNo: string): Answer {
    const trade = this.find(mchid, outTradeNo);
    return trade ? { status: 200, body: this.transaction(trade) } : error(404, 'ORDER_NOT_EXIST', '订单不存在');
  }

  close(mchid: string, outTradeNo: string): Answer {
    const trade = this.find(mchid, outTradeNo);
    if (!trade) return error(404, 'ORDER_NOT_EXIST', '订单不存在');
    if (trade.state === 'SUCCESS' || trade.state === 'REFUND') return error(403, 'ORDERPAID', '订单已支付，不能关闭');
    if (trade.state === 'NOTPAY' || trade.state === 'USERPAYING' || trade.state === 'PAYERROR') this.move(trade, 'CLOSED');
    return { status: 204 };
  }

  /** Reverse (撤销) a code payment: an unpaid one is closed, a paid one is closed and its money returned. */
  reverse(mchid: string, outTradeNo: string): Answer {
    const trade = this.find(mchid, outTradeNo);
    if (!trade) return error(404, 'ORDER_NOT_EXIST', '订单不存在');
    if (trade.tradeType !== 'MICROPAY') return error(400, 'INVALID_REQUEST', '只有付款码支付的订单可以撤销');
    if (trade.state === 'REFUND') return error(403, 'TRADE_ERROR', '订单已发生退款，不能撤销');
    if (trade.state !== 'CLOSED' && trade.state !== 'REVOKED') this.move(trade, 'REVOKED');
    return { status: 200, body: { appid: trade.appid, mchid: trade.mchid, out_trade_no: trade.outTradeNo } };
  }

  refund(merchant: GatewayMerchant, body: Body): Answer {
    const outRefundNo = body.out_refund_no;
    if (typeof outRefundNo !== 'string' || !/^[0-9A-Za-z_\-|*@]{1,64}$/.test(outRefundNo)) {
      return paramError('out_refund_no', '须为1-64位数字、字母或_-|*@');
    }
    if (typeof body.out_trade_no !== 'string') return paramError('out_trade_no', '必填');
    const amount = obj(body.amount);
    const refund = amount?.refund;
    const total = amount?.total;
    if (typeof refund !== 'number' || !Number.isSafeInteger(refund) || refund < 1) return paramError('amount.refund', '必须是正整数（分）');
    if (typeof total !== 'number' || !Number.isSafeInteger(total)) return paramError('amount.total', '必须是整数（分）');
    if (amount?.currency !== 'CNY') return paramError('amount.currency', '必填，仅支持CNY');
    if (body.notify_url !== undefined) {
      const urlProblem = notifyUrlProblem(body.notify_url);
      if (urlProblem) return paramError('notify_url', urlProblem);
    }
    const fingerprint = JSON.stringify([body.out_trade_no, refund, total]);
    const existing = this.findRefund(merchant.mchid, outRefundNo);
    if (existing) {
      return existing.fingerprint === fingerprint
        ? { status: 200, body: this.refundBody(existing) }
        : error(400, 'INVALID_REQUEST', '退款单号已存在，且请求参数与原退款不一致');
    }
    const trade = this.find(merchant.mchid, body.out_trade_no);
    if (!trade) return error(404, 'RESOURCE_NOT_EXISTS', '订单不存在');
    if (trade.state !== 'SUCCESS' && trade.state !== 'REFUND') return error(400, 'INVALID_REQUEST', '订单未支付或已撤销，不能退款');
    if (total !== trade.total) return paramError('amount.total', '与原订单金额不一致');
    if (refund > trade.total - trade.refundedFen) return error(400, 'INVALID_REQUEST', '申请退款金额超过订单可退金额');
    const record: RefundRecord = {
      mchid: merchant.mchid,
      outRefundNo,
      outTradeNo: trade.outTradeNo,
      refundId: `50${digits(30)}`,
      refund,
      total,
      status: 'PROCESSING',
      createdAt: this.now(),
      notifyUrl: typeof body.notify_url === 'string' ? body.notify_url : undefined,
      fingerprint,
    };
    trade.refundedFen += refund;
    this.move(trade, 'REFUND');
    this.refunds.set(`${record.mchid}|${outRefundNo}`, record);
    if (!this.refundPolicy.hold) this.settleRefund(record, this.refundPolicy.status);
    return { status: 200, body: this.refundBody(record) };
  }

  queryRefund(mchid: string, outRefundNo: string): Answer {
    const record = this.findRefund(mchid, outRefundNo);
    return record ? { status: 200, body: this.refundBody(record) } : error(404, 'RESOURCE_NOT_EXISTS', '退款单不存在');
  }

  /** A held refund ends: SUCCESS, ABNORMAL (the money did not reach the payer) or CLOSED (given back to the merchant). */
  settleRefund(record: RefundRecord, status: RefundPolicy['status']): void {
    if (record.status !== 'PROCESSING') throw new Error(`refund ${record.outRefundNo} is already ${record.status}`);
    record.status = status;
    if (status === 'SUCCESS') record.successAt = this.now();
    if (status === 'CLOSED') {
      const trade = this.find(record.mchid, record.outTradeNo);
      if (trade) trade.refundedFen -= record.refund;
    }
    this.onEvent({ kind: 'refund_settled', refund: record });
  }

  /** The payer pays: scans the code, confirms the JSAPI page, or enters the password. */
  pay(trade: Trade, openid?: string): void {
    const waiting = trade.tradeType === 'MICROPAY' ? 'USERPAYING' : 'NOTPAY';
    if (trade.state !== waiting) throw new Error(`trade ${trade.outTradeNo} is ${trade.state}: it cannot be paid`);
    this.succeed(trade, trade.openid ?? openid ?? this.openidFor(trade.appid, 'demo-user'));
  }

  fail(trade: Trade, code: CodePayFailure): void {
    if (trade.state !== 'NOTPAY' && trade.state !== 'USERPAYING')
      throw new Error(`trade ${trade.outTradeNo} is ${trade.state}: it cannot fail`);
    this.failTrade(trade, code);
  }

  private succeed(trade: Trade, openid: string): void {
    const now = this.now();
    trade.openid = openid;
    trade.successAt = now;
    trade.transactionId = `4200${beijingTime(now).replace(/\D/g, '').slice(0, 8)}${digits(16)}`;
    this.move(trade, 'SUCCESS');
    this.onEvent({ kind: 'paid', trade });
  }

  private failTrade(trade: Trade, code: CodePayFailure): void {
    trade.failCode = code;
    this.move(trade, 'PAYERROR', codePayFailures[code].message);
  }

  issuePayerCode(behaviour: PayerBehaviour): string {
    let code: string;
    do code = `13${digits(16)}`;
    while (this.payerCodes.has(code) || this.usedCodes.has(code));
    this.payerCodes.set(code, behaviour);
    return code;
  }

  transaction(trade: Trade): Transaction {
    const paid = trade.successAt !== undefined && (trade.state === 'SUCCESS' || trade.state === 'REFUND' || trade.state === 'REVOKED');
    return {
      appid: trade.appid,
      mchid: trade.mchid,
      out_trade_no: trade.outTradeNo,
      ...(paid ? { transaction_id: trade.transactionId } : {}),
      trade_type: trade.tradeType,
      trade_state: trade.state,
      trade_state_desc: trade.stateDesc,
      ...(paid ? { bank_type: 'OTHERS', success_time: beijingTime(trade.successAt ?? 0), payer: { openid: trade.openid ?? '' } } : {}),
      ...(trade.attach !== undefined ? { attach: trade.attach } : {}),
      amount: { total: trade.total, ...(paid ? { payer_total: trade.total } : {}), currency: 'CNY', payer_currency: 'CNY' },
    };
  }

  refundBody(record: RefundRecord): Refund {
    const trade = this.find(record.mchid, record.outTradeNo);
    return {
      refund_id: record.refundId,
      out_refund_no: record.outRefundNo,
      transaction_id: trade?.transactionId ?? '',
      out_trade_no: record.outTradeNo,
      channel: 'ORIGINAL',
      user_received_account: '支付用户零钱',
      ...(record.successAt !== undefined ? { success_time: beijingTime(record.successAt) } : {}),
      create_time: beijingTime(record.createdAt),
      status: record.status,
      amount: { total: record.total, refund: record.refund, payer_total: record.total, payer_refund: record.refund, currency: 'CNY' },
    };
  }
}

function randomToken(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  for (let i = 0; i < length; i += 1) s += alphabet[randomInt(alphabet.length)];
  return s;
}
