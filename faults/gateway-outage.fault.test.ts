/**
 * Issue 6, item 2: the payment channel stops answering (the simulator's outage switch: its next N calls time
 * out). Payments whose money may have moved stay pending and settle by query once it answers again; nothing
 * is marked failed unless the channel said so or no money can have moved.
 */
import type { Db } from '@paydesk/db';
import { describe, expect, inject, it } from 'vitest';
import { dialects } from '../test/support/databases.ts';
import { insertPayerCodes } from '../test/support/payer-codes.ts';
import { readBooks, waitForWorker } from './support/books.ts';
import type { PaymentView, RefundView } from './support/http.ts';
import { judge } from './support/invariants.ts';
import { derivedSeed } from './support/random.ts';
import { recordRun } from './support/report.ts';
import { openShop, type Staff, signInStaff } from './support/shop.ts';
import { codeBehaviours, type Operation, refundReason, type SaleKind, sendOnce } from './support/till.ts';

describe.each(dialects)('payment channel outage on %s', (dialect) => {
  it('keeps payments pending while the channel is silent and settles them by query after', async () => {
    const started = Date.now();
    const seed = derivedSeed(inject('faultsSeed'), `gateway-outage/${dialect}`);
    const events = [`seed ${seed}`];
    const { server, db } = await openShop(dialect);
    await server.start();
    const staff = await signInStaff(server.base, db);
    const pays = await insertPayerCodes(db, staff.merchantId, codeBehaviours.code_pays, 3);
    const paysLate = await insertPayerCodes(db, staff.merchantId, codeBehaviours.code_pays_late, 2);
    const operations: Operation[] = [];
    const api = apiOf(operations, staff);

    // No code was shown, so no money can have moved: the only payment that may fail for want of an answer.
    await api.outage(1);
    const dynamic = await api.checkout('dynamic_unpaid', 1200, { flow: 'dynamic_code', method: 'wechatpay', expiresInMinutes: 1 });
    expect([dynamic.status, dynamic.failureCode]).toEqual(['failed', 'CHANNEL_UNAVAILABLE']);
    expect(await simTrade(db, dynamic.outTradeNo)).toBeUndefined();
    events.push('dynamic code during the outage: failed at once, no trade at the gateway');

    // The customer pays while the channel is silent to us: queries meanwhile answer "pending", never "failed".
    const late = await api.checkout('code_pays_late', 2300, { flow: 'code_pay', authCode: paysLate[0] });
    expect(late.status).toBe('pending');
    await api.outage(3);
    await until(async () => (await simTrade(db, late.outTradeNo))?.state === 'SUCCESS');
    const seen: string[] = [];
    for (let i = 0; i < 10 && seen.at(-1) !== 'succeeded'; i += 1) seen.push((await api.query(late.id)).status);
    expect(seen.at(-1)).toBe('succeeded');
    expect(seen.slice(0, -1).every((s) => s === 'pending')).toBe(true);
    expect(await queriesMetOutage(db, late.id)).toBeGreaterThan(0);
    events.push(`paid during the outage, settled by "query now": ${seen.join(' → ')}`);

    // A refund whose call goes unanswered stays pending, its amount reserved; the worker sends it again.
    const paid = await api.checkout('code_pays', 3400, { flow: 'code_pay', authCode: pays[0] });
    expect(paid.status).toBe('succeeded');
    await api.outage(1);
    const refund = await api.refund(paid.id, 1700);
    expect(refund.status).toBe('pending');
    expect((await api.read(paid.id)).refundedFen).toBe(1700);

    // The worker's own re-query meets the outage; the next one, after it, finds the payment paid.
    const late2 = await api.checkout('code_pays_late', 4500, { flow: 'code_pay', authCode: paysLate[1] });
    expect(late2.status).toBe('pending');
    await api.outage(1);
    const history = await api.watch(late2.id, 30_000);
    expect(history.at(-1)).toBe('succeeded');
    expect(history).not.toContain('failed');
    expect(await queriesMetOutage(db, late2.id)).toBeGreaterThan(0);
    // The worker sends the refund again ten seconds on. Waiting for it also keeps that call from taking
    // the next outage's.
    await until(async () => (await refundOf(db, refund.id))?.status === 'succeeded', 30_000);
    events.push(`refund sent during the outage: ${refund.status} at first; worker re-query met it: ${[...new Set(history)].join(' → ')}`);

    // The charge itself goes unanswered: pending (was the customer charged?), not failed. The gateway never
    // got it, so no money moved; the cashier cancels, and the same code then pays a new order once.
    await api.outage(1);
    const lost = await api.checkout('code_pays', 5600, { flow: 'code_pay', authCode: pays[1] });
    expect([lost.status, lost.failureCode]).toEqual(['pending', null]);
    expect(await simTrade(db, lost.outTradeNo)).toBeUndefined();
    expect((await api.query(lost.id)).status).toBe('pending');
    expect((await api.cancel(lost.id)).status).toBe('cancelled');
    const again = await api.checkout('code_pays', 5600, { flow: 'code_pay', authCode: pays[1] });
    expect(again.status).toBe('succeeded');
    events.push('charge unanswered: pending, cancelled by the cashier, the same code then paid a new order');

    const now = await waitForWorker(db, 0);
    await server.stop();
    const verdict = judge(await readBooks(db), operations, { now, noAnswerAllowed: false, unavailableAllowed: false });
    verdict.violations.push(...server.crashes.map((c) => `the server died: ${c}`));
    recordRun({ name: 'payment channel outage', dialect, seed, seconds: Math.round((Date.now() - started) / 1000), events, verdict });
    expect(verdict.violations).toEqual([]);
  });
});

/** The cashier's and the manager's calls, each recorded for the invariants. */
function apiOf(operations: Operation[], staff: Staff) {
  let orders = 0;
  const ok = <T>(answer: Awaited<ReturnType<typeof sendOnce>>, status: number): T => {
    if (answer.status !== status) throw new Error(`expected ${status}, got ${JSON.stringify(answer)}`);
    return answer.body as T;
  };
  const api = {
    outage: async (calls: number) =>
      ok<void>(await sendOnce(operations, staff, 'outage', { as: 'cashier', path: '/api/sim/outage', body: { calls } }), 204),
    checkout: async (kind: SaleKind, amountFen: number, payment: Record<string, unknown>) => {
      orders += 1;
      const orderId = `faults-gateway-${orders}-${Date.now()}`;
      const request = { as: 'cashier' as const, path: '/api/checkout', body: { id: orderId, amountFen, payment } };
      return ok<PaymentView>(await sendOnce(operations, staff, kind, request, { orderId, amountFen }), 201);
    },
    query: async (id: string) =>
      ok<PaymentView>(await sendOnce(operations, staff, 'query', { as: 'cashier', path: `/api/payments/${id}/query`, body: {} }), 200),
    cancel: async (id: string) =>
      ok<PaymentView>(await sendOnce(operations, staff, 'cancel', { as: 'cashier', path: `/api/payments/${id}/cancel`, body: {} }), 200),
    refund: async (paymentId: string, amountFen: number) => {
      const key = `rf-gateway-${paymentId}`;
      const request = {
        as: 'manager' as const,
        path: `/api/payments/${paymentId}/refunds`,
        body: { amountFen, reason: refundReason(key) },
        headers: { 'idempotency-key': key },
      };
      return ok<RefundView>(await sendOnce(operations, staff, 'refund', request, { paymentId, amountFen, key }), 201);
    },
    read: async (id: string) => {
      const answer = await staff.cashier.get(`/api/payments/${id}`);
      if (answer.status !== 200) throw new Error(`reading payment ${id}: ${JSON.stringify(answer)}`);
      return (answer.body as { payment: PaymentView }).payment;
    },
    /** The statuses the cashier screen shows while it polls a payment, until it ends or `ms` pass. */
    watch: async (id: string, ms: number) => {
      const checkout = operations.find((op) => op.answers.some((a) => a.status === 201 && (a.body as PaymentView).id === id));
      const statuses: string[] = [];
      await until(async () => {
        const payment = await api.read(id);
        checkout?.seen.push(payment);
        statuses.push(payment.status);
        return payment.status !== 'pending' && payment.status !== 'created';
      }, ms);
      return statuses;
    },
  };
  return api;
}

async function until(done: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`still waiting after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function simTrade(db: Db, outTradeNo: string) {
  return db.kysely.selectFrom('sim_trades').selectAll().where('out_trade_no', '=', outTradeNo).executeTakeFirst();
}

function refundOf(db: Db, id: string) {
  return db.kysely.selectFrom('refunds').selectAll().where('id', '=', id).executeTakeFirst();
}

/** How many of the payment's re-queries got no answer (recorded as "queried" with answer "unknown"). */
async function queriesMetOutage(db: Db, paymentId: string): Promise<number> {
  const events = await db.kysely
    .selectFrom('payment_events')
    .select('detail')
    .where('payment_id', '=', paymentId)
    .where('type', '=', 'queried')
    .execute();
  return events.filter((e) => (JSON.parse(e.detail) as { answer?: string }).answer === 'unknown').length;
}
