import { batchStats, type NewPayment, newId, type Order, openDatabase, type PaymentEvent, repositories } from '@paydesk/db';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, freshDatabase, type TestDb } from '../support/databases.ts';
import { insertBinding, insertMerchant, insertStore, t0 } from '../support/rows.ts';

/**
 * A sale's two writes (open, settle as paid) are one statement each on PostgreSQL and a transaction on
 * SQLite: both must write all of it or none of it, and refuse the same unusual cases.
 */
describe.each(dialects)('sale writes on %s', (dialect) => {
  let db: TestDb;
  let merchant: string;
  let store: string;

  beforeAll(async () => {
    db = await freshDatabase(dialect);
    merchant = await insertMerchant(db);
    store = await insertStore(db, merchant);
  });
  afterAll(async () => {
    await db.destroy();
  });

  const repos = () => repositories(db.kysely, dialect, db.atomic);

  const order = (id = newId(), shop = { merchant, store }): Order => ({
    merchant_id: shop.merchant,
    id,
    store_id: shop.store,
    station_id: null,
    cashier_id: 'cashier',
    status: 'open',
    total_fen: 1500,
    lines: '[]',
    created_at: t0,
    updated_at: t0,
  });
  const payment = (orderId: string, shop = { merchant, store }): NewPayment => {
    const id = newId();
    return {
      id,
      merchant_id: shop.merchant,
      order_id: orderId,
      store_id: shop.store,
      station_id: null,
      cashier_id: 'cashier',
      out_trade_no: `PD${id}`,
      method: 'wechatpay',
      channel: 'simulator',
      flow: 'code_pay',
      amount_fen: 1500,
      status: 'created',
      expires_at: t0 + 45_000,
      created_at: t0,
      updated_at: t0,
    };
  };
  const event = (paymentId: string, type: string, merchantId = merchant): PaymentEvent => ({
    id: newId(),
    merchant_id: merchantId,
    payment_id: paymentId,
    type,
    detail: '{}',
    actor_user_id: null,
    created_at: t0,
  });
  const jobs = (paymentId: string, merchantId = merchant) =>
    [`${paymentId}.expire`, `${paymentId}.requery`].map((id) => ({
      id,
      merchantId,
      topic: 'payment.requery',
      payload: '{}',
      runAt: t0 + 3000,
      now: t0,
    }));

  async function opened(shop = { merchant, store }) {
    const o = order(newId(), shop);
    const p = payment(o.id, shop);
    expect(
      await repos().sales.open({ order: o, payment: p, event: event(p.id, 'created', shop.merchant), jobs: jobs(p.id, shop.merchant) }),
    ).toBe(true);
    return { o, p };
  }
  const paid = (o: Order, paymentId: string, from: 'created' | 'pending' = 'created') =>
    repos().sales.settlePaid({
      merchantId: merchant,
      paymentId,
      orderId: o.id,
      from,
      patch: { channel_trade_no: 'T1', paid_at: t0 + 1000, late_success: 0 },
      jobIds: [`${paymentId}.expire`, `${paymentId}.requery`],
      event: event(paymentId, 'succeeded'),
      now: t0 + 1000,
    });
  const state = async (o: Order, paymentId: string) => ({
    order: (await repos().payments.findOrder(o.merchant_id, o.id))?.status,
    payment: (await repos().payments.findPayment(o.merchant_id, paymentId))?.status,
    events: (await repos().payments.events(o.merchant_id, paymentId)).map((e) => e.type),
    jobs: (await Promise.all([`${paymentId}.expire`, `${paymentId}.requery`].map((id) => repos().outbox.findById(id)))).map(
      (j) => j?.status,
    ),
  });

  it('opens a sale with its order, payment, event and watch jobs', async () => {
    const { o, p } = await opened();
    expect(await state(o, p.id)).toEqual({ order: 'open', payment: 'created', events: ['created'], jobs: ['pending', 'pending'] });
  });

  it('writes nothing when the order id is taken, even with a payment of it in flight', async () => {
    const { o } = await opened();
    const again = payment(o.id);
    expect(
      await repos().sales.open({ order: { ...o, total_fen: 99 }, payment: again, event: event(again.id, 'created'), jobs: jobs(again.id) }),
    ).toBe(false);
    expect(await repos().payments.findPayment(merchant, again.id)).toBeUndefined();
    expect(await repos().outbox.findById(`${again.id}.expire`)).toBeUndefined();
    expect((await repos().payments.findOrder(merchant, o.id))?.total_fen).toBe(1500);
  });

  it('refuses a second payment in flight for an order, and writes none of it', async () => {
    const { o } = await opened();
    const second = payment(o.id);
    await expect(repos().sales.open({ payment: second, event: event(second.id, 'created'), jobs: jobs(second.id) })).rejects.toThrow(
      /unique|duplicate/i,
    );
    expect(await repos().payments.findPayment(merchant, second.id)).toBeUndefined();
    expect(await repos().outbox.findById(`${second.id}.requery`)).toBeUndefined();
  });

  it('writes none of a sale whose last row clashes: no order, no payment, no event', async () => {
    const { p: earlier } = await opened();
    const o = order();
    const p = payment(o.id);
    const clashing = jobs(p.id).map((job, i) => (i === 1 ? { ...job, id: `${earlier.id}.requery` } : job));
    await expect(repos().sales.open({ order: o, payment: p, event: event(p.id, 'created'), jobs: clashing })).rejects.toThrow(
      /unique|duplicate/i,
    );
    expect(await repos().payments.findOrder(merchant, o.id)).toBeUndefined();
    expect(await repos().payments.findPayment(merchant, p.id)).toBeUndefined();
    expect(await repos().payments.events(merchant, p.id)).toEqual([]);
    expect(await repos().outbox.findById(`${p.id}.expire`)).toBeUndefined();
  });

  it('refuses to run inside a transaction, where it would not be all or nothing by itself', async () => {
    const o = order();
    const p = payment(o.id);
    await expect(
      db.kysely
        .transaction()
        .execute((trx) => repositories(trx, dialect).sales.open({ order: o, payment: p, event: event(p.id, 'created'), jobs: jobs(p.id) })),
    ).rejects.toThrow(/never inside a transaction/);
    expect(await repos().payments.findOrder(merchant, o.id)).toBeUndefined();
  });

  it('settles a paid sale: payment succeeded, order paid, watch jobs done, event recorded', async () => {
    const { o, p } = await opened();
    const moved = await paid(o, p.id);
    expect(moved).toMatchObject({ id: p.id, status: 'succeeded', channel_trade_no: 'T1', paid_at: t0 + 1000 });
    expect(await state(o, p.id)).toEqual({ order: 'paid', payment: 'succeeded', events: ['created', 'succeeded'], jobs: ['done', 'done'] });
  });

  it('writes nothing when the payment has moved on, or its order is no longer open', async () => {
    const moved = await opened();
    expect(await paid(moved.o, moved.p.id, 'pending')).toBeUndefined();
    expect(await state(moved.o, moved.p.id)).toEqual({
      order: 'open',
      payment: 'created',
      events: ['created'],
      jobs: ['pending', 'pending'],
    });

    const closed = await opened();
    expect(await repos().payments.setOrderStatus(merchant, closed.o.id, ['open'], 'paid', t0)).toBe(true);
    expect(await paid(closed.o, closed.p.id)).toBeUndefined();
    expect(await state(closed.o, closed.p.id)).toEqual({
      order: 'paid',
      payment: 'created',
      events: ['created'],
      jobs: ['pending', 'pending'],
    });
  });

  // On PostgreSQL this is about lock order (the payment before its order); SQLite runs one writer at a time.
  it('waits behind another move of the payment, without a deadlock, then writes nothing', async () => {
    const { o, p } = await opened();
    let settled: Promise<unknown> | undefined;
    // Another settlement of the same payment, in the order every move takes its rows: payment, then order.
    await db.kysely.connection().execute(async (conn) => {
      await sql`begin`.execute(conn);
      await sql`update payments set status = 'failed' where merchant_id = ${merchant} and id = ${p.id}`.execute(conn);
      settled = paid(o, p.id);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await sql`update orders set status = 'cancelled' where merchant_id = ${merchant} and id = ${o.id}`.execute(conn);
      await sql`commit`.execute(conn);
    });
    expect(await settled).toBeUndefined();
    expect(await state(o, p.id)).toMatchObject({ order: 'cancelled', payment: 'failed', events: ['created'] });
  });

  it('leaves a job a worker holds to that worker', async () => {
    const { o, p } = await opened();
    await db.kysely
      .updateTable('outbox')
      .set({ locked_until: t0 + 60_000 })
      .where('id', '=', `${p.id}.requery`)
      .execute();
    expect(await paid(o, p.id)).toBeDefined();
    expect((await state(o, p.id)).jobs).toEqual(['done', 'pending']);
  });

  // On PostgreSQL sales made at once share one statement (coalescer.ts): each must end as it would alone.
  describe('made at once', () => {
    /** How many statements and calls of this kind ran while `work` did (PostgreSQL only). */
    async function sharing<T>(kind: string, work: () => Promise<T>) {
      const total = () => {
        const sum = { batches: 0, calls: 0, alone: 0 };
        for (const [k, s] of Object.entries(batchStats(db.kysely))) {
          if (!k.startsWith(kind)) continue;
          sum.batches += s.batches;
          sum.calls += s.calls;
          sum.alone += s.alone;
        }
        return sum;
      };
      const before = total();
      const result = await work();
      const after = total();
      return {
        result,
        statements: after.batches - before.batches,
        calls: after.calls - before.calls,
        alone: after.alone - before.alone,
      };
    }

    it('opens sales made together in one statement on PostgreSQL, each written whole', async () => {
      const sales = Array.from({ length: 6 }, () => {
        const o = order();
        return { o, p: payment(o.id) };
      });
      const { result, statements, alone } = await sharing('sale.open', () =>
        Promise.all(sales.map(({ o, p }) => repos().sales.open({ order: o, payment: p, event: event(p.id, 'created'), jobs: jobs(p.id) }))),
      );
      expect(result).toEqual(sales.map(() => true));
      for (const { o, p } of sales) {
        expect(await state(o, p.id)).toEqual({ order: 'open', payment: 'created', events: ['created'], jobs: ['pending', 'pending'] });
        expect((await repos().payments.findPayment(merchant, p.id))?.amount_fen).toBe(1500);
      }
      if (dialect === 'postgres') expect({ statements, alone }).toEqual({ statements: 1, alone: 0 });
    });

    it('opens each sale as it would alone: the fresh ones written, a taken order refused, a clash thrown', async () => {
      const { o: taken, p: earlier } = await opened();
      const fresh = Array.from({ length: 5 }, () => {
        const o = order();
        return { o, p: payment(o.id) };
      });
      const retry = payment(taken.id);
      const clash = (() => {
        const o = order();
        const p = payment(o.id);
        return { o, p, jobs: jobs(p.id).map((job, i) => (i === 1 ? { ...job, id: `${earlier.id}.requery` } : job)) };
      })();
      const { result, statements, calls } = await sharing('sale.open', () =>
        Promise.allSettled([
          ...fresh.map(({ o, p }) => repos().sales.open({ order: o, payment: p, event: event(p.id, 'created'), jobs: jobs(p.id) })),
          repos().sales.open({ order: taken, payment: retry, event: event(retry.id, 'created'), jobs: jobs(retry.id) }),
          repos().sales.open({ order: clash.o, payment: clash.p, event: event(clash.p.id, 'created'), jobs: clash.jobs }),
        ]),
      );
      expect(result.map((r) => (r.status === 'fulfilled' ? r.value : 'thrown'))).toEqual([true, true, true, true, true, false, 'thrown']);
      for (const { o, p } of fresh) {
        expect(await state(o, p.id)).toEqual({ order: 'open', payment: 'created', events: ['created'], jobs: ['pending', 'pending'] });
      }
      expect(await repos().payments.findPayment(merchant, retry.id)).toBeUndefined();
      expect(await repos().payments.findOrder(merchant, clash.o.id)).toBeUndefined();
      expect(await repos().payments.findPayment(merchant, clash.p.id)).toBeUndefined();
      if (dialect === 'postgres') expect(statements).toBeLessThan(calls);
    });

    it('opens the others of a statement when one brings an order written already, which alone answers false', async () => {
      const { o: taken } = await opened();
      const fresh = Array.from({ length: 4 }, () => {
        const o = order();
        return { o, p: payment(o.id) };
      });
      const retry = payment(taken.id);
      const sales = [...fresh, { o: taken, p: retry }];
      const { result, statements, alone } = await sharing('sale.open', () =>
        Promise.all(sales.map(({ o, p }) => repos().sales.open({ order: o, payment: p, event: event(p.id, 'created'), jobs: jobs(p.id) }))),
      );
      expect(result).toEqual([true, true, true, true, false]);
      for (const { o, p } of fresh) {
        expect(await state(o, p.id)).toEqual({ order: 'open', payment: 'created', events: ['created'], jobs: ['pending', 'pending'] });
      }
      expect(await repos().payments.findPayment(merchant, retry.id)).toBeUndefined();
      expect(await repos().payments.events(merchant, retry.id)).toEqual([]);
      expect(await repos().outbox.findById(`${retry.id}.expire`)).toBeUndefined();
      if (dialect === 'postgres') expect({ statements, alone }).toEqual({ statements: 1, alone: 1 });
    });

    it('opens one of two openings of the same new order', async () => {
      const o = order();
      const [a, b] = [payment(o.id), payment(o.id)] as [NewPayment, NewPayment];
      const result = await Promise.all(
        [a, b].map((p) => repos().sales.open({ order: o, payment: p, event: event(p.id, 'created'), jobs: jobs(p.id) })),
      );
      expect(result.sort()).toEqual([false, true]);
      const written = await Promise.all([a, b].map((p) => repos().payments.findPayment(merchant, p.id)));
      expect(written.filter(Boolean)).toHaveLength(1);
    });

    it('settles each sale as it would alone; one whose payment moved meanwhile writes nothing', async () => {
      const sales = await Promise.all(Array.from({ length: 5 }, () => opened()));
      const moved = sales[2] as (typeof sales)[number];
      await repos().payments.move(merchant, moved.p.id, ['created'], 'pending', {}, t0);
      const { result, statements, calls } = await sharing('sale.settle', () => Promise.all(sales.map(({ o, p }) => paid(o, p.id))));
      expect(result.map((p) => p?.status)).toEqual(['succeeded', 'succeeded', undefined, 'succeeded', 'succeeded']);
      expect(result.map((p) => p?.id)).toEqual(sales.map(({ p }, i) => (i === 2 ? undefined : p.id)));
      for (const [i, { o, p }] of sales.entries()) {
        expect(await state(o, p.id)).toEqual(
          i === 2
            ? { order: 'open', payment: 'pending', events: ['created'], jobs: ['pending', 'pending'] }
            : { order: 'paid', payment: 'succeeded', events: ['created', 'succeeded'], jobs: ['done', 'done'] },
        );
      }
      if (dialect === 'postgres') expect(statements).toBeLessThan(calls);
    });

    it('settles a payment asked to settle twice at once only once', async () => {
      const { o, p } = await opened();
      const result = await Promise.all([paid(o, p.id), paid(o, p.id)]);
      expect(result.filter(Boolean)).toHaveLength(1);
      expect(await state(o, p.id)).toEqual({
        order: 'paid',
        payment: 'succeeded',
        events: ['created', 'succeeded'],
        jobs: ['done', 'done'],
      });
    });

    it("settles sales of two merchants together as each would alone: statuses, a shared binding, another merchant's payment", async () => {
      const other = { merchant: await insertMerchant(db), store: '' };
      other.store = await insertStore(db, other.merchant);
      const binding = await insertBinding(db, merchant, store);
      const ours = await Promise.all(Array.from({ length: 3 }, () => opened()));
      const theirs = await Promise.all(Array.from({ length: 2 }, () => opened(other)));
      const untouched = await opened();
      const pendingOne = ours[2] as (typeof ours)[number];
      await repos().payments.move(merchant, pendingOne.p.id, ['created'], 'pending', {}, t0);
      const settle = (
        { o, p }: { o: Order; p: NewPayment },
        extra: { from?: 'created' | 'pending'; binding?: string; merchantId?: string } = {},
      ) =>
        repos().sales.settlePaid({
          merchantId: extra.merchantId ?? o.merchant_id,
          paymentId: p.id,
          orderId: o.id,
          from: extra.from ?? 'created',
          patch: { channel_trade_no: `T-${p.id}`, paid_at: t0 + 1000, late_success: 0 },
          jobIds: [`${p.id}.expire`, `${p.id}.requery`],
          event: event(p.id, 'succeeded', o.merchant_id),
          binding: extra.binding ? { id: extra.binding, event: event(p.id, 'binding_verified', o.merchant_id) } : undefined,
          now: t0 + 1000,
        });
      const { result, statements, alone } = await sharing('sale.settle', () =>
        Promise.all([
          ...ours.map((sale) => settle(sale, { binding, from: sale === pendingOne ? 'pending' : 'created' })),
          ...theirs.map((sale) => settle(sale)),
          // A settlement naming the other merchant for our payment: as alone, it finds nothing to move.
          settle(untouched, { merchantId: other.merchant }),
        ]),
      );
      const everyone = [...ours, ...theirs];
      expect(result.map((p) => p && [p.id, p.merchant_id, p.status, p.channel_trade_no])).toEqual([
        ...everyone.map(({ p }) => [p.id, p.merchant_id, 'succeeded', `T-${p.id}`]),
        undefined,
      ]);
      for (const { o, p } of everyone) expect((await state(o, p.id)).order).toBe('paid');
      expect(await state(untouched.o, untouched.p.id)).toEqual({
        order: 'open',
        payment: 'created',
        events: ['created'],
        jobs: ['pending', 'pending'],
      });
      const verifications = (await Promise.all(ours.map(({ o, p }) => state(o, p.id)))).filter((s) =>
        s.events.includes('binding_verified'),
      );
      expect(verifications).toHaveLength(1);
      const marked = await db.kysely.selectFrom('code_bindings').select('verified_at').where('id', '=', binding).executeTakeFirst();
      expect(marked?.verified_at).toBe(t0 + 1000);
      // One statement for the five; the stranger's settlement, not settled by it, ran by itself.
      if (dialect === 'postgres') expect({ statements, alone }).toEqual({ statements: 1, alone: 1 });
    });

    if (dialect === 'postgres') {
      it("settles the others of a statement at once while one sale's payment is held, and that one when it is free", async () => {
        const sales = await Promise.all(Array.from({ length: 3 }, () => opened()));
        const held = sales[1] as (typeof sales)[number];
        await db.kysely.connection().execute(async (conn) => {
          await sql`begin`.execute(conn);
          await sql`select id from payments where merchant_id = ${merchant} and id = ${held.p.id} for update`.execute(conn);
          const settling = sales.map(({ o, p }) => paid(o, p.id));
          // Resolved while the lock is held: the statement skipped the held payment instead of waiting.
          expect((await Promise.all([settling[0], settling[2]])).map((p) => p?.status)).toEqual(['succeeded', 'succeeded']);
          await sql`commit`.execute(conn);
          expect((await settling[1])?.status).toBe('succeeded');
        });
        for (const { o, p } of sales) expect((await state(o, p.id)).payment).toBe('succeeded');
      });
    }

    if (dialect === 'postgres') {
      it('opens an order once when a shared statement and another process open it at once, without a deadlock', async () => {
        // Another server process: its own pool, its own statements.
        const other = openDatabase({ databaseUrl: db.url, dataDir: db.dataDir, poolSize: 2 });
        // The shared statement's payment of the contested order is slow to insert, so the other process's
        // opening of that order comes while the statement holds its rows.
        await sql
          .raw(`create function slow_payment() returns trigger language plpgsql as $$
            begin if new.cashier_id = 'slow' then perform pg_sleep(0.3); end if; return new; end $$;
            create trigger slow_payment before insert on payments for each row execute function slow_payment()`)
          .execute(db.kysely);
        try {
          for (let round = 0; round < 3; round += 1) {
            const contested = order();
            const fresh = [order(), order()];
            const shared = Promise.allSettled(
              [{ o: contested, p: { ...payment(contested.id), cashier_id: 'slow' } }, ...fresh.map((o) => ({ o, p: payment(o.id) }))].map(
                ({ o, p }) => repos().sales.open({ order: o, payment: p, event: event(p.id, 'created'), jobs: jobs(p.id) }),
              ),
            );
            await new Promise((resolve) => setTimeout(resolve, 100));
            const p = payment(contested.id);
            const alone = repositories(other.kysely, 'postgres').sales.open({
              order: contested,
              payment: p,
              event: event(p.id, 'created'),
              jobs: jobs(p.id),
            });
            const answers = [...(await shared), ...(await Promise.allSettled([alone]))].map((a) =>
              a.status === 'fulfilled' ? a.value : String(a.reason),
            );
            expect(answers).toEqual([true, true, true, false]);
          }
        } finally {
          await sql.raw('drop trigger slow_payment on payments; drop function slow_payment()').execute(db.kysely);
          await other.close();
        }
      });

      it('opens sales without orders together in one statement', async () => {
        const orders = await Promise.all(Array.from({ length: 3 }, () => opened()));
        // Each order's first payment fails, so a second may open for it (no order row written this time).
        for (const { p } of orders) await repos().payments.move(merchant, p.id, ['created'], 'failed', {}, t0);
        const seconds = orders.map(({ o }) => payment(o.id));
        const { result, statements, alone } = await sharing('sale.open', () =>
          Promise.all(seconds.map((p) => repos().sales.open({ payment: p, event: event(p.id, 'created'), jobs: jobs(p.id) }))),
        );
        expect(result).toEqual([true, true, true]);
        for (const [i, p] of seconds.entries()) {
          expect(await state(orders[i]?.o as Order, p.id)).toEqual({
            order: 'open',
            payment: 'created',
            events: ['created'],
            jobs: ['pending', 'pending'],
          });
        }
        expect({ statements, alone }).toEqual({ statements: 1, alone: 0 });
      });
    }
  });
});
