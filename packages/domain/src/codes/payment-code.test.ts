import { describe, expect, it } from 'vitest';
import { classifyPaymentCode, type PaymentWallet } from './payment-code.ts';

/** A realistic code: the prefix, then digits up to the length. */
const code = (prefix: string, length: number): string => `${prefix}3917204856019283746501928374`.slice(0, length);

describe('classifyPaymentCode: WeChat Pay, 18 digits starting 10–15 (payments.md §1)', () => {
  it.each(['10', '11', '12', '13', '14', '15'])('accepts 18 digits starting %s', (prefix) => {
    const c = code(prefix, 18);
    expect(c).toHaveLength(18);
    expect(classifyPaymentCode(c)).toEqual({ wallet: 'wechat', code: c });
  });

  it('accepts a realistic code', () => {
    expect(classifyPaymentCode('134567890123456789')).toEqual({ wallet: 'wechat', code: '134567890123456789' });
  });

  it.each([
    ['17 digits starting 13', code('13', 17)],
    ['19 digits starting 13', code('13', 19)],
    ['18 digits starting 09', code('09', 18)],
    ['18 digits starting 16', code('16', 18)],
    ['18 digits starting 19', code('19', 18)],
  ])('refuses %s', (_name, c) => {
    expect(classifyPaymentCode(c).wallet).toBe('unsupported');
  });
});

describe('classifyPaymentCode: Alipay, 16–24 digits starting 25–30', () => {
  const cases: [string, number][] = [];
  for (const prefix of ['25', '26', '27', '28', '29', '30']) for (let n = 16; n <= 24; n++) cases.push([prefix, n]);

  it.each(cases)('accepts prefix %s with %i digits', (prefix, length) => {
    const c = code(prefix, length);
    expect(c).toHaveLength(length);
    expect(classifyPaymentCode(c)).toEqual({ wallet: 'alipay', code: c });
  });

  it('accepts realistic codes, including an 18-digit one (the length WeChat uses)', () => {
    expect(classifyPaymentCode('286543210987654321').wallet).toBe('alipay');
    expect(classifyPaymentCode('2812345678901234').wallet).toBe('alipay');
    expect(classifyPaymentCode('251234567890123456789012').wallet).toBe('alipay');
  });

  it.each([
    ['15 digits starting 28', code('28', 15)],
    ['25 digits starting 28', code('28', 25)],
    ['18 digits starting 24', code('24', 18)],
    ['18 digits starting 31', code('31', 18)],
    ['16 digits starting 20', code('20', 16)],
  ])('refuses %s', (_name, c) => {
    expect(classifyPaymentCode(c).wallet).toBe('unsupported');
  });
});

describe('classifyPaymentCode: UnionPay, 19 digits starting 62', () => {
  it('accepts 19 digits starting 62', () => {
    expect(classifyPaymentCode('6223456789012345678')).toEqual({ wallet: 'unionpay', code: '6223456789012345678' });
    expect(classifyPaymentCode(code('62', 19)).wallet).toBe('unionpay');
  });

  it.each([
    ['18 digits starting 62', code('62', 18)],
    ['20 digits starting 62', code('62', 20)],
    ['16 digits starting 62', code('62', 16)],
    ['19 digits starting 61', code('61', 19)],
    ['19 digits starting 63', code('63', 19)],
    ['19 digits starting 6 then a space', '6 23456789012345678'],
  ])('refuses %s', (_name, c) => {
    expect(classifyPaymentCode(c).wallet).toBe('unsupported');
  });
});

describe('classifyPaymentCode: what a keyboard-wedge scanner types', () => {
  it.each([
    ['CR', '134567890123456789\r'],
    ['LF', '134567890123456789\n'],
    ['CRLF', '134567890123456789\r\n'],
    ['a tab', '134567890123456789\t'],
    ['leading and trailing spaces', '  134567890123456789  '],
    ['full-width spaces', '\u3000134567890123456789\u3000'],
    ['a BOM', '\uFEFF134567890123456789'],
    ['a no-break space', '134567890123456789\u00A0'],
    ['everything at once', ' \t\u3000134567890123456789\r\n'],
  ])('trims %s', (_name, input) => {
    expect(classifyPaymentCode(input)).toEqual({ wallet: 'wechat', code: '134567890123456789' });
  });

  it('reads full-width digits (a Chinese IME in full-width mode) as ASCII', () => {
    expect(classifyPaymentCode('１３４５６７８９０１２３４５６７８９\r\n')).toEqual({ wallet: 'wechat', code: '134567890123456789' });
    expect(classifyPaymentCode('６２２３４５６７８９０１２３４５６７８')).toEqual({ wallet: 'unionpay', code: '6223456789012345678' });
  });

  it.each<[string, string]>([
    ['empty', ''],
    ['blank', ' \r\n'],
    ['letters', 'ABCDEFGHIJKLMNOPQR'],
    ['a letter among the digits', '13456789012345678X'],
    ['a space inside', '134567890 123456789'],
    ['a hyphen inside', '1345-6789-0123-4567-89'],
    ['a sign', '+134567890123456789'],
    ['a decimal point', '13456789012345678.9'],
    ['an Arabic-Indic digit', '١٣٤٥٦٧٨٩٠١٢٣٤٥٦٧٨٩'],
    ['an Alipay collection URL', 'https://qr.alipay.com/fkx12345abcdefghijklm'],
    ['a WeChat collection code', 'wxp://f2f0hO4Zx8Yt0aWwlhABCMx2bkA4GJmCPhe8'],
    ['an EMVCo code', '00020101021129370016A000000677010111011300668012345675802TH530376463046197'],
    ['a control character', '13456789012345678\u00009'],
    ['a 1-digit number', '1'],
  ])('%s is unsupported', (_name, input) => {
    expect(classifyPaymentCode(input).wallet).toBe('unsupported');
  });

  it('returns the trimmed text as the code even when unsupported', () => {
    expect(classifyPaymentCode(' 12345\r\n')).toEqual({ wallet: 'unsupported', code: '12345' });
  });

  it('handles 100 KB without examining it, and echoes nothing back', () => {
    const start = performance.now();
    expect(classifyPaymentCode('1'.repeat(100_000))).toEqual({ wallet: 'unsupported', code: '' });
    expect(classifyPaymentCode(`134567890123456789${' '.repeat(100_000)}`)).toEqual({ wallet: 'unsupported', code: '' });
    // Catastrophic backtracking would take minutes; the bound is loose so a busy machine never trips it.
    expect(performance.now() - start).toBeLessThan(2000);
  });

  it('examines up to 64 characters of input (padding included)', () => {
    expect(classifyPaymentCode(`134567890123456789${' '.repeat(46)}`).wallet).toBe('wechat');
    expect(classifyPaymentCode(`134567890123456789${' '.repeat(47)}`).wallet).toBe('unsupported');
  });

  it('refuses a non-string without throwing', () => {
    expect(classifyPaymentCode(undefined as unknown as string)).toEqual({ wallet: 'unsupported', code: '' });
  });

  it('never gives one code two wallets: the prefixes are disjoint', () => {
    const wallets = new Map<string, PaymentWallet>();
    for (let p = 0; p <= 99; p++) {
      for (let n = 10; n <= 26; n++) {
        const c = code(String(p).padStart(2, '0'), n);
        const { wallet } = classifyPaymentCode(c);
        if (wallet !== 'unsupported') wallets.set(c, wallet);
      }
    }
    // 6 WeChat prefixes × 1 length + 6 Alipay prefixes × 9 lengths + 1 UnionPay prefix × 1 length
    expect(wallets.size).toBe(6 + 54 + 1);
  });
});
