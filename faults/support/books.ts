import type { CashMovementTable, Db, Order, OutboxRow, Payment, PaymentEvent, Refund, SimRefund, SimTrade } from '@paydesk/db';
import type { Selectable } from 'kysely';

/** Everything a fault run's invariants are judged on: our books and the simulator's, read after the run. */
export interface Books {
  orders: Order[];
  payments: Payment[];
  refunds: Refund[];
  events: PaymentEvent[];
  outbox: OutboxRow[];
  cash: Selectable<CashMovementTable>[];
  simTrades: SimTrade[];
  simRefunds: SimRefund[];
}

export async function readBooks(db: Db): Promise<Books> {
  const k = db.kysely;
  const [orders, payments, refunds, events, outbox, cash, simTrades, simRefunds] = await Promise.all([
    k.selectFrom('orders').selectAll().execute(),
    k.selectFrom('payments').selectAll().execute(),
    k.selectFrom('refunds').selectAll().execute(),
    k.selectFrom('payment_events').selectAll().execute(),
    k.selectFrom('outbox').selectAll().execute(),
    k.selectFrom('cash_movements').selectAll().execute(),
    k.selectFrom('sim_trades').selectAll().execute(),
    k.selectFrom('sim_refunds').selectAll().execute(),
  ]);
  return { orders, payments, refunds, events, outbox, cash, simTrades, simRefunds };
}

/** What is still open: the worker's work is done when nothing is due and no payment or refund waits past its time. */
export async function openWork(db: Db, now: number): Promise<{ payments: number; refunds: number; jobs: number }> {
  const k = db.kysely;
  const count = (rows: { n: number | string | bigint }) => Number(rows.n);
  const [payments, refunds, jobs] = await Promise.all([
    k
      .selectFrom('payments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', 'in', ['created', 'pending'])
      .where('expires_at', '<=', now)
      .executeTakeFirstOrThrow(),
    k
      .selectFrom('refunds')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow(),
    k
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'pending')
      .where('run_at', '<=', now)
      .executeTakeFirstOrThrow(),
  ]);
  return { payments: count(payments), refunds: count(refunds), jobs: count(jobs) };
}

/**
 * Waits until the worker has nothing left to do at the server's clock (`clockShiftMs` ahead of ours), and
 * returns that clock reading. Gives up after `timeoutMs`: whatever is left then is for the invariants to report.
 */
export async function waitForWorker(db: Db, clockShiftMs: number, timeoutMs = 180_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  for (;;) {
    const now = Date.now() + clockShiftMs;
    const work = await openWork(db, now);
    quiet = work.payments + work.refunds + work.jobs === 0 ? quiet + 1 : 0;
    // Twice in a row: a job that was running at the first look may have enqueued another.
    if (quiet === 2 || Date.now() > deadline) return now;
    await new Promise((r) => setTimeout(r, 500));
  }
}
