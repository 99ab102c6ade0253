import { chinaUtcOffsetMs } from '@paydesk/domain';
import { sql } from 'kysely';
import type { Dialect } from '../connect.ts';
import type { NewPayment, Order, Payment, PaymentEvent, PaymentStatusColumn, Refund } from '../schema.ts';
import type { Executor } from './executor.ts';
import { prepared } from './prepared.ts';

export interface PaymentFilter {
  from?: number | undefined;
  to?: number | undefined;
  storeId?: string | null | undefined;
  stationId?: string | undefined;
  cashierId?: string | undefined;
  method?: string | undefined;
  status?: string | undefined;
  minFen?: number | undefined;
  maxFen?: number | undefined;
  outTradeNo?: string | undefined;
  /** Keyset cursor: the (created_at, id) of the last row of the previous page. */
  before?: { createdAt: number; id: string } | undefined;
  limit?: number | undefined;
}

export interface DailyTotal {
  day: number;
  count: number;
  succeededFen: number;
  refundedFen: number;
}

const dayMs = 86_400_000;

// The statements every sale runs, prepared once (prepared.ts).
export const insertOrderQuery = prepared((db, row: Order) =>
  db
    .insertInto('orders')
    .values(row)
    .onConflict((oc) => oc.columns(['merchant_id', 'id']).doNothing()),
);
const findOrderQuery = prepared((db, merchantId: string, id: string) =>
  db.selectFrom('orders').selectAll().where('merchant_id', '=', merchantId).where('id', '=', id),
);
export const setOrderStatusQuery = prepared(
  (db, merchantId: string, id: string, from: readonly Order['status'][], to: Order['status'], now: number) =>
    db
      .updateTable('orders')
      .set({ status: to, updated_at: now })
      .where('merchant_id', '=', merchantId)
      .where('id', '=', id)
      .where('status', 'in', from),
);
export const insertPaymentQuery = prepared((db, row: NewPayment) => db.insertInto('payments').values(row));
const findPaymentQuery = prepared((db, merchantId: string, id: string) =>
  db.selectFrom('payments').selectAll().where('merchant_id', '=', merchantId).where('id', '=', id),
);
export const moveQuery = prepared(
  (db, merchantId: string, id: string, from: readonly PaymentStatusColumn[], to: PaymentStatusColumn, patch: MovePatch, now: number) =>
    db
      .updateTable('payments')
      .set({ ...patch, status: to, updated_at: now })
      .where('merchant_id', '=', merchantId)
      .where('id', '=', id)
      .where('status', 'in', from)
      .returningAll(),
);
export const appendEventQuery = prepared((db, row: PaymentEvent) => db.insertInto('payment_events').values(row));

export type MovePatch = Partial<
  Pick<Payment, 'failure_code' | 'failure_reason' | 'channel_trade_no' | 'paid_at' | 'late_success' | 'code_text'>
>;

export class PaymentRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect,
  ) {}

  async insertOrder(row: Order): Promise<boolean> {
    return (await insertOrderQuery.changed(this.db, this.dialect, row)) > 0;
  }

  async findOrder(merchantId: string, id: string): Promise<Order | undefined> {
    return findOrderQuery.first(this.db, this.dialect, merchantId, id);
  }

  async setOrderStatus(merchantId: string, id: string, from: Order['status'][], to: Order['status'], now: number): Promise<boolean> {
    return (await setOrderStatusQuery.changed(this.db, this.dialect, merchantId, id, from, to, now)) > 0;
  }

  async insertPayment(row: NewPayment): Promise<void> {
    await insertPaymentQuery.changed(this.db, this.dialect, row);
  }

  async findPayment(merchantId: string, id: string): Promise<Payment | undefined> {
    return findPaymentQuery.first(this.db, this.dialect, merchantId, id);
  }

  async findByOutTradeNo(merchantId: string, outTradeNo: string): Promise<Payment | undefined> {
    return this.db
      .selectFrom('payments')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .where('out_trade_no', '=', outTradeNo)
      .executeTakeFirst();
  }

  async paymentsOfOrder(merchantId: string, orderId: string): Promise<Payment[]> {
    return this.db
      .selectFrom('payments')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .where('order_id', '=', orderId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }

  /**
   * The one way a payment changes state: only from one of `from`, so a duplicate notification, a late
   * query answer and a cashier's cancel can race and exactly one of them wins.
   */
  async move(
    merchantId: string,
    id: string,
    from: readonly PaymentStatusColumn[],
    to: PaymentStatusColumn,
    patch: MovePatch,
    now: number,
  ): Promise<Payment | undefined> {
    if (from.length === 0) return undefined;
    return moveQuery.first(this.db, this.dialect, merchantId, id, from, to, patch, now);
  }

  async setCodeText(merchantId: string, id: string, codeText: string, now: number): Promise<void> {
    await this.db
      .updateTable('payments')
      .set({ code_text: codeText, updated_at: now })
      .where('merchant_id', '=', merchantId)
      .where('id', '=', id)
      .execute();
  }

  async countQuery(merchantId: string, id: string): Promise<void> {
    await this.db
      .updateTable('payments')
      .set((eb) => ({ query_count: eb('query_count', '+', 1) }))
      .where('merchant_id', '=', merchantId)
      .where('id', '=', id)
      .execute();
  }

  /** Reserves a refund amount: only on a succeeded payment and never past what was paid. */
  async reserveRefund(merchantId: string, id: string, amountFen: number, now: number): Promise<boolean> {
    const res = await this.db
      .updateTable('payments')
      .set((eb) => ({ refunded_fen: eb('refunded_fen', '+', amountFen), updated_at: now }))
      .where('merchant_id', '=', merchantId)
      .where('id', '=', id)
      .where('status', '=', 'succeeded')
      .where(sql<boolean>`refunded_fen + ${amountFen} <= amount_fen`)
      .executeTakeFirst();
    return res.numUpdatedRows > 0n;
  }

  async releaseRefund(merchantId: string, id: string, amountFen: number, now: number): Promise<void> {
    await this.db
      .updateTable('payments')
      .set((eb) => ({ refunded_fen: eb('refunded_fen', '-', amountFen), updated_at: now }))
      .where('merchant_id', '=', merchantId)
      .where('id', '=', id)
      .execute();
  }

  async appendEvent(row: PaymentEvent): Promise<void> {
    await appendEventQuery.changed(this.db, this.dialect, row);
  }

  async events(merchantId: string, paymentId: string): Promise<PaymentEvent[]> {
    return this.db
      .selectFrom('payment_events')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .where('payment_id', '=', paymentId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }

  async insertRefund(row: Refund): Promise<void> {
    await this.db.insertInto('refunds').values(row).execute();
  }

  async findRefund(merchantId: string, id: string): Promise<Refund | undefined> {
    return this.db.selectFrom('refunds').selectAll().where('merchant_id', '=', merchantId).where('id', '=', id).executeTakeFirst();
  }

  async findRefundByRequestKey(merchantId: string, requestKey: string): Promise<Refund | undefined> {
    return this.db
      .selectFrom('refunds')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .where('request_key', '=', requestKey)
      .executeTakeFirst();
  }

  async findRefundByOutRefundNo(merchantId: string, outRefundNo: string): Promise<Refund | undefined> {
    return this.db
      .selectFrom('refunds')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .where('out_refund_no', '=', outRefundNo)
      .executeTakeFirst();
  }

  async refundsOf(merchantId: string, paymentId: string): Promise<Refund[]> {
    return this.db
      .selectFrom('refunds')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .where('payment_id', '=', paymentId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }

  async moveRefund(
    merchantId: string,
    id: string,
    to: 'succeeded' | 'failed',
    patch: Partial<Pick<Refund, 'channel_refund_no' | 'failure_reason'>>,
    now: number,
  ): Promise<boolean> {
    const res = await this.db
      .updateTable('refunds')
      .set({ ...patch, status: to, updated_at: now })
      .where('merchant_id', '=', merchantId)
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return res.numUpdatedRows > 0n;
  }

  async insertCashMovement(row: {
    id: string;
    merchant_id: string;
    store_id: string;
    station_id: string | null;
    payment_id: string | null;
    refund_id: string | null;
    kind: 'sale' | 'refund';
    amount_fen: number;
    actor_user_id: string | null;
    created_at: number;
  }): Promise<void> {
    await this.db.insertInto('cash_movements').values(row).execute();
  }

  private filtered(merchantId: string, f: PaymentFilter) {
    let q = this.db.selectFrom('payments').where('merchant_id', '=', merchantId);
    if (f.from !== undefined) q = q.where('created_at', '>=', f.from);
    if (f.to !== undefined) q = q.where('created_at', '<', f.to);
    if (f.storeId) q = q.where('store_id', '=', f.storeId);
    if (f.stationId) q = q.where('station_id', '=', f.stationId);
    if (f.cashierId) q = q.where('cashier_id', '=', f.cashierId);
    if (f.method) q = q.where('method', '=', f.method as Payment['method']);
    if (f.status) q = q.where('status', '=', f.status as PaymentStatusColumn);
    if (f.minFen !== undefined) q = q.where('amount_fen', '>=', f.minFen);
    if (f.maxFen !== undefined) q = q.where('amount_fen', '<=', f.maxFen);
    if (f.outTradeNo) q = q.where('out_trade_no', '=', f.outTradeNo);
    return q;
  }

  async list(merchantId: string, f: PaymentFilter): Promise<Payment[]> {
    let q = this.filtered(merchantId, f).selectAll();
    const before = f.before;
    if (before) {
      // A row comparison, so PostgreSQL walks the (merchant_id, created_at, id) index from the cursor.
      q = q.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(before.createdAt, before.id)));
    }
    return q
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(f.limit ?? 50)
      .execute();
  }

  /** Totals for the filter: what was taken (succeeded) and what went back. */
  async totals(merchantId: string, f: PaymentFilter): Promise<{ count: number; succeededFen: number; refundedFen: number }> {
    const row = await this.filtered(merchantId, f)
      .select((eb) => [
        eb.fn.countAll<number>().as('count'),
        eb.fn.coalesce(eb.fn.sum<number>(sql`case when status = 'succeeded' then amount_fen else 0 end`), sql<number>`0`).as('succeeded'),
        eb.fn.coalesce(eb.fn.sum<number>('refunded_fen'), sql<number>`0`).as('refunded'),
      ])
      .executeTakeFirstOrThrow();
    return { count: Number(row.count), succeededFen: Number(row.succeeded), refundedFen: Number(row.refunded) };
  }

  /**
   * Totals per calendar day in China (UTC+8 all year, no daylight saving), for the filter's range.
   * `day` is the day's number since 1970-01-01 there; days without payments are absent.
   */
  async dailyTotals(merchantId: string, f: PaymentFilter): Promise<DailyTotal[]> {
    // Literals, not parameters: PostgreSQL must see the same expression in the select and the group by.
    const day = sql<number>`(created_at + ${sql.lit(chinaUtcOffsetMs)}) / ${sql.lit(dayMs)}`;
    const rows = await this.filtered(merchantId, f)
      .select((eb) => [
        day.as('day'),
        eb.fn.countAll<number>().as('count'),
        eb.fn.coalesce(eb.fn.sum<number>(sql`case when status = 'succeeded' then amount_fen else 0 end`), sql<number>`0`).as('succeeded'),
        eb.fn.coalesce(eb.fn.sum<number>('refunded_fen'), sql<number>`0`).as('refunded'),
      ])
      .groupBy(day)
      .orderBy(day)
      .execute();
    return rows.map((r) => ({
      day: Number(r.day),
      count: Number(r.count),
      succeededFen: Number(r.succeeded),
      refundedFen: Number(r.refunded),
    }));
  }

  /** Pending payments past their expiry: the worker's sweep closes or reverses them. */
  async overdue(now: number, limit: number): Promise<Payment[]> {
    return this.db
      .selectFrom('payments')
      .selectAll()
      .where('status', 'in', ['created', 'pending'])
      .where('expires_at', '<', now)
      .orderBy('expires_at')
      .limit(limit)
      .execute();
  }
}
