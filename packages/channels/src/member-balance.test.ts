import { describe, expect, it } from 'vitest';
import { applyDebit, type BalanceEntry, type MemberBalanceLedger } from './member-balance.ts';

/** The simplest ledger that follows the contract: what a database-backed one must also pass. */
class ArrayLedger implements MemberBalanceLedger {
  readonly entries: BalanceEntry[] = [];
  constructor(private readonly members: Set<string>) {}
  async balance(memberId: string) {
    return this.members.has(memberId) ? this.entries.filter((e) => e.memberId === memberId).reduce((s, e) => s + e.amountFen, 0) : null;
  }
  async debit(memberId: string, amountFen: number, reference: string) {
    if (!this.members.has(memberId)) return { state: 'unknown_member' as const };
    const entry: BalanceEntry = { memberId, kind: 'payment', amountFen: -amountFen, reference };
    const mine = this.entries.filter((e) => e.memberId === memberId);
    const result = applyDebit(mine, entry);
    if (!result.ok) return { state: 'insufficient' as const, balanceFen: result.balanceFen };
    if (!mine.some((e) => e.kind === 'payment' && e.reference === reference)) this.entries.push(entry);
    return { state: 'debited' as const, balanceFen: result.balanceFen };
  }
  async credit(memberId: string, amountFen: number, reference: string, kind: 'top_up' | 'refund') {
    if (!this.members.has(memberId)) return { state: 'unknown_member' as const };
    if (!this.entries.some((e) => e.kind === kind && e.reference === reference))
      this.entries.push({ memberId, kind, amountFen, reference });
    return { balanceFen: (await this.balance(memberId)) ?? 0 };
  }
}

describe('member balance ledger contract', () => {
  it('debits only what the balance covers, once per reference', async () => {
    const ledger = new ArrayLedger(new Set(['m1']));
    await ledger.credit('m1', 10000, 'top-1', 'top_up');
    expect(await ledger.debit('m1', 2372, 'pay-1')).toEqual({ state: 'debited', balanceFen: 7628 });
    expect(await ledger.debit('m1', 2372, 'pay-1')).toEqual({ state: 'debited', balanceFen: 7628 });
    expect(await ledger.debit('m1', 7629, 'pay-2')).toEqual({ state: 'insufficient', balanceFen: 7628 });
    expect(await ledger.debit('nobody', 1, 'pay-3')).toEqual({ state: 'unknown_member' });
    expect(await ledger.balance('m1')).toBe(7628);
  });

  it('refunds credit the balance back, once', async () => {
    const ledger = new ArrayLedger(new Set(['m1']));
    await ledger.credit('m1', 500, 'top', 'top_up');
    await ledger.debit('m1', 500, 'pay');
    await ledger.credit('m1', 200, 'refund-1', 'refund');
    await ledger.credit('m1', 200, 'refund-1', 'refund');
    expect(await ledger.balance('m1')).toBe(200);
  });

  it('refuses non-negative debits in the rules themselves', () => {
    expect(applyDebit([], { memberId: 'm', kind: 'payment', amountFen: 0, reference: 'x' }).ok).toBe(false);
  });
});
