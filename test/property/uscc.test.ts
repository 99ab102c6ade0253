import { usccCheckChar, validateUscc } from '@paydesk/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/** GB 32100-2015: digits and capitals without I, O, Z, S, V; a character's value is its place here. */
const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** Registration authority + entity type pairs GB 32100-2015 allows. */
const registrationTypes = [
  ...['11', '12', '13', '19', '21', '29', '31', '32', '33', '34', '35', '39', '41', '49', '51', '52', '53', '59'],
  ...['61', '62', '69', '71', '72', '79', '81', '89', '91', '92', '93', 'A1', 'A9', 'N1', 'N2', 'N3', 'N9', 'Y1'],
];

/** GB 11714-1997: the organisation code's check character, letters valued A=10 … Z=35. */
function organisationCheck(body8: string): string {
  const weights = [3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body8].reduce((acc, ch, i) => acc + Number.parseInt(ch, 36) * (weights[i] ?? 0), 0);
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/** GB 32100-2015: weights 3^i mod 31, and the check character that makes the weighted sum 0 mod 31. */
function finalCheck(first17: string): string {
  let weight = 1;
  let sum = 0;
  for (const ch of first17) {
    sum += alphabet.indexOf(ch) * weight;
    weight = (weight * 3) % 31;
  }
  return alphabet.charAt((31 - (sum % 31)) % 31);
}

const alphabetChar = fc.constantFrom(...alphabet);

/** A valid credit code: a real registration type, a six-digit division, and both check characters right. */
const validUscc = fc
  .tuple(
    fc.constantFrom(...registrationTypes),
    fc.stringMatching(/^\d{6}$/),
    fc.array(alphabetChar, { minLength: 8, maxLength: 8 }).map((c) => c.join('')),
  )
  .map(([type, division, body]) => {
    const first17 = `${type}${division}${body}${organisationCheck(body)}`;
    return `${first17}${finalCheck(first17)}`;
  });

describe('unified social credit code (GB 32100-2015)', () => {
  it('accepts every code with correct check characters, in any case and with spaces around it', () => {
    fc.assert(
      fc.property(validUscc, fc.constantFrom(' ', '\t', '\u3000', '\r\n'), (code, space) => {
        expect(validateUscc(code)).toEqual({ ok: true, value: code });
        expect(validateUscc(`${space}${code.toLowerCase()}\t`)).toEqual({ ok: true, value: code });
        expect(usccCheckChar(code.slice(0, 17))).toBe(code.charAt(17));
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses any single character changed, to anything at all', () => {
    const replacement = fc.oneof(
      { weight: 4, arbitrary: alphabetChar },
      { weight: 1, arbitrary: fc.constantFrom('I', 'O', 'S', 'V', 'Z', '-', ' ', '０', '中') },
    );
    fc.assert(
      fc.property(validUscc, fc.integer({ min: 0, max: 17 }), replacement, (code, at, ch) => {
        fc.pre(ch !== code.charAt(at));
        const changed = `${code.slice(0, at)}${ch}${code.slice(at + 1)}`;
        expect(validateUscc(changed).ok, changed).toBe(false);
      }),
      { numRuns: 5000 },
    );
  });

  it('refuses two neighbouring characters swapped (the commonest typing slip)', () => {
    fc.assert(
      fc.property(validUscc, fc.integer({ min: 0, max: 16 }), (code, at) => {
        fc.pre(code.charAt(at) !== code.charAt(at + 1));
        const swapped = `${code.slice(0, at)}${code.charAt(at + 1)}${code.charAt(at)}${code.slice(at + 2)}`;
        expect(validateUscc(swapped).ok, swapped).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });

  it('never throws on garbage and names the first rule broken', () => {
    const anyText = fc.oneof(
      fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)), maxLength: 30 }),
      fc.string({ unit: fc.constantFrom(...alphabet, 'i', 'o', ' '), minLength: 16, maxLength: 20 }),
    );
    fc.assert(
      fc.property(anyText, (text) => {
        const r = validateUscc(text);
        if (r.ok) {
          expect(r.value).toMatch(/^[0-9A-HJ-NP-RTUW-Y]{18}$/);
          expect(finalCheck(r.value.slice(0, 17))).toBe(r.value.charAt(17));
          return;
        }
        expect(['empty', 'length', 'charset', 'registration_type', 'division', 'org_checksum', 'checksum']).toContain(r.reason);
        const value = text.trim().toUpperCase();
        if (value === '') expect(r.reason).toBe('empty');
        else if (value.length !== 18) expect(r.reason).toBe('length');
      }),
      { numRuns: 5000 },
    );
  });

  it('computes the check character for any 17 characters of the alphabet, and refuses anything else', () => {
    fc.assert(
      fc.property(fc.array(alphabetChar, { minLength: 17, maxLength: 17 }), (chars) => {
        expect(usccCheckChar(chars.join(''))).toBe(finalCheck(chars.join('')));
      }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (text) => {
        fc.pre(text.length !== 17 || [...text].some((c) => !alphabet.includes(c)));
        expect(() => usccCheckChar(text)).toThrow(RangeError);
      }),
    );
  });
});
