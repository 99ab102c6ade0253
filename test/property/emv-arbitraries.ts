import {
  type EmvAdditionalData,
  type EmvAlternateLanguage,
  type EmvErrorReason,
  type EmvField,
  type EmvInput,
  type EmvMerchantAccountInput,
  encodeEmv,
} from '@paydesk/domain';
import fc from 'fast-check';

/** Every reason the codec may give, as a value: a reason added to the type and not here fails the type check. */
const reasonSet: Record<EmvErrorReason, true> = {
  empty: true,
  too_long: true,
  bad_crc: true,
  missing_crc: true,
  truncated: true,
  length_past_end: true,
  non_digit_length: true,
  non_digit_tag: true,
  empty_value: true,
  value_too_long: true,
  format_not_first: true,
  crc_not_last: true,
  duplicate_tag: true,
  bad_payload_format: true,
  bad_initiation_method: true,
  name_too_long: true,
  city_too_long: true,
  bad_postal_code: true,
  bad_amount: true,
  bad_tip: true,
  bad_currency: true,
  bad_country: true,
  bad_mcc: true,
  dynamic_without_amount: true,
  missing_required: true,
  bad_template: true,
};
export const emvReasons = Object.keys(reasonSet);

/** UnionPay's AID as real codes carry it in a merchant-account template. */
export const unionPayAid = 'A000000333010108';

/**
 * One character of a value: mostly ASCII, often Chinese, sometimes outside the BMP (two UTF-16 units,
 * one character) so that "lengths count characters" is really exercised.
 */
export const valueChar = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) },
  { weight: 3, arbitrary: fc.integer({ min: 0x4e00, max: 0x9fa5 }).map((c) => String.fromCodePoint(c)) },
  { weight: 1, arbitrary: fc.integer({ min: 0x20000, max: 0x2a6d6 }).map((c) => String.fromCodePoint(c)) },
  { weight: 1, arbitrary: fc.constantFrom('é', 'ß', '€', '😀', '　') },
);

export const text = (minLength: number, maxLength: number) =>
  fc.array(valueChar, { minLength, maxLength, size: 'max' }).map((chars) => chars.join(''));

/** Length in characters (code points), counted independently of the codec. */
export const cp = (s: string): number => [...s].length;

const tagOf = (n: number): string => String(n).padStart(2, '0');

/** Template content is at most 99 characters: keeps fields in order while they fit. */
function fitting(fields: EmvField[], used: number): EmvField[] {
  const kept: EmvField[] = [];
  let total = used;
  for (const field of fields) {
    const size = 4 + cp(field.value);
    if (total + size > 99) break;
    kept.push(field);
    total += size;
  }
  return kept;
}

/** Sub-fields with distinct tags in [min, max]; built without `chain`, which is slow to generate through. */
const subFields = (min: number, max: number, maxCount: number, maxLength: number) =>
  fc
    .uniqueArray(fc.record({ n: fc.integer({ min, max }), value: text(1, maxLength) }), {
      selector: (f) => f.n,
      maxLength: maxCount,
      size: 'max',
    })
    .map((fields) => fields.map(({ n, value }) => ({ tag: tagOf(n), value })));

const primitiveAccount = fc
  .record({ n: fc.integer({ min: 2, max: 25 }), value: text(1, 60) })
  .map(({ n, value }): EmvMerchantAccountInput & { n: number } => ({ n, tag: tagOf(n), value }));

const templateAccount = fc
  .record({
    n: fc.integer({ min: 26, max: 51 }),
    guid: fc.oneof(fc.constant(unionPayAid), fc.constant('D156000000000001'), fc.stringMatching(/^[0-9A-Za-z.]{1,32}$/)),
    fields: subFields(1, 99, 4, 20),
  })
  .map(({ n, guid, fields }): EmvMerchantAccountInput & { n: number } => ({
    n,
    tag: tagOf(n),
    guid,
    fields: fitting(fields, 4 + cp(guid)),
  }));

const additionalData: fc.Arbitrary<EmvAdditionalData | undefined> = fc
  .record(
    {
      billNumber: text(1, 25),
      mobile: fc.stringMatching(/^1\d{10}$/),
      store: text(1, 25),
      loyalty: text(1, 25),
      reference: text(1, 25),
      customer: text(1, 25),
      terminal: text(1, 25),
      purpose: text(1, 25),
      consumerDataRequest: fc.shuffledSubarray(['A', 'M', 'E'], { minLength: 1 }).map((l) => l.join('')),
      merchantTaxId: text(1, 20),
      channel: text(3, 3),
      others: subFields(12, 99, 2, 15),
    },
    { requiredKeys: [] },
  )
  .map((data) => {
    // Drop named fields from the end until the template fits in 99 characters.
    const keys = Object.keys(data).filter((k) => k !== 'others') as (keyof EmvAdditionalData)[];
    const fitted: EmvAdditionalData = { ...data };
    const size = (d: EmvAdditionalData) =>
      Object.entries(d).reduce(
        (n, [k, v]) => n + (k === 'others' ? (v as EmvField[]).reduce((m, f) => m + 4 + cp(f.value), 0) : 4 + cp(v as string)),
        0,
      );
    delete fitted.others;
    while (size(fitted) > 99) delete fitted[keys.pop() as keyof EmvAdditionalData];
    const others = fitting(data.others ?? [], size(fitted));
    if (others.length > 0) fitted.others = others;
    return Object.keys(fitted).length > 0 ? fitted : undefined;
  });

const alternateLanguage: fc.Arbitrary<EmvAlternateLanguage> = fc
  .record(
    { language: fc.stringMatching(/^[A-Za-z]{2}$/), name: text(1, 25), city: text(1, 15), others: subFields(3, 99, 2, 15) },
    { requiredKeys: ['language', 'name'] },
  )
  .map(({ others, ...rest }) => {
    const used = Object.values(rest).reduce((n, v) => n + 4 + cp(v), 0);
    const fitted = fitting(others ?? [], used);
    return fitted.length > 0 ? { ...rest, others: fitted } : rest;
  });

const amountText = fc
  .stringMatching(/^\d{1,10}(\.\d{1,2})?$/)
  .filter((a) => /[1-9]/.test(a))
  .filter((a) => a.length <= 13);

const amountChoice = fc.oneof(
  fc.constant({}),
  fc.integer({ min: 1, max: 100_000_000_00 }).map((amountFen) => ({ amountFen, currency: '156' })),
  fc.record({ amount: amountText }),
  fc.record({ amount: fc.stringMatching(/^\d{1,5}\.\d{3,6}$/).filter((a) => /[1-9]/.test(a)), currency: fc.constantFrom('840', '392') }),
);

const tip = fc.oneof(
  fc.constant({}),
  fc.constant({ tipIndicator: '01' as const }),
  amountText.map((convenienceFeeFixed) => ({ tipIndicator: '02' as const, convenienceFeeFixed })),
  fc
    .stringMatching(/^\d{1,2}(\.\d{1,2})?$/)
    .filter((p) => /[1-9]/.test(p))
    .map((convenienceFeePercentage) => ({ tipIndicator: '03' as const, convenienceFeePercentage })),
);

/** Valid encoder input over the whole field set: templates, Chinese text, every optional object. */
export const emvInput: fc.Arbitrary<EmvInput> = fc
  .record({
    accounts: fc
      .uniqueArray(fc.oneof(primitiveAccount, templateAccount), { selector: (a) => a.n, minLength: 1, maxLength: 3, size: 'max' })
      .map((accounts) => accounts.map(({ n: _n, ...account }) => account)),
    mcc: fc.stringMatching(/^\d{4}$/),
    currency: fc.oneof(fc.constant('156'), fc.stringMatching(/^\d{3}$/)),
    amount: amountChoice,
    staticWithAmount: fc.boolean(),
    tip,
    country: fc.stringMatching(/^[A-Z]{2}$/),
    merchantName: text(1, 25),
    merchantCity: text(1, 15),
    postalCode: fc.option(text(1, 10), { nil: undefined }),
    additionalData,
    alternateLanguage: fc.option(alternateLanguage, { nil: undefined }),
    unknown: subFields(65, 99, 3, 60),
  })
  .map((g) => {
    const input: EmvInput = {
      merchantAccounts: g.accounts,
      mcc: g.mcc,
      currency: g.currency,
      ...g.amount,
      ...g.tip,
      country: g.country,
      merchantName: g.merchantName,
      merchantCity: g.merchantCity,
    };
    const hasAmount = input.amount !== undefined || input.amountFen !== undefined;
    if (hasAmount && g.staticWithAmount) input.initiation = 'static';
    if (g.postalCode !== undefined) input.postalCode = g.postalCode;
    if (g.additionalData) input.additionalData = g.additionalData;
    if (g.alternateLanguage) input.alternateLanguage = g.alternateLanguage;
    if (g.unknown.length > 0) input.unknown = g.unknown;
    return input;
  });

/** The amount the encoder writes for amountFen: yuan with two decimals, worked out without floats. */
export const yuanText = (fen: number): string => `${Math.trunc(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

/** Characters of the code the encoder will write for this input, worked out from the input alone. */
export function writtenLength(input: EmvInput): number {
  const obj = (value: string) => 4 + cp(value);
  const fields = (list: EmvField[] = []) => list.reduce((n, f) => n + obj(f.value), 0);
  let n = obj('01') + obj('11');
  for (const a of input.merchantAccounts) n += 'guid' in a ? 4 + obj(a.guid) + fields(a.fields) : obj(a.value);
  const amount = input.amountFen !== undefined ? yuanText(input.amountFen) : input.amount;
  for (const v of [
    input.mcc,
    input.currency,
    amount,
    input.tipIndicator,
    input.convenienceFeeFixed,
    input.convenienceFeePercentage,
    input.country,
    input.merchantName,
    input.merchantCity,
    input.postalCode,
  ]) {
    if (v !== undefined) n += obj(v);
  }
  if (input.additionalData) {
    const { others, ...named } = input.additionalData;
    n += 4 + Object.values(named).reduce((m, v) => m + obj(v), 0) + fields(others);
  }
  if (input.alternateLanguage) {
    const { others, ...named } = input.alternateLanguage;
    n += 4 + Object.values(named).reduce((m, v) => m + obj(v), 0) + fields(others);
  }
  return n + fields(input.unknown) + obj('ABCD');
}

/** Valid codes that fit in 512 characters, with the input that made them. */
export const emvCode = emvInput.filter((input) => writtenLength(input) <= 512).map((input) => ({ input, code: encodeEmv(input) }));
