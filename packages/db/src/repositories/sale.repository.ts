import type { Insertable } from 'kysely';
import type { Dialect } from '../connect.ts';
import type { NewPayment, Order, OutboxTable, Payment, PaymentEvent, PaymentStatusColumn } from '../schema.ts';
import type { Executor } from './executor.ts';
import { finishedJob, type NewOutboxMessage, OutboxRepository, outboxRows, unclaimedJobs } from './outbox.repository.ts';
import { type MovePatch, PaymentRepository } from './payment.repository.ts';
import { prepared } from './prepared.ts';

/** The rows a sale starts with, written together or not at all. */
export interface SaleOpening {
  /** A new order, written with its payment (a checkout); absent when the order exists already. */
  order?: Order | undefined;
  payment: NewPayment;
  event: PaymentEvent;
  jobs: NewOutboxMessage[];
}

/** A sale the wallet says is paid, as the cashier expects it: the payment waiting, its order open. */
export interface PaidSale {
  merchantId: string;
  paymentId: string;
  orderId: string;
  /** The status the outcome was judged against. */
  from: PaymentStatusColumn;
  patch: MovePatch;
  /** The watch jobs the payment no longer needs. */
  jobIds: readonly string[];
  event: PaymentEvent;
  now: number;
}

// PostgreSQL: each is one statement, so one round trip instead of one per row plus BEGIN and COMMIT
// (docs/performance-checkout.md). A statement is atomic, and its constraints are checked at its end.
const openWithOrderOnPostgres = prepared((db, order: Order, payment: NewPayment, event: PaymentEvent, jobs: Insertable<OutboxTable>[]) =>
  db
    .with('o', (q) => q.insertInto('orders').values(order).returning('id'))
    .with('p', (q) => q.insertInto('payments').values(payment).returning('id'))
    .with('e', (q) => q.insertInto('payment_events').values(event).returning('id'))
    .insertInto('outbox')
    .values(jobs),
);
const openOnPostgres = prepared((db, payment: NewPayment, event: PaymentEvent, jobs: Insertable<OutboxTable>[]) =>
  db
    .with('p', (q) => q.insertInto('payments').values(payment).returning('id'))
    .with('e', (q) => q.insertInto('payment_events').values(event).returning('id'))
    .insertInto('outbox')
    .values(jobs),
);
// The order is locked first and must still be open, so the payment moves only if its order becomes paid
// with it; anything else (a second payment of the order, a race) writes nothing and is left to the caller.
const settlePaidOnPostgres = prepared(
  (
    db,
    merchantId: string,
    paymentId: string,
    orderId: string,
    from: PaymentStatusColumn,
    patch: MovePatch,
    jobIds: readonly string[],
    event: PaymentEvent,
    now: number,
  ) =>
    db
      .with('o', (q) =>
        q
          .selectFrom('orders')
          .select('id')
          .where('merchant_id', '=', merchantId)
          .where('id', '=', orderId)
          .where('status', '=', 'open')
          .forUpdate(),
      )
      .with('m', (q) =>
        q
          .updateTable('payments')
          .set({ ...patch, status: 'succeeded', updated_at: now })
          .where('merchant_id', '=', merchantId)
          .where('id', '=', paymentId)
          .where('status', '=', from)
          .where((eb) => eb.exists(eb.selectFrom('o').select('o.id')))
          .returningAll(),
      )
      .with('paid', (q) =>
        q
          .updateTable('orders')
          .set({ status: 'paid', updated_at: now })
          .where('merchant_id', '=', merchantId)
          .where('id', '=', orderId)
          .where('status', '=', 'open')
          .where((eb) => eb.exists(eb.selectFrom('m').select('m.id')))
          .returning('id'),
      )
      .with('j', (q) =>
        q
          .updateTable('outbox')
          .set(finishedJob(now))
          .where(unclaimedJobs(jobIds, now))
          .where((eb) => eb.exists(eb.selectFrom('m').select('m.id')))
          .returning('id'),
      )
      .with('e', (q) =>
        q
          .insertInto('payment_events')
          .columns(['id', 'merchant_id', 'payment_id', 'type', 'detail', 'actor_user_id', 'created_at'])
          .expression((eb) =>
            eb
              .selectFrom('m')
              .select((s) => [
                s.val(event.id).as('id'),
                s.val(event.merchant_id).as('merchant_id'),
                s.val(event.payment_id).as('payment_id'),
                s.val(event.type).as('type'),
                s.val(event.detail).as('detail'),
                s.val(event.actor_user_id).as('actor_user_id'),
                s.val(event.created_at).as('created_at'),
              ]),
          )
          .returning('id'),
      )
      .selectFrom('m')
      .selectAll(),
);

const orderTaken = (err: unknown) => (err as { code?: string; constraint?: string }).constraint === 'orders_pk';
const uniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505';

/**
 * The two writes every sale makes, each all or nothing: the rows it starts with, and the move to paid.
 * They are here rather than in the service's transactions because PostgreSQL can make each one statement
 * (a round trip costs more than the statement on a busy machine); SQLite runs the same rows as a transaction.
 */
export class SaleRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect,
  ) {}

  /** False when the order id was taken already: nothing is written. A payment that clashes throws. */
  async open(sale: SaleOpening): Promise<boolean> {
    const jobs = outboxRows(sale.jobs);
    if (this.dialect === 'postgres') {
      try {
        if (sale.order) await openWithOrderOnPostgres.changed(this.db, this.dialect, sale.order, sale.payment, sale.event, jobs);
        else await openOnPostgres.changed(this.db, this.dialect, sale.payment, sale.event, jobs);
        return true;
      } catch (err) {
        // The statement's parts run in no fixed order, so an in-flight payment of a retried order may be
        // the clash reported; a transaction of separate inserts would have stopped at the order.
        if (sale.order && uniqueViolation(err)) {
          if (orderTaken(err) || (await new PaymentRepository(this.db, this.dialect).findOrder(sale.order.merchant_id, sale.order.id))) {
            return false;
          }
        }
        throw err;
      }
    }
    return this.transaction(async (trx) => {
      const payments = new PaymentRepository(trx, this.dialect);
      if (sale.order && !(await payments.insertOrder(sale.order))) throw new OrderTaken();
      await payments.insertPayment(sale.payment);
      await payments.appendEvent(sale.event);
      await new OutboxRepository(trx, this.dialect).enqueue(...sale.jobs);
      return true;
    }).catch((err: unknown) => {
      if (err instanceof OrderTaken) return false;
      throw err;
    });
  }

  /**
   * Moves the payment to succeeded, its order to paid, finishes its watch jobs and records the event, in
   * one go; or, when the payment or its order is not as `sale` expects, writes nothing and answers undefined.
   */
  async settlePaid(sale: PaidSale): Promise<Payment | undefined> {
    const { merchantId, paymentId, orderId, from, patch, jobIds, event, now } = sale;
    if (this.dialect === 'postgres') {
      return settlePaidOnPostgres.first(this.db, this.dialect, merchantId, paymentId, orderId, from, patch, jobIds, event, now);
    }
    return this.transaction(async (trx) => {
      const payments = new PaymentRepository(trx, this.dialect);
      if (!(await payments.setOrderStatus(merchantId, orderId, ['open'], 'paid', now))) throw new NotAsExpected();
      const moved = await payments.move(merchantId, paymentId, [from], 'succeeded', patch, now);
      if (!moved) throw new NotAsExpected();
      await new OutboxRepository(trx, this.dialect).finishUnclaimed(jobIds, now);
      await payments.appendEvent(event);
      return moved;
    }).catch((err: unknown) => {
      if (err instanceof NotAsExpected) return undefined;
      throw err;
    });
  }

  /** Its own transaction: a rollback here must not leave half of a caller's transaction behind. */
  private transaction<T>(fn: (trx: Executor) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(fn);
  }
}

/** Rolls back an opening whose order id is taken. */
class OrderTaken extends Error {}
/** Rolls back a settlement whose payment or order is not as expected. */
class NotAsExpected extends Error {}
