/**
 * Customer payment codes (付款码) as a keyboard-wedge scanner types them (payments.md §1):
 * WeChat Pay 18 digits starting 10–15; Alipay 16–24 digits starting 25–30; UnionPay 19 digits
 * starting 62. The prefixes do not overlap, so the first two digits pick the wallet and the length
 * must then fit it: 19 digits starting 62 is UnionPay, 18 digits starting 62 is nothing; 18 digits
 * starting 25 is Alipay, 17 digits starting 13 is nothing.
 *
 * Decisions where the reference leaves room:
 * - Surrounding whitespace is trimmed (the scanner's CR/LF, spaces, tabs, full-width spaces, BOM);
 *   whitespace inside the code is not removed, so "1345 6789…" is unsupported.
 * - Full-width digits (０–９), which a scanner types when a Chinese IME is in full-width mode, are read
 *   as ASCII digits.
 * - Input longer than 64 characters is unsupported without being examined, and its `code` is ''.
 */

export type PaymentWallet = 'wechat' | 'alipay' | 'unionpay' | 'unsupported';

export interface PaymentCodeClassification {
  wallet: PaymentWallet;
  /** The code as it would be sent to the wallet: trimmed, ASCII digits. */
  code: string;
}

const MAX_INPUT = 64;

function toAsciiDigits(s: string): string {
  return s.replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xff10 + 0x30));
}

/** Which wallet a scanned payment code (付款码) belongs to. */
export function classifyPaymentCode(input: string): PaymentCodeClassification {
  if (typeof input !== 'string' || input.length > MAX_INPUT) return { wallet: 'unsupported', code: '' };
  const code = toAsciiDigits(input.trim());
  if (!/^\d+$/.test(code)) return { wallet: 'unsupported', code };
  const prefix = Number(code.slice(0, 2));
  const length = code.length;
  if (length === 18 && prefix >= 10 && prefix <= 15) return { wallet: 'wechat', code };
  if (length >= 16 && length <= 24 && prefix >= 25 && prefix <= 30) return { wallet: 'alipay', code };
  if (length === 19 && prefix === 62) return { wallet: 'unionpay', code };
  return { wallet: 'unsupported', code };
}
