import { describe, expect, it } from 'vitest';
import { crc16CcittFalse, crc16Hex } from './crc16.ts';
import {
  decodeEmv,
  EMV_MAX_CHARS,
  type EmvDecodeResult,
  EmvEncodeError,
  type EmvError,
  type EmvErrorReason,
  type EmvInput,
  type EmvPayload,
  encodeEmv,
  isUnionPayAccount,
} from './emvco.ts';

// payments.md §5, "correct as written".
const PROMPTPAY = '00020101021129370016A000000677010111011300668012345675802TH530376463046197';
const PIX =
  '00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D';

/** UnionPay tag 15: acquirer IIN (8) + forwarding IIN (8) + merchant number (15). */
const UP_ACCOUNT = '6227000100010001802110053110001';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const cpLen = (s: string): number => Array.from(s).length;

/** One data object, length in characters. */
const dobj = (tag: string, value: string): string => `${tag}${cpLen(value).toString().padStart(2, '0')}${value}`;
/** Appends "6304" and the correct CRC over the UTF-8 bytes. */
const withCrc = (body: string): string => `${body}6304${crc16Hex(crc16CcittFalse(utf8(`${body}6304`)))}`;

type Pairs = [string, string][];
const BASE: Pairs = [
  ['00', '01'],
  ['01', '11'],
  ['15', UP_ACCOUNT],
  ['52', '5812'],
  ['53', '156'],
  ['58', 'CN'],
  ['59', '老王牛肉面'],
  ['60', '北京'],
];
const body = (pairs: Pairs): string => pairs.map(([t, v]) => dobj(t, v)).join('');
const build = (pairs: Pairs): string => withCrc(body(pairs));
const replaced = (tag: string, value: string, pairs: Pairs = BASE): Pairs => pairs.map(([t, v]) => [t, t === tag ? value : v]);
const without = (tag: string, pairs: Pairs = BASE): Pairs => pairs.filter(([t]) => t !== tag);
const plus = (extra: Pairs, pairs: Pairs = BASE): Pairs => [...pairs, ...extra];

function expectOk(result: EmvDecodeResult): EmvPayload {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value;
}
function expectError(result: EmvDecodeResult): EmvError {
  if (result.ok) throw new Error('expected an error, got ok');
  return result.error;
}

const UNIONPAY_STATIC: EmvInput = {
  merchantAccounts: [{ tag: '15', value: UP_ACCOUNT }],
  mcc: '5812',
  currency: '156',
  country: 'CN',
  merchantName: '老王牛肉面馆（朝阳门店）',
  merchantCity: '北京',
  alternateLanguage: { language: 'ZH', name: '老王牛肉面馆（朝阳门店）', city: '北京市朝阳区' },
  additionalData: { store: '朝阳门店', terminal: 'POS01' },
};

describe('decodeEmv: the published examples of payments.md §5', () => {
  it('decodes Thailand PromptPay (static, no MCC, name or city: warnings, not errors)', () => {
    expect(decodeEmv(PROMPTPAY)).toEqual({
      ok: true,
      value: {
        payloadFormat: '01',
        initiation: 'static',
        merchantAccounts: [{ tag: '29', kind: 'template', guid: 'A000000677010111', fields: [{ tag: '01', value: '0066801234567' }] }],
        currency: '764',
        country: 'TH',
        unknown: [],
        crc: '6197',
        warnings: [
          { code: 'missing_mandatory', tag: '52' },
          { code: 'missing_mandatory', tag: '59' },
          { code: 'missing_mandatory', tag: '60' },
        ],
      },
    });
  });

  it('decodes Brazil PIX with its merchant account template and additional data', () => {
    expect(decodeEmv(PIX)).toEqual({
      ok: true,
      value: {
        payloadFormat: '01',
        initiation: 'static',
        merchantAccounts: [
          { tag: '26', kind: 'template', guid: 'br.gov.bcb.pix', fields: [{ tag: '01', value: '123e4567-e12b-12d1-a456-426655440000' }] },
        ],
        mcc: '0000',
        currency: '986',
        country: 'BR',
        merchantName: 'Fulano de Tal',
        merchantCity: 'BRASILIA',
        additionalData: { reference: '***' },
        unknown: [],
        crc: '1D3D',
        warnings: [],
      },
    });
  });

  it('PIX passes strict decoding; PromptPay lacks EMVCo-mandatory objects under strict', () => {
    expect(decodeEmv(PIX, { strict: true }).ok).toBe(true);
    expect(expectError(decodeEmv(PROMPTPAY, { strict: true }))).toMatchObject({ reason: 'missing_required', tag: '52' });
  });

  it('re-encodes PIX to the same fields; the encoder adds the optional 01=11 that PIX omits', () => {
    const pix = expectOk(decodeEmv(PIX));
    const text = encodeEmv(pix as EmvInput);
    expect(text).toBe(withCrc(`000201010211${PIX.slice(6, -8)}`));
    expect(expectOk(decodeEmv(text))).toEqual({ ...pix, crc: text.slice(-4) });
  });

  it('refuses to re-encode PromptPay: the encoder is strict and the code has no MCC', () => {
    expect(() => encodeEmv(expectOk(decodeEmv(PROMPTPAY)) as unknown as EmvInput)).toThrow(EmvEncodeError);
  });

  it('accepts PromptPay with its tags out of canonical order (58 before 53): only 00 first and 63 last matter', () => {
    expect(PROMPTPAY.indexOf('5802TH')).toBeLessThan(PROMPTPAY.indexOf('5303764'));
    expect(decodeEmv(PROMPTPAY).ok).toBe(true);
  });
});

describe('encodeEmv: a UnionPay-style Chinese static code', () => {
  const text = encodeEmv(UNIONPAY_STATIC);

  it('writes the exact expected text, CRC over the UTF-8 bytes (cross-checked with Python binascii.crc_hqx)', () => {
    expect(text).toBe(
      '000201010211153162270001000100018021100531100015204581253031565802CN5912老王牛肉面馆（朝阳门店）6002北京' +
        '62170304朝阳门店0705POS01' +
        '64320002ZH0112老王牛肉面馆（朝阳门店）0206北京市朝阳区' +
        '6304AA63',
    );
  });

  it('is static: 01=11 and no amount (54)', () => {
    expect(text.startsWith('000201010211')).toBe(true);
    const value = expectOk(decodeEmv(text, { strict: true }));
    expect(value.initiation).toBe('static');
    expect(value.amount).toBeUndefined();
    expect(value.amountFen).toBeUndefined();
  });

  it('decodes back to the same fields, with the Chinese name in 59 and in 64', () => {
    const value = expectOk(decodeEmv(text, { strict: true }));
    expect(value).toMatchObject(UNIONPAY_STATIC);
    expect(value.merchantName).toBe('老王牛肉面馆（朝阳门店）');
    expect(value.alternateLanguage).toEqual({ language: 'ZH', name: '老王牛肉面馆（朝阳门店）', city: '北京市朝阳区' });
    expect(value.merchantAccounts).toEqual([{ tag: '15', kind: 'primitive', network: 'unionpay', value: UP_ACCOUNT }]);
    expect(value.warnings).toEqual([]);
  });

  it('counts the name in characters: 12 characters are "5912" although they are 36 UTF-8 bytes', () => {
    expect(text).toContain('5912老王牛肉面馆（朝阳门店）');
    expect(utf8('老王牛肉面馆（朝阳门店）').length).toBe(36);
  });

  it('fits a 25-character Chinese name (75 bytes) in 59 and refuses 26', () => {
    const name25 = '北京市朝阳区建国路八十八号老王家常牛肉面馆朝阳分店';
    expect(cpLen(name25)).toBe(25);
    expect(utf8(name25).length).toBe(75);
    const ok = encodeEmv({ ...UNIONPAY_STATIC, merchantName: name25 });
    expect(expectOk(decodeEmv(ok)).merchantName).toBe(name25);
    expect(() => encodeEmv({ ...UNIONPAY_STATIC, merchantName: `${name25}店` })).toThrow(
      expect.objectContaining({ reason: 'name_too_long', tag: '59' }),
    );
  });

  it('counts characters outside the BMP (surrogate pairs) as one each', () => {
    const name = `${'🍜'.repeat(24)}店`;
    expect(name.length).toBe(49);
    const t = encodeEmv({ ...UNIONPAY_STATIC, merchantName: name, alternateLanguage: undefined });
    expect(t).toContain(`5925${name}`);
    expect(expectOk(decodeEmv(t)).merchantName).toBe(name);
  });

  it('fits a 15-character Chinese city and refuses 16 (60 and 64.02)', () => {
    const city15 = '内蒙古自治区呼和浩特市新城区街道';
    expect(cpLen(city15)).toBe(16);
    expect(() => encodeEmv({ ...UNIONPAY_STATIC, merchantCity: city15 })).toThrow(
      expect.objectContaining({ reason: 'city_too_long', tag: '60' }),
    );
    expect(expectOk(decodeEmv(encodeEmv({ ...UNIONPAY_STATIC, merchantCity: city15.slice(0, 15) }))).merchantCity).toBe(
      city15.slice(0, 15),
    );
    expect(() => encodeEmv({ ...UNIONPAY_STATIC, alternateLanguage: { language: 'ZH', name: '老王', city: city15 } })).toThrow(
      expect.objectContaining({ reason: 'city_too_long', tag: '64.02' }),
    );
  });

  it('refuses a 26-character name in the language template (64.01)', () => {
    expect(() => encodeEmv({ ...UNIONPAY_STATIC, alternateLanguage: { language: 'ZH', name: '面'.repeat(26) } })).toThrow(
      expect.objectContaining({ reason: 'name_too_long', tag: '64.01' }),
    );
  });
});

describe('dynamic codes and amounts', () => {
  it('writes 01=12 and 54 for an amount, and decodes "23.72" as 2372 fen', () => {
    const text = encodeEmv({ ...UNIONPAY_STATIC, amount: '23.72' });
    expect(text.startsWith('000201010212')).toBe(true);
    expect(text).toContain('540523.72');
    const value = expectOk(decodeEmv(text, { strict: true }));
    expect(value.initiation).toBe('dynamic');
    expect(value.amount).toBe('23.72');
    expect(value.amountFen).toBe(2372);
  });

  it('writes amountFen as yuan with two decimals', () => {
    for (const [fen, written] of [
      [2372, '23.72'],
      [5, '0.05'],
      [100, '1.00'],
      [1, '0.01'],
      [10_000_000_000, '100000000.00'],
    ] as const) {
      const text = encodeEmv({ ...UNIONPAY_STATIC, amountFen: fen });
      expect(text).toContain(dobj('54', written));
      expect(expectOk(decodeEmv(text)).amountFen).toBe(fen);
    }
  });

  it('accepts amount and amountFen together only when they agree', () => {
    expect(expectOk(decodeEmv(encodeEmv({ ...UNIONPAY_STATIC, amount: '23.7', amountFen: 2370 }))).amount).toBe('23.7');
    expect(() => encodeEmv({ ...UNIONPAY_STATIC, amount: '23.72', amountFen: 2370 })).toThrow(
      expect.objectContaining({ reason: 'bad_amount' }),
    );
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60])('refuses amountFen %s', (fen) => {
    expect(() => encodeEmv({ ...UNIONPAY_STATIC, amountFen: fen })).toThrow(expect.objectContaining({ reason: 'bad_amount', tag: '54' }));
  });

  it('refuses amountFen in another currency than CNY', () => {
    expect(() => encodeEmv({ ...UNIONPAY_STATIC, currency: '840', amountFen: 100 })).toThrow(
      expect.objectContaining({ reason: 'bad_amount' }),
    );
  });

  it.each([
    ['23.72', 2372],
    ['0.29', 29], // 0.29 * 100 is 28.999999999999996 in floating point
    ['1.13', 113],
    ['4.35', 435],
    ['1', 100],
    ['1.5', 150],
    ['0.01', 1],
    ['023.72', 2372],
    ['9999999999999', 999_999_999_999_900],
    ['99999999999.9', 9_999_999_999_990],
  ])('parses the CNY amount %s as %i fen without floating point', (amount, fen) => {
    expect(expectOk(decodeEmv(build(plus([['54', amount]], replaced('01', '12'))))).amountFen).toBe(fen);
  });

  it('gives no amountFen in another currency, and allows 3 decimals there (e.g. "1.234" in 840)', () => {
    const value = expectOk(decodeEmv(build(plus([['54', '1.234']], replaced('53', '840')))));
    expect(value.amount).toBe('1.234');
    expect(value.amountFen).toBeUndefined();
  });

  it('refuses more than 2 decimals in CNY', () => {
    expect(expectError(decodeEmv(build(plus([['54', '23.725']]))))).toMatchObject({ reason: 'bad_amount', tag: '54' });
    expect(() => encodeEmv({ ...UNIONPAY_STATIC, amount: '23.720' })).toThrow(expect.objectContaining({ reason: 'bad_amount', tag: '54' }));
  });

  it('allows a static code with a fixed printed amount when asked for explicitly', () => {
    const text = encodeEmv({ ...UNIONPAY_STATIC, initiation: 'static', amount: '10.00' });
    expect(text.startsWith('000201010211')).toBe(true);
    expect(expectOk(decodeEmv(text, { strict: true }))).toMatchObject({ initiation: 'static', amountFen: 1000 });
  });

  it('warns (lenient) or refuses (strict) a dynamic code without an amount', () => {
    const text = build(replaced('01', '12'));
    expect(expectOk(decodeEmv(text)).warnings).toEqual([{ code: 'dynamic_without_amount', tag: '01' }]);
    expect(expectOk(decodeEmv(text)).initiation).toBe('dynamic');
    expect(expectError(decodeEmv(text, { strict: true }))).toMatchObject({ reason: 'dynamic_without_amount', tag: '01' });
    expect(() => encodeEmv({ ...UNIONPAY_STATIC, initiation: 'dynamic' })).toThrow(
      expect.objectContaining({ reason: 'dynamic_without_amount' }),
    );
  });

  it('takes a code without tag 01 as static', () => {
    expect(expectOk(decodeEmv(build(without('01')))).initiation).toBe('static');
  });
});

describe('tip and convenience fee (55–57)', () => {
  it.each([
    [[['55', '01']] as Pairs, { tipIndicator: '01' }],
    [
      [
        ['55', '02'],
        ['56', '2.00'],
      ] as Pairs,
      { tipIndicator: '02', convenienceFeeFixed: '2.00' },
    ],
    [
      [
        ['55', '03'],
        ['57', '3.5'],
      ] as Pairs,
      { tipIndicator: '03', convenienceFeePercentage: '3.5' },
    ],
  ])('decodes %j', (pairs, expected) => {
    expect(expectOk(decodeEmv(build(plus(pairs)), { strict: true }))).toMatchObject(expected);
  });

  it.each([
    ['55 "04"', [['55', '04']] as Pairs, '55'],
    ['55 "1"', [['55', '1']] as Pairs, '55'],
    ['55=02 without 56', [['55', '02']] as Pairs, '55'],
    ['55=03 without 57', [['55', '03']] as Pairs, '55'],
    ['56 without 55', [['56', '1.00']] as Pairs, '56'],
    [
      '56 with 55=03',
      [
        ['55', '03'],
        ['56', '1.00'],
        ['57', '1'],
      ] as Pairs,
      '56',
    ],
    ['57 without 55', [['57', '5']] as Pairs, '57'],
    [
      '57 "100"',
      [
        ['55', '03'],
        ['57', '100'],
      ] as Pairs,
      '57',
    ],
    [
      '57 "0.00"',
      [
        ['55', '03'],
        ['57', '0.00'],
      ] as Pairs,
      '57',
    ],
    [
      '57 "5.555"',
      [
        ['55', '03'],
        ['57', '5.555'],
      ] as Pairs,
      '57',
    ],
    [
      '56 "abc"',
      [
        ['55', '02'],
        ['56', 'abc'],
      ] as Pairs,
      '56',
    ],
  ])('refuses %s as bad_tip', (_name, pairs, tag) => {
    expect(expectError(decodeEmv(build(plus(pairs))))).toMatchObject({ reason: 'bad_tip', tag });
  });

  it('the encoder enforces the same pairing', () => {
    expect(() => encodeEmv({ ...UNIONPAY_STATIC, tipIndicator: '02' })).toThrow(expect.objectContaining({ reason: 'bad_tip' }));
    expect(() => encodeEmv({ ...UNIONPAY_STATIC, convenienceFeePercentage: '5' })).toThrow(expect.objectContaining({ reason: 'bad_tip' }));
    const text = encodeEmv({ ...UNIONPAY_STATIC, tipIndicator: '03', convenienceFeePercentage: '5' });
    expect(expectOk(decodeEmv(text))).toMatchObject({ tipIndicator: '03', convenienceFeePercentage: '5' });
  });
});

describe('decodeEmv: every error reason from a crafted payload', () => {
  const cases: [string, string, Partial<EmvError> & { reason: EmvErrorReason }][] = [
    ['empty text', '', { reason: 'empty' }],
    ['more than 512 characters', withCrc(`000201${dobj('15', UP_ACCOUNT)}${'6299'.padEnd(103, 'x')}`.repeat(5)), { reason: 'too_long' }],
    ['3 characters left after 000201', '000201630', { reason: 'truncated', at: 6 }],
    ['a stray newline after the CRC', `${PIX}\n`, { reason: 'truncated', at: PIX.length }],
    ['a stray CRLF after the CRC', `${PIX}\r\n`, { reason: 'truncated' }],
    ['a length running past the end', '0002015920abc', { reason: 'length_past_end', tag: '59', at: 6 }],
    ['the CRC cut short', PIX.slice(0, -1), { reason: 'length_past_end', tag: '63' }],
    ['a letter in a length', '00020159x5hello', { reason: 'non_digit_length', tag: '59', at: 6 }],
    ['a space in a length', '00020159 5hello', { reason: 'non_digit_length', tag: '59' }],
    ['a letter in an ID', '000201AB05hello', { reason: 'non_digit_tag', at: 6 }],
    ['full-width digits in an ID', '000201５９05hello', { reason: 'non_digit_tag', at: 6 }],
    ['plain text', 'hello world', { reason: 'non_digit_tag', at: 0 }],
    ['a URL', 'https://qr.alipay.com/fkx123', { reason: 'non_digit_tag' }],
    ['leading whitespace', ` ${PIX}`, { reason: 'non_digit_tag', at: 0 }],
    ['a zero length', build(plus([['59', '']], without('59'))), { reason: 'empty_value', tag: '59' }],
    ['01 before 00', build([['01', '11'], ['00', '01'], ...BASE.slice(2)]), { reason: 'format_not_first', tag: '01', at: 0 }],
    ['no 00 at all', build(without('00')), { reason: 'format_not_first', tag: '01' }],
    ['no CRC', body(BASE), { reason: 'missing_crc' }],
    ['a CRC followed by more data', `${build(BASE)}${dobj('61', '100020')}`, { reason: 'crc_not_last', tag: '63' }],
    ['the CRC twice', `${build(BASE)}${build(BASE).slice(-8)}`, { reason: 'crc_not_last', tag: '63' }],
    ['a wrong CRC', `${PIX.slice(0, -4)}1D3E`, { reason: 'bad_crc', tag: '63' }],
    ['one changed character in the name', PIX.replace('Fulano', 'Fulana'), { reason: 'bad_crc' }],
    ['a CRC of 5 digits', `${body(BASE)}6305ABCDE`, { reason: 'bad_crc', tag: '63' }],
    ['a CRC of 3 digits', `${body(BASE)}6303ABC`, { reason: 'bad_crc', tag: '63' }],
    ['a CRC that is not hex', `${body(BASE)}6304GHIJ`, { reason: 'bad_crc', tag: '63' }],
    [
      'a CRC computed over UTF-16 code units instead of UTF-8',
      (() => {
        const b = `${body(BASE)}6304`;
        const units = new Uint8Array(b.length);
        for (let i = 0; i < b.length; i++) units[i] = b.charCodeAt(i) & 0xff;
        return b + crc16Hex(crc16CcittFalse(units));
      })(),
      { reason: 'bad_crc' },
    ],
    ['two names', build(plus([['59', 'Second Name']])), { reason: 'duplicate_tag', tag: '59' }],
    ['two merchant accounts with the same tag', build(plus([['15', UP_ACCOUNT]])), { reason: 'duplicate_tag', tag: '15' }],
    ['payload format 02', build(replaced('00', '02')), { reason: 'bad_payload_format', tag: '00', at: 0 }],
    ['payload format "1"', build(replaced('00', '1')), { reason: 'bad_payload_format', tag: '00' }],
    ['initiation 13', build(replaced('01', '13')), { reason: 'bad_initiation_method', tag: '01', at: 6 }],
    ['initiation "1"', build(replaced('01', '1')), { reason: 'bad_initiation_method', tag: '01' }],
    ['a 26-character name', build(replaced('59', 'A'.repeat(26))), { reason: 'name_too_long', tag: '59' }],
    ['a 26-character Chinese name', build(replaced('59', '面'.repeat(26))), { reason: 'name_too_long', tag: '59' }],
    ['a 16-character city', build(replaced('60', 'B'.repeat(16))), { reason: 'city_too_long', tag: '60' }],
    ['an 11-character postal code', build(plus([['61', '10002012345']])), { reason: 'bad_postal_code', tag: '61' }],
    ['amount with a comma', build(plus([['54', '23,72']])), { reason: 'bad_amount', tag: '54' }],
    ['negative amount', build(plus([['54', '-1.00']])), { reason: 'bad_amount', tag: '54' }],
    ['amount in exponent notation', build(plus([['54', '1e3']])), { reason: 'bad_amount' }],
    ['amount without an integer part', build(plus([['54', '.50']])), { reason: 'bad_amount' }],
    ['amount ending in a point', build(plus([['54', '5.']])), { reason: 'bad_amount' }],
    ['amount zero', build(plus([['54', '0.00']])), { reason: 'bad_amount' }],
    ['amount with a space', build(plus([['54', ' 5']])), { reason: 'bad_amount' }],
    ['amount in full-width digits', build(plus([['54', '２３']])), { reason: 'bad_amount' }],
    ['amount of 14 characters', build(plus([['54', '12345678901.23']])), { reason: 'bad_amount' }],
    ['amount with a currency sign', build(plus([['54', '¥5']])), { reason: 'bad_amount' }],
    ['currency in letters', build(replaced('53', 'CNY')), { reason: 'bad_currency', tag: '53' }],
    ['currency of 2 digits', build(replaced('53', '15')), { reason: 'bad_currency', tag: '53' }],
    ['country in lowercase', build(replaced('58', 'cn')), { reason: 'bad_country', tag: '58' }],
    ['country of 3 letters', build(replaced('58', 'CHN')), { reason: 'bad_country', tag: '58' }],
    ['country with a digit', build(replaced('58', 'C1')), { reason: 'bad_country', tag: '58' }],
    ['MCC of 3 digits', build(replaced('52', '581')), { reason: 'bad_mcc', tag: '52' }],
    ['MCC in letters', build(replaced('52', 'food')), { reason: 'bad_mcc', tag: '52' }],
    ['no merchant account', build(without('15')), { reason: 'missing_required' }],
    ['no currency', build(without('53')), { reason: 'missing_required', tag: '53' }],
    [
      'a merchant account template with a length past its end',
      build(plus([['26', `${dobj('00', 'A000000333010101')}0199x`]])),
      { reason: 'bad_template', tag: '26.01' },
    ],
    ['a merchant account template that is plain text', build(plus([['27', 'hello']])), { reason: 'bad_template', tag: '27' }],
    ['a merchant account template without GUID', build(plus([['26', dobj('01', '123456')]])), { reason: 'bad_template', tag: '26.00' }],
    ['a GUID of 33 characters', build(plus([['26', dobj('00', 'G'.repeat(33))]])), { reason: 'bad_template', tag: '26.00' }],
    [
      'a duplicate sub-tag in a merchant account template',
      build(plus([['26', `${dobj('00', 'A000000333')}${dobj('01', '1')}${dobj('01', '2')}`]])),
      { reason: 'bad_template', tag: '26.01' },
    ],
    ['a truncated additional data template', build(plus([['62', '050']])), { reason: 'bad_template', tag: '62' }],
    ['additional data with a non-digit sub-tag', build(plus([['62', 'AB03xyz']])), { reason: 'bad_template', tag: '62' }],
    ['additional data with a zero-length sub-field', build(plus([['62', '0500']])), { reason: 'bad_template', tag: '62.05' }],
    [
      'additional data with a duplicate sub-tag',
      build(plus([['62', `${dobj('01', 'a')}${dobj('01', 'b')}`]])),
      { reason: 'bad_template', tag: '62.01' },
    ],
    ['a 26-character bill number', build(plus([['62', dobj('01', '1'.repeat(26))]])), { reason: 'bad_template', tag: '62.01' }],
    ['a 21-character merchant tax ID', build(plus([['62', dobj('10', '9'.repeat(21))]])), { reason: 'bad_template', tag: '62.10' }],
    ['consumer data request "X"', build(plus([['62', dobj('09', 'X')]])), { reason: 'bad_template', tag: '62.09' }],
    ['consumer data request "AA"', build(plus([['62', dobj('09', 'AA')]])), { reason: 'bad_template', tag: '62.09' }],
    ['consumer data request "AMEA"', build(plus([['62', dobj('09', 'AMEA')]])), { reason: 'bad_template', tag: '62.09' }],
    ['a 2-character merchant channel', build(plus([['62', dobj('11', 'AB')]])), { reason: 'bad_template', tag: '62.11' }],
    ['a language template without language', build(plus([['64', dobj('01', '老王')]])), { reason: 'bad_template', tag: '64.00' }],
    ['a language template without name', build(plus([['64', dobj('00', 'ZH')]])), { reason: 'bad_template', tag: '64.01' }],
    ['a 3-letter language', build(plus([['64', `${dobj('00', 'ZHO')}${dobj('01', '老王')}`]])), { reason: 'bad_template', tag: '64.00' }],
    ['a malformed language template', build(plus([['64', '0002Z']])), { reason: 'bad_template', tag: '64.00' }],
    [
      'a 26-character name in the language template',
      build(plus([['64', `${dobj('00', 'ZH')}${dobj('01', '面'.repeat(26))}`]])),
      { reason: 'name_too_long', tag: '64.01' },
    ],
    [
      'a 16-character city in the language template',
      build(plus([['64', `${dobj('00', 'ZH')}${dobj('01', '老王')}${dobj('02', '城'.repeat(16))}`]])),
      { reason: 'city_too_long', tag: '64.02' },
    ],
  ];

  it.each(cases)('%s', (_name, text, expected) => {
    expect(expectError(decodeEmv(text))).toMatchObject(expected);
  });

  it('covers every reason except the encoder-only value_too_long, counting the strict-only ones', () => {
    const reasons = new Set(cases.map(([, , e]) => e.reason));
    reasons.add('dynamic_without_amount'); // strict only: tested above
    reasons.add('bad_tip'); // its own table above
    const all: EmvErrorReason[] = [
      'empty',
      'too_long',
      'bad_crc',
      'missing_crc',
      'truncated',
      'length_past_end',
      'non_digit_length',
      'non_digit_tag',
      'empty_value',
      'format_not_first',
      'crc_not_last',
      'duplicate_tag',
      'bad_payload_format',
      'bad_initiation_method',
      'name_too_long',
      'city_too_long',
      'bad_postal_code',
      'bad_amount',
      'bad_tip',
      'bad_currency',
      'bad_country',
      'bad_mcc',
      'dynamic_without_amount',
      'missing_required',
      'bad_template',
    ];
    for (const reason of all) expect(reasons.has(reason), reason).toBe(true);
  });

  it.each(['52', '58', '59', '60'])('strict mode refuses a code without %s (lenient only warns)', (tag) => {
    const text = build(without(tag));
    expect(expectError(decodeEmv(text, { strict: true }))).toMatchObject({ reason: 'missing_required', tag });
    expect(expectOk(decodeEmv(text)).warnings).toEqual([{ code: 'missing_mandatory', tag }]);
  });

  it('reports positions in characters, not bytes or UTF-16 units', () => {
    const pairs = plus([['61', '10002012345']], replaced('59', '🍜老王牛肉面'));
    const text = build(pairs);
    const at = cpLen(body(pairs.slice(0, -1)));
    expect(expectError(decodeEmv(text))).toMatchObject({ reason: 'bad_postal_code', at });
    expect(text.indexOf('6111')).toBe(at + 1); // one surrogate pair before it
  });

  it('reports a nested error at its absolute position', () => {
    const pairs = plus([['62', `${dobj('05', 'ref')}${dobj('01', '1'.repeat(26))}`]]);
    const at = cpLen(body(BASE)) + 4 + 7;
    expect(expectError(decodeEmv(build(pairs)))).toMatchObject({ reason: 'bad_template', tag: '62.01', at });
  });

  it('checks the CRC before the field rules: a wrong CRC on a bad name is bad_crc', () => {
    const text = build(replaced('59', 'A'.repeat(26)));
    expect(expectError(decodeEmv(`${text.slice(0, -4)}0000`)).reason).toBe('bad_crc');
  });

  it('reports the expected CRC in the detail', () => {
    expect(expectError(decodeEmv(`${PIX.slice(0, -4)}FFFF`)).detail).toContain('1D3D');
  });

  it('refuses a non-string without throwing', () => {
    expect(decodeEmv(undefined as unknown as string)).toEqual({ ok: false, error: { reason: 'empty' } });
    expect(decodeEmv(42 as unknown as string)).toEqual({ ok: false, error: { reason: 'empty' } });
  });
});

describe('CRC case', () => {
  const lower = `${PIX.slice(0, -4)}1d3d`;

  it('accepts a correct lowercase CRC with a crc_lowercase warning, keeping the CRC as written', () => {
    const value = expectOk(decodeEmv(lower));
    expect(value.crc).toBe('1d3d');
    expect(value.warnings).toEqual([{ code: 'crc_lowercase', tag: '63' }]);
  });

  it('accepts mixed case the same way', () => {
    expect(expectOk(decodeEmv(`${PIX.slice(0, -4)}1D3d`)).warnings).toEqual([{ code: 'crc_lowercase', tag: '63' }]);
  });

  it('refuses a lowercase CRC under strict (§5: uppercase hex)', () => {
    expect(expectError(decodeEmv(lower, { strict: true }))).toMatchObject({ reason: 'bad_crc', tag: '63' });
  });

  it('refuses a wrong lowercase CRC in both modes', () => {
    expect(expectError(decodeEmv(`${PIX.slice(0, -4)}1d3e`)).reason).toBe('bad_crc');
  });

  it('an uppercase CRC has no warning, and the encoder always writes uppercase', () => {
    expect(expectOk(decodeEmv(PIX)).warnings).toEqual([]);
    for (let i = 0; i < 50; i++) {
      expect(encodeEmv({ ...UNIONPAY_STATIC, amountFen: 1 + i * 37 })).toMatch(/6304[0-9A-F]{4}$/);
    }
  });

  it('computes over the prefix including "6304", not just the fields before it', () => {
    const b = body(BASE);
    const wrong = `${b}6304${crc16Hex(crc16CcittFalse(utf8(b)))}`;
    expect(expectError(decodeEmv(wrong)).reason).toBe('bad_crc');
  });
});

describe('robustness: truncations and mutations never throw', () => {
  const valid = [PIX, PROMPTPAY, encodeEmv(UNIONPAY_STATIC), encodeEmv({ ...UNIONPAY_STATIC, amount: '23.72' })];

  it('every proper prefix of a valid payload is ok:false', () => {
    let checked = 0;
    for (const text of valid) {
      const cps = Array.from(text);
      for (let n = 0; n < cps.length; n++) {
        const result = decodeEmv(cps.slice(0, n).join(''));
        expect(result.ok).toBe(false);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(300);
  });

  it('cutting at a UTF-16 unit inside a surrogate pair is ok:false, not an exception', () => {
    const text = encodeEmv({ ...UNIONPAY_STATIC, merchantName: '🍜🍜🍜', alternateLanguage: undefined });
    for (let n = 0; n < text.length; n++) expect(decodeEmv(text.slice(0, n)).ok).toBe(false);
  });

  it('random single-character ASCII substitutions are all rejected', () => {
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const alphabet = '0123456789ABCDEFabcdef.*- \n';
    for (const text of valid) {
      const cps = Array.from(text);
      for (let k = 0; k < 300; k++) {
        const i = rand(cps.length);
        const c = alphabet[rand(alphabet.length)] ?? '0';
        if (cps[i] === c || cps[i]?.toUpperCase() === c.toUpperCase()) continue;
        const mutated = [...cps];
        mutated[i] = c;
        expect(decodeEmv(mutated.join('')).ok).toBe(false);
      }
    }
  });

  it('random garbage never throws', () => {
    let seed = 99;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const pieces = ['00', '02', '01', '63', '04', '99', '26', '62', '64', 'A', '老', '🍜', '\u0000', '9', '5'];
    for (let k = 0; k < 2000; k++) {
      let s = '';
      const n = rand(40);
      for (let i = 0; i < n; i++) s += pieces[rand(pieces.length)];
      const result = decodeEmv(s);
      expect(typeof result.ok).toBe('boolean');
    }
  });

  it('handles 100 KB quickly', () => {
    const huge = `000201${'9'.repeat(100_000)}`;
    const start = performance.now();
    expect(expectError(decodeEmv(huge)).reason).toBe('too_long');
    expect(expectError(decodeEmv('老'.repeat(100_000))).reason).toBe('too_long');
    // Catastrophic backtracking would take minutes; the bound is loose so a busy machine never trips it.
    expect(performance.now() - start).toBeLessThan(2000);
  });

  it('accepts exactly 512 characters and refuses 513', () => {
    const make = (total: number): string => {
      const head = `000201${dobj('15', UP_ACCOUNT)}${dobj('52', '5812')}${dobj('53', '156')}${dobj('58', 'CN')}${dobj('59', 'N')}${dobj('60', 'C')}`;
      let b = head;
      let left = total - 8 - cpLen(head);
      let tag = 80;
      while (left > 0) {
        const len = Math.min(99, left - 4);
        b += dobj(String(tag++), 'x'.repeat(Math.max(1, len)));
        left = total - 8 - cpLen(b);
      }
      return withCrc(b);
    };
    expect(cpLen(make(512))).toBe(512);
    expect(decodeEmv(make(512)).ok).toBe(true);
    expect(cpLen(make(513))).toBe(513);
    expect(expectError(decodeEmv(make(513))).reason).toBe('too_long');
    expect(EMV_MAX_CHARS).toBe(512);
  });
});

describe('merchant accounts', () => {
  it('keeps primitive tags 02–25 raw with their network, and parses 26–51 as templates, in order', () => {
    const pairs = plus([
      ['02', '4000123456789012'],
      ['26', `${dobj('00', 'A000000333010101')}${dobj('01', '123456789012345')}${dobj('02', 'extra')}`],
      ['04', '5100123456789012'],
      ['51', `${dobj('00', 'cn.example.scheme')}${dobj('05', 'x')}`],
    ]);
    const value = expectOk(decodeEmv(build(pairs)));
    expect(value.merchantAccounts).toEqual([
      { tag: '15', kind: 'primitive', network: 'unionpay', value: UP_ACCOUNT },
      { tag: '02', kind: 'primitive', network: 'visa', value: '4000123456789012' },
      {
        tag: '26',
        kind: 'template',
        guid: 'A000000333010101',
        fields: [
          { tag: '01', value: '123456789012345' },
          { tag: '02', value: 'extra' },
        ],
      },
      { tag: '04', kind: 'primitive', network: 'mastercard', value: '5100123456789012' },
      { tag: '51', kind: 'template', guid: 'cn.example.scheme', fields: [{ tag: '05', value: 'x' }] },
    ]);
  });

  it.each([
    ['02', 'visa'],
    ['03', 'visa'],
    ['04', 'mastercard'],
    ['05', 'mastercard'],
    ['06', 'emvco'],
    ['08', 'emvco'],
    ['09', 'discover'],
    ['10', 'discover'],
    ['11', 'amex'],
    ['12', 'amex'],
    ['13', 'jcb'],
    ['14', 'jcb'],
    ['15', 'unionpay'],
    ['16', 'unionpay'],
    ['17', 'emvco'],
    ['25', 'emvco'],
  ])('tag %s belongs to %s', (tag, network) => {
    const value = expectOk(decodeEmv(build([...without('15'), [tag, '1234567890']])));
    expect(value.merchantAccounts[0]).toMatchObject({ tag, kind: 'primitive', network });
  });

  it('isUnionPayAccount: tags 15/16 and templates with UnionPay AID A000000333', () => {
    expect(isUnionPayAccount({ tag: '15', kind: 'primitive', network: 'unionpay', value: 'x' })).toBe(true);
    expect(isUnionPayAccount({ tag: '16', kind: 'primitive', network: 'unionpay', value: 'x' })).toBe(true);
    expect(isUnionPayAccount({ tag: '02', kind: 'primitive', network: 'visa', value: 'x' })).toBe(false);
    expect(isUnionPayAccount({ tag: '26', kind: 'template', guid: 'A000000333010101', fields: [] })).toBe(true);
    expect(isUnionPayAccount({ tag: '26', kind: 'template', guid: 'a000000333', fields: [] })).toBe(true);
    expect(isUnionPayAccount({ tag: '26', kind: 'template', guid: 'A000000677010111', fields: [] })).toBe(false);
    expect(isUnionPayAccount({ tag: '26', kind: 'template', guid: 'A00000033', fields: [] })).toBe(false);
  });
});

describe('additional data (62), language template (64) and unknown tags', () => {
  it('names sub-tags 01–11 and keeps the others in order', () => {
    const sub = [
      ['01', 'INV1'],
      ['02', '13800138000'],
      ['03', '朝阳门店'],
      ['04', 'L1'],
      ['05', 'R42'],
      ['06', 'C9'],
      ['07', 'POS1'],
      ['08', '午餐'],
      ['09', 'AME'],
      ['10', '9111'],
      ['11', 'APP'],
      ['50', 'x'],
      ['12', 'y'],
    ];
    const value = expectOk(decodeEmv(build(plus([['62', sub.map(([t, v]) => dobj(t ?? '', v ?? '')).join('')]]))));
    expect(value.additionalData).toEqual({
      billNumber: 'INV1',
      mobile: '13800138000',
      store: '朝阳门店',
      loyalty: 'L1',
      reference: 'R42',
      customer: 'C9',
      terminal: 'POS1',
      purpose: '午餐',
      consumerDataRequest: 'AME',
      merchantTaxId: '9111',
      channel: 'APP',
      others: [
        { tag: '50', value: 'x' },
        { tag: '12', value: 'y' },
      ],
    });
  });

  it('keeps extra sub-tags of 64', () => {
    const value = expectOk(decodeEmv(build(plus([['64', `${dobj('00', 'ZH')}${dobj('01', '老王')}${dobj('03', 'x')}`]]))));
    expect(value.alternateLanguage).toEqual({ language: 'ZH', name: '老王', others: [{ tag: '03', value: 'x' }] });
  });

  it('keeps unknown top-level tags 65–99 in the order found', () => {
    const value = expectOk(
      decodeEmv(
        build(
          plus([
            ['80', 'first'],
            ['65', 'second'],
            ['99', '第三'],
          ]),
        ),
      ),
    );
    expect(value.unknown).toEqual([
      { tag: '80', value: 'first' },
      { tag: '65', value: 'second' },
      { tag: '99', value: '第三' },
    ]);
  });

  it('decodes a postal code', () => {
    expect(expectOk(decodeEmv(build(plus([['61', '100020']])))).postalCode).toBe('100020');
  });
});

describe('encodeEmv ↔ decodeEmv round trip', () => {
  const inputs: [string, EmvInput][] = [
    [
      'minimal static',
      {
        merchantAccounts: [{ tag: '15', value: UP_ACCOUNT }],
        mcc: '5812',
        currency: '156',
        country: 'CN',
        merchantName: 'A',
        merchantCity: 'B',
      },
    ],
    ['the UnionPay Chinese static code', UNIONPAY_STATIC],
    ['dynamic 23.72', { ...UNIONPAY_STATIC, amount: '23.72' }],
    [
      'everything',
      {
        merchantAccounts: [
          { tag: '16', value: '62270001000100018021100531100' },
          { tag: '26', guid: 'A000000333010101', fields: [{ tag: '01', value: '802110053110001' }] },
          { tag: '02', value: '4000123456789012' },
        ],
        mcc: '5411',
        currency: '156',
        amount: '1234.5',
        tipIndicator: '02',
        convenienceFeeFixed: '1.00',
        country: 'CN',
        merchantName: '便利店',
        merchantCity: '上海',
        postalCode: '200000',
        additionalData: {
          billNumber: 'B1',
          mobile: '13800138000',
          store: 'S1',
          loyalty: 'L1',
          reference: 'R1',
          customer: 'C1',
          terminal: 'T1',
          purpose: 'P1',
          consumerDataRequest: 'ME',
          merchantTaxId: 'TAX1',
          channel: 'POS',
          others: [{ tag: '50', value: 'z' }],
        },
        alternateLanguage: { language: 'ZH', name: '便利店', city: '上海', others: [{ tag: '05', value: 'q' }] },
        unknown: [
          { tag: '91', value: 'a' },
          { tag: '80', value: 'b' },
        ],
      },
    ],
    ['percentage fee', { ...UNIONPAY_STATIC, tipIndicator: '03', convenienceFeePercentage: '0.5' }],
    ['tip prompt', { ...UNIONPAY_STATIC, tipIndicator: '01' }],
    ['another currency', { ...UNIONPAY_STATIC, currency: '344', amount: '99.999', country: 'HK' }],
  ];

  it.each(inputs)('%s: decode(encode(x)) has the fields of x, and re-encoding is a fixed point', (_name, input) => {
    const text = encodeEmv(input);
    const value = expectOk(decodeEmv(text, { strict: true }));
    expect(value).toMatchObject(input);
    expect(value.warnings).toEqual([]);
    expect(encodeEmv(value as EmvInput)).toBe(text);
  });

  it('writes the merchant accounts and unknown tags in the order given', () => {
    const text = encodeEmv(inputs[3]?.[1] as EmvInput);
    expect(text.indexOf('162962270001')).toBeLessThan(text.indexOf('26390016A000000333010101'));
    expect(text.indexOf('26390016A000000333010101')).toBeLessThan(text.indexOf('02164000123456789012'));
    expect(text.indexOf('02164000123456789012')).toBeGreaterThan(0);
    expect(text.indexOf('9101a')).toBeLessThan(text.indexOf('8001b'));
    expect(text.indexOf('8001b')).toBeLessThan(text.indexOf('6304'));
  });

  it('survives 300 pseudo-random inputs', () => {
    let seed = 2024;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const chars = 'abcXYZ019 老王牛肉面馆北京🍜-*.';
    const word = (min: number, max: number): string => {
      const cp = Array.from(chars);
      let s = '';
      const n = min + rand(max - min + 1);
      for (let i = 0; i < n; i++) s += cp[rand(cp.length)];
      return s;
    };
    for (let k = 0; k < 300; k++) {
      const input: EmvInput = {
        merchantAccounts: [{ tag: String(15 + rand(2)), value: word(1, 40) }],
        mcc: String(rand(10000)).padStart(4, '0'),
        currency: '156',
        country: 'CN',
        merchantName: word(1, 25),
        merchantCity: word(1, 15),
      };
      if (rand(2)) input.amountFen = 1 + rand(10_000_000);
      if (rand(2)) input.alternateLanguage = { language: 'ZH', name: word(1, 25), city: word(1, 15) };
      if (rand(2)) input.additionalData = { store: word(1, 25), terminal: word(1, 25) };
      if (rand(2)) input.merchantAccounts.push({ tag: '26', guid: word(1, 32), fields: [{ tag: '01', value: word(1, 30) }] });
      const text = encodeEmv(input);
      const value = expectOk(decodeEmv(text, { strict: true }));
      const { amountFen, ...rest } = input;
      expect(value).toMatchObject(rest);
      if (amountFen !== undefined) expect(value.amountFen).toBe(amountFen);
      expect(encodeEmv(value as EmvInput)).toBe(text);
    }
  });
});

describe('encodeEmv: refuses what the decoder refuses, with the same reasons', () => {
  const cases: [string, Partial<EmvInput>, EmvErrorReason, string | undefined][] = [
    ['no merchant account', { merchantAccounts: [] }, 'missing_required', undefined],
    ['an empty name', { merchantName: '' }, 'empty_value', '59'],
    ['a 26-character name', { merchantName: 'N'.repeat(26) }, 'name_too_long', '59'],
    ['a 120-character name', { merchantName: 'N'.repeat(120) }, 'name_too_long', '59'],
    ['a 16-character city', { merchantCity: 'C'.repeat(16) }, 'city_too_long', '60'],
    ['MCC "58"', { mcc: '58' }, 'bad_mcc', '52'],
    ['currency "CNY"', { currency: 'CNY' }, 'bad_currency', '53'],
    ['country "cn"', { country: 'cn' }, 'bad_country', '58'],
    ['amount "23,72"', { amount: '23,72' }, 'bad_amount', '54'],
    ['amount "0"', { amount: '0' }, 'bad_amount', '54'],
    ['amount "1.234" in CNY', { amount: '1.234' }, 'bad_amount', '54'],
    ['an 11-character postal code', { postalCode: '12345678901' }, 'bad_postal_code', '61'],
    ['dynamic without amount', { initiation: 'dynamic' }, 'dynamic_without_amount', '01'],
    ['tip 02 without fee', { tipIndicator: '02' }, 'bad_tip', '55'],
    ['a bad tip indicator', { tipIndicator: '07' as never }, 'bad_tip', '55'],
    ['a merchant account tag "1A"', { merchantAccounts: [{ tag: '1A', value: 'x' }] }, 'non_digit_tag', '1A'],
    ['merchant account tag 52', { merchantAccounts: [{ tag: '52', value: 'x' }] }, 'bad_template', '52'],
    ['merchant account tag 01', { merchantAccounts: [{ tag: '01', value: 'x' }] }, 'bad_template', '01'],
    ['a template tag given a plain value', { merchantAccounts: [{ tag: '26', value: 'x' }] }, 'bad_template', '26'],
    ['a primitive tag given a GUID', { merchantAccounts: [{ tag: '15', guid: 'A000000333' }] }, 'bad_template', '15'],
    ['an empty GUID', { merchantAccounts: [{ tag: '26', guid: '' }] }, 'bad_template', '26.00'],
    ['a 33-character GUID', { merchantAccounts: [{ tag: '26', guid: 'G'.repeat(33) }] }, 'bad_template', '26.00'],
    [
      'a template sub-field with tag 00',
      { merchantAccounts: [{ tag: '26', guid: 'G', fields: [{ tag: '00', value: 'x' }] }] },
      'bad_template',
      '26.00',
    ],
    [
      'a template sub-field tag "x"',
      { merchantAccounts: [{ tag: '26', guid: 'G', fields: [{ tag: 'x', value: 'x' }] }] },
      'bad_template',
      '26',
    ],
    [
      'a template longer than 99 characters',
      { merchantAccounts: [{ tag: '26', guid: 'G', fields: [{ tag: '01', value: 'v'.repeat(95) }] }] },
      'bad_template',
      '26',
    ],
    ['a 100-character primitive account', { merchantAccounts: [{ tag: '15', value: '6'.repeat(100) }] }, 'value_too_long', '15'],
    [
      'two accounts with one tag',
      {
        merchantAccounts: [
          { tag: '15', value: '1' },
          { tag: '15', value: '2' },
        ],
      },
      'duplicate_tag',
      '15',
    ],
    ['an unknown field with a known tag', { unknown: [{ tag: '59', value: 'x' }] }, 'duplicate_tag', '59'],
    [
      'an unknown tag twice',
      {
        unknown: [
          { tag: '80', value: 'x' },
          { tag: '80', value: 'y' },
        ],
      },
      'duplicate_tag',
      '80',
    ],
    ['an unknown tag "8"', { unknown: [{ tag: '8', value: 'x' }] }, 'non_digit_tag', '8'],
    ['an empty unknown value', { unknown: [{ tag: '80', value: '' }] }, 'empty_value', '80'],
    ['a 100-character unknown value', { unknown: [{ tag: '80', value: 'x'.repeat(100) }] }, 'value_too_long', '80'],
    ['a 26-character bill number', { additionalData: { billNumber: 'b'.repeat(26) } }, 'bad_template', '62.01'],
    ['consumer data request "Q"', { additionalData: { consumerDataRequest: 'Q' } }, 'bad_template', '62.09'],
    ['additional data "others" reusing 05', { additionalData: { others: [{ tag: '05', value: 'x' }] } }, 'bad_template', '62.05'],
    [
      'additional data longer than 99',
      { additionalData: { billNumber: 'b'.repeat(25), mobile: 'm'.repeat(25), store: 's'.repeat(25), loyalty: 'l'.repeat(25) } },
      'bad_template',
      '62',
    ],
    ['a language of 3 letters', { alternateLanguage: { language: 'ZHO', name: 'x' } }, 'bad_template', '64.00'],
    ['an empty alternate name', { alternateLanguage: { language: 'ZH', name: '' } }, 'empty_value', '64.01'],
    [
      'more than 512 characters',
      {
        unknown: Array.from({ length: 6 }, (_, i) => ({ tag: String(80 + i), value: 'x'.repeat(90) })),
      },
      'too_long',
      undefined,
    ],
  ];

  it.each(cases)('%s', (_name, override, reason, tag) => {
    let thrown: unknown;
    try {
      encodeEmv({ ...UNIONPAY_STATIC, ...override } as EmvInput);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(EmvEncodeError);
    expect(thrown).toMatchObject({ reason, tag });
  });

  it('EmvEncodeError is an Error with a readable message', () => {
    const error = new EmvEncodeError({ reason: 'name_too_long', tag: '59', detail: 'limited to 25' });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('EmvEncodeError');
    expect(error.message).toBe('EMVCo encode failed: name_too_long (tag 59): limited to 25');
  });

  it('omits an empty additional data object', () => {
    const text = encodeEmv({ ...UNIONPAY_STATIC, additionalData: {} });
    expect(expectOk(decodeEmv(text)).additionalData).toBeUndefined();
  });
});
