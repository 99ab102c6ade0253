import {
  crc16CcittFalse,
  crc16Hex,
  decodeEmv,
  type EmvDecodeResult,
  EmvEncodeError,
  type EmvInput,
  encodeEmv,
  isUnionPayAccount,
} from '@paydesk/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cp, emvCode, emvInput, emvReasons, text, unionPayAid, writtenLength, yuanText } from './emv-arbitraries.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);

/** Closes a body with a correct CRC, so that a test reaches the checks that run after the CRC. */
const withCrc = (body: string): string => `${body}6304${crc16Hex(crc16CcittFalse(utf8(`${body}6304`)))}`;

/** Fen of an amount text with at most two decimals, by BigInt arithmetic on its digits. */
function fenOf(amount: string): number {
  const [whole = '', fraction = ''] = amount.split('.');
  return Number(BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0')));
}

/** The top-level data objects of a well-formed code, by code-point position (a reading independent of the codec). */
function topLevel(code: string): { tag: string; start: number; end: number }[] {
  const chars = [...code];
  const out: { tag: string; start: number; end: number }[] = [];
  for (let i = 0; i < chars.length; ) {
    const length = Number(chars.slice(i + 2, i + 4).join(''));
    out.push({ tag: chars.slice(i, i + 2).join(''), start: i, end: i + 4 + length });
    i += 4 + length;
  }
  return out;
}

function encodeOk(input: EmvInput): string | null {
  try {
    return encodeEmv(input);
  } catch (err) {
    if (err instanceof EmvEncodeError && err.reason === 'too_long') return null;
    throw err;
  }
}

/** What decoding must give back: the input, with the defaults the codec documents filled in. */
function expectedPayload(input: EmvInput): Record<string, unknown> {
  const amount = input.amountFen !== undefined ? yuanText(input.amountFen) : input.amount;
  const optional = {
    amount,
    amountFen: amount !== undefined && input.currency === '156' ? fenOf(amount) : undefined,
    tipIndicator: input.tipIndicator,
    convenienceFeeFixed: input.convenienceFeeFixed,
    convenienceFeePercentage: input.convenienceFeePercentage,
    postalCode: input.postalCode,
    additionalData: input.additionalData,
    alternateLanguage: input.alternateLanguage,
  };
  return {
    payloadFormat: '01',
    initiation: input.initiation ?? (amount === undefined ? 'static' : 'dynamic'),
    mcc: input.mcc,
    currency: input.currency,
    country: input.country,
    merchantName: input.merchantName,
    merchantCity: input.merchantCity,
    unknown: input.unknown ?? [],
    warnings: [],
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
  };
}

/** A decode result that is either a payload or one of our errors, never anything else. */
function expectWellFormed(result: EmvDecodeResult, input: string): void {
  if (result.ok) return;
  expect(emvReasons).toContain(result.error.reason);
  if (result.error.at !== undefined) {
    expect(Number.isInteger(result.error.at)).toBe(true);
    expect(result.error.at).toBeGreaterThanOrEqual(0);
    expect(result.error.at).toBeLessThanOrEqual(cp(input));
  }
  if (result.error.tag !== undefined) expect(typeof result.error.tag).toBe('string');
}

describe('EMVCo codec: encode → decode round trip', () => {
  it('decodes, strictly, exactly what it encoded; refuses with too_long exactly when the code would pass 512 characters', () => {
    fc.assert(
      fc.property(emvInput, (input) => {
        const length = writtenLength(input);
        const code = encodeOk(input);
        if (length > 512) {
          expect(code).toBeNull();
          return;
        }
        expect(code).not.toBeNull();
        const text = code as string;
        expect(cp(text)).toBe(length);
        expect(text).toMatch(/6304[0-9A-F]{4}$/);
        const decoded = decodeEmv(text, { strict: true });
        if (!decoded.ok) throw new Error(`refused its own code ${JSON.stringify(text)}: ${JSON.stringify(decoded.error)}`);
        const { merchantAccounts, crc, ...rest } = decoded.value;
        expect(rest).toEqual(expectedPayload(input));
        expect(crc).toBe(text.slice(-4));
        expect(merchantAccounts.map((a) => (a.kind === 'primitive' ? { tag: a.tag, value: a.value } : a))).toEqual(
          input.merchantAccounts.map((a) => ('guid' in a ? { tag: a.tag, kind: 'template', guid: a.guid, fields: a.fields ?? [] } : a)),
        );
        for (const account of merchantAccounts) {
          const n = Number(account.tag);
          // §5: primitive tags 15 and 16 are UnionPay's; a template is UnionPay's when its AID is.
          const unionPay = account.kind === 'primitive' ? n === 15 || n === 16 : account.guid.toUpperCase().startsWith('A000000333');
          expect(isUnionPayAccount(account)).toBe(unionPay);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('writes a code of exactly 512 characters and refuses one of 513', () => {
    /** Unknown data objects (tags 65–99) that bring the code to `target` characters. */
    const padTo = (input: EmvInput, target: number): EmvInput => {
      const base = { ...input, unknown: [] };
      let remaining = target - writtenLength(base);
      const unknown = [];
      for (let tag = 65; remaining > 0; tag++) {
        let size = Math.min(remaining, 103);
        // An object is 5 to 103 characters: never leave a remainder too small to write.
        if (remaining - size > 0 && remaining - size < 5) size = remaining - 5;
        unknown.push({ tag: String(tag), value: '中'.repeat(size - 4) });
        remaining -= size;
      }
      return { ...base, unknown };
    };
    fc.assert(
      fc.property(
        emvInput.filter((input) => writtenLength({ ...input, unknown: [] }) <= 507),
        (input) => {
          const full = padTo(input, 512);
          expect(cp(encodeEmv(full))).toBe(512);
          expect(decodeEmv(encodeEmv(full), { strict: true }).ok).toBe(true);
          expect(() => encodeEmv(padTo(input, 513))).toThrow(expect.objectContaining({ reason: 'too_long' }));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('counts lengths in characters: Chinese and supplementary-plane names up to 25 characters fit tag 59', () => {
    const cjk = fc.oneof(
      fc.integer({ min: 0x4e00, max: 0x9fa5 }).map((c) => String.fromCodePoint(c)),
      fc.integer({ min: 0x20000, max: 0x2a6d6 }).map((c) => String.fromCodePoint(c)),
    );
    fc.assert(
      fc.property(
        fc.array(cjk, { minLength: 1, maxLength: 40 }).map((c) => c.join('')),
        (name) => {
          const input: EmvInput = {
            merchantAccounts: [{ tag: '15', value: '123456789012345' }],
            mcc: '5411',
            currency: '156',
            country: 'CN',
            merchantName: name,
            merchantCity: '北京',
          };
          if (cp(name) > 25) {
            expect(() => encodeEmv(input)).toThrow(expect.objectContaining({ reason: 'name_too_long', tag: '59' }));
            return;
          }
          const code = encodeEmv(input);
          expect(code).toContain(`59${String(cp(name)).padStart(2, '0')}${name}`);
          const decoded = decodeEmv(code, { strict: true });
          expect(decoded.ok && decoded.value.merchantName).toBe(name);
        },
      ),
    );
  });
});

describe('EMVCo codec: hostile input', () => {
  const units = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)), maxLength: 600 });
  const digitsAndText = fc.string({
    unit: fc.oneof(fc.constantFrom(...'0123456789'), fc.constantFrom('6304', '000201', '5303156')),
    maxLength: 120,
  });
  const tlvSoup = fc
    .array(
      fc.record({
        // Mostly well-formed objects with plausible tags and values, so that the checks behind the structure run too.
        tag: fc.oneof(
          { weight: 8, arbitrary: fc.integer({ min: 1, max: 99 }).map((n) => String(n).padStart(2, '0')) },
          { weight: 1, arbitrary: fc.constantFrom('0', 'AB', '6', '') },
        ),
        value: fc.oneof(
          text(0, 30),
          fc.stringMatching(/^[0-9.]{1,14}$/),
          fc.constantFrom('156', 'CN', '11', '12', '5411', '01', '02', '03'),
        ),
        lie: fc.oneof({ weight: 8, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -3, max: 3 }) }),
      }),
      { maxLength: 12 },
    )
    .map((objs) => objs.map(({ tag, value, lie }) => `${tag}${String(Math.max(0, cp(value) + lie)).padStart(2, '0')}${value}`).join(''));
  const bytes = fc.uint8Array({ maxLength: 600 });
  const mutated = fc.tuple(emvCode, fc.nat(), fc.nat(), text(0, 5), fc.boolean()).map(([{ code }, a, b, insert, reCrc]) => {
    const chars = [...code];
    const at = a % chars.length;
    chars.splice(at, b % 6, insert);
    const body = chars.join('');
    return reCrc ? withCrc(body.replace(/6304[0-9A-F]{4}$/, '')) : body;
  });

  const anyInput = fc.oneof(
    units,
    units.map((u) => `000201${u}`),
    digitsAndText,
    tlvSoup,
    tlvSoup.map((soup) => withCrc(`000201${soup}`)),
    bytes.map((b) => new TextDecoder().decode(b)),
    bytes.map((b) => String.fromCharCode(...b)),
    mutated,
  );

  it('never throws: every refusal is one of our errors, with a known reason and a position inside the text', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        expectWellFormed(decodeEmv(input), input);
        expectWellFormed(decodeEmv(input, { strict: true }), input);
      }),
      { numRuns: 2000 },
    );
    for (const notText of [undefined, null, 42, {}, []]) {
      expect(decodeEmv(notText as unknown as string)).toEqual({ ok: false, error: { reason: 'empty' } });
    }
    expect(decodeEmv(`000201${'0'.repeat(5_000_000)}`)).toMatchObject({ ok: false, error: { reason: 'too_long' } });
  });

  it('accepts strictly only what it accepts leniently, and then the same payload without warnings', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          anyInput,
          emvCode.map((v) => v.code),
        ),
        (input) => {
          const strict = decodeEmv(input, { strict: true });
          if (!strict.ok) return;
          expect(strict.value.warnings).toEqual([]);
          expect(decodeEmv(input)).toEqual(strict);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('throws nothing but EmvEncodeError with a known reason for bad input, and whatever it writes decodes strictly', () => {
    const anything = fc.oneof(
      units.map((u) => u.slice(0, 30)),
      text(0, 30),
      fc.constantFrom('', '0', '00', '156', 'CN', '5411', '12.345'),
    );
    const hostile = fc
      .tuple(
        emvInput,
        fc.record(
          {
            mcc: anything,
            currency: anything,
            amount: anything,
            amountFen: fc.oneof(fc.integer(), fc.double(), fc.constant(0)),
            country: anything,
            merchantName: anything,
            merchantCity: anything,
            postalCode: anything,
            initiation: fc.constantFrom('static' as const, 'dynamic' as const),
            account: fc.record({ tag: anything, value: anything }),
            unknown: fc.array(fc.record({ tag: anything, value: anything }), { maxLength: 2 }),
          },
          { requiredKeys: [] },
        ),
      )
      .map(([input, bad]) => {
        const { account, ...fields } = bad;
        return { ...input, ...fields, merchantAccounts: account ? [...input.merchantAccounts, account] : input.merchantAccounts };
      });
    fc.assert(
      fc.property(hostile, (input) => {
        let code: string;
        try {
          code = encodeEmv(input);
        } catch (err) {
          expect(err).toBeInstanceOf(EmvEncodeError);
          expect(emvReasons).toContain((err as EmvEncodeError).reason);
          return;
        }
        expect(decodeEmv(code, { strict: true }).ok).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('EMVCo codec: the CRC catches a changed character', () => {
  /** Positions of ASCII characters before the CRC value: a change there is a burst of at most 8 bits, which CRC-16 always detects. */
  const asciiPositions = (chars: string[]) => chars.map((c, i) => (i < chars.length - 4 && c <= '\x7e' ? i : -1)).filter((i) => i >= 0);
  const printable = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));

  it('refuses a code with any one ASCII character changed', () => {
    fc.assert(
      fc.property(emvCode, fc.nat(), printable, ({ code }, pick, replacement) => {
        const chars = [...code];
        const positions = asciiPositions(chars);
        const at = positions[pick % positions.length] as number;
        fc.pre(chars[at] !== replacement);
        chars[at] = replacement;
        const changed = chars.join('');
        const result = decodeEmv(changed);
        expect(result.ok).toBe(false);
        expectWellFormed(result, changed);
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses with bad_crc when the change keeps the structure: a letter of the merchant name', () => {
    const latinName = fc.stringMatching(/^[A-Za-z ]{1,25}$/);
    fc.assert(
      fc.property(emvCode, latinName, fc.nat(), printable, ({ input }, name, pick, replacement) => {
        const code = encodeOk({ ...input, merchantName: name });
        fc.pre(code !== null);
        const chars = [...(code as string)];
        const field = topLevel(code as string).find((o) => o.tag === '59');
        if (!field) throw new Error('no tag 59 in an encoded code');
        const at = field.start + 4 + (pick % cp(name));
        fc.pre(chars[at] !== replacement);
        chars[at] = replacement;
        expect(decodeEmv(chars.join(''))).toMatchObject({ ok: false, error: { reason: 'bad_crc', tag: '63' } });
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a changed CRC digit; a lowercase CRC is a warning, and an error when strict', () => {
    fc.assert(
      fc.property(emvCode, fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 15 }), ({ code }, position, step) => {
        const at = code.length - position;
        const digit = (Number.parseInt(code.charAt(at), 16) + step) % 16;
        const changed = code.slice(0, at) + digit.toString(16).toUpperCase() + code.slice(at + 1);
        expect(decodeEmv(changed)).toMatchObject({ ok: false, error: { reason: 'bad_crc' } });

        const lower = code.slice(0, -4) + code.slice(-4).toLowerCase();
        if (lower === code) return;
        const lenient = decodeEmv(lower);
        expect(lenient.ok && lenient.value.warnings).toEqual([{ code: 'crc_lowercase', tag: '63' }]);
        expect(decodeEmv(lower, { strict: true })).toMatchObject({ ok: false, error: { reason: 'bad_crc' } });
      }),
      { numRuns: 500 },
    );
  });

  it('without a mandatory object (52, 58, 59, 60) decodes leniently with a warning and is refused when strict', () => {
    fc.assert(
      fc.property(emvCode, fc.constantFrom('52', '58', '59', '60'), ({ code }, tag) => {
        const chars = [...code];
        const objects = topLevel(code);
        const removed = objects.find((o) => o.tag === tag);
        if (!removed) throw new Error(`no tag ${tag} in an encoded code`);
        const body = objects
          .filter((o) => o !== removed && o.tag !== '63')
          .map((o) => chars.slice(o.start, o.end).join(''))
          .join('');
        const without = withCrc(body);
        const lenient = decodeEmv(without);
        expect(lenient.ok && lenient.value.warnings).toContainEqual({ code: 'missing_mandatory', tag });
        expect(decodeEmv(without, { strict: true })).toMatchObject({ ok: false, error: { reason: 'missing_required', tag } });
      }),
      { numRuns: 300 },
    );
  });

  it('knows UnionPay’s AID in any letter case', () => {
    fc.assert(
      fc.property(fc.constantFrom(unionPayAid, unionPayAid.toLowerCase()), fc.stringMatching(/^[0-9]{0,6}$/), (aid, suffix) => {
        expect(isUnionPayAccount({ tag: '26', kind: 'template', guid: `${aid.slice(0, 10)}${suffix}`, fields: [] })).toBe(true);
      }),
    );
  });
});
