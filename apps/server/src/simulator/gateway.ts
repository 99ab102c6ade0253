import { createHmac, randomInt } from 'node:crypto';
import { type SignedMessage, type SimAnswer, type SimOp, type SimTradeAnswer, sign, verify } from '@paydesk/channels';
import { newId, type SimPayerCode, type SimTrade } from '@paydesk/db';
import { DomainError } from '@paydesk/domain';
import { type AppContext, inTransaction } from '../context.ts';

/** What the person on /sim decides for a code they "scanned", or for a payment code they hand out. */
export type SimDecision =
  | { action: 'pay' }
  | { action: 'fail'; failCode: string }
  | { action: 'pay_after'; seconds: number }
  | { action: 'never' }
  | { action: 'password' };

/** How the gateway misbehaves with its notification, on request. */
export interface NotifyOptions {
  /** Send it this many extra times. */
  duplicates?: number;
  delaySeconds?: number;
  /** Send no notification at all: only a query will find out. */
  lose?: boolean;
}

const failCodes = ['NOTENOUGH', 'CARD_FROZEN', 'BUYER_CANCELLED', 'PAYER_RISK'];

/** The fate chosen for a payer code; a code the simulator never handed out is refused. */
const decisionOf = (payer: SimPayerCode | undefined): SimDecision =>
  payer ? (JSON.parse(payer.behaviour) as SimDecision) : { action: 'fail', failCode: 'AUTH_CODE_INVALID' };

/**
 * The simulator gateway: a wallet's server in miniature, with its own books (sim_* tables) and its own
 * signatures. The Paydesk side reaches it only through the signed protocol, as it would a real gateway.
 */
export class SimulatorGateway {
  /** Calls that fail as if the gateway were down, per merchant (a test and training switch, per process). */
  private readonly outages = new Map<string, number>();

  /** Derived keys, kept: both ends of every simulator call need the merchant's key. */
  private readonly keys = new Map<string, Buffer>();

  constructor(private readonly ctx: AppContext) {}

  /** Each merchant's simulator key, derived from the server secret: nothing to store, nothing to leak. */
  key(merchantId: string): Buffer {
    let key = this.keys.get(merchantId);
    if (!key) {
      key = createHmac('sha256', this.ctx.secrets.rawKey).update(`simulator-key\0${merchantId}`).digest();
      if (this.keys.size >= 10_000) this.keys.clear();
      this.keys.set(merchantId, key);
    }
    return key;
  }

  failNextCalls(merchantId: string, count: number): void {
    this.outages.set(merchantId, count);
  }

  async handle(merchantId: string, op: SimOp, request: SignedMessage): Promise<SignedMessage> {
    const outage = this.outages.get(merchantId) ?? 0;
    if (outage > 0) {
      this.outages.set(merchantId, outage - 1);
      throw new Error('simulated gateway timeout');
    }
    const key = this.key(merchantId);
    const failure = verify(key, request, this.ctx.now());
    const answer: SimAnswer = failure
      ? { ok: false, error: 'SIGN_ERROR', message: failure }
      : await this.dispatch(merchantId, op, JSON.parse(request.body) as Record<string, unknown>);
    return sign(key, JSON.stringify(answer), this.ctx.now());
  }

  private async dispatch(merchantId: string, op: SimOp, body: Record<string, unknown>): Promise<SimAnswer> {
    const sim = this.ctx.repos.sim;
    const now = this.ctx.now();
    const outTradeNo = String(body.outTradeNo ?? '');
    switch (op) {
      case 'precreate': {
        const tradeNo = this.tradeNo();
        const inserted = await sim.insertTrade({
          merchant_id: merchantId,
          out_trade_no: outTradeNo,
          trade_no: tradeNo,
          flow: 'dynamic_code',
          amount_fen: Number(body.amountFen),
          description: String(body.description ?? ''),
          state: 'NOTPAY',
          code_text: `${this.ctx.config.publicUrl.replace(/\/$/, '')}/sim?trade=${tradeNo}`,
          payer_code: null,
          fail_code: null,
          notify_url: String(body.notifyUrl ?? ''),
          expires_at: Number(body.expiresAt),
          paid_at: null,
          created_at: now,
          updated_at: now,
        });
        const trade = await sim.trade(merchantId, outTradeNo);
        // Like WeChat Pay, a second precreate with the same number but another amount is refused.
        if (!trade || (!inserted && trade.amount_fen !== Number(body.amountFen))) {
          return { ok: false, error: 'OUT_TRADE_NO_USED', message: 'out_trade_no already used' };
        }
        return { ok: true, trade: answerOf(trade) };
      }
      case 'codepay':
        return this.codePay(merchantId, outTradeNo, body, now);
      case 'query': {
        const trade = await sim.trade(merchantId, outTradeNo);
        return trade ? { ok: true, trade: answerOf(trade) } : { ok: false, error: 'TRADE_NOT_EXIST', message: 'no such trade' };
      }
      case 'close':
      case 'reverse': {
        const trade = await sim.trade(merchantId, outTradeNo);
        if (!trade) return { ok: false, error: 'TRADE_NOT_EXIST', message: 'no such trade' };
        if (op === 'close') await sim.moveTrade(merchantId, outTradeNo, ['NOTPAY', 'USERPAYING'], 'CLOSED', {}, now);
        // Reversing a paid code payment gives the money back, as WeChat Pay's reverse does.
        else await sim.moveTrade(merchantId, outTradeNo, ['NOTPAY', 'USERPAYING', 'SUCCESS', 'PAYERROR'], 'REVOKED', {}, now);
        return { ok: true, trade: answerOf((await sim.trade(merchantId, outTradeNo)) ?? trade) };
      }
      case 'refund': {
        const outRefundNo = String(body.outRefundNo ?? '');
        const existing = await sim.refund(merchantId, outRefundNo);
        if (existing) return { ok: true, refund: { outRefundNo, state: existing.state, refundNo: existing.refund_no } };
        const amount = Number(body.refundFen);
        const refundNo = `SR${this.tradeNo()}`;
        // The trade's refunded total and the refund record change together: a retry after a crash
        // between them would otherwise count the same refund twice.
        const done = await inTransaction(this.ctx, async (repos) => {
          if (!(await repos.sim.addRefunded(merchantId, outTradeNo, amount))) return false;
          await repos.sim.insertRefund({
            merchant_id: merchantId,
            out_refund_no: outRefundNo,
            out_trade_no: outTradeNo,
            refund_no: refundNo,
            amount_fen: amount,
            state: 'SUCCESS',
            created_at: now,
          });
          return true;
        });
        if (!done) return { ok: false, error: 'REFUND_NOT_ALLOWED', message: 'trade not paid or refund exceeds what is left' };
        return { ok: true, refund: { outRefundNo, state: 'SUCCESS', refundNo } };
      }
      case 'refundquery': {
        const r = await sim.refund(merchantId, String(body.outRefundNo ?? ''));
        return r
          ? { ok: true, refund: { outRefundNo: r.out_refund_no, state: r.state, refundNo: r.refund_no } }
          : { ok: false, error: 'RESOURCE_NOT_EXISTS', message: 'no such refund' };
      }
    }
  }

  private async codePay(merchantId: string, outTradeNo: string, body: Record<string, unknown>, now: number): Promise<SimAnswer> {
    const authCode = String(body.authCode ?? '');
    // The wallet's books change together: the code is used up exactly when its trade is recorded. An
    // order number seen before rolls that back and answers with its trade, as a wallet answers a retry.
    const booked = await this.ctx.repos.sim.bookCodePayment(merchantId, authCode, now, (payer, used) => {
      const decision = decisionOf(payer);
      const base = {
        merchant_id: merchantId,
        out_trade_no: outTradeNo,
        trade_no: this.tradeNo(),
        flow: 'code_pay' as const,
        amount_fen: Number(body.amountFen),
        description: String(body.description ?? ''),
        code_text: null,
        payer_code: authCode,
        notify_url: null,
        expires_at: now + 45_000,
        created_at: now,
        updated_at: now,
      };
      const fail = (failCode: string) => ({ ...base, state: 'PAYERROR' as const, fail_code: failCode, paid_at: null });
      return used
        ? fail('AUTH_CODE_USED')
        : decision.action === 'pay'
          ? { ...base, state: 'SUCCESS' as const, fail_code: null, paid_at: now }
          : decision.action === 'fail'
            ? fail(decision.failCode)
            : { ...base, state: 'USERPAYING' as const, fail_code: null, paid_at: null };
    });
    if (!booked) {
      const existing = await this.ctx.repos.sim.trade(merchantId, outTradeNo);
      if (existing) return { ok: true, trade: answerOf(existing) };
      throw new Error(`simulator trade ${outTradeNo} neither booked nor found`);
    }
    const { row, payer, used } = booked;
    const decision = decisionOf(payer);
    if (!used && decision.action === 'pay_after') await this.scheduleSettle(merchantId, outTradeNo, decision.seconds);
    return { ok: true, trade: answerOf({ ...row, refunded_fen: 0 }) };
  }

  /** The person on /sim decides the fate of a dynamic code they scanned. */
  async decide(merchantId: string, tradeNo: string, decision: SimDecision, notify: NotifyOptions = {}): Promise<SimTrade> {
    const trade = await this.findTrade(merchantId, { tradeNo });
    const now = this.ctx.now();
    const sim = this.ctx.repos.sim;
    if (decision.action === 'pay') await this.settle(merchantId, trade.out_trade_no, notify);
    else if (decision.action === 'fail') {
      if (
        await sim.moveTrade(merchantId, trade.out_trade_no, ['NOTPAY', 'USERPAYING'], 'PAYERROR', { fail_code: decision.failCode }, now)
      ) {
        await this.notify(merchantId, trade.out_trade_no, notify);
      }
    } else if (decision.action === 'password') await sim.moveTrade(merchantId, trade.out_trade_no, ['NOTPAY'], 'USERPAYING', {}, now);
    else if (decision.action === 'pay_after') {
      await sim.moveTrade(merchantId, trade.out_trade_no, ['NOTPAY'], 'USERPAYING', {}, now);
      await this.scheduleSettle(merchantId, trade.out_trade_no, decision.seconds, notify);
    }
    return (await sim.trade(merchantId, trade.out_trade_no)) ?? trade;
  }

  /** The customer "enters the password" for a payment waiting on it. */
  async confirmPassword(merchantId: string, tradeNo: string, notify: NotifyOptions = {}): Promise<SimTrade> {
    const trade = await this.findTrade(merchantId, { tradeNo });
    await this.settle(merchantId, trade.out_trade_no, notify);
    return (await this.ctx.repos.sim.trade(merchantId, trade.out_trade_no)) ?? trade;
  }

  /** Moves a trade to paid; dynamic-code payments then notify (WeChat Pay sends none for code pay). */
  async settle(merchantId: string, outTradeNo: string, notify: NotifyOptions = {}): Promise<void> {
    const trade = await this.ctx.repos.sim.trade(merchantId, outTradeNo);
    if (!trade) return;
    const paid = await this.ctx.repos.sim.moveTrade(
      merchantId,
      outTradeNo,
      ['NOTPAY', 'USERPAYING'],
      'SUCCESS',
      { paid_at: this.ctx.now() },
      this.ctx.now(),
    );
    if (paid && trade.flow === 'dynamic_code') await this.notify(merchantId, outTradeNo, notify);
  }

  async createPayerCode(merchantId: string, wallet: 'wechat' | 'alipay', behaviour: SimDecision): Promise<string> {
    // WeChat: 18 digits starting 10–15; Alipay: 16–24 digits starting 25–30 (payments.md §1).
    const code = wallet === 'wechat' ? `13${digits(16)}` : `28${digits(16)}`;
    await this.ctx.repos.sim.insertPayerCode({
      code,
      merchant_id: merchantId,
      wallet,
      behaviour: JSON.stringify(behaviour),
      created_at: this.ctx.now(),
      used_at: null,
    });
    return code;
  }

  randomFailCode(): string {
    return failCodes[randomInt(failCodes.length)] ?? 'NOTENOUGH';
  }

  private async notify(merchantId: string, outTradeNo: string, options: NotifyOptions): Promise<void> {
    if (options.lose) return;
    const copies = 1 + Math.min(5, Math.max(0, options.duplicates ?? 0));
    const now = this.ctx.now();
    for (let i = 0; i < copies; i += 1) {
      await this.ctx.repos.outbox.enqueue({
        id: newId(),
        merchantId,
        topic: 'sim.notify',
        payload: JSON.stringify({ merchantId, outTradeNo }),
        runAt: now + Math.max(0, options.delaySeconds ?? 0) * 1000,
        now,
      });
    }
    this.ctx.nudgeWorker();
  }

  private async scheduleSettle(merchantId: string, outTradeNo: string, seconds: number, notify: NotifyOptions = {}): Promise<void> {
    const now = this.ctx.now();
    await this.ctx.repos.outbox.enqueue({
      id: newId(),
      merchantId,
      topic: 'sim.settle',
      payload: JSON.stringify({ merchantId, outTradeNo, notify }),
      runAt: now + Math.max(0, seconds) * 1000,
      now,
    });
  }

  /** A trade by its number, or by the text of its code as the person scanned or pasted it. */
  async findTrade(merchantId: string, ref: { tradeNo?: string | undefined; codeText?: string | undefined }): Promise<SimTrade> {
    const trade = ref.codeText
      ? await this.ctx.repos.sim.tradeByCode(merchantId, ref.codeText.trim())
      : ref.tradeNo
        ? await this.ctx.repos.sim.tradeByTradeNo(merchantId, ref.tradeNo)
        : undefined;
    if (!trade) throw new DomainError('NOT_FOUND');
    return trade;
  }

  private tradeNo(): string {
    return `4200${Date.now().toString().slice(-10)}${digits(8)}`;
  }
}

function digits(n: number): string {
  let s = '';
  for (let i = 0; i < n; i += 1) s += String(randomInt(10));
  return s;
}

export function answerOf(t: Omit<SimTrade, 'refunded_fen'> & { refunded_fen?: number }): SimTradeAnswer {
  return {
    outTradeNo: t.out_trade_no,
    state: t.state,
    tradeNo: t.trade_no,
    ...(t.paid_at !== null && { paidAt: t.paid_at }),
    ...(t.fail_code !== null && { failCode: t.fail_code }),
    ...(t.code_text !== null && { codeText: t.code_text }),
  };
}
