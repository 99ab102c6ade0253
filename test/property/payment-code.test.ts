import { classifyPaymentCode, type PaymentWallet } from '@paydesk/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/**
 * The rule of payments.md §1, restated as data: the wallet a string of digits belongs to. Everything
 * the classifier answers is compared with this.
 */
function walletOf(digits: string): PaymentWallet {
  const prefix = Number(digits.slice(0, 2));
  const n = digits.length;
  if (n === 18 && prefix >= 10 && prefix <= 15) return 'wechat';
  if (n >= 16 && n <= 24 && prefix >= 25 && prefix <= 30) return 'alipay';
  if (n === 19 && prefix === 62) return 'unionpay';
  return 'unsupported';
}

const digits = (min: number, max: number) => fc.stringMatching(new RegExp(`^\\d{${min},${max}}$`));

/** A valid code of each wallet, every prefix and every length it may have. */
const validCode = fc.oneof(
  fc.tuple(fc.integer({ min: 10, max: 15 }), digits(16, 16)).map(([p, rest]) => ({ wallet: 'wechat' as const, code: `${p}${rest}` })),
  fc.tuple(fc.integer({ min: 25, max: 30 }), digits(14, 22)).map(([p, rest]) => ({ wallet: 'alipay' as const, code: `${p}${rest}` })),
  digits(17, 17).map((rest) => ({ wallet: 'unionpay' as const, code: `62${rest}` })),
);

/** What a keyboard-wedge scanner or a hurried cashier leaves around a code. */
const edge = fc.string({ unit: fc.constantFrom(' ', '\t', '\r', '\n', '\r\n', '\u3000', '\ufeff', '\u00a0'), maxLength: 4 });

const fullWidth = (s: string) => s.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));

describe('payment-code classifier', () => {
  it('classifies every valid prefix and length, with the scanner’s CR/LF and spaces trimmed', () => {
    fc.assert(
      fc.property(validCode, edge, edge, ({ wallet, code }, before, after) => {
        expect(classifyPaymentCode(code)).toEqual({ wallet, code });
        expect(classifyPaymentCode(`${before}${code}${after}`)).toEqual({ wallet, code });
      }),
      { numRuns: 3000 },
    );
  });

  it('reads full-width digits (a Chinese IME in full-width mode) as the same code', () => {
    fc.assert(
      fc.property(validCode, fc.array(fc.boolean(), { minLength: 24, maxLength: 24 }), ({ wallet, code }, which) => {
        const typed = [...code].map((d, i) => (which[i] ? fullWidth(d) : d)).join('');
        expect(classifyPaymentCode(typed)).toEqual({ wallet, code });
      }),
    );
  });

  it('answers unsupported for every other string of digits, of any length', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          digits(0, 30),
          fc.integer({ min: 0, max: 99 }).chain((p) => digits(10, 28).map((rest) => `${String(p).padStart(2, '0')}${rest}`)),
        ),
        (code) => {
          expect(classifyPaymentCode(code)).toEqual({ wallet: walletOf(code), code });
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('answers unsupported when anything but digits is inside, a space included', () => {
    const inside = fc.oneof(
      fc.constantFrom(' ', '-', '.', '+', 'e', '\u3000', '\t', 'O', 'l', '\u200b'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 2 }).filter((s) => !/^[\d\uff10-\uff19]+$/.test(s)),
    );
    fc.assert(
      fc.property(validCode, inside, fc.nat(), ({ code }, junk, pick) => {
        const at = 1 + (pick % (code.length - 1));
        expect(classifyPaymentCode(`${code.slice(0, at)}${junk}${code.slice(at)}`).wallet).toBe('unsupported');
      }),
      { numRuns: 3000 },
    );
  });

  it('never throws on any text, answers within its vocabulary, and gives back only trimmed ASCII digits as a code it accepts', () => {
    const anyText = fc.oneof(
      fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)), maxLength: 80 }),
      fc.string({ unit: 'binary', maxLength: 80 }),
    );
    fc.assert(
      fc.property(anyText, (text) => {
        const r = classifyPaymentCode(text);
        expect(['wechat', 'alipay', 'unionpay', 'unsupported']).toContain(r.wallet);
        if (r.wallet !== 'unsupported') {
          expect(r.code).toMatch(/^\d{16,24}$/);
          expect(walletOf(r.code)).toBe(r.wallet);
        }
      }),
      { numRuns: 5000 },
    );
    for (const notText of [undefined, null, 1345678901234567, {}]) {
      expect(classifyPaymentCode(notText as unknown as string)).toEqual({ wallet: 'unsupported', code: '' });
    }
  });

  it('does not look at input longer than 64 characters, however valid the code inside', () => {
    fc.assert(
      fc.property(validCode, fc.integer({ min: 0, max: 200 }), ({ code }, pad) => {
        const padded = `${code}${' '.repeat(64 - code.length + 1 + pad)}`;
        expect(classifyPaymentCode(padded)).toEqual({ wallet: 'unsupported', code: '' });
        expect(classifyPaymentCode(padded.slice(0, 64)).wallet).not.toBe('unsupported');
      }),
    );
  });
});
