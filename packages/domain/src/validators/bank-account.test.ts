import { describe, expect, it } from 'vitest';
import { luhnValid, validateBankAccount } from './bank-account.ts';

/** Published card-network test numbers (never issued to a cardholder). */
const TEST_CARDS = {
  unionPay16: '6200000000000005',
  unionPay19: '6205500000000000004',
  unionPayDebit: '6250946000000016',
  visa: '4111111111111111',
  visaStripe: '4242424242424242',
};

describe('luhnValid', () => {
  it.each(Object.entries(TEST_CARDS))('accepts the %s test number %s', (_name, number) => {
    expect(luhnValid(number)).toBe(true);
  });

  it.each([
    // UnionPay-prefixed numbers whose last digit was computed by hand for this test.
    ['6212345678901232'],
    ['6217001234567890122'],
    ['6222021234567894'],
    ['0'],
    ['00'],
    ['18'],
    ['59'],
    ['79927398713'],
  ])('accepts %s', (number) => {
    expect(luhnValid(number)).toBe(true);
  });

  it('rejects every other final digit of a valid number', () => {
    for (const number of [...Object.values(TEST_CARDS), '6212345678901232']) {
      const body = number.slice(0, -1);
      for (const digit of '0123456789') {
        if (digit === number.slice(-1)) continue;
        expect(luhnValid(body + digit)).toBe(false);
      }
    }
  });

  it('detects every single-digit change in a UnionPay number', () => {
    const number = '6217001234567890122';
    for (let i = 0; i < number.length; i++) {
      for (const digit of '0123456789') {
        if (digit === number.charAt(i)) continue;
        expect(luhnValid(number.slice(0, i) + digit + number.slice(i + 1))).toBe(false);
      }
    }
  });

  it('detects a swap of adjacent digits other than 0 and 9', () => {
    expect(luhnValid('6212345678901232')).toBe(true);
    expect(luhnValid('2612345678901232')).toBe(false);
    expect(luhnValid('6221345678901232')).toBe(false);
  });

  it.each([[''], ['6212 3456 7890 1232'], ['621234567890123a'], ['-18'], ['１８']])('returns false for non-digit input %j', (input) => {
    expect(luhnValid(input)).toBe(false);
  });
});

describe('validateBankAccount', () => {
  it('accepts a UnionPay card number and reports Luhn', () => {
    expect(validateBankAccount('6212345678901232')).toEqual({
      ok: true,
      value: '6212345678901232',
      last4: '1232',
      luhn: true,
    });
  });

  it('accepts a 19-digit card printed in groups', () => {
    expect(validateBankAccount(' 6217 0012 3456 7890 122 ')).toEqual({
      ok: true,
      value: '6217001234567890122',
      last4: '0122',
      luhn: true,
    });
  });

  it('accepts a card with a Luhn typo but flags it', () => {
    expect(validateBankAccount('6212345678901233')).toEqual({
      ok: true,
      value: '6212345678901233',
      last4: '1233',
      luhn: false,
    });
  });

  it('accepts corporate account numbers of varied lengths without Luhn', () => {
    const corporate = '110060149018000567881';
    expect(luhnValid(corporate)).toBe(false);
    expect(validateBankAccount(corporate)).toEqual({ ok: true, value: corporate, last4: '7881', luhn: false });
  });

  it('removes tabs, newlines, no-break and full-width spaces', () => {
    const result = validateBankAccount('6212\t3456\n7890\u00A01232\u3000');
    expect(result).toEqual({ ok: true, value: '6212345678901232', last4: '1232', luhn: true });
  });

  it('accepts the length bounds 8 and 30', () => {
    expect(validateBankAccount('12345678')).toMatchObject({ ok: true, value: '12345678', last4: '5678' });
    expect(validateBankAccount('1'.repeat(30))).toMatchObject({ ok: true, value: '1'.repeat(30) });
  });

  it('keeps leading zeros', () => {
    expect(validateBankAccount('0200001234567890')).toMatchObject({ ok: true, value: '0200001234567890' });
  });

  it.each([[''], ['   '], ['\t\n']])('rejects empty input %j', (input) => {
    expect(validateBankAccount(input)).toEqual({ ok: false, reason: 'empty' });
  });

  it.each([
    ['6212-3456-7890-1232', 'hyphens'],
    ['6212.3456.7890.1232', 'dots'],
    ['621234567890123A', 'a letter'],
    ['６２１２３４５６７８９０１２３２', 'full-width digits'],
    ['+6212345678901232', 'a sign'],
    ['62123456789012.5', 'a decimal point'],
    ['6212345678901232\u0000', 'a NUL byte'],
  ])('rejects %j (%s)', (input) => {
    expect(validateBankAccount(input)).toEqual({ ok: false, reason: 'charset' });
  });

  it.each([['1234567'], ['1'], ['1'.repeat(31)], ['1234 567']])('rejects the length of %j', (input) => {
    expect(validateBankAccount(input)).toEqual({ ok: false, reason: 'length' });
  });
});
