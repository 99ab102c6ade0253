import type { Payment, Refund } from '@paydesk/db';
import type { Books } from './books.ts';
import { errorCode, type PaymentView, type RefundView } from './http.ts';
import { type Operation, refundReason } from './till.ts';

export interface Verdict {
  /** Operations the tills started (a sale, a refund, a customer paying on the simulator). */
  requests: number;
  /** HTTP attempts, retries included. */
  attempts: number;
  /**
   * Outcomes the server told the clients of: payments paid or failed (in a 201 or on the cashier screen),
   * refunds accepted, orders "already paid".
   */
  acknowledged: number;
  /** Acknowledged outcomes found in the books exactly as acknowledged. */
  verified: number;
  /**
   * Payments still waiting at the end, before their expiry (made by requests retried at the very end): their
   * money may be on its way, so they are judged only on what may not wait (e.g. that they exist).
   */
  inFlight: number;
  violations: string[];
}

export interface Expectations {
  /** The test's "now" on the server's clock: payments that expired before it must have been settled. */
  now: number;
  /** Whether a request may go unanswered (the server was killed under it). */
  noAnswerAllowed: boolean;
  /** Whether the server may answer 503 DB_UNAVAILABLE (the database was away). */
  unavailableAllowed: boolean;
}

/** Refusals a retried or concurrent request may meet; each says what happened, in our error shape. */
const expectedRefusals = new Set(['ORDER_NOT_OPEN', 'PAYMENT_IN_PROGRESS', 'IDEMPOTENCY_IN_PROGRESS', 'REFUND_IN_PROGRESS']);

const open = (p: Payment) => p.status === 'created' || p.status === 'pending';
const inFlight = (p: Payment, now: number) => open(p) && p.expires_at > now;

/**
 * The invariants of issue 6 over what the clients were told and what the books hold afterwards: nothing
 * acknowledged is lost or changed, every order balances against the money outside (the simulator's books,
 * the cash drawer), nothing waits past its time, and every outbox job ran once or is still to run.
 */
export function judge(books: Books, operations: Operation[], expect: Expectations): Verdict {
  const violations: string[] = [];
  const ix = index(books);
  const acks = acknowledgements(operations);
  violations.push(...uncleanAnswers(operations, expect));
  const verified = checkAcknowledged(ix, acks, violations);
  checkOrders(ix, expect.now, violations);
  checkNothingWaits(books, expect.now, violations);
  checkSimulatorBooks(ix, expect.now, violations);
  checkOutbox(ix, expect.now, violations);
  checkRefundRequests(ix, operations, violations);
  return {
    requests: operations.length,
    attempts: operations.reduce((n, op) => n + op.answers.length, 0),
    acknowledged: acks.paid.size + acks.failed.size + acks.refunds.size + acks.notOpen.size,
    verified,
    inFlight: books.payments.filter((p) => inFlight(p, expect.now)).length,
    violations,
  };
}

type Index = ReturnType<typeof index>;

function index(books: Books) {
  const group = <T, K>(rows: T[], key: (row: T) => K) => {
    const map = new Map<K, T[]>();
    for (const row of rows) {
      const same = map.get(key(row));
      if (same) same.push(row);
      else map.set(key(row), [row]);
    }
    return map;
  };
  return {
    books,
    payments: new Map(books.payments.map((p) => [p.id, p])),
    paymentsByTrade: new Map(books.payments.map((p) => [p.out_trade_no, p])),
    paymentsByOrder: group(books.payments, (p) => p.order_id),
    orders: new Map(books.orders.map((o) => [o.id, o])),
    refunds: new Map(books.refunds.map((r) => [r.id, r])),
    refundsByPayment: group(books.refunds, (r) => r.payment_id),
    refundsByNo: new Map(books.refunds.map((r) => [r.out_refund_no, r])),
    eventsByPayment: group(books.events, (e) => e.payment_id),
    cashByPayment: group(books.cash, (c) => c.payment_id),
    simTrades: new Map(books.simTrades.map((t) => [t.out_trade_no, t])),
    simRefundsByTrade: group(books.simRefunds, (r) => r.out_trade_no),
  };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const refundsOf = (ix: Index, paymentId: string, statuses: Refund['status'][]) =>
  (ix.refundsByPayment.get(paymentId) ?? []).filter((r) => statuses.includes(r.status));

interface Acknowledgements {
  paid: Map<string, PaymentView>;
  failed: Map<string, PaymentView>;
  refunds: Map<string, RefundView>;
  /** Orders a retry was told are already paid. */
  notOpen: Set<string>;
}

/** What the server told the tills: 201 answers, and what the cashier screen showed while it waited. */
function acknowledgements(operations: Operation[]): Acknowledgements {
  const acks: Acknowledgements = { paid: new Map(), failed: new Map(), refunds: new Map(), notOpen: new Set() };
  for (const op of operations) {
    for (const answer of op.answers) {
      if (op.job === 'refund' && answer.status === 201) {
        const refund = answer.body as RefundView;
        acks.refunds.set(refund.id, refund);
      } else if (op.request.path === '/api/checkout' && answer.status === 201) {
        notePayment(acks, answer.body as PaymentView);
      } else if (op.orderId && errorCode(answer) === 'ORDER_NOT_OPEN') {
        acks.notOpen.add(op.orderId);
      }
    }
    for (const view of op.seen) notePayment(acks, view);
  }
  return acks;
}

function notePayment(acks: Acknowledgements, view: PaymentView): void {
  if (view.status === 'succeeded') acks.paid.set(view.id, view);
  if (view.status === 'failed') acks.failed.set(view.id, view);
}

/**
 * Every answer is a success, a refusal that says what happened, or (when allowed) no answer or a clean 503.
 * The same fault answered to many requests is one line, with its count.
 */
function uncleanAnswers(operations: Operation[], expect: Expectations): string[] {
  const found = new Map<string, number>();
  const note = (what: string) => found.set(what, (found.get(what) ?? 0) + 1);
  for (const op of operations) {
    for (const a of op.answers) {
      const shown = `${op.job}: ${a.status} ${(a.status === 'no answer' ? a.error : (JSON.stringify(a.body) ?? '')).slice(0, 160)}`;
      if (a.status === 'no answer') {
        if (!expect.noAnswerAllowed) note(`no answer (the server died?): ${op.job}: ${a.error}`);
      } else if (a.status === 503) {
        if (!expect.unavailableAllowed || errorCode(a) !== 'DB_UNAVAILABLE') note(`unexpected 503: ${shown}`);
      } else if (a.status >= 300 && !(a.status === 409 && expectedRefusals.has(errorCode(a) ?? ''))) {
        note(`unexpected answer: ${shown}`);
      }
    }
  }
  return [...found].map(([what, n]) => (n > 1 ? `${what} (×${n})` : what));
}

/** Returns how many acknowledgements were found exactly as acknowledged. */
function checkAcknowledged(ix: Index, acks: Acknowledgements, violations: string[]): number {
  let verified = 0;
  for (const ack of acks.paid.values()) {
    const p = ix.payments.get(ack.id);
    const problems: string[] = [];
    if (!p) problems.push('is not in the books');
    else {
      if (p.status !== 'succeeded') problems.push(`is ${p.status}`);
      if (p.amount_fen !== ack.amountFen || p.order_id !== ack.orderId) problems.push(`holds ${p.amount_fen} fen for order ${p.order_id}`);
      if (refundsOf(ix, p.id, ['pending', 'succeeded']).some((r) => r.automatic === 1)) problems.push('was refunded automatically');
    }
    if (problems.length === 0) verified += 1;
    else violations.push(`payment ${ack.id} acknowledged as succeeded (${ack.amountFen} fen, order ${ack.orderId}) ${problems.join(', ')}`);
  }
  for (const ack of acks.failed.values()) {
    const p = ix.payments.get(ack.id);
    const trade = p && ix.simTrades.get(p.out_trade_no);
    if (p?.status !== 'failed') violations.push(`payment ${ack.id} acknowledged as failed is ${p?.status ?? 'missing'}`);
    else if (trade?.state === 'SUCCESS') violations.push(`payment ${ack.id} acknowledged as failed, but the gateway took the money`);
    else verified += 1;
  }
  for (const ack of acks.refunds.values()) {
    const r = ix.refunds.get(ack.id);
    if (!r || r.payment_id !== ack.paymentId || r.amount_fen !== ack.amountFen || r.status !== 'succeeded') {
      violations.push(
        `refund ${ack.id} acknowledged (${ack.amountFen} fen of ${ack.paymentId}) is ${r ? `${r.status}, ${r.amount_fen} fen` : 'missing'}`,
      );
    } else verified += 1;
  }
  for (const orderId of acks.notOpen) {
    const status = ix.orders.get(orderId)?.status;
    if (status === 'paid') verified += 1;
    else violations.push(`order ${orderId} was answered "already paid" but is ${status ?? 'missing'}`);
  }
  return verified;
}

/**
 * Per order: at most one payment kept (the others refunded automatically), the order paid exactly when one
 * is, and our net (succeeded minus refunded) equal to the money outside: the simulator's net for wallet
 * payments, the drawer's movements for cash.
 */
function checkOrders(ix: Index, now: number, violations: string[]): void {
  for (const order of ix.books.orders) {
    const payments = ix.paymentsByOrder.get(order.id) ?? [];
    if (payments.length === 0) violations.push(`order ${order.id} has no payment (half-written checkout)`);
    const succeeded = payments.filter((p) => p.status === 'succeeded');
    const kept = succeeded.filter((p) => !refundsOf(ix, p.id, ['pending', 'succeeded']).some((r) => r.automatic === 1));
    if (kept.length > 1) violations.push(`order ${order.id} was paid ${kept.length} times: ${kept.map((p) => p.id).join(', ')}`);
    if ((order.status === 'paid') !== (kept.length === 1)) {
      violations.push(`order ${order.id} is ${order.status} with ${kept.length} payments kept`);
    }
    for (const p of kept) {
      if (p.amount_fen !== order.total_fen)
        violations.push(`order ${order.id} of ${order.total_fen} fen kept payment ${p.id} of ${p.amount_fen} fen`);
    }
    for (const p of succeeded.filter((x) => !kept.includes(x))) {
      const auto = refundsOf(ix, p.id, ['pending', 'succeeded', 'failed']).filter((r) => r.automatic === 1);
      if (auto.length !== 1 || auto[0]?.amount_fen !== p.amount_fen || (p.late_success !== 1 && kept.length !== 1)) {
        violations.push(`payment ${p.id} of order ${order.id} was refunded automatically without cause or not in full`);
      }
    }
    let ours = 0;
    let outside = 0;
    for (const p of payments) {
      const refunds = ix.refundsByPayment.get(p.id) ?? [];
      const reserved = sum(refunds.filter((r) => r.status !== 'failed').map((r) => r.amount_fen));
      if (p.refunded_fen !== reserved || p.refunded_fen > p.amount_fen) {
        violations.push(`payment ${p.id} counts ${p.refunded_fen} fen refunded; its refunds reserve ${reserved} of ${p.amount_fen}`);
      }
      if (p.status !== 'succeeded' && refunds.length > 0) violations.push(`payment ${p.id} is ${p.status} but has refunds`);
      if (p.status === 'succeeded') ours += p.amount_fen - sum(refunds.filter((r) => r.status === 'succeeded').map((r) => r.amount_fen));
      if (p.method === 'cash') outside += sum((ix.cashByPayment.get(p.id) ?? []).map((c) => c.amount_fen));
      else {
        const trade = ix.simTrades.get(p.out_trade_no);
        if (trade?.state === 'SUCCESS')
          outside += trade.amount_fen - sum((ix.simRefundsByTrade.get(p.out_trade_no) ?? []).map((r) => r.amount_fen));
      }
    }
    if (ours !== outside && !payments.some((p) => inFlight(p, now)))
      violations.push(`order ${order.id}: our books hold ${ours} fen net, the gateway and the drawer ${outside} fen`);
  }
}

function checkNothingWaits(books: Books, now: number, violations: string[]): void {
  for (const p of books.payments) {
    if (open(p) && p.expires_at <= now)
      violations.push(`payment ${p.id} is still ${p.status} ${Math.round((now - p.expires_at) / 1000)} s after its expiry`);
  }
  for (const r of books.refunds) if (r.status === 'pending') violations.push(`refund ${r.id} is still pending`);
}

/** The simulator's books agree with ours: a trade for every call, money exactly where we say it is. */
function checkSimulatorBooks(ix: Index, now: number, violations: string[]): void {
  for (const trade of ix.books.simTrades) {
    const p = ix.paymentsByTrade.get(trade.out_trade_no);
    if (!p) {
      violations.push(`gateway trade ${trade.out_trade_no} (${trade.state}) has no payment`);
      continue;
    }
    const mismatch = (trade.state === 'SUCCESS') !== (p.status === 'succeeded') && !inFlight(p, now);
    if (mismatch || trade.amount_fen !== p.amount_fen) {
      violations.push(
        `gateway trade ${trade.out_trade_no} is ${trade.state} for ${trade.amount_fen} fen; payment ${p.id} is ${p.status} for ${p.amount_fen}`,
      );
    }
    const simRefunded = sum((ix.simRefundsByTrade.get(trade.out_trade_no) ?? []).map((r) => r.amount_fen));
    const ourRefunded = sum(refundsOf(ix, p.id, ['succeeded']).map((r) => r.amount_fen));
    if (trade.refunded_fen !== simRefunded || simRefunded !== ourRefunded) {
      violations.push(
        `trade ${trade.out_trade_no}: the gateway refunded ${simRefunded} fen (counts ${trade.refunded_fen}), we record ${ourRefunded}`,
      );
    }
  }
  for (const p of ix.books.payments) {
    if (p.channel === 'simulator' && p.status === 'succeeded' && ix.simTrades.get(p.out_trade_no)?.state !== 'SUCCESS') {
      violations.push(`payment ${p.id} is succeeded but the gateway has no paid trade for it`);
    }
  }
  for (const sr of ix.books.simRefunds) {
    const r = ix.refundsByNo.get(sr.out_refund_no);
    if (r?.status !== 'succeeded' || r.amount_fen !== sr.amount_fen) {
      violations.push(
        `gateway refund ${sr.out_refund_no} of ${sr.amount_fen} fen is ${r ? `${r.status} for ${r.amount_fen}` : 'unknown'} in our books`,
      );
    }
  }
}

/**
 * No job lost (every payment and refund wrote its jobs; none died or was left due) and none run twice to a
 * different effect (each state change and each refund is recorded once). Done rows drop their payload, so
 * jobs are counted per topic rather than matched one by one.
 */
function checkOutbox(ix: Index, now: number, violations: string[]): void {
  const jobs = (topic: string) => ix.books.outbox.filter((j) => j.topic === topic).length;
  for (const j of ix.books.outbox) {
    if (j.status === 'dead') violations.push(`outbox job ${j.id} (${j.topic}) died after ${j.attempts} attempts: ${j.last_error}`);
    if (j.status === 'pending' && j.run_at <= now)
      violations.push(`outbox job ${j.id} (${j.topic}) was due ${Math.round((now - j.run_at) / 1000)} s ago and never ran`);
  }
  const walletPayments = ix.books.payments.filter((p) => p.method !== 'cash');
  const walletRefunds = ix.books.refunds.filter((r) => ix.payments.get(r.payment_id)?.method !== 'cash');
  if (jobs('payment.expire') !== walletPayments.length)
    violations.push(`${jobs('payment.expire')} expiry jobs for ${walletPayments.length} code payments`);
  if (jobs('payment.requery') < walletPayments.length)
    violations.push(`${jobs('payment.requery')} re-query jobs for ${walletPayments.length} code payments`);
  if (jobs('refund.run') !== walletRefunds.length)
    violations.push(`${jobs('refund.run')} refund jobs for ${walletRefunds.length} wallet refunds`);

  for (const p of ix.books.payments) {
    const events = ix.eventsByPayment.get(p.id) ?? [];
    const count = (type: string, refundId?: string) =>
      events.filter(
        (e) => e.type === type && (refundId === undefined || (JSON.parse(e.detail) as { refundId?: string }).refundId === refundId),
      ).length;
    for (const type of ['created', 'succeeded', 'failed', 'expired', 'cancelled']) {
      if (count(type) > 1) violations.push(`payment ${p.id} recorded "${type}" ${count(type)} times`);
    }
    if (p.method !== 'cash' && count('created') !== 1) violations.push(`payment ${p.id} has no "created" event`);
    for (const r of ix.refundsByPayment.get(p.id) ?? []) {
      const done = count('refunded', r.id);
      if (done > 1 || count('refund_failed', r.id) > 1 || (r.status === 'succeeded') !== (done === 1)) {
        violations.push(`refund ${r.id} (${r.status}) recorded "refunded" ${done} times`);
      }
    }
  }
}

/** A refund request (one Idempotency-Key) is carried out at most once, however often it is sent. */
function checkRefundRequests(ix: Index, operations: Operation[], violations: string[]): void {
  for (const op of operations) {
    if (op.job !== 'refund' || !op.key) continue;
    const rows = ix.books.refunds.filter((r) => r.reason === refundReason(op.key ?? ''));
    if (rows.length > 1) {
      violations.push(
        `refund request ${op.key} (${op.amountFen} fen of payment ${op.paymentId}) was carried out ${rows.length} times: ${rows.map((r) => `${r.id} ${r.status}`).join(', ')}; its answers: ${answerTrail(op)}`,
      );
    }
  }
}

/** "none ×3 → 409 IDEMPOTENCY_IN_PROGRESS → 201": what one operation was answered, attempt by attempt. */
function answerTrail(op: Operation): string {
  const shown = op.answers.map((a) => (a.status === 'no answer' ? 'none' : `${a.status}${errorCode(a) ? ` ${errorCode(a)}` : ''}`));
  const runs: { text: string; n: number }[] = [];
  for (const text of shown) {
    const last = runs.at(-1);
    if (last?.text === text) last.n += 1;
    else runs.push({ text, n: 1 });
  }
  return runs.map((r) => (r.n > 1 ? `${r.text} ×${r.n}` : r.text)).join(' → ');
}
