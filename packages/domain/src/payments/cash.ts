/**
 * Cash at the counter. Some shops round the change to the jiao (0.1 yuan) because fen coins are rarely
 * at hand; the rounding is the shop's choice and is recorded with the sale.
 */
export type CashRounding = 'none' | 'jiao_down' | 'jiao_nearest';

export interface CashSale {
  /** What the customer owes after rounding. */
  dueFen: number;
  tenderedFen: number;
  changeFen: number;
  /** Rounding given away (positive) by the shop. */
  roundingFen: number;
}

export function roundDue(amountFen: number, rounding: CashRounding): number {
  if (rounding === 'none') return amountFen;
  const fen = amountFen % 10;
  if (rounding === 'jiao_down') return amountFen - fen;
  return fen >= 5 ? amountFen - fen + 10 : amountFen - fen;
}

/** null when the tendered cash does not cover what is due. */
export function cashSale(amountFen: number, tenderedFen: number, rounding: CashRounding = 'none'): CashSale | null {
  const dueFen = roundDue(amountFen, rounding);
  if (!Number.isSafeInteger(tenderedFen) || tenderedFen < dueFen) return null;
  return { dueFen, tenderedFen, changeFen: tenderedFen - dueFen, roundingFen: amountFen - dueFen };
}
