import type {
  ChannelOutcome,
  CodePayRequest,
  DynamicCodeRequest,
  IncomingNotification,
  ParsedNotification,
  PaymentChannel,
  RefundOutcome,
  RefundRequest,
} from '../channel.ts';
import {
  type SimAnswer,
  type SimNotification,
  type SimOp,
  type SimTradeAnswer,
  type SimulatorTransport,
  sign,
  verify,
} from './protocol.ts';

/** Reasons a customer sees, in plain Chinese, for the simulator's failure codes (named as WeChat Pay names them). */
export const simFailReasons: Record<string, string> = {
  NOTENOUGH: '余额不足',
  CARD_FROZEN: '银行卡已冻结',
  AUTH_CODE_INVALID: '付款码无效，请让顾客刷新付款码',
  AUTH_CODE_USED: '付款码已使用，请让顾客刷新付款码',
  BUYER_CANCELLED: '顾客取消了支付',
  PAYER_RISK: '支付存在风险，已被拦截',
  TRADE_CLOSED: '交易已关闭',
};

const header = (h: IncomingNotification['headers'], name: string) => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

export interface SimulatorChannelOptions {
  merchantId: string;
  key: Buffer;
  transport: SimulatorTransport;
  now: () => number;
}

/**
 * The simulator behind the same contract as WeChat Pay or Alipay: owners test their set-up with it and
 * staff practise on it. Every answer's signature is checked; an answer that fails the check is "unknown",
 * never a result, because a forged "paid" must not release goods.
 */
export class SimulatorChannel implements PaymentChannel {
  readonly kind = 'simulator' as const;

  constructor(private readonly o: SimulatorChannelOptions) {}

  private async call(op: SimOp, body: object): Promise<SimAnswer | { unknown: string }> {
    try {
      const response = await this.o.transport.call(this.o.merchantId, op, sign(this.o.key, JSON.stringify(body), this.o.now()));
      const failure = verify(this.o.key, response, this.o.now());
      if (failure) return { unknown: `response ${failure}` };
      return JSON.parse(response.body) as SimAnswer;
    } catch (err) {
      return { unknown: `gateway unreachable: ${(err as Error).message}` };
    }
  }

  async createDynamicCode(req: DynamicCodeRequest) {
    const answer = await this.call('precreate', req);
    if ('unknown' in answer) return { state: 'unknown' as const, why: answer.unknown };
    if (!answer.ok || !answer.trade?.codeText) return { state: 'unknown' as const, why: answer.ok ? 'no code in answer' : answer.error };
    return { codeText: answer.trade.codeText };
  }

  async payWithCode(req: CodePayRequest): Promise<ChannelOutcome> {
    return this.tradeOutcome(await this.call('codepay', req));
  }

  async query(outTradeNo: string): Promise<ChannelOutcome> {
    return this.tradeOutcome(await this.call('query', { outTradeNo }));
  }

  async close(outTradeNo: string): Promise<ChannelOutcome> {
    return this.tradeOutcome(await this.call('close', { outTradeNo }));
  }

  async reverse(outTradeNo: string): Promise<ChannelOutcome> {
    return this.tradeOutcome(await this.call('reverse', { outTradeNo }));
  }

  async refund(req: RefundRequest): Promise<RefundOutcome> {
    return this.refundOutcome(await this.call('refund', req));
  }

  async queryRefund(outTradeNo: string, outRefundNo: string): Promise<RefundOutcome> {
    return this.refundOutcome(await this.call('refundquery', { outTradeNo, outRefundNo }));
  }

  async parseNotification(n: IncomingNotification): Promise<ParsedNotification> {
    const failure = verify(
      this.o.key,
      {
        timestamp: header(n.headers, 'x-sim-timestamp'),
        nonce: header(n.headers, 'x-sim-nonce'),
        signature: header(n.headers, 'x-sim-signature'),
        body: n.rawBody,
      },
      this.o.now(),
    );
    if (failure) return { valid: false, reason: failure, ack: { status: 401, body: JSON.stringify({ code: 'FAIL', message: failure }) } };
    const message = JSON.parse(n.rawBody) as SimNotification;
    if (message.merchantId !== this.o.merchantId) {
      return {
        valid: false,
        reason: 'wrong_merchant',
        ack: { status: 401, body: JSON.stringify({ code: 'FAIL', message: 'wrong merchant' }) },
      };
    }
    return {
      valid: true,
      kind: 'payment',
      outTradeNo: message.trade.outTradeNo,
      outcome: toOutcome(message.trade),
      ack: { status: 200, body: JSON.stringify({ code: 'SUCCESS' }) },
    };
  }

  private tradeOutcome(answer: SimAnswer | { unknown: string }): ChannelOutcome {
    if ('unknown' in answer) return { state: 'unknown', why: answer.unknown };
    if (!answer.ok)
      return answer.error === 'TRADE_NOT_EXIST' ? { state: 'waiting', why: 'not_paid_yet' } : { state: 'unknown', why: answer.error };
    if (!answer.trade) return { state: 'unknown', why: 'no trade in answer' };
    return toOutcome(answer.trade);
  }

  private refundOutcome(answer: SimAnswer | { unknown: string }): RefundOutcome {
    if ('unknown' in answer) return { state: 'unknown', why: answer.unknown };
    if (!answer.ok) return { state: 'failed', reasonCode: answer.error, reason: answer.message };
    const r = answer.refund;
    if (!r) return { state: 'unknown', why: 'no refund in answer' };
    if (r.state === 'SUCCESS') return { state: 'succeeded', channelRefundNo: r.refundNo ?? '', refundedAt: this.o.now() };
    if (r.state === 'PROCESSING') return { state: 'processing' };
    return { state: 'failed', reasonCode: r.failCode ?? 'ABNORMAL', reason: '退款异常' };
  }
}

export function toOutcome(t: SimTradeAnswer): ChannelOutcome {
  switch (t.state) {
    case 'SUCCESS':
      return { state: 'succeeded', channelTradeNo: t.tradeNo ?? '', paidAt: t.paidAt ?? Date.now() };
    case 'USERPAYING':
      return { state: 'waiting', why: 'user_paying' };
    case 'NOTPAY':
      return { state: 'waiting', why: 'not_paid_yet' };
    case 'PAYERROR': {
      const code = t.failCode ?? 'PAYERROR';
      return { state: 'failed', reasonCode: code, reason: simFailReasons[code] ?? '支付失败' };
    }
    case 'CLOSED':
    case 'REVOKED':
      return { state: 'closed' };
  }
}
