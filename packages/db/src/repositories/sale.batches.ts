import { runAlone } from '../coalescer.ts';
import type { Payment } from '../schema.ts';
import { columnsOfRows, insertRows, runBatch } from './batched.ts';
import type { Executor } from './executor.ts';
import { outboxRows } from './outbox.repository.ts';
import type { PaidSale, SaleOpening } from './sale.repository.ts';

/**
 * PostgreSQL: the opening and the settling of sales, each as one statement over JSON arrays of their rows
 * (coalescer.ts). One sale's opening or settlement is the same statement with that one sale, so both
 * write and lock their rows in the same order and the same tests check both.
 */

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Opens the sales in one statement. A sale whose order id is taken already (a retried checkout) writes
 * nothing and is answered `runAlone`, so its own opening answers it as before; the others are written.
 * Any other clash fails the statement whole, and every sale then opens by itself. A batch is of one
 * shape (the coalescer's kind): every sale in it brings its order, or none does.
 */
export async function openSales(db: Executor, sales: readonly SaleOpening[]): Promise<(boolean | typeof runAlone)[]> {
  // Written in one order (merchant, then order id), so two statements opening the same orders wait for
  // each other instead of deadlocking.
  const sorted = [...sales].sort(
    (a, b) => compare(a.payment.merchant_id, b.payment.merchant_id) || compare(a.payment.order_id, b.payment.order_id),
  );
  const orders = sorted.flatMap((s) => (s.order ? [s.order] : []));
  const payments = sorted.map((s) => s.payment);
  const events = sorted.map((s) => s.event);
  const jobRows = sorted.map((s) => outboxRows(s.jobs));
  const jobColumns = columnsOfRows(jobRows.flat());
  if (jobColumns.length === 0) throw new Error('a sale opens with its watch jobs');
  // Each job carries its payment's id beside its columns, so it is written only with its payment.
  const jobs = jobRows.flatMap((rows, i) => rows.map((row) => ({ ...row, _payment: sorted[i]?.payment.id })));
  const n = orders.length > 0 ? 1 : 0;
  const ordersPart =
    n > 0
      ? `o as (${insertRows('orders', columnsOfRows(orders), 1)} on conflict (merchant_id, id) do nothing returning merchant_id, id), `
      : '';
  const jobList = jobColumns.map((c) => `"${c}"`).join(', ');
  const text = `with ${ordersPart}p as (${insertRows(
    'payments',
    columnsOfRows(payments),
    n + 1,
    n > 0 ? '(x.merchant_id, x.order_id) in (select merchant_id, id from o)' : '',
  )} returning id),
e as (${insertRows('payment_events', columnsOfRows(events), n + 2, 'x.payment_id in (select id from p)')}),
j as (insert into outbox (${jobList}) select ${jobColumns.map((c) => `r."${c}"`).join(', ')}
  from json_array_elements($${n + 3}::json) j, json_populate_record(null::outbox, j) r where j->>'_payment' in (select id from p))
select id from p`;
  const written = await runBatch<{ id: string }>(db, text, n > 0 ? [orders, payments, events, jobs] : [payments, events, jobs]);
  const opened = new Set(written.map((p) => p.id));
  return sales.map((s) => (opened.has(s.payment.id) ? true : runAlone));
}

/**
 * The statement text for settlements whose patches set `patchColumns` (each such set has its own).
 * `held`: what a row someone else holds means. A shared statement skips it, so that its sale alone waits,
 * by itself, instead of every sale of the statement (and of the next); one sale's settlement waits.
 */
function settleText(patchColumns: readonly string[], held: 'skip' | 'wait'): string {
  const patch = patchColumns.map((c) => `, "${c}" = s."${c}"`).join('');
  const lock = held === 'skip' ? 'for no key update of t skip locked' : 'for no key update of t';
  // Payments first, then their orders, the order every other move of a payment takes them in (move,
  // then order status), each sorted so that two statements take them in one order. NO KEY UPDATE, as an
  // UPDATE of non-key columns takes: rows that refer to them (events, refunds) can still be inserted.
  // A payment moves only if it is as its sale read it and its order is still open; anything else (a
  // second payment of the order, a race) writes nothing and is left to the caller. A binding is marked
  // by the first payment through it; several sales of one binding mark it, and record it, once.
  return `with s as (select * from json_populate_recordset(null::payments, $1::json)),
p as (select t.id from payments t join s on t.merchant_id = s.merchant_id and t.id = s.id and t.status = s.status
  order by t.merchant_id, t.id ${lock}),
o as (select t.merchant_id, t.id from orders t join s on t.merchant_id = s.merchant_id and t.id = s.order_id
  where t.status = 'open' and s.id in (select id from p) order by t.merchant_id, t.id ${lock}),
m as (update payments t set status = 'succeeded', updated_at = s.updated_at${patch} from s
  where t.merchant_id = s.merchant_id and t.id = s.id and t.status = s.status
    and exists (select 1 from o where o.merchant_id = s.merchant_id and o.id = s.order_id)
  returning t.*),
paid as (update orders t set status = 'paid', updated_at = s.updated_at from s
  where s.id in (select id from m) and t.merchant_id = s.merchant_id and t.id = s.order_id and t.status = 'open' returning t.id),
j as (update outbox t set status = 'done', done_at = x.now, payload = '{}'
  from json_to_recordset($2::json) as x(id text, payment_id text, now bigint)
  where t.id = x.id and x.payment_id in (select id from m) and t.status = 'pending'
    and (t.locked_until is null or t.locked_until < x.now) returning t.id),
e as (${insertRows('payment_events', eventColumns, 3, 'x.payment_id in (select id from m)')} returning id),
v as (select * from json_to_recordset($4::json) as v(merchant_id text, binding_id text, payment_id text, now bigint)
  where v.payment_id in (select id from m)),
bl as (select t.merchant_id, t.id from code_bindings t join v on t.merchant_id = v.merchant_id and t.id = v.binding_id
  where t.verified_at is null order by t.merchant_id, t.id for no key update of t),
b as (update code_bindings t set verified_at = v.now from v
  where t.merchant_id = v.merchant_id and t.id = v.binding_id and t.verified_at is null
    and (t.merchant_id, t.id) in (select merchant_id, id from bl) returning v.payment_id),
be as (${insertRows('payment_events', eventColumns, 5, 'x.payment_id in (select payment_id from b)')} returning id)
select * from m`;
}

const eventColumns = ['actor_user_id', 'created_at', 'detail', 'id', 'merchant_id', 'payment_id', 'type'];

/** The columns a settlement's patch sets: settlements are batched only with others setting the same. */
export function patchColumns(sale: PaidSale): string[] {
  return columnsOfRows([sale.patch]);
}

/**
 * Settles the sales whose payment and order are as expected and free, all in one statement. The others
 * (moved meanwhile, or held by someone) it leaves untouched, to be settled each by itself. Calls share a
 * statement only when no two are for the same order (coalescer key) and their patches set the same columns.
 */
export async function settleSales(db: Executor, sales: readonly PaidSale[]): Promise<(Payment | typeof runAlone)[]> {
  const moved = await settle(db, sales, 'skip');
  return sales.map((s) => moved.get(s.paymentId) ?? runAlone);
}

/**
 * One sale's settlement: waits for its rows where another transaction holds them; undefined, with nothing
 * written, when the payment or its order is not as the sale expects.
 */
export async function settleSale(db: Executor, sale: PaidSale): Promise<Payment | undefined> {
  return (await settle(db, [sale], 'wait')).get(sale.paymentId);
}

async function settle(db: Executor, sales: readonly PaidSale[], held: 'skip' | 'wait'): Promise<Map<string, Payment>> {
  const moved = await runBatch<Payment>(db, settleText(patchColumns(sales[0] as PaidSale), held), [
    sales.map((s) => ({ ...s.patch, id: s.paymentId, merchant_id: s.merchantId, order_id: s.orderId, status: s.from, updated_at: s.now })),
    sales.flatMap((s) => s.jobIds.map((id) => ({ id, payment_id: s.paymentId, now: s.now }))),
    sales.map((s) => s.event),
    sales.flatMap((s) => (s.binding ? [{ merchant_id: s.merchantId, binding_id: s.binding.id, payment_id: s.paymentId, now: s.now }] : [])),
    sales.flatMap((s) => (s.binding ? [s.binding.event] : [])),
  ]);
  return new Map(moved.map((p) => [p.id, p]));
}
