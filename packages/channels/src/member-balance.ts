/**
 * Stored value (会员余额). Members arrive with a later issue; this is the contract the checkout will use.
 * The ledger is append-only and the balance is the sum of its entries, so a debit is a conditional
 * append: it happens in the same database transaction as the payment, only if the balance covers it.
 */
export type BalanceEntryKind = 'top_up' | 'payment' | 'refund' | 'adjustment';

export interface BalanceEntry {
  memberId: string;
  kind: BalanceEntryKind;
  /** Signed fen: payments are negative. */
  amountFen: number;
  /** The payment or refund it belongs to; unique per kind, so a retried debit is not applied twice. */
  reference: string;
}

export type DebitOutcome =
  | { state: 'debited'; balanceFen: number }
  | { state: 'insufficient'; balanceFen: number }
  | { state: 'unknown_member' };

export interface MemberBalanceLedger {
  balance(memberId: string): Promise<number | null>;
  debit(memberId: string, amountFen: number, reference: string): Promise<DebitOutcome>;
  credit(
    memberId: string,
    amountFen: number,
    reference: string,
    kind: 'top_up' | 'refund',
  ): Promise<{ balanceFen: number } | { state: 'unknown_member' }>;
}

/** The ledger rules on their own, for the tests of every implementation to share. */
export function applyDebit(
  entries: readonly BalanceEntry[],
  debit: BalanceEntry,
): { ok: true; balanceFen: number } | { ok: false; balanceFen: number } {
  const balance = entries.reduce((sum, e) => sum + e.amountFen, 0);
  if (entries.some((e) => e.kind === debit.kind && e.reference === debit.reference)) return { ok: true, balanceFen: balance };
  if (debit.amountFen >= 0 || balance + debit.amountFen < 0) return { ok: false, balanceFen: balance };
  return { ok: true, balanceFen: balance + debit.amountFen };
}
