import type {
  ChannelOutcome,
  IncomingNotification,
  ParsedNotification,
  PaymentChannel,
  RefundOutcome,
  WalletOrderStart,
} from '@paydesk/channels';
import {
  type CollectionCode,
  type NewOutboxMessage,
  newId,
  type Order,
  type Payment,
  type PaymentEvent,
  type Refund,
  type Repositories,
} from '@paydesk/db';
import {
  cashSale,
  chinaUtcOffsetMs,
  classifyPaymentCode,
  cleanText,
  DomainError,
  isFinalPayment,
  isLateSuccess,
  isValidAmountFen,
  type PaymentStatus,
  paymentSourcesFor,
  refundableFen,
} from '@paydesk/domain';
import { type AppContext, inRequestTransaction, inTransaction } from '../context.ts';
import { type Actor, assertStoreVisible, requirePermission } from './actor.ts';
import type { ChannelRouter } from './channel-router.ts';

export interface OrderLine {
  name: string;
  quantity: number;
  unitFen: number;
}

export interface OrderInput {
  id: string;
  amountFen?: number | undefined;
  lines?: OrderLine[] | undefined;
}

export interface PayInput {
  flow: 'dynamic_code' | 'code_pay' | 'cash';
  /** Set by the binding test payment: the payment proves this binding. */
  bindingId?: string | undefined;
  authCode?: string | undefined;
  tenderedFen?: number | undefined;
  method?: 'wechatpay' | 'alipay' | 'unionpay' | undefined;
  expiresInMinutes?: number | undefined;
}

/** A payment the customer starts on the store-code pay page, in their wallet app. */
export interface PagePaymentInput {
  /** The shop's store code the customer scanned. */
  code: CollectionCode;
  method: 'wechatpay' | 'alipay';
  amountFen: number;
  /** The payer's id in the wallet (the WeChat openid a JSAPI order needs). */
  payerId?: string | undefined;
  /** Where the wallet sends the payer back, for the payment about to be made. */
  returnUrl: (paymentId: string) => string;
}

/** Who "took" a payment the customer made alone on the pay page: no cashier, and no user account. */
export const payPageCashier = 'pay-page';
/** How long the customer has to confirm in the wallet app. */
const pagePaymentMs = 5 * 60_000;

const minute = 60_000;
/** A customer's payment code is answered within 45 s or reversed: WeChat itself revokes at 45 s. */
const codePayTimeoutMs = 45_000;
/** Re-query delays after a payment starts waiting (payments.md §7: every ~5 s, then slower). */
const requeryDelaysMs = [3_000, 5_000, 5_000, 10_000, 10_000, 15_000, 30_000, 60_000];

const walletMethods: Record<string, 'wechatpay' | 'alipay' | 'unionpay'> = { wechat: 'wechatpay', alipay: 'alipay', unionpay: 'unionpay' };

/** "Try again" in the words each gateway understands: WeChat Pay and the simulator read JSON, Alipay plain text. */
function notFound(channel: string, message: string): { status: number; body: string } {
  return { status: 404, body: channel === 'alipay' ? 'fail' : JSON.stringify({ code: 'FAIL', message }) };
}

/** 138****5678-style masking for a payment code: enough to recognise in a dispute, useless to replay. */
const maskCode = (code: string) => `${code.slice(0, 4)}${'*'.repeat(Math.max(0, code.length - 8))}${code.slice(-4)}`;

/** A payment row for an order: who, where and when come from the order and the actor; the rest from the flow. */
function newPaymentRow(
  actor: Pick<Actor, 'merchantId' | 'userId'>,
  order: Order,
  now: number,
  fields: Pick<Payment, 'method' | 'channel' | 'flow' | 'amount_fen' | 'status' | 'expires_at'> & Partial<Payment>,
): Payment {
  return {
    id: newId(),
    merchant_id: actor.merchantId,
    order_id: order.id,
    store_id: order.store_id,
    station_id: order.station_id,
    cashier_id: actor.userId,
    out_trade_no: outTradeNo(now),
    channel_account_id: null,
    binding_id: null,
    failure_code: null,
    failure_reason: null,
    channel_trade_no: null,
    code_text: null,
    payer_code_masked: null,
    paid_at: null,
    refunded_fen: 0,
    tendered_fen: null,
    change_fen: null,
    rounding_fen: null,
    late_success: 0,
    query_count: 0,
    created_at: now,
    updated_at: now,
    ...fields,
  };
}

/** The China-time second as yyyyMMddHHmmss, formatted once a second rather than for every payment. */
const chinaSecond = { second: Number.NaN, text: '' };

function outTradeNo(now: number): string {
  const second = Math.floor(now / 1000);
  if (second !== chinaSecond.second) {
    chinaSecond.second = second;
    chinaSecond.text = new Date(now + chinaUtcOffsetMs).toISOString().replace(/\D/g, '').slice(0, 14);
  }
  return `PD${chinaSecond.text}${Math.random().toString(36).slice(2, 10).padEnd(8, '0')}`;
}

/** The outbox ids of a payment's first re-query and its close at expiry (watchJobs). */
const watchJobIds = (paymentId: string): [string, string] => [`${paymentId}.expire`, `${paymentId}.requery`];

/** A checkout's order id is taken already: a retry, to be judged against the stored order. */
class OrderExists extends Error {}

/**
 * Taking money (ARCHITECTURE §5). Rows are committed before any channel is called, so a crash can only
 * leave a payment "pending" (which the worker settles by query), never money taken with no record.
 */
export class PaymentService {
  constructor(
    private readonly ctx: AppContext,
    private readonly channels: ChannelRouter,
  ) {}

  get maxPaymentFen(): number {
    return this.ctx.config.maxPaymentFen;
  }

  /** The client makes the order id, so a retried "charge" after a network error finds the same order. */
  async createOrder(actor: Actor, input: OrderInput): Promise<Order> {
    const order = await this.buildOrder(actor, input);
    if (await this.ctx.repos.payments.insertOrder(order)) return order;
    return this.sameOrder(actor, order);
  }

  /** An order id seen before must describe the same sale; anything else is a client bug or a clash. */
  private async sameOrder(actor: Actor, order: Order): Promise<Order> {
    const existing = await this.ctx.repos.payments.findOrder(actor.merchantId, order.id);
    if (!existing || existing.total_fen !== order.total_fen || existing.lines !== order.lines) throw new DomainError('ORDER_CONFLICT');
    return existing;
  }

  private async buildOrder(actor: Actor, input: OrderInput): Promise<Order> {
    requirePermission(actor, 'payment.take');
    const lines = input.lines ?? (input.amountFen !== undefined ? [{ name: '手动金额', quantity: 1, unitFen: input.amountFen }] : []);
    if (lines.length === 0 || lines.length > 200) throw new DomainError('AMOUNT_INVALID', [{ field: 'amountFen', code: 'AMOUNT_INVALID' }]);
    let total = 0;
    for (const [i, line] of lines.entries()) {
      const name = cleanText(line.name, { max: 60 });
      if (!name.ok) throw new DomainError('TEXT_INVALID', [{ field: `lines.${i}.name`, code: 'TEXT_INVALID' }]);
      if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > 9999 || !isValidAmountFen(line.unitFen)) {
        throw new DomainError('AMOUNT_INVALID', [{ field: `lines.${i}`, code: 'AMOUNT_INVALID' }]);
      }
      total += line.quantity * line.unitFen;
    }
    if (!isValidAmountFen(total)) throw new DomainError('AMOUNT_INVALID');
    if (total > this.maxPaymentFen) throw new DomainError('AMOUNT_OVER_LIMIT');
    const station = actor.station;
    const storeId = station?.storeId ?? actor.storeId;
    if (!storeId) throw new DomainError('STATION_REQUIRED');
    const now = this.ctx.now();
    const order: Order = {
      merchant_id: actor.merchantId,
      id: input.id,
      store_id: storeId,
      station_id: station?.id ?? null,
      cashier_id: actor.userId,
      status: 'open',
      total_fen: total,
      lines: JSON.stringify(lines),
      created_at: now,
      updated_at: now,
    };
    return order;
  }

  /**
   * `newOrder`: an order not yet stored (checkout), written in the same transaction as its payment, so a
   * sale costs one commit fewer and never leaves an order without its payment.
   */
  async pay(actor: Actor, orderId: string, input: PayInput, newOrder?: Order): Promise<Payment> {
    requirePermission(actor, 'payment.take');
    const order = newOrder ?? (await this.ctx.repos.payments.findOrder(actor.merchantId, orderId));
    if (!order) throw new DomainError('NOT_FOUND');
    assertStoreVisible(actor, order.store_id);
    if (order.status !== 'open') throw new DomainError('ORDER_NOT_OPEN');
    const now = this.ctx.now();
    const amount = order.total_fen;

    if (input.flow === 'cash') return this.payCash(actor, order, input.tenderedFen, newOrder !== undefined);

    let method: 'wechatpay' | 'alipay' | 'unionpay' = input.method ?? 'wechatpay';
    let payerCode: string | null = null;
    if (input.flow === 'code_pay') {
      const classified = classifyPaymentCode(input.authCode ?? '');
      const wallet = walletMethods[classified.wallet];
      if (!wallet) throw new DomainError('PAYMENT_CODE_UNSUPPORTED', [{ field: 'authCode', code: 'PAYMENT_CODE_UNSUPPORTED' }]);
      method = wallet;
      payerCode = classified.code;
    }
    const minutes = input.expiresInMinutes ?? 5;
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 120) throw new DomainError('EXPIRY_INVALID');
    const expiresAt = input.flow === 'code_pay' ? now + codePayTimeoutMs : now + minutes * minute;
    const { route, adapter } = await this.channels.routeFor(actor.merchantId, method, order.store_id);
    const binding = input.bindingId
      ? await this.ctx.repos.bindings.findById(actor.merchantId, input.bindingId)
      : order.station_id
        ? await this.ctx.repos.bindings.findActiveFirst(actor.merchantId, order.station_id, [method, 'all'])
        : undefined;
    const payment = newPaymentRow(actor, order, now, {
      method,
      channel: route.channel,
      channel_account_id: route.accountId,
      flow: input.flow,
      binding_id: binding?.id ?? null,
      amount_fen: amount,
      status: 'created',
      payer_code_masked: payerCode ? maskCode(payerCode) : null,
      expires_at: expiresAt,
    });
    try {
      // Written with the payment: however the process dies after this, the worker settles or closes it.
      const opened = await this.ctx.repos.sales.open({
        order: newOrder,
        payment,
        event: this.eventRow(
          payment,
          'created',
          { flow: input.flow, method, amountFen: amount, payerCode: payment.payer_code_masked },
          actor.userId,
        ),
        jobs: this.watchJobs(payment, expiresAt, now),
      });
      if (!opened) throw new OrderExists();
    } catch (err) {
      if (/unique|duplicate/i.test(String((err as Error).message))) throw new DomainError('PAYMENT_IN_PROGRESS');
      throw err;
    }
    // No nudge: the rows just written fall due in seconds; the worker's poll finds them in time.
    // The payment must be on disk before the channel may take money for it.
    await this.ctx.db.durable();

    if (input.flow === 'dynamic_code') {
      const created = await adapter.createDynamicCode({
        outTradeNo: payment.out_trade_no,
        amountFen: amount,
        description: `订单 ${order.id.slice(0, 8)}`,
        expiresAt,
        notifyUrl: this.channels.notifyUrl(route),
      });
      if ('codeText' in created) {
        await inTransaction(this.ctx, async (repos) => {
          if (
            await repos.payments.move(actor.merchantId, payment.id, ['created'], 'pending', { code_text: created.codeText }, this.ctx.now())
          ) {
            await this.event(repos, payment, 'code_shown', { expiresAt }, actor.userId);
          }
        });
      } else {
        // No code was ever shown, so no money can have moved: the payment simply failed.
        await this.apply(
          payment.id,
          actor.merchantId,
          { state: 'failed', reasonCode: 'CHANNEL_UNAVAILABLE', reason: '支付通道暂时不可用，请稍后重试或换一种方式收款' },
          'create',
          actor.userId,
        );
      }
    } else {
      const outcome = await adapter.payWithCode({
        outTradeNo: payment.out_trade_no,
        amountFen: amount,
        description: `订单 ${order.id.slice(0, 8)}`,
        authCode: payerCode ?? '',
      });
      const after = await this.apply(payment.id, actor.merchantId, outcome, 'create', actor.userId, payment);
      if (after) return after;
    }
    return this.mustFind(actor.merchantId, payment.id);
  }

  /** Rings up and takes payment in one call: the cashier's usual path, and one round trip fewer. */
  async checkout(actor: Actor, input: OrderInput & { payment: PayInput }): Promise<Payment> {
    const order = await this.buildOrder(actor, input);
    try {
      return await this.pay(actor, order.id, { ...input.payment, bindingId: undefined }, order);
    } catch (err) {
      if (!(err instanceof OrderExists)) throw err;
    }
    // A retried checkout finds its order (and, if it was paid, ORDER_NOT_OPEN tells the client so).
    return this.pay(actor, (await this.sameOrder(actor, order)).id, { ...input.payment, bindingId: undefined });
  }

  /**
   * The bind wizard's last step: a small dynamic-code payment through the binding (¥0.01 by default; any
   * amount on the simulator). When it succeeds the binding is marked verified.
   */
  async testBinding(actor: Actor, bindingId: string, amountFen = 1): Promise<Payment> {
    requirePermission(actor, 'binding.manage');
    const binding = await this.ctx.repos.bindings.findById(actor.merchantId, bindingId);
    if (binding?.status !== 'active') throw new DomainError('NOT_FOUND');
    assertStoreVisible(actor, binding.store_id);
    if (!isValidAmountFen(amountFen)) throw new DomainError('AMOUNT_INVALID', [{ field: 'amountFen', code: 'AMOUNT_INVALID' }]);
    if (amountFen > this.maxPaymentFen) throw new DomainError('AMOUNT_OVER_LIMIT');
    const method = binding.method === 'all' ? 'wechatpay' : binding.method;
    // Refused now if it will be (no usable account), before anything is written: a refusal frees the
    // request's Idempotency-Key, which a written test order would not.
    await this.channels.routeFor(actor.merchantId, method, binding.store_id);
    const now = this.ctx.now();
    const order: Order = {
      merchant_id: actor.merchantId,
      id: newId(),
      store_id: binding.store_id,
      station_id: binding.station_id,
      cashier_id: actor.userId,
      status: 'open',
      total_fen: amountFen,
      lines: JSON.stringify([{ name: '绑定测试收款', quantity: 1, unitFen: amountFen }]),
      created_at: now,
      updated_at: now,
    };
    // Its own transaction, so that a retried request whose test order was written never pays a second one.
    await inRequestTransaction(this.ctx, actor, (repos) => repos.payments.insertOrder(order));
    return this.pay(actor, order.id, { flow: 'dynamic_code', method, bindingId: binding.id });
  }

  /**
   * The store-code pay page (ARCHITECTURE §5.3): the customer entered the amount (or the code carries it)
   * and pays in the wallet app through the merchant's own account. Rows first, then the channel, as at
   * the counter; the result reaches the page, the counter and the records like any other payment.
   */
  async payOnPage(input: PagePaymentInput): Promise<{ payment: Payment; start: WalletOrderStart }> {
    const { code } = input;
    if (!isValidAmountFen(input.amountFen)) throw new DomainError('AMOUNT_INVALID', [{ field: 'amount', code: 'AMOUNT_INVALID' }]);
    if (input.amountFen > this.maxPaymentFen) throw new DomainError('AMOUNT_OVER_LIMIT');
    const { route, adapter } = await this.channels.routeFor(code.merchant_id, input.method, code.store_id);
    if (route.channel !== input.method || !adapter.createWalletOrder) throw new DomainError('NOT_FOUND');
    const now = this.ctx.now();
    const who = { merchantId: code.merchant_id, userId: payPageCashier };
    const order: Order = {
      merchant_id: code.merchant_id,
      id: newId(),
      store_id: code.store_id,
      station_id: code.station_id,
      cashier_id: payPageCashier,
      status: 'open',
      total_fen: input.amountFen,
      lines: JSON.stringify([{ name: '扫码付款', quantity: 1, unitFen: input.amountFen }]),
      created_at: now,
      updated_at: now,
    };
    // A dynamic store code's amount is good until the code expires; never past it.
    const expiresAt = Math.max(Math.min(now + pagePaymentMs, code.expires_at), now + minute);
    const payment = newPaymentRow(who, order, now, {
      method: input.method,
      channel: route.channel,
      channel_account_id: route.accountId,
      flow: 'static_code',
      amount_fen: input.amountFen,
      status: 'created',
      expires_at: expiresAt,
    });
    await this.ctx.repos.sales.open({
      order,
      payment,
      event: this.eventRow(
        payment,
        'created',
        { flow: 'static_code', method: input.method, amountFen: input.amountFen, codeId: code.id },
        null,
      ),
      jobs: this.watchJobs(payment, expiresAt, now),
    });
    await this.ctx.db.durable();

    const start = await adapter.createWalletOrder({
      outTradeNo: payment.out_trade_no,
      amountFen: input.amountFen,
      description: `${code.merchant_name} 收款`,
      expiresAt,
      notifyUrl: this.channels.notifyUrl(route),
      returnUrl: input.returnUrl(payment.id),
      ...(input.payerId ? { payerId: input.payerId } : {}),
    });
    if (start.kind === 'unknown') {
      // The wallet handed out nothing the payer could pay with: no money can have moved.
      await this.apply(
        payment.id,
        code.merchant_id,
        { state: 'failed', reasonCode: 'CHANNEL_UNAVAILABLE', reason: '支付通道暂时不可用，请稍后重试或向店员付款' },
        'create',
        null,
      );
    } else {
      await inTransaction(this.ctx, async (repos) => {
        if (await repos.payments.move(code.merchant_id, payment.id, ['created'], 'pending', {}, this.ctx.now())) {
          await this.event(repos, payment, 'wallet_opened', { start: start.kind }, null);
        }
      });
    }
    return { payment: await this.mustFind(code.merchant_id, payment.id), start };
  }

  /** The state of a pay-page payment, for the customer's page; only payments made from that store code. */
  async pagePayment(code: CollectionCode, paymentId: string): Promise<Payment> {
    const payment = await this.mustFind(code.merchant_id, paymentId);
    if (payment.flow !== 'static_code' || payment.store_id !== code.store_id) throw new DomainError('NOT_FOUND');
    return payment;
  }

  private async payCash(actor: Actor, order: Order, tenderedFen: number | undefined, insertOrder: boolean): Promise<Payment> {
    const sale = cashSale(order.total_fen, tenderedFen ?? order.total_fen, this.ctx.config.cashRounding);
    if (!sale) throw new DomainError('CASH_INSUFFICIENT', [{ field: 'tenderedFen', code: 'CASH_INSUFFICIENT' }]);
    const now = this.ctx.now();
    const payment = newPaymentRow(actor, order, now, {
      method: 'cash',
      channel: 'cash',
      flow: 'cash',
      amount_fen: sale.dueFen,
      status: 'succeeded',
      expires_at: now,
      paid_at: now,
      tendered_fen: sale.tenderedFen,
      change_fen: sale.changeFen,
      rounding_fen: sale.roundingFen,
    });
    await inTransaction(this.ctx, async (repos) => {
      if (insertOrder && !(await repos.payments.insertOrder(order))) throw new OrderExists();
      if (!(await repos.payments.setOrderStatus(actor.merchantId, order.id, ['open'], 'paid', now)))
        throw new DomainError('ORDER_NOT_OPEN');
      await repos.payments.insertPayment(payment);
      await this.event(
        repos,
        payment,
        'succeeded',
        { tenderedFen: sale.tenderedFen, changeFen: sale.changeFen, roundingFen: sale.roundingFen },
        actor.userId,
      );
      await repos.payments.insertCashMovement({
        id: newId(),
        merchant_id: actor.merchantId,
        store_id: order.store_id,
        station_id: order.station_id,
        payment_id: payment.id,
        refund_id: null,
        kind: 'sale',
        amount_fen: sale.dueFen,
        actor_user_id: actor.userId,
        created_at: now,
      });
    });
    return payment;
  }

  async get(actor: Actor, id: string) {
    requirePermission(actor, 'payment.read');
    const payment = await this.mustFind(actor.merchantId, id);
    assertStoreVisible(actor, payment.store_id);
    if (actor.role === 'cashier' && payment.cashier_id !== actor.userId && payment.station_id !== actor.station?.id)
      throw new DomainError('NOT_FOUND');
    const [events, refunds, order] = await Promise.all([
      this.ctx.repos.payments.events(actor.merchantId, id),
      this.ctx.repos.payments.refundsOf(actor.merchantId, id),
      this.ctx.repos.payments.findOrder(actor.merchantId, payment.order_id),
    ]);
    return { payment, events, refunds, order };
  }

  /** "Query now" at the counter: asks the channel at once instead of waiting for the next re-query. */
  async queryNow(actor: Actor, id: string): Promise<Payment> {
    const { payment } = await this.get(actor, id);
    if (payment.status === 'created' || payment.status === 'pending') await this.requery(actor.merchantId, id, actor.userId);
    return this.mustFind(actor.merchantId, id);
  }

  /**
   * The cashier gives up on a waiting payment. The channel is asked to close (dynamic code) or reverse
   * (code pay) it; whatever the channel says, the payment ends here, and a success that still arrives
   * later is refunded automatically.
   */
  async cancel(actor: Actor, id: string): Promise<Payment> {
    const { payment } = await this.get(actor, id);
    if (payment.status !== 'created' && payment.status !== 'pending') throw new DomainError('PAYMENT_NOT_CANCELLABLE');
    const adapter = await this.adapterOf(payment);
    const outcome = payment.flow === 'code_pay' ? await adapter.reverse(payment.out_trade_no) : await adapter.close(payment.out_trade_no);
    if (outcome.state === 'succeeded') {
      await this.apply(id, actor.merchantId, outcome, 'cancel', actor.userId);
      const paid = await this.mustFind(actor.merchantId, id);
      if (paid.status === 'succeeded') throw new DomainError('PAYMENT_NOT_CANCELLABLE', [], { status: 'succeeded' });
      return paid;
    }
    await inTransaction(this.ctx, async (repos) => {
      if (
        await repos.payments.move(
          actor.merchantId,
          id,
          ['created', 'pending'],
          'cancelled',
          { failure_code: 'CANCELLED', failure_reason: '收银员取消' },
          this.ctx.now(),
        )
      ) {
        await this.event(repos, payment, 'cancelled', { channelAnswer: outcome.state }, actor.userId);
        if (outcome.state !== 'closed') {
          // The channel did not confirm the close: keep asking, so a late success is found and returned.
          await repos.outbox.enqueue(this.job(payment, 'payment.requery', this.ctx.now() + 5_000, { attempt: 0, afterCancel: true }));
        }
      }
    });
    return this.mustFind(actor.merchantId, id);
  }

  /** One re-query; returns the channel's answer. */
  async requery(merchantId: string, id: string, actorUserId: string | null = null): Promise<ChannelOutcome> {
    const payment = await this.mustFind(merchantId, id);
    const adapter = await this.adapterOf(payment);
    await this.ctx.repos.payments.countQuery(merchantId, id);
    const outcome = await adapter.query(payment.out_trade_no);
    await this.apply(id, merchantId, outcome, 'query', actorUserId);
    return outcome;
  }

  /**
   * The worker's re-query: while a payment waits (or after a cancel the channel did not confirm), ask
   * again with growing delays until there is an answer, the payment expires, or asking stops making sense.
   */
  async requeryFromWorker(merchantId: string, id: string, attempt: number, afterCancel: boolean): Promise<void> {
    const payment = await this.mustFind(merchantId, id);
    const waiting = payment.status === 'created' || payment.status === 'pending';
    if (!(afterCancel ? payment.status === 'cancelled' : waiting)) return;
    const outcome = await this.requery(merchantId, id);
    const open = outcome.state === 'waiting' || outcome.state === 'unknown';
    const beforeExpiry = this.ctx.now() < payment.expires_at;
    if (open && (afterCancel || beforeExpiry)) await this.scheduleRequery(merchantId, id, attempt, afterCancel);
  }

  /** A notification from the simulator: verified by the adapter, applied once however often it comes. */
  async notification(channel: string, merchantId: string, headers: IncomingNotification['headers'], rawBody: string) {
    const adapter = await this.channels.forPayment(merchantId, channel, null);
    return this.applyNotification(adapter, merchantId, null, { headers, rawBody });
  }

  /**
   * A notification to the wallet account named in its URL (WeChat Pay, Alipay). It counts only when that
   * account's keys verify it and it is about a payment or refund that account carried.
   */
  async walletNotification(kind: 'wechatpay' | 'alipay', accountId: string, headers: IncomingNotification['headers'], rawBody: string) {
    const account = await this.ctx.repos.channelAccounts.findForNotification(accountId);
    if (account?.kind !== kind) return { ...notFound(kind, 'unknown account'), refused: true };
    return this.applyNotification(this.channels.forAccount(account), account.merchant_id, account.id, { headers, rawBody });
  }

  private async applyNotification(adapter: PaymentChannel, merchantId: string, accountId: string | null, n: IncomingNotification) {
    const parsed = await adapter.parseNotification(n);
    if (!parsed.valid) {
      this.ctx.log.warn({ channel: adapter.kind, merchantId, accountId, reason: parsed.reason }, 'notification refused');
      return { ...parsed.ack, refused: true };
    }
    const carried = (p: Payment | undefined): p is Payment => p?.channel === adapter.kind && p.channel_account_id === accountId;
    if (parsed.kind === 'refund') return this.refundNotification(adapter.kind, merchantId, carried, parsed);
    const payment = await this.ctx.repos.payments.findByOutTradeNo(merchantId, parsed.outTradeNo);
    // Not ours (yet): answer so the gateway tries again rather than dropping a real payment.
    if (!carried(payment)) return { ...notFound(adapter.kind, 'unknown trade'), refused: false };
    await this.apply(payment.id, merchantId, parsed.outcome, 'notify', null);
    return { ...parsed.ack, refused: false };
  }

  private async refundNotification(
    kind: string,
    merchantId: string,
    carried: (p: Payment | undefined) => p is Payment,
    parsed: Extract<ParsedNotification, { kind: 'refund' }>,
  ) {
    const refund = await this.ctx.repos.payments.findRefundByOutRefundNo(merchantId, parsed.outRefundNo);
    const payment = refund && (await this.ctx.repos.payments.findPayment(merchantId, refund.payment_id));
    if (!refund || !carried(payment)) return { ...notFound(kind, 'unknown refund'), refused: false };
    await this.settleRefund(payment, refund, parsed.outcome, 'notify');
    return { ...parsed.ack, refused: false };
  }

  /** At expiry: close or reverse at the channel, then end the payment as expired (unless it was paid). */
  async expire(merchantId: string, id: string): Promise<void> {
    const payment = await this.mustFind(merchantId, id);
    if (payment.status !== 'created' && payment.status !== 'pending') return;
    const adapter = await this.adapterOf(payment);
    const outcome = payment.flow === 'code_pay' ? await adapter.reverse(payment.out_trade_no) : await adapter.close(payment.out_trade_no);
    if (outcome.state === 'unknown') throw new Error(`close at expiry got no answer: ${outcome.why}`);
    if (outcome.state === 'succeeded' || outcome.state === 'failed') {
      await this.apply(id, merchantId, outcome, 'close', null);
      return;
    }
    await inTransaction(this.ctx, async (repos) => {
      if (
        await repos.payments.move(
          merchantId,
          id,
          ['created', 'pending'],
          'expired',
          { failure_code: 'EXPIRED', failure_reason: '超时未支付，已关闭' },
          this.ctx.now(),
        )
      ) {
        await this.event(repos, payment, 'expired', { channelAnswer: outcome.state }, null);
      }
    });
  }

  /**
   * Applies what a channel said, from whichever source (create answer, notification, query, close).
   * Each move is conditional on the state just read; if another source moved the payment first, the
   * state is read again and the outcome judged against it.
   */
  /**
   * `known`: the row as the caller last saw it, to save a read. It may be stale: every move is
   * conditional on the state it was judged against, and a lost race reads the row again.
   * Answers the row exactly as this call left it when it can (a move of ours, nothing after it), so the
   * caller need not read it back; otherwise undefined.
   */
  async apply(
    id: string,
    merchantId: string,
    outcome: ChannelOutcome,
    source: string,
    actorUserId: string | null,
    known?: Payment,
  ): Promise<Payment | undefined> {
    let payment = known;
    if (payment && outcome.state === 'succeeded' && !isFinalPayment(payment.status as PaymentStatus)) {
      // The usual ending of a sale, in one write (SaleRepository.settlePaid); anything unusual about the
      // payment or its order as they are now (a race, a second payment of the order) writes nothing and
      // is judged below from a fresh read.
      const settled = await this.ctx.repos.sales.settlePaid({
        merchantId,
        paymentId: id,
        orderId: payment.order_id,
        from: payment.status as PaymentStatus,
        patch: { channel_trade_no: outcome.channelTradeNo, paid_at: outcome.paidAt, late_success: 0 },
        jobIds: watchJobIds(id),
        event: this.eventRow(payment, 'succeeded', { source, channelTradeNo: outcome.channelTradeNo, late: false }, actorUserId),
        binding: payment.binding_id
          ? { id: payment.binding_id, event: this.eventRow(payment, 'binding_verified', { bindingId: payment.binding_id }, actorUserId) }
          : undefined,
        now: this.ctx.now(),
      });
      if (settled) return settled;
      payment = undefined;
    }
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const current = payment ?? (await this.mustFind(merchantId, id));
      const result = await inTransaction(this.ctx, (repos) => this.applyOnce(repos, current, outcome, source, actorUserId));
      if (result !== 'raced') return typeof result === 'string' ? undefined : result;
      payment = undefined;
    }
    return undefined;
  }

  private async applyOnce(
    repos: Repositories,
    payment: Payment,
    outcome: ChannelOutcome,
    source: string,
    actorUserId: string | null,
  ): Promise<Payment | 'moved' | 'unchanged' | 'raced'> {
    const now = this.ctx.now();
    const from = payment.status as PaymentStatus;
    const move = async (to: PaymentStatus, patch: Parameters<Repositories['payments']['move']>[4]) => {
      if (!paymentSourcesFor(to).includes(from)) return undefined;
      const moved = await repos.payments.move(payment.merchant_id, payment.id, [from], to, patch, now);
      // Out of waiting: its watch jobs have nothing left to do, so they end with the move that settled it.
      if (moved && !isFinalPayment(from) && isFinalPayment(to)) await repos.outbox.finishUnclaimed(watchJobIds(payment.id), now);
      return moved;
    };
    switch (outcome.state) {
      case 'succeeded': {
        if (from === 'succeeded') return 'unchanged';
        const late = isLateSuccess(from);
        const moved = await move('succeeded', {
          channel_trade_no: outcome.channelTradeNo,
          paid_at: outcome.paidAt,
          late_success: late ? 1 : 0,
        });
        if (!moved) return 'raced';
        await this.event(repos, payment, 'succeeded', { source, channelTradeNo: outcome.channelTradeNo, late }, actorUserId);
        const orderPaid = !late && (await repos.payments.setOrderStatus(payment.merchant_id, payment.order_id, ['open'], 'paid', now));
        if (payment.binding_id && (await repos.bindings.markVerified(payment.merchant_id, payment.binding_id, now))) {
          await this.event(repos, payment, 'binding_verified', { bindingId: payment.binding_id }, actorUserId);
        }
        // Money the shop did not mean to take (after a cancel or expiry, or a second payment of a paid
        // order) goes straight back to the customer.
        if (late || !orderPaid) {
          await this.startRefund(
            repos,
            { ...payment, status: 'succeeded' },
            payment.amount_fen,
            late ? '取消或超时后到账，自动退款' : '订单重复支付，自动退款',
            null,
            true,
          );
          return 'moved'; // the refund changed the row again
        }
        return moved;
      }
      case 'failed': {
        const moved = await move('failed', { failure_code: outcome.reasonCode, failure_reason: outcome.reason });
        if (!moved) return from === 'failed' ? 'unchanged' : 'raced';
        await this.event(repos, payment, 'failed', { source, code: outcome.reasonCode, reason: outcome.reason }, actorUserId);
        return moved;
      }
      case 'waiting':
      case 'unknown':
        if (from === 'created') {
          if (!(await move('pending', {}))) return 'raced';
        }
        await this.event(
          repos,
          payment,
          source === 'query' ? 'queried' : 'waiting',
          { source, answer: outcome.state, why: outcome.why },
          actorUserId,
        );
        return 'moved';
      case 'closed':
        await this.event(repos, payment, 'channel_closed', { source }, actorUserId);
        return 'unchanged';
    }
  }

  /**
   * `requestKey`: the caller's Idempotency-Key. It is stored with the refund, in the same transaction, so
   * a retry whose first answer was lost (the process died after the commit) finds that refund again.
   */
  async refund(actor: Actor, paymentId: string, input: { amountFen: number; reason: string }, requestKey?: string): Promise<Refund> {
    requirePermission(actor, 'payment.refund');
    const { payment } = await this.get(actor, paymentId);
    const asked = requestKey ? await this.ctx.repos.payments.findRefundByRequestKey(actor.merchantId, requestKey) : undefined;
    if (asked) return this.sameRefund(asked, payment.id, input.amountFen);
    if (!isValidAmountFen(input.amountFen)) throw new DomainError('AMOUNT_INVALID', [{ field: 'amountFen', code: 'AMOUNT_INVALID' }]);
    const reason = cleanText(input.reason, { max: 100 });
    if (!reason.ok) throw new DomainError('TEXT_INVALID', [{ field: 'reason', code: 'TEXT_INVALID' }]);
    if (input.amountFen > refundableFen({ status: payment.status, amountFen: payment.amount_fen, refundedFen: payment.refunded_fen })) {
      throw new DomainError('REFUND_EXCEEDS');
    }
    let refund: Refund;
    try {
      refund = await inTransaction(this.ctx, (repos) =>
        this.startRefund(repos, payment, input.amountFen, reason.value, actor.userId, false, requestKey),
      );
    } catch (err) {
      // Two retries racing with the same key: the loser finds the winner's refund.
      const raced = requestKey ? await this.ctx.repos.payments.findRefundByRequestKey(actor.merchantId, requestKey) : undefined;
      if (raced) return this.sameRefund(raced, payment.id, input.amountFen);
      throw err;
    }
    if (refund.status === 'pending') await this.runRefund(actor.merchantId, refund.id);
    const done = await this.ctx.repos.payments.findRefund(actor.merchantId, refund.id);
    return done ?? refund;
  }

  private async sameRefund(refund: Refund, paymentId: string, amountFen: number): Promise<Refund> {
    if (refund.payment_id !== paymentId || refund.amount_fen !== amountFen) throw new DomainError('IDEMPOTENCY_KEY_REUSED');
    return (await this.ctx.repos.payments.findRefund(refund.merchant_id, refund.id)) ?? refund;
  }

  /** Reserves the amount and records the refund; cash refunds complete here, in the same transaction. */
  private async startRefund(
    repos: Repositories,
    payment: Payment,
    amountFen: number,
    reason: string,
    by: string | null,
    automatic: boolean,
    requestKey?: string,
  ): Promise<Refund> {
    const now = this.ctx.now();
    if (!(await repos.payments.reserveRefund(payment.merchant_id, payment.id, amountFen, now))) throw new DomainError('REFUND_EXCEEDS');
    const cash = payment.method === 'cash';
    const refund: Refund = {
      id: newId(),
      merchant_id: payment.merchant_id,
      payment_id: payment.id,
      out_refund_no: `RF${payment.out_trade_no.slice(2)}${Math.random().toString(36).slice(2, 6)}`,
      amount_fen: amountFen,
      reason,
      status: cash ? 'succeeded' : 'pending',
      automatic: automatic ? 1 : 0,
      requested_by: by,
      request_key: requestKey ?? null,
      channel_refund_no: null,
      failure_reason: null,
      created_at: now,
      updated_at: now,
    };
    try {
      await repos.payments.insertRefund(refund);
    } catch (err) {
      if (/unique|duplicate/i.test(String((err as Error).message))) throw new DomainError('REFUND_IN_PROGRESS');
      throw err;
    }
    await this.event(repos, payment, cash ? 'refunded' : 'refund_requested', { refundId: refund.id, amountFen, reason, automatic }, by);
    if (cash) {
      await repos.payments.insertCashMovement({
        id: newId(),
        merchant_id: payment.merchant_id,
        store_id: payment.store_id,
        station_id: payment.station_id,
        payment_id: payment.id,
        refund_id: refund.id,
        kind: 'refund',
        amount_fen: -amountFen,
        actor_user_id: by,
        created_at: now,
      });
    } else {
      await repos.outbox.enqueue({
        id: newId(),
        merchantId: payment.merchant_id,
        topic: 'refund.run',
        payload: JSON.stringify({ merchantId: payment.merchant_id, refundId: refund.id }),
        runAt: now + (automatic ? 0 : 10_000),
        now,
      });
    }
    if (automatic) this.ctx.nudgeWorker();
    return refund;
  }

  /** Sends a pending refund to its channel and records the answer; returns whether it is still pending. */
  async runRefund(merchantId: string, refundId: string): Promise<boolean> {
    const refund = await this.ctx.repos.payments.findRefund(merchantId, refundId);
    if (refund?.status !== 'pending') return false;
    const payment = await this.mustFind(merchantId, refund.payment_id);
    // The refund row must be on disk before the channel sends money back on its strength.
    await this.ctx.db.durable();
    const adapter = await this.adapterOf(payment);
    const outcome = await adapter.refund({
      outTradeNo: payment.out_trade_no,
      outRefundNo: refund.out_refund_no,
      refundFen: refund.amount_fen,
      totalFen: payment.amount_fen,
      reason: refund.reason,
    });
    return this.settleRefund(payment, refund, outcome, 'answer');
  }

  /** Records what a channel said about a refund, from its answer or its notification; returns whether it is still pending. */
  private async settleRefund(payment: Payment, refund: Refund, outcome: RefundOutcome, source: string): Promise<boolean> {
    const { merchant_id: merchantId, id: refundId } = refund;
    const now = this.ctx.now();
    if (outcome.state === 'succeeded') {
      await inTransaction(this.ctx, async (repos) => {
        if (await repos.payments.moveRefund(merchantId, refundId, 'succeeded', { channel_refund_no: outcome.channelRefundNo }, now)) {
          await this.event(repos, payment, 'refunded', { refundId, amountFen: refund.amount_fen, source }, null);
        }
      });
      return false;
    }
    // Alipay has no record of the refund: it was never made, and is sent again under the same number. Freeing
    // the amount instead would let a second refund go out while an answer to the first may yet turn up.
    if (outcome.state === 'failed' && outcome.reasonCode !== 'REFUND_NOT_FOUND') {
      await inTransaction(this.ctx, async (repos) => {
        if (await repos.payments.moveRefund(merchantId, refundId, 'failed', { failure_reason: outcome.reason }, now)) {
          await repos.payments.releaseRefund(merchantId, payment.id, refund.amount_fen, now);
          await this.event(repos, payment, 'refund_failed', { refundId, reason: outcome.reason, source }, null);
        }
      });
      return false;
    }
    // Processing (WeChat's ABNORMAL too: the money left the shop but did not reach the payer) or unknown:
    // the amount stays reserved until the channel says how it ended.
    return true;
  }

  /** The adapter of the channel, and the account, that carried the payment. */
  private adapterOf(payment: Payment): Promise<PaymentChannel> {
    return this.channels.forPayment(payment.merchant_id, payment.channel, payment.channel_account_id);
  }

  private async mustFind(merchantId: string, id: string): Promise<Payment> {
    const payment = await this.ctx.repos.payments.findPayment(merchantId, id);
    if (!payment) throw new DomainError('NOT_FOUND');
    return payment;
  }

  private async event(
    repos: Repositories,
    payment: Payment,
    type: string,
    detail: Record<string, unknown>,
    actorUserId: string | null,
  ): Promise<void> {
    await repos.payments.appendEvent(this.eventRow(payment, type, detail, actorUserId));
  }

  private eventRow(payment: Payment, type: string, detail: Record<string, unknown>, actorUserId: string | null): PaymentEvent {
    return {
      id: newId(),
      merchant_id: payment.merchant_id,
      payment_id: payment.id,
      type,
      detail: JSON.stringify(detail),
      actor_user_id: actorUserId,
      created_at: this.ctx.now(),
    };
  }

  /**
   * The jobs that settle or close a payment nobody else settles: the first re-query and the close at
   * expiry. Their ids derive from the payment's, so the move that settles it also finishes them in its
   * own transaction (applyOnce) and the worker never wakes for a payment that needs nothing.
   */
  private watchJobs(payment: Payment, expiresAt: number, now: number): NewOutboxMessage[] {
    const ids = watchJobIds(payment.id);
    return [
      this.job(payment, 'payment.expire', expiresAt, {}, ids[0]),
      this.job(payment, 'payment.requery', now + (requeryDelaysMs[0] ?? 3_000), { attempt: 0 }, ids[1]),
    ];
  }

  private job(payment: Payment, topic: string, runAt: number, extra: Record<string, unknown> = {}, id = newId()): NewOutboxMessage {
    return {
      id,
      merchantId: payment.merchant_id,
      topic,
      payload: JSON.stringify({ merchantId: payment.merchant_id, paymentId: payment.id, ...extra }),
      runAt,
      now: this.ctx.now(),
    };
  }

  /** The delay before the next re-query, or null when it is time to stop asking. */
  static nextRequeryDelay(attempt: number): number | null {
    return requeryDelaysMs[attempt + 1] ?? (attempt < 40 ? 60_000 : null);
  }

  async scheduleRequery(merchantId: string, paymentId: string, attempt: number, afterCancel: boolean): Promise<void> {
    const delay = PaymentService.nextRequeryDelay(attempt);
    if (delay === null) return;
    const now = this.ctx.now();
    await this.ctx.repos.outbox.enqueue({
      id: newId(),
      merchantId,
      topic: 'payment.requery',
      payload: JSON.stringify({ merchantId, paymentId, attempt: attempt + 1, afterCancel }),
      runAt: now + delay,
      now,
    });
  }
}
