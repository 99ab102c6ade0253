import { fenToYuanString, formatFen, isValidAmountFen, maxFen, parseYuan } from '@paydesk/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/** Any UTF-16 text, lone surrogates and controls included: what a form or a scanner can really send. */
const anyText = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)), maxLength: 40 });

/** Text built from the characters an amount is made of, so that the parser's edges are actually reached. */
const amountLike = fc.string({
  unit: fc.constantFrom('0', '1', '2', '5', '9', '.', ',', '¥', '￥', ' ', '-', '+', 'e', '\u3000', '\t', '１'),
  maxLength: 16,
});

/** The value an accepted text stands for, read digit by digit with BigInt: no floating point anywhere. */
function exactFen(text: string): bigint {
  const plain = text
    .trim()
    .replace(/^[¥￥]\s*/, '')
    .replace(/,/g, '');
  const [whole = '', fraction = ''] = plain.split('.');
  return BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
}

describe('money: parse and print (integer fen, never floats)', () => {
  it('prints every amount from 0 to the ceiling so that it parses back to the same fen', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: maxFen }), (fen) => {
        expect(parseYuan(fenToYuanString(fen))).toBe(fen);
        // The form people read ("¥1,234.50") is accepted too.
        expect(parseYuan(formatFen(fen))).toBe(fen);
      }),
      { numRuns: 2000 },
    );
  });

  it('parses yuan and fen written out exactly, with no float drift (0.29, 1.15, 4.35 …)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: maxFen / 100 - 1 }), fc.integer({ min: 0, max: 99 }), (yuan, cents) => {
        const fen = yuan * 100 + cents;
        expect(parseYuan(`${yuan}.${String(cents).padStart(2, '0')}`)).toBe(fen);
        if (cents % 10 === 0) expect(parseYuan(`${yuan}.${cents / 10}`)).toBe(fen);
        if (cents === 0) expect(parseYuan(String(yuan))).toBe(fen);
      }),
      { numRuns: 2000 },
    );
  });

  it('gives, for every text it accepts, an integer within range that prints back to an equal value', () => {
    fc.assert(
      fc.property(fc.oneof(amountLike, anyText), (text) => {
        const fen = parseYuan(text);
        if (fen === null) return;
        expect(Number.isSafeInteger(fen)).toBe(true);
        expect(fen).toBeGreaterThanOrEqual(0);
        expect(fen).toBeLessThanOrEqual(maxFen);
        expect(BigInt(fen)).toBe(exactFen(text));
        expect(parseYuan(fenToYuanString(fen))).toBe(fen);
      }),
      { numRuns: 3000 },
    );
  });

  it('never throws on garbage: it answers null', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, amountLike, fc.string({ unit: 'binary', maxLength: 200 })), (text) => {
        const fen = parseYuan(text);
        expect(fen === null || Number.isSafeInteger(fen)).toBe(true);
      }),
      { numRuns: 3000 },
    );
    expect(parseYuan('9'.repeat(100_000))).toBeNull();
  });

  it('refuses more than two decimals, signs and exponents, whatever the digits', () => {
    const digits = fc.stringMatching(/^\d{1,6}$/);
    fc.assert(
      fc.property(digits, fc.stringMatching(/^\d{3,5}$/), fc.constantFrom('-', '+'), fc.stringMatching(/^\d{1,2}$/), (a, many, sign, e) => {
        expect(parseYuan(`${a}.${many}`)).toBeNull();
        expect(parseYuan(`${sign}${a}`)).toBeNull();
        expect(parseYuan(`${a}e${e}`)).toBeNull();
        expect(parseYuan(`${a}E${e}`)).toBeNull();
      }),
    );
  });

  it('refuses every amount above the ceiling', () => {
    fc.assert(
      fc.property(fc.integer({ min: maxFen + 1, max: 999_999_999_99 }), (fen) => {
        expect(parseYuan(fenToYuanString(fen))).toBeNull();
      }),
    );
  });

  it('prints any safe integer exactly, negative ones included, and nothing that is not one', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (fen) => {
        const text = fenToYuanString(fen);
        expect(text).toMatch(/^-?\d+\.\d{2}$/);
        const negative = text.startsWith('-');
        expect((negative ? -1n : 1n) * exactFen(text.replace('-', ''))).toBe(BigInt(fen));
        // The grouped form is the same number with separators and the yuan sign.
        expect(formatFen(fen).replace(/[¥,]/g, '')).toBe(text);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(
        fc.double().filter((x) => !Number.isSafeInteger(x)),
        (x) => {
          expect(() => fenToYuanString(x)).toThrow(RangeError);
        },
      ),
    );
  });

  it('calls an amount valid exactly when it is a whole number of fen above zero and within the ceiling', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -10, max: maxFen + 10 }), fc.double(), fc.anything()), (value) => {
        const expected = typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 && value <= maxFen;
        expect(isValidAmountFen(value)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });
});
