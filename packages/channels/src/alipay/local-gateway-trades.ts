import { randomBytes, randomInt } from 'node:crypto';
import { classifyPaymentCode, fenToYuanString, parseYuan } from '@paydesk/domain';
import { type AlipayAnswer, type AlipayTradeStatus, answerCodes, answerMessages } from './protocol.ts';
import { beijingTimestamp } from './time.ts';

/**
 * The local gateway's books: trades per app, with the rules the real gateway applies to them. A
 * precreated code is `NOT_SCANNED` (it does not exist at Alipay) until the buyer scans it; trades past
 * their timeout close on their own; out_trade_no is unique per app; refunds never exceed what was paid.
 */
export type TradeState = 'NOT_SCANNED' | AlipayTradeStatus;
export type TradeProduct = 'precreate' | 'bar_code' | 'wap';

export interface Buyer {
  userId: string;
  logonId: string;
}

export interface TradeRefund {
  outRequestNo: string;
  fen: number;
  at: number;
}

export interface Trade {
  appId: string;
  sellerId: string;
  outTradeNo: string;
  tradeNo: string;
  product: TradeProduct;
  totalFen: number;
  subject: string;
  state: TradeState;
  createdAt: number;
  expiresAt: number;
  /** Names the trade's buyer-facing page (`/qr/bax…` or `/wap/…`) without revealing the out_trade_no. */
  token: string;
  notifyUrl?: string;
  returnUrl?: string;
  /** Where the wap cashier's "give up" button sends the buyer. */
  quitUrl?: string;
  buyer?: Buyer;
  paidAt?: number;
  closedAt?: number;
  refundedFen: number;
  refunds: Map<string, TradeRefund>;
}

/** What the buyer's wallet does with a payment code the cashier scans (default: pay at once). */
export type BarCodeFate = { kind: 'pay'; buyer?: Buyer } | { kind: 'password' } | { kind: 'fail'; subCode: BuyerFailure };

export const buyerFailures = [
  'ACQ.BUYER_BALANCE_NOT_ENOUGH',
  'ACQ.BUYER_BANKCARD_BALANCE_NOT_ENOUGH',
  'ACQ.BUYER_PAYMENT_AMOUNT_DAY_LIMIT_ERROR',
  'ACQ.BUYER_ENABLE_STATUS_FORBID',
  'ACQ.PAYMENT_FAIL',
] as const;
export type BuyerFailure = (typeof buyerFailures)[number];

/** The gateway's own sub_msg texts, as the real one words them. */
const subMessages: Record<string, string> = {
  'ACQ.TRADE_NOT_EXIST': '交易不存在',
  'ACQ.TRADE_HAS_SUCCESS': '交易已被支付',
  'ACQ.TRADE_HAS_CLOSE': '交易已经关闭',
  'ACQ.TRADE_HAS_FINISHED': '交易已经完结',
  'ACQ.CONTEXT_INCONSISTENT': '交易信息被篡改',
  'ACQ.INVALID_PARAMETER': '参数无效',
  'ACQ.PAYMENT_AUTH_CODE_INVALID': '支付失败，获取顾客账户信息失败，请顾客刷新付款码后重新收款',
  'ACQ.BUYER_BALANCE_NOT_ENOUGH': '买家余额不足',
  'ACQ.BUYER_BANKCARD_BALANCE_NOT_ENOUGH': '用户银行卡余额不足',
  'ACQ.BUYER_PAYMENT_AMOUNT_DAY_LIMIT_ERROR': '买家付款日限额超限',
  'ACQ.BUYER_ENABLE_STATUS_FORBID': '买家状态非法',
  'ACQ.PAYMENT_FAIL': '支付失败',
  'ACQ.TRADE_STATUS_ERROR': '交易状态不合法',
  'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL': '退款金额超限',
  'ACQ.DISCORDANT_REPEAT_REQUEST': '不一致的请求',
  'ACQ.TRADE_NOT_ALLOW_REFUND': '当前交易不允许退款',
  'ACQ.TRADE_CANCEL_TIME_OUT': '超过撤销时间范围',
  'ACQ.REASON_TRADE_REFUND_FEE_ERR': '退款金额无效',
};

export const success = (fields: Record<string, unknown> = {}): AlipayAnswer => ({
  code: answerCodes.success,
  msg: answerMessages[answerCodes.success] as string,
  ...fields,
});

export const failure = (code: string, subCode: string, subMsg = subMessages[subCode] ?? subCode): AlipayAnswer => ({
  code,
  msg: answerMessages[code] ?? 'Unknown',
  sub_code: subCode,
  sub_msg: subMsg,
});

const businessFailed = (subCode: string) => failure(answerCodes.businessFailed, subCode);
const invalidParameter = () => businessFailed('ACQ.INVALID_PARAMETER');

const defaultTimeoutMs = 2 * 3_600_000;
const cancelWindowMs = 24 * 3_600_000;
const yuan = fenToYuanString;
const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');
const text = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

interface OrderInput {
  outTradeNo: string;
  totalFen: number;
  subject: string;
  timeoutMs: number;
}

/** "5m", "2h", "1d" (1m–15d), as timeout_express is written; null for anything else. */
function parseTimeoutExpress(value: unknown): number | null {
  const m = /^(\d{1,5})([mhd])$/.exec(text(value));
  if (!m) return null;
  const ms = Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd'];
  return ms >= 60_000 && ms <= 15 * 86_400_000 ? ms : null;
}

/** Amounts as Alipay takes them: yuan, at most two decimals, 0.01 to 100000000. */
function parseAmount(value: unknown): number | null {
  const t = text(value);
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(t)) return null;
  const fen = parseYuan(t);
  return fen !== null && fen >= 1 && fen <= 100_000_000_00 ? fen : null;
}

function orderInput(biz: Record<string, unknown>): OrderInput | null {
  const outTradeNo = text(biz.out_trade_no);
  const totalFen = parseAmount(biz.total_amount);
  const subject = text(biz.subject);
  const timeoutMs = biz.timeout_express === undefined ? defaultTimeoutMs : parseTimeoutExpress(biz.timeout_express);
  const subjectOk = subject.length > 0 && Array.from(subject).length <= 256 && !/[/=&]/.test(subject);
  if (!/^[A-Za-z0-9_]{1,64}$/.test(outTradeNo) || totalFen === null || !subjectOk || timeoutMs === null) return null;
  return { outTradeNo, totalFen, subject, timeoutMs };
}

export class TradeBook {
  private readonly trades = new Map<string, Trade>();
  private readonly byToken = new Map<string, Trade>();
  /** Numbers cancelled before any trade existed: the real gateway refuses to open them afterwards. */
  private readonly cancelledNumbers = new Set<string>();
  private readonly usedAuthCodes = new Set<string>();
  private readonly fates = new Map<string, BarCodeFate>();

  constructor(
    private readonly now: () => number,
    /** Every change a notification reports: paid, closed, refunded, finished. */
    private readonly changed: (trade: Trade, refund?: TradeRefund) => void,
  ) {}

  decide(authCode: string, fate: BarCodeFate): void {
    this.fates.set(authCode, fate);
  }

  precreate(app: { appId: string; sellerId: string }, biz: Record<string, unknown>, notifyUrl?: string): AlipayAnswer | Trade {
    return this.openOrder(app, biz, 'precreate', 'NOT_SCANNED', { notifyUrl });
  }

  wapPay(
    app: { appId: string; sellerId: string },
    biz: Record<string, unknown>,
    notifyUrl?: string,
    returnUrl?: string,
  ): AlipayAnswer | Trade {
    if (biz.product_code !== 'QUICK_WAP_WAY') return invalidParameter();
    return this.openOrder(app, biz, 'wap', 'WAIT_BUYER_PAY', { notifyUrl, returnUrl, quitUrl: text(biz.quit_url) });
  }

  pay(app: { appId: string; sellerId: string }, biz: Record<string, unknown>, notifyUrl?: string): AlipayAnswer {
    const authCode = text(biz.auth_code);
    if (biz.scene !== 'bar_code') return invalidParameter();
    const classified = classifyPaymentCode(authCode);
    if (classified.wallet !== 'alipay' || classified.code !== authCode) return businessFailed('ACQ.PAYMENT_AUTH_CODE_INVALID');
    const input = orderInput(biz);
    if (!input) return invalidParameter();
    const existing = this.find(app.appId, input.outTradeNo);
    if (existing) return this.repeatRefusal(existing, input, 'bar_code') ?? this.payAnswer(existing);
    // A payment code is good for one payment; the buyer's app shows a new one for the next.
    if (this.usedAuthCodes.has(authCode)) return businessFailed('ACQ.PAYMENT_AUTH_CODE_INVALID');
    this.usedAuthCodes.add(authCode);
    const opened = this.openOrder(app, biz, 'bar_code', 'WAIT_BUYER_PAY', { notifyUrl });
    if ('code' in opened) return opened;
    const fate = this.fates.get(authCode) ?? { kind: 'pay' };
    this.fates.delete(authCode);
    if (fate.kind === 'pay') this.buyerPays(opened, fate.buyer);
    if (fate.kind === 'fail') {
      this.closeTrade(opened, false);
      return businessFailed(fate.subCode);
    }
    return this.payAnswer(opened);
  }

  query(appId: string, biz: Record<string, unknown>): AlipayAnswer {
    const trade = this.lookup(appId, biz);
    if (!trade || trade.state === 'NOT_SCANNED') return businessFailed('ACQ.TRADE_NOT_EXIST');
    return success({
      trade_no: trade.tradeNo,
      out_trade_no: trade.outTradeNo,
      trade_status: trade.state,
      total_amount: yuan(trade.totalFen),
      ...this.buyerFields(trade),
      ...(trade.paidAt === undefined ? {} : { send_pay_date: beijingTimestamp(trade.paidAt), ...this.paidAmounts(trade) }),
    });
  }

  /** Closes an unpaid trade. A code nobody has scanned does not exist yet, so this cannot reach it. */
  close(appId: string, biz: Record<string, unknown>): AlipayAnswer {
    const trade = this.lookup(appId, biz);
    if (!trade || trade.state === 'NOT_SCANNED') return businessFailed('ACQ.TRADE_NOT_EXIST');
    if (trade.state === 'TRADE_SUCCESS' || trade.state === 'TRADE_FINISHED') return businessFailed('ACQ.TRADE_STATUS_ERROR');
    if (trade.state === 'WAIT_BUYER_PAY') this.closeTrade(trade, true);
    return success({ trade_no: trade.tradeNo, out_trade_no: trade.outTradeNo });
  }

  /** Closes an unpaid trade, refunds a paid one; also stops a code that nobody has scanned yet. */
  cancel(appId: string, biz: Record<string, unknown>): AlipayAnswer {
    const trade = this.lookup(appId, biz);
    if (!trade) {
      const outTradeNo = text(biz.out_trade_no);
      if (!outTradeNo) return invalidParameter();
      this.cancelledNumbers.add(`${appId}\0${outTradeNo}`);
      return success({ out_trade_no: outTradeNo, retry_flag: 'N' });
    }
    const answer = (action: 'close' | 'refund') =>
      success({ trade_no: trade.tradeNo, out_trade_no: trade.outTradeNo, retry_flag: 'N', action });
    switch (trade.state) {
      case 'NOT_SCANNED':
        this.closeTrade(trade, false);
        return answer('close');
      case 'WAIT_BUYER_PAY':
        this.closeTrade(trade, true);
        return answer('close');
      case 'TRADE_CLOSED':
        return answer(trade.paidAt === undefined ? 'close' : 'refund');
      case 'TRADE_FINISHED':
        return businessFailed('ACQ.TRADE_HAS_FINISHED');
      case 'TRADE_SUCCESS': {
        if (this.now() - (trade.paidAt ?? trade.createdAt) > cancelWindowMs) return businessFailed('ACQ.TRADE_CANCEL_TIME_OUT');
        if (trade.refundedFen > 0) return businessFailed('ACQ.REASON_TRADE_REFUND_FEE_ERR');
        trade.refundedFen = trade.totalFen;
        this.closeTrade(trade, true);
        return answer('refund');
      }
    }
  }

  refund(appId: string, biz: Record<string, unknown>): AlipayAnswer {
    const trade = this.lookup(appId, biz);
    if (!trade || trade.state === 'NOT_SCANNED') return businessFailed('ACQ.TRADE_NOT_EXIST');
    const fen = parseAmount(biz.refund_amount);
    if (fen === null) return invalidParameter();
    // Without out_request_no Alipay takes the out_trade_no: one refund per trade.
    const outRequestNo = text(biz.out_request_no) || trade.outTradeNo;
    const earlier = trade.refunds.get(outRequestNo);
    if (earlier && earlier.fen !== fen) return businessFailed('ACQ.DISCORDANT_REPEAT_REQUEST');
    if (!earlier) {
      if (trade.state === 'TRADE_FINISHED') return businessFailed('ACQ.TRADE_NOT_ALLOW_REFUND');
      if (trade.state !== 'TRADE_SUCCESS') return businessFailed('ACQ.TRADE_STATUS_ERROR');
      if (trade.refundedFen + fen > trade.totalFen) return businessFailed('ACQ.REFUND_AMT_NOT_EQUAL_TOTAL');
    }
    const refund = earlier ?? { outRequestNo, fen, at: this.now() };
    if (!earlier) {
      trade.refunds.set(outRequestNo, refund);
      trade.refundedFen += fen;
      if (trade.refundedFen === trade.totalFen) {
        trade.state = 'TRADE_CLOSED';
        trade.closedAt = this.now();
      }
      this.changed(trade, refund);
    }
    return success({
      trade_no: trade.tradeNo,
      out_trade_no: trade.outTradeNo,
      ...this.buyerFields(trade),
      fund_change: earlier ? 'N' : 'Y',
      refund_fee: yuan(trade.refundedFen),
      send_back_fee: yuan(fen),
      gmt_refund_pay: beijingTimestamp(refund.at),
    });
  }

  refundQuery(appId: string, biz: Record<string, unknown>): AlipayAnswer {
    const trade = this.lookup(appId, biz);
    if (!trade || trade.state === 'NOT_SCANNED') return businessFailed('ACQ.TRADE_NOT_EXIST');
    const refund = trade.refunds.get(text(biz.out_request_no) || trade.outTradeNo);
    // A refund Alipay never received is not an error: the answer simply carries no refund.
    if (!refund) return success();
    const options = Array.isArray(biz.query_options) ? biz.query_options : [];
    return success({
      trade_no: trade.tradeNo,
      out_trade_no: trade.outTradeNo,
      out_request_no: refund.outRequestNo,
      total_amount: yuan(trade.totalFen),
      refund_amount: yuan(refund.fen),
      refund_status: 'REFUND_SUCCESS',
      ...(options.includes('gmt_refund_pay') ? { gmt_refund_pay: beijingTimestamp(refund.at) } : {}),
    });
  }

  /** The buyer opens the code in the Alipay app: from now on the trade exists. */
  scan(trade: Trade): void {
    this.expireIfDue(trade);
    if (trade.state !== 'NOT_SCANNED') return;
    trade.state = 'WAIT_BUYER_PAY';
    trade.createdAt = this.now();
  }

  buyerPays(trade: Trade, buyer: Buyer = randomBuyer()): void {
    this.expireIfDue(trade);
    if (trade.state !== 'NOT_SCANNED' && trade.state !== 'WAIT_BUYER_PAY') {
      throw new Error(`trade ${trade.outTradeNo} is ${trade.state} and cannot be paid`);
    }
    trade.state = 'TRADE_SUCCESS';
    trade.buyer = buyer;
    trade.paidAt = this.now();
    this.changed(trade);
  }

  /** The buyer gives up at the password prompt, or the payment fails after it. */
  buyerFails(trade: Trade): void {
    this.expireIfDue(trade);
    if (trade.state !== 'WAIT_BUYER_PAY') throw new Error(`trade ${trade.outTradeNo} is ${trade.state}, not waiting for the buyer`);
    this.closeTrade(trade, true);
  }

  /** The refund period is over (TRADE_FINISHED): no more refunds. */
  finish(trade: Trade): void {
    if (trade.state !== 'TRADE_SUCCESS') throw new Error(`trade ${trade.outTradeNo} is ${trade.state}, not paid`);
    trade.state = 'TRADE_FINISHED';
    this.changed(trade);
  }

  byOutTradeNo(outTradeNo: string, appId?: string): Trade {
    const matches = [...this.trades.values()].filter((t) => t.outTradeNo === outTradeNo && (appId === undefined || t.appId === appId));
    if (matches.length !== 1) throw new Error(`${matches.length} trades numbered ${outTradeNo}; name the app`);
    const trade = matches[0] as Trade;
    this.expireIfDue(trade);
    return trade;
  }

  byPageToken(token: string): Trade | undefined {
    const trade = this.byToken.get(token);
    if (trade) this.expireIfDue(trade);
    return trade;
  }

  all(): Trade[] {
    for (const trade of this.trades.values()) this.expireIfDue(trade);
    return [...this.trades.values()];
  }

  /** The fields of an asynchronous notification about the trade as it stands (unsigned). */
  notificationFields(trade: Trade, refund?: TradeRefund): Record<string, string> {
    return {
      notify_type: 'trade_status_sync',
      notify_id: randomBytes(16).toString('hex'),
      app_id: trade.appId,
      auth_app_id: trade.appId,
      charset: 'utf-8',
      version: '1.0',
      trade_no: trade.tradeNo,
      out_trade_no: trade.outTradeNo,
      seller_id: trade.sellerId,
      trade_status: trade.state,
      total_amount: yuan(trade.totalFen),
      subject: trade.subject,
      gmt_create: beijingTimestamp(trade.createdAt),
      ...(trade.buyer ? { buyer_id: trade.buyer.userId, buyer_logon_id: trade.buyer.logonId } : {}),
      ...(trade.paidAt === undefined
        ? {}
        : {
            gmt_payment: beijingTimestamp(trade.paidAt),
            ...this.paidAmounts(trade),
            fund_bill_list: JSON.stringify([{ amount: yuan(trade.totalFen), fundChannel: 'ALIPAYACCOUNT' }]),
          }),
      ...(trade.closedAt === undefined ? {} : { gmt_close: beijingTimestamp(trade.closedAt) }),
      ...(refund
        ? { out_biz_no: refund.outRequestNo, refund_fee: yuan(trade.refundedFen), gmt_refund: beijingTimestamp(refund.at, true) }
        : {}),
    };
  }

  private openOrder(
    app: { appId: string; sellerId: string },
    biz: Record<string, unknown>,
    product: TradeProduct,
    state: TradeState,
    urls: { notifyUrl?: string; returnUrl?: string; quitUrl?: string },
  ): AlipayAnswer | Trade {
    const input = orderInput(biz);
    if (!input) return invalidParameter();
    const existing = this.find(app.appId, input.outTradeNo);
    if (existing) return this.repeatRefusal(existing, input, product) ?? existing;
    if (this.cancelledNumbers.has(`${app.appId}\0${input.outTradeNo}`)) return businessFailed('ACQ.TRADE_HAS_CLOSE');
    const now = this.now();
    const trade: Trade = {
      appId: app.appId,
      sellerId: app.sellerId,
      outTradeNo: input.outTradeNo,
      tradeNo: `${beijingTimestamp(now).slice(0, 10).replaceAll('-', '')}22001${digits(15)}`,
      product,
      totalFen: input.totalFen,
      subject: input.subject,
      state,
      createdAt: now,
      expiresAt: now + input.timeoutMs,
      token: randomBytes(12).toString('hex'),
      ...(urls.notifyUrl ? { notifyUrl: urls.notifyUrl } : {}),
      ...(urls.returnUrl ? { returnUrl: urls.returnUrl } : {}),
      ...(urls.quitUrl ? { quitUrl: urls.quitUrl } : {}),
      refundedFen: 0,
      refunds: new Map(),
    };
    this.trades.set(`${app.appId}\0${trade.outTradeNo}`, trade);
    this.byToken.set(trade.token, trade);
    return trade;
  }

  /** The same out_trade_no again: the same order is answered again, anything else refused. */
  private repeatRefusal(existing: Trade, input: OrderInput, product: TradeProduct): AlipayAnswer | null {
    if (existing.product !== product || existing.totalFen !== input.totalFen) return businessFailed('ACQ.CONTEXT_INCONSISTENT');
    if (existing.state === 'TRADE_SUCCESS' || existing.state === 'TRADE_FINISHED') return businessFailed('ACQ.TRADE_HAS_SUCCESS');
    if (existing.state === 'TRADE_CLOSED') return businessFailed('ACQ.TRADE_HAS_CLOSE');
    return null;
  }

  private payAnswer(trade: Trade): AlipayAnswer {
    const fields = {
      trade_no: trade.tradeNo,
      out_trade_no: trade.outTradeNo,
      total_amount: yuan(trade.totalFen),
      ...this.buyerFields(trade),
    };
    if (trade.state !== 'TRADE_SUCCESS') {
      return { code: answerCodes.waitingForBuyer, msg: answerMessages[answerCodes.waitingForBuyer] as string, ...fields };
    }
    return success({
      ...fields,
      ...this.paidAmounts(trade),
      gmt_payment: beijingTimestamp(trade.paidAt ?? this.now()),
      fund_bill_list: [{ fund_channel: 'ALIPAYACCOUNT', amount: yuan(trade.totalFen) }],
    });
  }

  private buyerFields(trade: Trade) {
    return trade.buyer ? { buyer_logon_id: trade.buyer.logonId, buyer_user_id: trade.buyer.userId } : {};
  }

  private paidAmounts(trade: Trade) {
    const paid = yuan(trade.totalFen);
    return { receipt_amount: paid, buyer_pay_amount: paid, invoice_amount: paid, point_amount: '0.00' };
  }

  private closeTrade(trade: Trade, notify: boolean): void {
    trade.state = 'TRADE_CLOSED';
    trade.closedAt = this.now();
    if (notify) this.changed(trade);
  }

  /** Unpaid trades close at their timeout, as the real gateway closes them. */
  private expireIfDue(trade: Trade): void {
    if ((trade.state === 'NOT_SCANNED' || trade.state === 'WAIT_BUYER_PAY') && this.now() >= trade.expiresAt) {
      this.closeTrade(trade, trade.state === 'WAIT_BUYER_PAY');
    }
  }

  private find(appId: string, outTradeNo: string): Trade | undefined {
    const trade = this.trades.get(`${appId}\0${outTradeNo}`);
    if (trade) this.expireIfDue(trade);
    return trade;
  }

  /** By out_trade_no or Alipay's trade_no, as every query-type method accepts. */
  private lookup(appId: string, biz: Record<string, unknown>): Trade | undefined {
    const tradeNo = text(biz.trade_no);
    if (tradeNo) {
      const trade = [...this.trades.values()].find((t) => t.appId === appId && t.tradeNo === tradeNo);
      if (trade) this.expireIfDue(trade);
      return trade;
    }
    return this.find(appId, text(biz.out_trade_no));
  }
}

function randomBuyer(): Buyer {
  return { userId: `2088${digits(12)}`, logonId: `138******${digits(2)}` };
}
