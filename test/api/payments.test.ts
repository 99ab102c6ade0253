import { sign } from '@paydesk/channels';
import { DomainError } from '@paydesk/domain';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ChannelRouter } from '../../apps/server/src/services/channel-router.ts';
import { payerCode, sell, shopAtCounter } from '../support/checkout.ts';
import { uploadCode } from '../support/codes.ts';
import { dialects } from '../support/databases.ts';
import { rowsOf } from '../support/db-helpers.ts';
import { expectNeverRunTwiceAfterLostAnswer } from '../support/lost-answer.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

describe.each(dialects)('payments at the counter on %s', (dialect) => {
  let t: TestApp;
  let shop: Awaited<ReturnType<typeof shopAtCounter>>;
  const cashier = () => shop.cashier.client;
  const tradeNoOf = async (codeText: string) => (await cashier().post('/api/sim/scan', { codeText })).body.tradeNo as string;
  const detail = async (id: string) => (await cashier().get(`/api/payments/${id}`)).body;
  /** Lets the worker run everything due now, after moving the clock on. */
  const later = async (ms: number) => {
    t.clock.advance(ms);
    await t.drain();
  };

  /** Makes the gateway hold its answer to `op` until released: a wallet slow to answer a call that went through. */
  const holdAnswers = (op: string) => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const gateway = t.app.gateway;
    const original = gateway.handle.bind(gateway);
    gateway.handle = async (merchantId, calledOp, request) => {
      const answer = await original(merchantId, calledOp, request);
      if (calledOp === op) await gate;
      return answer;
    };
    return {
      release() {
        release();
        gateway.handle = original;
      },
    };
  };

  beforeAll(async () => {
    t = await createTestApp(dialect);
    shop = await shopAtCounter(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('takes cash and gives the right change', async () => {
    const res = await sell(cashier(), 2372, { flow: 'cash', tenderedFen: 5000 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'succeeded', method: 'cash', amountFen: 2372, tenderedFen: 5000, changeFen: 2628 });
    const short = await sell(cashier(), 2372, { flow: 'cash', tenderedFen: 2000 });
    expect(short.body.error.code).toBe('CASH_INSUFFICIENT');
  });

  it('rings up and takes payment in one call, in cash or by code, and a retry finds the same sale', async () => {
    const id = crypto.randomUUID();
    const cash = await cashier().post('/api/checkout', { id, amountFen: 1234, payment: { flow: 'cash', tenderedFen: 2000 } });
    expect(cash.status).toBe(201);
    expect(cash.body).toMatchObject({ status: 'succeeded', orderId: id, changeFen: 766 });
    const again = await cashier().post('/api/checkout', { id, amountFen: 1234, payment: { flow: 'cash', tenderedFen: 2000 } });
    expect(again.body.error.code).toBe('ORDER_NOT_OPEN');
    const other = await cashier().post('/api/checkout', { id, amountFen: 999, payment: { flow: 'cash', tenderedFen: 2000 } });
    expect(other.body.error.code).toBe('ORDER_CONFLICT');
    const code = await payerCode(cashier(), 'alipay', { action: 'pay' });
    const byCode = await cashier().post('/api/checkout', {
      id: crypto.randomUUID(),
      lines: [{ name: '矿泉水', quantity: 2, unitFen: 150 }],
      payment: { flow: 'code_pay', authCode: code },
    });
    expect(byCode.body).toMatchObject({ status: 'succeeded', method: 'alipay', amountFen: 300 });
  });

  it('charges a customer payment code that pays at once', async () => {
    const code = await payerCode(cashier(), 'wechat', { action: 'pay' });
    const res = await sell(cashier(), 1500, { flow: 'code_pay', authCode: `${code}\r\n` });
    expect(res.body).toMatchObject({ status: 'succeeded', method: 'wechatpay', channel: 'simulator' });
    expect(res.body.payerCodeMasked).toMatch(/^13\d{2}\*+\d{4}$/);
    // The one-time code is a credential: it is never stored whole.
    const rows = await t.db.kysely.selectFrom('payments').select('payer_code_masked').execute();
    expect(JSON.stringify(rows)).not.toContain(code);
  });

  it('leaves the worker nothing to do for a payment settled in its own request, and a waiting one its re-query and close', async () => {
    const watchJobs = async (outTradeNo: string) => {
      const payment = await t.db.kysely
        .selectFrom('payments')
        .select('id')
        .where('out_trade_no', '=', outTradeNo)
        .executeTakeFirstOrThrow();
      const rows = await t.db.kysely
        .selectFrom('outbox')
        .select(['topic', 'status'])
        .where('id', 'in', [`${payment.id}.expire`, `${payment.id}.requery`])
        .orderBy('topic')
        .execute();
      return rows.map((r) => `${r.topic}:${r.status}`);
    };
    const paid = await sell(cashier(), 800, { flow: 'code_pay', authCode: await payerCode(cashier(), 'wechat', { action: 'pay' }) });
    expect(paid.body.status).toBe('succeeded');
    expect(await watchJobs(paid.body.outTradeNo)).toEqual(['payment.expire:done', 'payment.requery:done']);
    const refused = await sell(cashier(), 800, {
      flow: 'code_pay',
      authCode: await payerCode(cashier(), 'wechat', { action: 'fail', failCode: 'CARD_FROZEN' }),
    });
    expect(refused.body.status).toBe('failed');
    expect(await watchJobs(refused.body.outTradeNo)).toEqual(['payment.expire:done', 'payment.requery:done']);
    const waiting = await sell(cashier(), 800, {
      flow: 'code_pay',
      authCode: await payerCode(cashier(), 'wechat', { action: 'password' }),
    });
    expect(waiting.body.status).toBe('pending');
    expect(await watchJobs(waiting.body.outTradeNo)).toEqual(['payment.expire:pending', 'payment.requery:pending']);
  });

  it('shows a failure with its reason in plain Chinese', async () => {
    const code = await payerCode(cashier(), 'alipay', { action: 'fail', failCode: 'NOTENOUGH' });
    const res = await sell(cashier(), 1500, { flow: 'code_pay', authCode: code });
    expect(res.body).toMatchObject({ status: 'failed', method: 'alipay', failureCode: 'NOTENOUGH', failureReason: '余额不足' });
  });

  it('takes a payment code once: a second sale with it, or a code never handed out, fails and pays nothing', async () => {
    const code = await payerCode(cashier(), 'wechat', { action: 'pay' });
    expect((await sell(cashier(), 1500, { flow: 'code_pay', authCode: code })).body).toMatchObject({ status: 'succeeded' });
    const again = await sell(cashier(), 1500, { flow: 'code_pay', authCode: code });
    expect(again.body).toMatchObject({
      status: 'failed',
      failureCode: 'AUTH_CODE_USED',
      failureReason: '付款码已使用，请让顾客刷新付款码',
    });
    const unknown = await sell(cashier(), 1500, { flow: 'code_pay', authCode: '134567890123456789' });
    expect(unknown.body).toMatchObject({ status: 'failed', failureCode: 'AUTH_CODE_INVALID' });
    const trades = await t.db.kysely.selectFrom('sim_trades').select(['state', 'payer_code']).where('payer_code', '=', code).execute();
    expect(trades.map((r) => r.state).sort()).toEqual(['PAYERROR', 'SUCCESS']);
  });

  it('waits for the password, then the re-query settles it', async () => {
    const code = await payerCode(cashier(), 'wechat', { action: 'password' });
    const res = await sell(cashier(), 150000, { flow: 'code_pay', authCode: code });
    expect(res.body.status).toBe('pending');
    const trade = (
      await t.db.kysely.selectFrom('sim_trades').selectAll().where('out_trade_no', '=', res.body.outTradeNo).executeTakeFirstOrThrow()
    ).trade_no;
    await cashier().post(`/api/sim/trades/${trade}/password`, {});
    await later(3_000);
    expect((await detail(res.body.id)).payment.status).toBe('succeeded');
  });

  it('reverses a code payment nobody answers at 45 s', async () => {
    const code = await payerCode(cashier(), 'wechat', { action: 'never' });
    const res = await sell(cashier(), 990, { flow: 'code_pay', authCode: code });
    expect(res.body.status).toBe('pending');
    for (let i = 0; i < 10; i += 1) await later(5_000);
    const d = await detail(res.body.id);
    expect(d.payment.status).toBe('expired');
    expect(d.events.map((e: { type: string }) => e.type)).toContain('expired');
  });

  it('refuses an unrecognised payment code and writes nothing', async () => {
    const before = await t.db.kysely
      .selectFrom('payments')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const res = await sell(cashier(), 100, { flow: 'code_pay', authCode: '99999999999999999' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('PAYMENT_CODE_UNSUPPORTED');
    const after = await t.db.kysely
      .selectFrom('payments')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('shows a dynamic code, and a notification sent three times is applied once', async () => {
    const res = await sell(cashier(), 2372, { flow: 'dynamic_code' });
    expect(res.body).toMatchObject({ status: 'pending' });
    expect(res.body.codeText).toContain('/sim?trade=');
    await cashier().post(`/api/sim/trades/${await tradeNoOf(res.body.codeText)}/decide`, {
      decision: { action: 'pay' },
      notify: { duplicates: 2 },
    });
    await t.drain();
    const d = await detail(res.body.id);
    expect(d.payment.status).toBe('succeeded');
    expect(d.events.filter((e: { type: string }) => e.type === 'succeeded')).toHaveLength(1);
    expect(d.order.status).toBe('paid');
  });

  it('settles by re-query when the notification is lost', async () => {
    const res = await sell(cashier(), 800, { flow: 'dynamic_code' });
    await cashier().post(`/api/sim/trades/${await tradeNoOf(res.body.codeText)}/decide`, {
      decision: { action: 'pay' },
      notify: { lose: true },
    });
    await t.drain();
    expect((await detail(res.body.id)).payment.status).toBe('pending');
    await later(3_000);
    expect((await detail(res.body.id)).payment.status).toBe('succeeded');
  });

  it('pays after a delay, and closes a code nobody pays at its expiry', async () => {
    const delayed = await sell(cashier(), 500, { flow: 'dynamic_code' });
    await cashier().post(`/api/sim/trades/${await tradeNoOf(delayed.body.codeText)}/decide`, {
      decision: { action: 'pay_after', seconds: 20 },
    });
    const unpaid = await sell(cashier(), 600, { flow: 'dynamic_code', expiresInMinutes: 1 });
    await later(10_000);
    expect((await detail(delayed.body.id)).payment.status).toBe('pending');
    await later(15_000);
    expect((await detail(delayed.body.id)).payment.status).toBe('succeeded');
    for (let i = 0; i < 8; i += 1) await later(10_000);
    expect((await detail(unpaid.body.id)).payment.status).toBe('expired');
  });

  it('refunds automatically a success that arrives after the cashier cancelled', async () => {
    const res = await sell(cashier(), 1200, { flow: 'dynamic_code' });
    // The gateway is down when the cashier cancels, so the close never reaches it.
    await cashier().post('/api/sim/outage', { calls: 1 });
    const cancelled = await cashier().post(`/api/payments/${res.body.id}/cancel`);
    expect(cancelled.body.status).toBe('cancelled');
    await cashier().post(`/api/sim/trades/${await tradeNoOf(res.body.codeText)}/decide`, { decision: { action: 'pay' } });
    await t.drain();
    const d = await detail(res.body.id);
    expect(d.payment).toMatchObject({ status: 'succeeded', lateSuccess: true, refundedFen: 1200 });
    expect(d.refunds).toMatchObject([{ amountFen: 1200, automatic: true, status: 'succeeded' }]);
    expect(d.order.status).toBe('open');
  });

  it('applies a notification that arrives before the create call has answered, and the late answer changes nothing', async () => {
    // Hold the payment between its commit and the channel's answer.
    const held = holdAnswers('precreate');
    try {
      const pending = sell(cashier(), 450, { flow: 'dynamic_code' });
      let trade: { out_trade_no: string; trade_no: string } | undefined;
      for (let i = 0; i < 100 && !trade; i += 1) {
        await new Promise((r) => setTimeout(r, 10));
        trade = await t.db.kysely
          .selectFrom('sim_trades')
          .select(['out_trade_no', 'trade_no'])
          .where('amount_fen', '=', 450)
          .executeTakeFirst();
      }
      if (!trade) throw new Error('precreate never reached the gateway');
      await cashier().post(`/api/sim/trades/${trade.trade_no}/decide`, { decision: { action: 'pay' } });
      await t.drain();
      const early = await t.db.kysely
        .selectFrom('payments')
        .select('status')
        .where('out_trade_no', '=', trade.out_trade_no)
        .executeTakeFirstOrThrow();
      expect(early.status).toBe('succeeded');
      held.release();
      const res = await pending;
      expect(res.body.status).toBe('succeeded');
      const d = await detail(res.body.id);
      expect(d.events.filter((e: { type: string }) => e.type === 'succeeded')).toHaveLength(1);
    } finally {
      held.release();
    }
  });

  /** Starts a code payment of a new order whose wallet answer is held; resolves once the payment is written. */
  async function codePaymentHeld(amountFen: number) {
    const code = await payerCode(cashier(), 'wechat', { action: 'pay' });
    const orderId = crypto.randomUUID();
    expect((await cashier().post('/api/orders', { id: orderId, amountFen })).status).toBe(201);
    const held = holdAnswers('codepay');
    const answer = cashier().post(`/api/orders/${orderId}/payments`, { flow: 'code_pay', authCode: code });
    let payment: { id: string } | undefined;
    for (let i = 0; i < 100 && !payment; i += 1) {
      await new Promise((r) => setTimeout(r, 10));
      payment = await t.db.kysely.selectFrom('payments').select('id').where('order_id', '=', orderId).executeTakeFirst();
    }
    if (!payment) throw new Error('the code payment was never written');
    return { orderId, paymentId: payment.id, held, answer };
  }

  it('refunds a code payment whose order was paid in cash while the wallet was answering', async () => {
    const sale = await codePaymentHeld(700);
    try {
      const cash = await cashier().post(`/api/orders/${sale.orderId}/payments`, { flow: 'cash', tenderedFen: 700 });
      expect(cash.body).toMatchObject({ status: 'succeeded', method: 'cash' });
    } finally {
      sale.held.release();
    }
    expect((await sale.answer).body).toMatchObject({ id: sale.paymentId, status: 'succeeded' });
    await t.drain();
    const d = await detail(sale.paymentId);
    expect(d.payment).toMatchObject({ status: 'succeeded', refundedFen: 700 });
    expect(d.refunds).toMatchObject([{ amountFen: 700, automatic: true, status: 'succeeded' }]);
    expect(d.order.status).toBe('paid');
  });

  it('refunds a success the wallet answers after the payment was cancelled meanwhile', async () => {
    const sale = await codePaymentHeld(800);
    try {
      await t.db.kysely.updateTable('payments').set({ status: 'cancelled' }).where('id', '=', sale.paymentId).execute();
    } finally {
      sale.held.release();
    }
    await sale.answer;
    await t.drain();
    const d = await detail(sale.paymentId);
    expect(d.payment).toMatchObject({ status: 'succeeded', lateSuccess: true, refundedFen: 800 });
    expect(d.refunds).toMatchObject([{ automatic: true, status: 'succeeded' }]);
    expect(d.order.status).toBe('open');
  });

  it('refuses a payment over the per-payment ceiling', async () => {
    const res = await cashier().post('/api/orders', { id: crypto.randomUUID(), amountFen: 5_000_001 });
    expect(res.body.error.code).toBe('AMOUNT_OVER_LIMIT');
  });

  it('refuses forged and stale notifications and leaves the payment unchanged', async () => {
    const res = await sell(cashier(), 700, { flow: 'dynamic_code' });
    const merchantId = shop.owner.merchantId;
    const body = JSON.stringify({
      type: 'payment',
      merchantId,
      trade: { outTradeNo: res.body.outTradeNo, state: 'SUCCESS', tradeNo: 'X', paidAt: t.clock.now },
    });
    const post = (m: { timestamp: string; nonce: string; signature: string; body: string }) =>
      t.app.fastify.inject({
        method: 'POST',
        url: '/api/notify/simulator',
        headers: {
          'content-type': 'application/json',
          'x-sim-merchant': merchantId,
          'x-sim-timestamp': m.timestamp,
          'x-sim-nonce': m.nonce,
          'x-sim-signature': m.signature,
        },
        payload: m.body,
      });
    const forged = sign(Buffer.alloc(32, 7), body, t.clock.now);
    expect((await post(forged)).statusCode).toBe(401);
    const stale = sign(t.app.gateway.key(merchantId), body, t.clock.now - 10 * 60_000);
    expect((await post(stale)).statusCode).toBe(401);
    const good = sign(t.app.gateway.key(merchantId), body, t.clock.now);
    expect((await post({ ...good, body: `${body.replace('"amount', '"x')} ` })).statusCode).toBe(401);
    expect((await detail(res.body.id)).payment.status).toBe('pending');
  });

  it('refunds in part by a manager only, never above what is left, one at a time', async () => {
    const code = await payerCode(cashier(), 'wechat', { action: 'pay' });
    const paid = (await sell(cashier(), 10000, { flow: 'code_pay', authCode: code })).body;
    const denied = await cashier().post(`/api/payments/${paid.id}/refunds`, { amountFen: 100, reason: '顾客退货' });
    expect(denied.body.error.code).toBe('FORBIDDEN');
    const manager = shop.manager.client;
    const part = await manager.post(`/api/payments/${paid.id}/refunds`, { amountFen: 3000, reason: '退一件' });
    expect(part.status).toBe(201);
    expect(part.body.status).toBe('succeeded');
    const [a, b] = await Promise.all([
      manager.post(`/api/payments/${paid.id}/refunds`, { amountFen: 7000, reason: '全部退' }),
      manager.post(`/api/payments/${paid.id}/refunds`, { amountFen: 7000, reason: '全部退' }),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([201, 409]);
    const over = await manager.post(`/api/payments/${paid.id}/refunds`, { amountFen: 1, reason: '多退' });
    expect(over.body.error.code).toBe('REFUND_EXCEEDS');
    await later(10_000);
    const d = await detail(paid.id);
    expect(d.payment.refundedFen).toBe(10000);
    expect(d.refunds.map((r: { status: string }) => r.status)).toEqual(['succeeded', 'succeeded']);
  });

  it('refunds once when a retry follows a crash that lost the answer (the key outlived its request)', async () => {
    const code = await payerCode(cashier(), 'wechat', { action: 'pay' });
    const paid = (await sell(cashier(), 5000, { flow: 'code_pay', authCode: code })).body;
    const manager = shop.manager.client;
    const key = { 'idempotency-key': `rf-${paid.id}` };
    const first = await manager.post(`/api/payments/${paid.id}/refunds`, { amountFen: 2000, reason: '退货' }, key);
    expect(first.status).toBe(201);
    // As if the process died after the refund's commit but before the answer was recorded: the key is
    // still "running", and after five minutes the plugin lets the request run again.
    await t.db.kysely.updateTable('idempotency_keys').set({ status: 'running', response_status: null, response_body: null }).execute();
    t.clock.advance(6 * 60_000);
    const retry = await manager.post(`/api/payments/${paid.id}/refunds`, { amountFen: 2000, reason: '退货' }, key);
    expect(retry.status, retry.text).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
    const d = await detail(paid.id);
    expect(d.refunds).toHaveLength(1);
    expect(d.payment.refundedFen).toBe(2000);
    // The same key for another amount is a client bug, not a second refund.
    await t.db.kysely.updateTable('idempotency_keys').set({ status: 'running', response_status: null, response_body: null }).execute();
    t.clock.advance(6 * 60_000);
    const other = await manager.post(`/api/payments/${paid.id}/refunds`, { amountFen: 1000, reason: '退货' }, key);
    expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('replays a payment call with the same Idempotency-Key and refuses the key with another body', async () => {
    const orderId = crypto.randomUUID();
    await cashier().post('/api/orders', { id: orderId, amountFen: 300 });
    const first = await cashier().post(
      `/api/orders/${orderId}/payments`,
      { flow: 'cash', tenderedFen: 500 },
      { 'idempotency-key': `pay-${orderId}` },
    );
    const again = await cashier().post(
      `/api/orders/${orderId}/payments`,
      { flow: 'cash', tenderedFen: 500 },
      { 'idempotency-key': `pay-${orderId}` },
    );
    expect(again.body.id).toBe(first.body.id);
    const other = await cashier().post(
      `/api/orders/${orderId}/payments`,
      { flow: 'cash', tenderedFen: 1000 },
      { 'idempotency-key': `pay-${orderId}` },
    );
    expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const conflict = await cashier().post('/api/orders', { id: orderId, amountFen: 301 });
    expect(conflict.body.error.code).toBe('ORDER_CONFLICT');
  });

  /** The owner uploads a collection code and binds it to the shop's station for one wallet. */
  async function bindAtStation(codeUrl: string, method: 'wechatpay' | 'alipay', merchantNo: string) {
    const owner = shop.owner.client;
    const code = await uploadCode(owner, codeUrl, shop.storeId);
    const bound = await owner.post('/api/bindings', {
      codeId: code.id,
      storeId: shop.storeId,
      stationId: shop.stationId,
      method,
      merchantNo,
    });
    expect(bound.status).toBe(201);
    return bound.body;
  }

  it('verifies a binding with a test payment paid on the simulator', async () => {
    const owner = shop.owner.client;
    const binding = await bindAtStation('https://payapp.weixin.qq.com/qr/VERIFY0001', 'wechatpay', '1900000109');
    expect(binding.verified).toBe(false);
    const test = await owner.post(`/api/bindings/${binding.id}/test-payment`, {});
    expect(test.body).toMatchObject({ status: 'pending', amountFen: 1, bindingId: binding.id });
    const tradeNo = (await owner.post('/api/sim/scan', { codeText: test.body.codeText })).body.tradeNo;
    await owner.post(`/api/sim/trades/${tradeNo}/decide`, { decision: { action: 'pay' } });
    await t.drain();
    const after = (await owner.get('/api/bindings?active=true')).body.items.find((b: { id: string }) => b.id === binding.id);
    expect(after.verified).toBe(true);
    expect((await cashier().post(`/api/bindings/${binding.id}/test-payment`, {})).body.error.code).toBe('FORBIDDEN');
  });

  it('never pays a second test payment when the answer of the first was lost and it is asked again later', async () => {
    const binding = await bindAtStation('https://payapp.weixin.qq.com/qr/VERIFY0LOST', 'wechatpay', '1900000109');
    const testOrders = async () =>
      (await rowsOf(t.db, 'orders')).filter((o) => o.station_id === shop.stationId && String(o.lines).includes('绑定测试收款')).length;
    await expectNeverRunTwiceAfterLostAnswer(
      t,
      (headers) => shop.owner.client.post(`/api/bindings/${binding.id}/test-payment`, {}, headers),
      testOrders,
    );
  });

  it('frees the key of a test payment refused before anything was written, and holds one to the ceiling', async () => {
    const owner = shop.owner.client;
    const binding = await bindAtStation('https://payapp.weixin.qq.com/qr/VERIFY0FREE', 'wechatpay', '1900000109');
    const headers = { 'idempotency-key': `test-refused-${crypto.randomUUID()}` };
    vi.spyOn(ChannelRouter.prototype, 'routeFor').mockRejectedValueOnce(new DomainError('CHANNEL_SECRETS_UNREADABLE'));
    try {
      expect((await owner.post(`/api/bindings/${binding.id}/test-payment`, {}, headers)).body.error.code).toBe(
        'CHANNEL_SECRETS_UNREADABLE',
      );
    } finally {
      vi.restoreAllMocks();
    }
    // The cause is gone: the same request with the same key now runs.
    const again = await owner.post(`/api/bindings/${binding.id}/test-payment`, {}, headers);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    const over = await owner.post(`/api/bindings/${binding.id}/test-payment`, { amountFen: 5_000_001 });
    expect(over.body.error.code).toBe('AMOUNT_OVER_LIMIT');
  });

  it('verifies a binding with the first sale through it, and only the first', async () => {
    const owner = shop.owner.client;
    const binding = await bindAtStation('https://qr.alipay.com/stx00000verify', 'alipay', '2088102146225135');
    expect(binding.verified).toBe(false);
    const sales = [];
    for (const amountFen of [610, 620]) {
      const res = await sell(cashier(), amountFen, { flow: 'code_pay', authCode: await payerCode(cashier(), 'alipay', { action: 'pay' }) });
      expect(res.body).toMatchObject({ status: 'succeeded', bindingId: binding.id });
      sales.push((await detail(res.body.id)).events.map((e: { type: string }) => e.type));
    }
    expect(sales).toEqual([
      ['created', 'succeeded', 'binding_verified'],
      ['created', 'succeeded'],
    ]);
    const after = (await owner.get('/api/bindings?active=true')).body.items.find((b: { id: string }) => b.id === binding.id);
    expect(after.verified).toBe(true);
  });

  it('verifies a binding once when its first sales come at once', async () => {
    const owner = shop.owner.client;
    const binding = await bindAtStation('https://qr.alipay.com/stx00000verif2', 'alipay', '2088102146225135');
    const amounts = [631, 632, 633];
    const codes = await Promise.all(amounts.map(() => payerCode(cashier(), 'alipay', { action: 'pay' })));
    const sales = await Promise.all(amounts.map((amountFen, i) => sell(cashier(), amountFen, { flow: 'code_pay', authCode: codes[i] })));
    for (const res of sales) expect(res.body).toMatchObject({ status: 'succeeded', bindingId: binding.id });
    const events = await Promise.all(sales.map(async (res) => (await detail(res.body.id)).events.map((e: { type: string }) => e.type)));
    expect(events.filter((types) => types.includes('binding_verified'))).toHaveLength(1);
    const after = (await owner.get('/api/bindings?active=true')).body.items.find((b: { id: string }) => b.id === binding.id);
    expect(after.verified).toBe(true);
  });

  it('lists transaction records with filters and totals', async () => {
    const all = await shop.owner.client.get('/api/payments?limit=200');
    expect(all.status).toBe(200);
    expect(all.body).not.toHaveProperty('totals');
    expect((await shop.owner.client.get('/api/payments/totals')).body.count).toBe(all.body.items.length);
    const cash = await shop.owner.client.get('/api/payments?method=cash&status=succeeded');
    expect(cash.body.items.every((p: { method: string }) => p.method === 'cash')).toBe(true);
    const cashTotals = await shop.owner.client.get('/api/payments/totals?method=cash&status=succeeded');
    expect(cashTotals.status).toBe(200);
    expect(cashTotals.body.count).toBe(cash.body.items.length);
    expect(cashTotals.body.succeededFen).toBe(cash.body.items.reduce((s: number, p: { amountFen: number }) => s + p.amountFen, 0));
    const page = await shop.owner.client.get('/api/payments?limit=2');
    const next = await shop.owner.client.get(`/api/payments?limit=2&cursor=${page.body.nextCursor}`);
    expect(next.body.items[0].id).not.toBe(page.body.items[0].id);
    // The totals take the list's filters and nothing else.
    const paged = await shop.owner.client.get(`/api/payments/totals?cursor=${page.body.nextCursor}`);
    expect(paged.status).toBe(400);
    expect(paged.body.error.code).toBe('VALIDATION_FAILED');
  });
});
