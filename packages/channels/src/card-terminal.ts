/**
 * A bank-card terminal (刷卡机) beside the cashier PC. Real terminals speak vendor protocols over
 * serial or USB; each becomes an adapter behind this interface. The simulated one decides by amount so
 * that staff can practise every answer: fen ending in 51 is declined, 52 times out, everything else is
 * approved after the card is "presented".
 */
export type TerminalOutcome =
  | { state: 'approved'; authCode: string; cardLast4: string; at: number }
  | { state: 'declined'; reason: string }
  | { state: 'timeout' };

export interface CardTerminal {
  charge(reference: string, amountFen: number): Promise<TerminalOutcome>;
  /** Voids a charge of the same day (before settlement). */
  void(reference: string): Promise<{ state: 'voided' } | { state: 'failed'; reason: string }>;
  refund(reference: string, amountFen: number): Promise<{ state: 'refunded' } | { state: 'failed'; reason: string }>;
}

export class SimulatedCardTerminal implements CardTerminal {
  private readonly charges = new Map<string, { amountFen: number; refundedFen: number; voided: boolean }>();

  constructor(private readonly now: () => number = Date.now) {}

  async charge(reference: string, amountFen: number): Promise<TerminalOutcome> {
    if (!Number.isSafeInteger(amountFen) || amountFen <= 0) return { state: 'declined', reason: '金额无效' };
    const existing = this.charges.get(reference);
    // The same reference twice is the same charge: a retried command must not charge the card again.
    if (existing) return { state: 'approved', authCode: authCodeOf(reference), cardLast4: '6226', at: this.now() };
    if (amountFen % 100 === 51) return { state: 'declined', reason: '余额不足' };
    if (amountFen % 100 === 52) return { state: 'timeout' };
    this.charges.set(reference, { amountFen, refundedFen: 0, voided: false });
    return { state: 'approved', authCode: authCodeOf(reference), cardLast4: '6226', at: this.now() };
  }

  async void(reference: string) {
    const charge = this.charges.get(reference);
    if (!charge || charge.voided || charge.refundedFen > 0) return { state: 'failed' as const, reason: '没有可撤销的交易' };
    charge.voided = true;
    return { state: 'voided' as const };
  }

  async refund(reference: string, amountFen: number) {
    const charge = this.charges.get(reference);
    if (!charge || charge.voided) return { state: 'failed' as const, reason: '原交易不存在' };
    if (amountFen <= 0 || charge.refundedFen + amountFen > charge.amountFen)
      return { state: 'failed' as const, reason: '退款金额超过可退金额' };
    charge.refundedFen += amountFen;
    return { state: 'refunded' as const };
  }
}

function authCodeOf(reference: string): string {
  let h = 0;
  for (const ch of reference) h = (h * 31 + ch.charCodeAt(0)) % 1_000_000;
  return String(h).padStart(6, '0');
}
