import { describe, expect, it } from 'vitest';
import {
  canMovePayment,
  canMoveRefund,
  isFinalPayment,
  isLateSuccess,
  type PaymentStatus,
  paymentSourcesFor,
  paymentStatuses,
  refundableFen,
  refundStatuses,
} from './payment-state.ts';

const legal: [PaymentStatus, PaymentStatus][] = [
  ['created', 'pending'],
  ['created', 'succeeded'],
  ['created', 'failed'],
  ['created', 'cancelled'],
  ['pending', 'succeeded'],
  ['pending', 'failed'],
  ['pending', 'expired'],
  ['pending', 'cancelled'],
  ['expired', 'succeeded'],
  ['cancelled', 'succeeded'],
];

describe('payment state machine', () => {
  for (const from of paymentStatuses) {
    for (const to of paymentStatuses) {
      const ok = legal.some(([a, b]) => a === from && b === to);
      it(`${from} → ${to} is ${ok ? 'legal' : 'illegal'}`, () => {
        expect(canMovePayment(from, to)).toBe(ok);
      });
    }
  }

  it('gives the WHERE states of each conditional move', () => {
    expect(paymentSourcesFor('succeeded').sort()).toEqual(['cancelled', 'created', 'expired', 'pending']);
    expect(paymentSourcesFor('expired')).toEqual(['pending']);
    expect(paymentSourcesFor('created')).toEqual([]);
  });

  it('knows which states are final and which successes are late', () => {
    expect(paymentStatuses.filter(isFinalPayment)).toEqual(['succeeded', 'failed', 'expired', 'cancelled']);
    expect(paymentStatuses.filter(isLateSuccess)).toEqual(['expired', 'cancelled']);
  });
});

describe('refund state machine', () => {
  for (const from of refundStatuses) {
    for (const to of refundStatuses) {
      const ok = from === 'pending' && to !== 'pending';
      it(`${from} → ${to} is ${ok ? 'legal' : 'illegal'}`, () => {
        expect(canMoveRefund(from, to)).toBe(ok);
      });
    }
  }

  it('never refunds more than is left, and nothing of an unpaid payment', () => {
    expect(refundableFen({ status: 'succeeded', amountFen: 1000, refundedFen: 300 })).toBe(700);
    expect(refundableFen({ status: 'succeeded', amountFen: 1000, refundedFen: 1000 })).toBe(0);
    expect(refundableFen({ status: 'succeeded', amountFen: 1000, refundedFen: 1200 })).toBe(0);
    expect(refundableFen({ status: 'pending', amountFen: 1000, refundedFen: 0 })).toBe(0);
  });
});
