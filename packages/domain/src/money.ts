/**
 * Money is integer fen everywhere. These are the only places text becomes fen and fen becomes text.
 */
export const maxFen = 100_000_000_00; // ¥100,000,000: Alipay's ceiling, far above any counter sale

/** "23.72", "23.7", "23", "¥1,234.50" → fen; anything else (more than 2 decimals, signs, exponents) → null. */
export function parseYuan(input: string): number | null {
  const text = input.trim().replace(/^[¥￥]\s*/, '');
  // Commas only as thousands separators of the whole yuan: "1,5" is a typo for 1.5 or 15, never ¥15.
  if (text.includes(',') && !/^\d{1,3}(?:,\d{3})+(?:\.\d*)?$/.test(text)) return null;
  const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text.replace(/,/g, ''));
  if (!m) return null;
  const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(fen) && fen <= maxFen ? fen : null;
}

/** 2372 → "23.72"; always two decimals, no grouping (the form wallets and EMVCo expect). */
export function fenToYuanString(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`not an integer amount of fen: ${fen}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** 123450 → "¥1,234.50" for people to read. */
export function formatFen(fen: number): string {
  const plain = fenToYuanString(fen);
  const [int = '0', dec = '00'] = plain.replace('-', '').split('.');
  return `${fen < 0 ? '-' : ''}¥${int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${dec}`;
}

export function isValidAmountFen(fen: unknown, ceiling = maxFen): fen is number {
  return typeof fen === 'number' && Number.isSafeInteger(fen) && fen > 0 && fen <= ceiling;
}
