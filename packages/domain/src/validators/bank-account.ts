export type BankAccountResult =
  | { ok: true; value: string; last4: string; luhn: boolean }
  | { ok: false; reason: 'empty' | 'charset' | 'length' };

/**
 * Settlement accounts in China: personal bank cards are 16–19 digits, corporate accounts
 * have bank-specific lengths, so the bounds are wide. Spaces are how numbers are printed.
 */
const MIN_LENGTH = 8;
const MAX_LENGTH = 30;

/** Luhn (ISO/IEC 7812-1) check over a string of ASCII digits; false for anything else. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/**
 * Luhn is reported rather than required: UnionPay cards carry it, corporate accounts
 * generally do not, and the UI can use it to warn about a likely typo on a card number.
 */
export function validateBankAccount(input: string): BankAccountResult {
  const value = input.replace(/\s/g, '');
  if (value === '') return { ok: false, reason: 'empty' };
  if (!/^\d+$/.test(value)) return { ok: false, reason: 'charset' };
  if (value.length < MIN_LENGTH || value.length > MAX_LENGTH) return { ok: false, reason: 'length' };
  return { ok: true, value, last4: value.slice(-4), luhn: luhnValid(value) };
}
