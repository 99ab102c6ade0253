/**
 * Payment and refund state machines (ARCHITECTURE §4). Every move in the database is a conditional
 * update from one of the states listed here, so a duplicate or late message cannot move a payment twice.
 *
 * "pending" is first-class: the channel may answer late or never. A success reported for a payment we
 * had already cancelled or closed at expiry is real money: it moves the payment to succeeded and the
 * service refunds it in full automatically (the payment's history says why).
 */
export type PaymentStatus = 'created' | 'pending' | 'succeeded' | 'failed' | 'expired' | 'cancelled';
export type RefundStatus = 'pending' | 'succeeded' | 'failed';

const paymentMoves: Record<PaymentStatus, readonly PaymentStatus[]> = {
  created: ['pending', 'succeeded', 'failed', 'cancelled'],
  pending: ['succeeded', 'failed', 'expired', 'cancelled'],
  succeeded: [],
  failed: [],
  expired: ['succeeded'],
  cancelled: ['succeeded'],
};

const refundMoves: Record<RefundStatus, readonly RefundStatus[]> = {
  pending: ['succeeded', 'failed'],
  succeeded: [],
  failed: [],
};

export function canMovePayment(from: PaymentStatus, to: PaymentStatus): boolean {
  return paymentMoves[from].includes(to);
}

/** The states a payment may be in for it to move to `to`: the WHERE clause of the conditional update. */
export function paymentSourcesFor(to: PaymentStatus): PaymentStatus[] {
  return (Object.keys(paymentMoves) as PaymentStatus[]).filter((from) => paymentMoves[from].includes(to));
}

export function canMoveRefund(from: RefundStatus, to: RefundStatus): boolean {
  return refundMoves[from].includes(to);
}

export function isFinalPayment(status: PaymentStatus): boolean {
  return status !== 'created' && status !== 'pending';
}

/** A late success (after cancel or expiry) is money the shop did not mean to take: it goes back. */
export function isLateSuccess(from: PaymentStatus): boolean {
  return from === 'cancelled' || from === 'expired';
}

/** What is left to refund of a payment; never negative, never above what was paid. */
export function refundableFen(payment: { status: PaymentStatus; amountFen: number; refundedFen: number }): number {
  if (payment.status !== 'succeeded') return 0;
  return Math.max(0, payment.amountFen - payment.refundedFen);
}

export const paymentStatuses: readonly PaymentStatus[] = ['created', 'pending', 'succeeded', 'failed', 'expired', 'cancelled'];
export const refundStatuses: readonly RefundStatus[] = ['pending', 'succeeded', 'failed'];
