import type { Dialect } from '../connect.ts';
import type { NewPayment, Order, Payment, PaymentEvent, PaymentStatusColumn } from '../schema.ts';
import type { Atomic, AtomicUnit } from '../write-batch.ts';
import { coalescerFor } from './batched.ts';
import { markVerifiedQuery } from './binding.repository.ts';
import { columnsOf, type Executor } from './executor.ts';
import { enqueueQuery, finishUnclaimedQuery, type NewOutboxMessage, outboxRows } from './outbox.repository.ts';
import {
  appendEventQuery,
  insertOrderQuery,
  insertPaymentQuery,
  type MovePatch,
  moveQuery,
  setOrderStatusQuery,
} from './payment.repository.ts';
import { openSales, patchColumns, settleSale, settleSales } from './sale.batches.ts';

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
  /** The binding the payment went through, and the event recorded if this payment is the one that verifies it. */
  binding?: { id: string; event: PaymentEvent } | undefined;
  now: number;
}

/**
 * The two writes every sale makes, each all or nothing: the rows it starts with, and the move to paid.
 * They are here rather than in the service's transactions because each database can do them faster as
 * one unit: PostgreSQL as one statement (a round trip costs more than the statement on a busy machine),
 * SQLite as an atomic unit committed together with the other sales of the moment (write-batch.ts).
 */
export class SaleRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect,
    private readonly atomic: Atomic | undefined,
  ) {}

  /** False when the order id was taken already: nothing is written. A payment that clashes throws. */
  async open(sale: SaleOpening): Promise<boolean> {
    this.refuseTransaction();
    if (this.dialect === 'postgres') {
      // The statement names the columns the rows set: sales setting others go in a statement of their own.
      const shape = [sale.order ? columnsOf(sale.order) : [], columnsOf(sale.payment), columnsOf(sale.event)].join('|');
      return coalescerFor(this.db, `sale.open:${shape}`, () => ({
        many: (sales: readonly SaleOpening[]) => openSales(this.db, sales),
        one: (one: SaleOpening) => this.openOnPostgres(one),
        // Two openings of one order in a statement would fail it whole; apart, the second answers false.
        key: (one: SaleOpening) => `${one.payment.merchant_id}/${one.payment.order_id}`,
      })).run(sale);
    }
    const { db, dialect } = this;
    const jobs = outboxRows(sale.jobs);
    return this.unit((run) => {
      if (sale.order && run.changed(insertOrderQuery.statement(db, dialect, sale.order)) === 0) return false;
      run.changed(insertPaymentQuery.statement(db, dialect, sale.payment));
      run.changed(appendEventQuery.statement(db, dialect, sale.event));
      run.changed(enqueueQuery.statement(db, dialect, jobs));
      return true;
    });
  }

  /**
   * One sale's opening on PostgreSQL: the shared statement with this sale alone, so that both write their
   * rows in the same order (orders, then payments) and an opening of an order cannot deadlock with a
   * statement opening the same order. Its order written already: nothing is written, false.
   */
  private async openOnPostgres(sale: SaleOpening): Promise<boolean> {
    const [answer] = await openSales(this.db, [sale]);
    return answer === true;
  }

  /**
   * Moves the payment to succeeded, its order to paid, finishes its watch jobs and records the event (and
   * marks its binding verified, if this is the binding's first payment), in one go; or, when the payment
   * or its order is not as `sale` expects, writes nothing and answers undefined.
   */
  async settlePaid(sale: PaidSale): Promise<Payment | undefined> {
    this.refuseTransaction();
    const { merchantId, paymentId, orderId, from, patch, jobIds, event, binding, now } = sale;
    const { db, dialect } = this;
    if (dialect === 'postgres') {
      return coalescerFor(db, `sale.settle:${patchColumns(sale).join(',')}`, () => ({
        many: (sales: readonly PaidSale[]) => settleSales(db, sales),
        one: (one: PaidSale) => settleSale(db, one),
        // Two payments of one order in a statement would both see it open; apart, the second finds it paid.
        key: (one: PaidSale) => `${one.merchantId}/${one.orderId}`,
      })).run(sale);
    }
    return this.unit((run) => {
      if (run.changed(setOrderStatusQuery.statement(db, dialect, merchantId, orderId, ['open'], 'paid', now)) === 0) return undefined;
      const [moved] = run.rows<Payment>(moveQuery.statement(db, dialect, merchantId, paymentId, [from], 'succeeded', patch, now));
      if (!moved) throw new NotAsExpected();
      run.changed(finishUnclaimedQuery.statement(db, dialect, jobIds, now));
      run.changed(appendEventQuery.statement(db, dialect, event));
      if (binding && run.changed(markVerifiedQuery.statement(db, dialect, merchantId, binding.id, now)) > 0) {
        run.changed(appendEventQuery.statement(db, dialect, binding.event));
      }
      return moved;
    }).catch((err: unknown) => {
      if (err instanceof NotAsExpected) return undefined;
      throw err;
    });
  }

  private unit<T>(work: AtomicUnit<T>): Promise<T> {
    if (!this.atomic) throw new Error('SQLite sale writes run as atomic units: repositories(db.kysely, db.dialect, db.atomic)');
    return this.atomic(work);
  }

  /** Each write is all or nothing by itself; inside a caller's transaction it would not be, on either database. */
  private refuseTransaction(): void {
    if (this.db.isTransaction) throw new Error('a sale write runs on its own, never inside a transaction');
  }
}

/** Rolls back a settlement whose payment is not as expected (its order was already moved by then). */
class NotAsExpected extends Error {}
