/**
 * EMVCo merchant-presented QR (MPM) codec: the format of UnionPay's and many national schemes' codes.
 * Every rule below comes from payments.md §5 unless a comment says otherwise.
 *
 * Decisions where the reference leaves room (documented once, here):
 * - Lengths and positions count characters as Unicode code points (§5: "length counts characters, not
 *   bytes"), so a Chinese merchant name of 25 characters fits tag 59 although it is 75 UTF-8 bytes.
 *   `EmvError.at` is a code-point index into the text (the start of the offending data object).
 * - Decoding is lenient by default: a real code may omit data objects that EMVCo calls mandatory (the
 *   published PromptPay example in §5 has no MCC, name or city), so only what a payment cannot do
 *   without is required: a merchant account (02–51) and the currency (53). The other mandatory objects
 *   (52 MCC, 58 country, 59 name, 60 city) are reported in `warnings` as `missing_mandatory`, a dynamic
 *   code without an amount as `dynamic_without_amount`, and a CRC written in lowercase hex as
 *   `crc_lowercase`. `{ strict: true }` turns those three into errors (`missing_required`,
 *   `dynamic_without_amount`, `bad_crc`). Malformed values are errors in both modes.
 * - The encoder is always strict: it checks its output by decoding it with `{ strict: true }`, so what
 *   it writes is exactly what the decoder accepts, with the same reason codes.
 * - A code longer than 512 characters is refused (`too_long`): EMVCo's limit for an MPM code, and a
 *   guard against decoding megabytes.
 * - A data object of length 00 is malformed (`empty_value`): EMVCo lengths run 01–99.
 * - Errors inside a template (26–51, 62, 64) are `bad_template` with `tag` naming the template (or
 *   `"62.05"` style for a sub-field), except the name and city limits of template 64, which keep their
 *   own reasons `name_too_long` / `city_too_long` with tag `64.01` / `64.02`.
 * - Without tag 01 a code is taken as static (EMVCo makes 01 optional; only 12 marks single use).
 * - `amountFen` is given only for CNY (currency 156, two decimals); more than two decimals is
 *   `bad_amount` there. A zero amount is `bad_amount` in every currency.
 */

import { crc16CcittFalse, crc16Hex } from './crc16.ts';

export type EmvErrorReason =
  | 'empty'
  | 'too_long'
  | 'bad_crc'
  | 'missing_crc'
  | 'truncated'
  | 'length_past_end'
  | 'non_digit_length'
  | 'non_digit_tag'
  | 'empty_value'
  | 'value_too_long'
  | 'format_not_first'
  | 'crc_not_last'
  | 'duplicate_tag'
  | 'bad_payload_format'
  | 'bad_initiation_method'
  | 'name_too_long'
  | 'city_too_long'
  | 'bad_postal_code'
  | 'bad_amount'
  | 'bad_tip'
  | 'bad_currency'
  | 'bad_country'
  | 'bad_mcc'
  | 'dynamic_without_amount'
  | 'missing_required'
  | 'bad_template';

export interface EmvError {
  reason: EmvErrorReason;
  /** The data object concerned: "59", or "62.05" for a sub-field of a template. */
  tag?: string;
  /** Code-point index into the decoded text where the offending data object starts (decoder only). */
  at?: number;
  detail?: string;
}

export type EmvWarningCode = 'crc_lowercase' | 'missing_mandatory' | 'dynamic_without_amount';

export interface EmvWarning {
  code: EmvWarningCode;
  tag?: string;
}

export interface EmvField {
  tag: string;
  value: string;
}

export type EmvInitiation = 'static' | 'dynamic';

/** Payment networks owning the primitive merchant-account tags 02–25 (EMVCo allocation). */
export type EmvNetwork = 'visa' | 'mastercard' | 'emvco' | 'discover' | 'amex' | 'jcb' | 'unionpay';

/** Tags 02–25 are kept raw; tags 26–51 are templates whose sub-tag 00 is a GUID or AID. */
export type EmvMerchantAccount =
  | { tag: string; kind: 'primitive'; network: EmvNetwork; value: string }
  | { tag: string; kind: 'template'; guid: string; fields: EmvField[] };

/** What the encoder takes for a merchant account; the tag decides which shape is needed. */
export type EmvMerchantAccountInput =
  | { tag: string; kind?: 'primitive'; network?: EmvNetwork; value: string }
  | { tag: string; kind?: 'template'; guid: string; fields?: EmvField[] };

/** Tag 62, "additional data field template". */
export interface EmvAdditionalData {
  billNumber?: string; // 01
  mobile?: string; // 02
  store?: string; // 03
  loyalty?: string; // 04
  reference?: string; // 05
  customer?: string; // 06
  terminal?: string; // 07
  purpose?: string; // 08
  consumerDataRequest?: string; // 09: up to 3 of A (address), M (mobile), E (e-mail)
  merchantTaxId?: string; // 10
  channel?: string; // 11
  /** Sub-tags 12–99 (reserved or payment-system specific), in order. */
  others?: EmvField[];
}

/** Tag 64, "merchant information – language template". */
export interface EmvAlternateLanguage {
  language: string; // 00, ISO 639-1, e.g. "ZH"
  name: string; // 01, ≤ 25 characters
  city?: string; // 02, ≤ 15 characters
  /** Sub-tags 03–99, in order. */
  others?: EmvField[];
}

/** 55: "01" the app prompts for a tip, "02" fixed convenience fee (56), "03" percentage fee (57). */
export type EmvTipIndicator = '01' | '02' | '03';

export interface EmvPayload {
  payloadFormat: '01';
  initiation: EmvInitiation;
  merchantAccounts: EmvMerchantAccount[];
  mcc?: string;
  /** ISO 4217 numeric, e.g. "156" = CNY. */
  currency: string;
  /** The amount exactly as written, e.g. "23.72". */
  amount?: string;
  /** The amount in fen, when the currency is CNY (156). Parsed without floating point. */
  amountFen?: number;
  tipIndicator?: EmvTipIndicator;
  convenienceFeeFixed?: string;
  convenienceFeePercentage?: string;
  country?: string;
  merchantName?: string;
  merchantCity?: string;
  postalCode?: string;
  additionalData?: EmvAdditionalData;
  alternateLanguage?: EmvAlternateLanguage;
  /** Top-level tags 65–99 (EMVCo reserved or unreserved templates), in the order found. */
  unknown: EmvField[];
  /** The CRC as written (4 hex digits). */
  crc: string;
  warnings: EmvWarning[];
}

export interface EmvInput {
  /** Default: 'dynamic' when there is an amount, else 'static'. 'dynamic' without an amount is refused. */
  initiation?: EmvInitiation;
  merchantAccounts: EmvMerchantAccountInput[];
  mcc: string;
  currency: string;
  /** The amount as it is to be written; or give `amountFen` (CNY only) and it is written as yuan. */
  amount?: string;
  amountFen?: number;
  tipIndicator?: EmvTipIndicator;
  convenienceFeeFixed?: string;
  convenienceFeePercentage?: string;
  country: string;
  merchantName: string;
  merchantCity: string;
  postalCode?: string;
  additionalData?: EmvAdditionalData;
  alternateLanguage?: EmvAlternateLanguage;
  unknown?: EmvField[];
}

export interface EmvDecodeOptions {
  /** Require every EMVCo-mandatory data object, an amount on dynamic codes and an uppercase CRC. */
  strict?: boolean;
}

export type EmvDecodeResult = { ok: true; value: EmvPayload } | { ok: false; error: EmvError };

export class EmvEncodeError extends Error {
  readonly reason: EmvErrorReason;
  readonly tag: string | undefined;
  readonly detail: string | undefined;

  constructor(error: EmvError) {
    super(`EMVCo encode failed: ${error.reason}${error.tag ? ` (tag ${error.tag})` : ''}${error.detail ? `: ${error.detail}` : ''}`);
    this.name = 'EmvEncodeError';
    this.reason = error.reason;
    this.tag = error.tag;
    this.detail = error.detail;
  }
}

/** EMVCo: an MPM code holds at most 512 characters. */
export const EMV_MAX_CHARS = 512;
/** §5: the currency code of CNY. */
export const EMV_CURRENCY_CNY = '156';

const MAX_NAME = 25; // §5: 59 merchant name ≤ 25
const MAX_CITY = 15; // §5: 60 city ≤ 15
const MAX_AMOUNT = 13; // §5: 54 amount ≤ 13 characters
const MAX_POSTAL = 10; // EMVCo: 61 postal code ans ..10
const MAX_GUID = 32; // EMVCo: sub-tag 00 of 26–51, ans ..32

const AMOUNT = /^\d+(?:\.\d+)?$/;
const PERCENTAGE = /^\d{1,2}(?:\.\d{1,2})?$/;
const HEX4 = /^[0-9A-Fa-f]{4}$/;

/** Sub-field limits of template 62 (EMVCo): 01–08 ans ..25, 09 ans ..3, 10 ans ..20, 11 ans 3. */
const ADDITIONAL_KEYS = [
  ['01', 'billNumber', 25],
  ['02', 'mobile', 25],
  ['03', 'store', 25],
  ['04', 'loyalty', 25],
  ['05', 'reference', 25],
  ['06', 'customer', 25],
  ['07', 'terminal', 25],
  ['08', 'purpose', 25],
  ['09', 'consumerDataRequest', 3],
  ['10', 'merchantTaxId', 20],
  ['11', 'channel', 3],
] as const;

type AdditionalKey = (typeof ADDITIONAL_KEYS)[number][1];

// ---------------------------------------------------------------------------------------------------
// Shared field rules: the decoder applies them to what it reads, the encoder to what it is given.

function cpLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function err(reason: EmvErrorReason, extra: Omit<EmvError, 'reason'> = {}): EmvError {
  return { reason, ...extra };
}

function checkAmountText(value: string): string | null {
  if (value.length > MAX_AMOUNT) return `longer than ${MAX_AMOUNT} characters`;
  if (!AMOUNT.test(value)) return 'not digits with an optional "." and decimals';
  if (!/[1-9]/.test(value)) return 'zero';
  return null;
}

/** Rules for a primitive top-level data object's value; null when the value is acceptable. */
function checkTopLevel(tag: string, value: string): EmvError | null {
  switch (tag) {
    case '00':
      return value === '01' ? null : err('bad_payload_format', { tag, detail: `payload format must be "01", found "${value}"` });
    case '01':
      return value === '11' || value === '12'
        ? null
        : err('bad_initiation_method', { tag, detail: `must be "11" (static) or "12" (dynamic), found "${value}"` });
    case '52':
      return /^\d{4}$/.test(value) ? null : err('bad_mcc', { tag, detail: 'merchant category code must be 4 digits' });
    case '53':
      return /^\d{3}$/.test(value) ? null : err('bad_currency', { tag, detail: 'currency must be 3 digits (ISO 4217 numeric)' });
    case '54': {
      const problem = checkAmountText(value);
      return problem ? err('bad_amount', { tag, detail: problem }) : null;
    }
    case '55':
      return value === '01' || value === '02' || value === '03'
        ? null
        : err('bad_tip', { tag, detail: 'tip indicator must be "01", "02" or "03"' });
    case '56': {
      const problem = checkAmountText(value);
      return problem ? err('bad_tip', { tag, detail: `fixed convenience fee: ${problem}` }) : null;
    }
    case '57':
      return PERCENTAGE.test(value) && /[1-9]/.test(value)
        ? null
        : err('bad_tip', { tag, detail: 'percentage convenience fee must be between 00.01 and 99.99' });
    case '58':
      return /^[A-Z]{2}$/.test(value) ? null : err('bad_country', { tag, detail: 'country must be 2 uppercase letters (ISO 3166-1)' });
    case '59':
      return cpLength(value) <= MAX_NAME
        ? null
        : err('name_too_long', { tag, detail: `merchant name is limited to ${MAX_NAME} characters` });
    case '60':
      return cpLength(value) <= MAX_CITY
        ? null
        : err('city_too_long', { tag, detail: `merchant city is limited to ${MAX_CITY} characters` });
    case '61':
      return cpLength(value) <= MAX_POSTAL
        ? null
        : err('bad_postal_code', { tag, detail: `postal code is limited to ${MAX_POSTAL} characters` });
    default:
      return null;
  }
}

function checkAdditionalField(sub: string, value: string): EmvError | null {
  const entry = ADDITIONAL_KEYS.find(([t]) => t === sub);
  if (!entry) return null;
  const tag = `62.${sub}`;
  if (cpLength(value) > entry[2]) return err('bad_template', { tag, detail: `${entry[1]} is limited to ${entry[2]} characters` });
  if (sub === '09' && !/^(?!.*(.).*\1)[AME]{1,3}$/.test(value)) {
    return err('bad_template', { tag, detail: 'consumer data request is up to 3 distinct letters of A, M, E' });
  }
  if (sub === '11' && cpLength(value) !== 3) return err('bad_template', { tag, detail: 'merchant channel must be 3 characters' });
  return null;
}

function checkAlternateField(sub: string, value: string): EmvError | null {
  if (sub === '00' && !/^[A-Za-z]{2}$/.test(value)) {
    return err('bad_template', { tag: '64.00', detail: 'language must be 2 letters (ISO 639-1)' });
  }
  if (sub === '01' && cpLength(value) > MAX_NAME) {
    return err('name_too_long', { tag: '64.01', detail: `alternate merchant name is limited to ${MAX_NAME} characters` });
  }
  if (sub === '02' && cpLength(value) > MAX_CITY) {
    return err('city_too_long', { tag: '64.02', detail: `alternate merchant city is limited to ${MAX_CITY} characters` });
  }
  return null;
}

function networkOf(tagNumber: number): EmvNetwork {
  if (tagNumber <= 3) return 'visa';
  if (tagNumber <= 5) return 'mastercard';
  if (tagNumber <= 8) return 'emvco';
  if (tagNumber <= 10) return 'discover';
  if (tagNumber <= 12) return 'amex';
  if (tagNumber <= 14) return 'jcb';
  if (tagNumber <= 16) return 'unionpay'; // §5: 15–16 UnionPay
  return 'emvco';
}

/** UnionPay's registered application provider ID (RID); its AIDs start with it. */
const UNIONPAY_RID = 'A000000333';

/** True for a UnionPay merchant account: primitive tag 15 or 16 (§5), or a template whose AID is UnionPay's. */
export function isUnionPayAccount(account: EmvMerchantAccount): boolean {
  if (account.kind === 'primitive') return account.network === 'unionpay';
  return account.guid.toUpperCase().startsWith(UNIONPAY_RID);
}

/** Amount in fen from a valid amount text, without floating point; null with more than 2 decimals. */
function toFen(amount: string): number | null {
  const [whole = '', fraction = ''] = amount.split('.');
  if (fraction.length > 2) return null;
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

function fenToAmount(fen: number): string {
  const whole = Math.floor(fen / 100);
  const cents = fen % 100;
  return `${whole}.${cents.toString().padStart(2, '0')}`;
}

// ---------------------------------------------------------------------------------------------------
// Decoder

interface Tlv {
  tag: string;
  value: string;
  /** Code-point index of the tag. */
  at: number;
  /** Code-point index of the value (at + 4) and its length in code points. */
  valueAt: number;
  length: number;
}

type TlvResult = { ok: true; items: Tlv[] } | { ok: false; error: EmvError };

function isAsciiDigit(c: string | undefined): boolean {
  return c !== undefined && c.length === 1 && c >= '0' && c <= '9';
}

/** Splits cps[start, end) into ID–length–value data objects. */
function parseTlvs(cps: readonly string[], start: number, end: number): TlvResult {
  const items: Tlv[] = [];
  let i = start;
  while (i < end) {
    if (end - i < 4) {
      return { ok: false, error: err('truncated', { at: i, detail: `${end - i} character(s) left where a data object needs at least 4` }) };
    }
    const t0 = cps[i];
    const t1 = cps[i + 1];
    if (!isAsciiDigit(t0) || !isAsciiDigit(t1)) {
      return { ok: false, error: err('non_digit_tag', { at: i, detail: `ID "${t0 ?? ''}${t1 ?? ''}" is not 2 digits` }) };
    }
    const tag = `${t0}${t1}`;
    const l0 = cps[i + 2];
    const l1 = cps[i + 3];
    if (!isAsciiDigit(l0) || !isAsciiDigit(l1)) {
      return { ok: false, error: err('non_digit_length', { tag, at: i, detail: `length "${l0 ?? ''}${l1 ?? ''}" is not 2 digits` }) };
    }
    const length = Number(`${l0}${l1}`);
    if (length === 0) return { ok: false, error: err('empty_value', { tag, at: i, detail: 'length 00' }) };
    const valueAt = i + 4;
    if (valueAt + length > end) {
      return {
        ok: false,
        error: err('length_past_end', { tag, at: i, detail: `length ${length} but only ${end - valueAt} character(s) left` }),
      };
    }
    items.push({ tag, value: cps.slice(valueAt, valueAt + length).join(''), at: i, valueAt, length });
    i = valueAt + length;
  }
  return { ok: true, items };
}

type TemplateResult = { ok: true; items: Tlv[] } | { ok: false; error: EmvError };

/** Parses a template's value into sub-fields, rejecting malformed structure and duplicate sub-tags. */
function parseTemplate(cps: readonly string[], item: Tlv): TemplateResult {
  const parsed = parseTlvs(cps, item.valueAt, item.valueAt + item.length);
  if (!parsed.ok) {
    const inner = parsed.error;
    return {
      ok: false,
      error: err('bad_template', {
        tag: inner.tag ? `${item.tag}.${inner.tag}` : item.tag,
        at: inner.at ?? item.at,
        detail: `${inner.reason}${inner.detail ? `: ${inner.detail}` : ''}`,
      }),
    };
  }
  const seen = new Set<string>();
  for (const sub of parsed.items) {
    if (seen.has(sub.tag)) {
      return { ok: false, error: err('bad_template', { tag: `${item.tag}.${sub.tag}`, at: sub.at, detail: 'duplicate sub-tag' }) };
    }
    seen.add(sub.tag);
  }
  return parsed;
}

function withAt(error: EmvError, at: number): EmvError {
  return { ...error, at: error.at ?? at };
}

function decodeMerchantAccount(
  cps: readonly string[],
  item: Tlv,
): { ok: true; value: EmvMerchantAccount } | { ok: false; error: EmvError } {
  const n = Number(item.tag);
  if (n <= 25) return { ok: true, value: { tag: item.tag, kind: 'primitive', network: networkOf(n), value: item.value } };
  const parsed = parseTemplate(cps, item);
  if (!parsed.ok) return parsed;
  let guid: string | undefined;
  const fields: EmvField[] = [];
  for (const sub of parsed.items) {
    if (sub.tag === '00') guid = sub.value;
    else fields.push({ tag: sub.tag, value: sub.value });
  }
  if (guid === undefined) {
    return {
      ok: false,
      error: err('bad_template', { tag: `${item.tag}.00`, at: item.at, detail: 'merchant account template without a GUID (sub-tag 00)' }),
    };
  }
  if (cpLength(guid) > MAX_GUID) {
    return {
      ok: false,
      error: err('bad_template', { tag: `${item.tag}.00`, at: item.at, detail: `GUID is limited to ${MAX_GUID} characters` }),
    };
  }
  return { ok: true, value: { tag: item.tag, kind: 'template', guid, fields } };
}

function decodeAdditionalData(cps: readonly string[], item: Tlv): { ok: true; value: EmvAdditionalData } | { ok: false; error: EmvError } {
  const parsed = parseTemplate(cps, item);
  if (!parsed.ok) return parsed;
  const value: EmvAdditionalData = {};
  const others: EmvField[] = [];
  for (const sub of parsed.items) {
    const problem = checkAdditionalField(sub.tag, sub.value);
    if (problem) return { ok: false, error: withAt(problem, sub.at) };
    const entry = ADDITIONAL_KEYS.find(([t]) => t === sub.tag);
    if (entry) value[entry[1]] = sub.value;
    else others.push({ tag: sub.tag, value: sub.value });
  }
  if (others.length > 0) value.others = others;
  return { ok: true, value: orderAdditional(value) };
}

/** Same keys in the canonical order (sub-tag order), so decoded objects compare and print predictably. */
function orderAdditional(data: EmvAdditionalData): EmvAdditionalData {
  const out: EmvAdditionalData = {};
  for (const [, key] of ADDITIONAL_KEYS) {
    const v = data[key];
    if (v !== undefined) out[key] = v;
  }
  if (data.others && data.others.length > 0) out.others = data.others;
  return out;
}

function decodeAlternateLanguage(
  cps: readonly string[],
  item: Tlv,
): { ok: true; value: EmvAlternateLanguage } | { ok: false; error: EmvError } {
  const parsed = parseTemplate(cps, item);
  if (!parsed.ok) return parsed;
  let language: string | undefined;
  let name: string | undefined;
  let city: string | undefined;
  const others: EmvField[] = [];
  for (const sub of parsed.items) {
    const problem = checkAlternateField(sub.tag, sub.value);
    if (problem) return { ok: false, error: withAt(problem, sub.at) };
    if (sub.tag === '00') language = sub.value;
    else if (sub.tag === '01') name = sub.value;
    else if (sub.tag === '02') city = sub.value;
    else others.push({ tag: sub.tag, value: sub.value });
  }
  if (language === undefined)
    return { ok: false, error: err('bad_template', { tag: '64.00', at: item.at, detail: 'language template without a language' }) };
  if (name === undefined)
    return { ok: false, error: err('bad_template', { tag: '64.01', at: item.at, detail: 'language template without a merchant name' }) };
  const value: EmvAlternateLanguage = { language, name };
  if (city !== undefined) value.city = city;
  if (others.length > 0) value.others = others;
  return { ok: true, value };
}

function fail(error: EmvError): EmvDecodeResult {
  return { ok: false, error };
}

/**
 * Decodes an EMVCo MPM payload. Never throws: every malformed input gives `{ ok: false, error }` with
 * a precise reason. The text is taken as is (trim a scanner's CR/LF before calling).
 */
export function decodeEmv(text: string, options: EmvDecodeOptions = {}): EmvDecodeResult {
  const strict = options.strict === true;
  if (typeof text !== 'string' || text.length === 0) return fail(err('empty'));
  // UTF-16 units ≥ code points ≥ units / 2: this rejects megabytes before splitting them.
  if (text.length > EMV_MAX_CHARS * 2) return fail(err('too_long', { detail: `more than ${EMV_MAX_CHARS} characters` }));
  const cps = Array.from(text);
  if (cps.length > EMV_MAX_CHARS) return fail(err('too_long', { detail: `${cps.length} characters, at most ${EMV_MAX_CHARS}` }));

  const parsed = parseTlvs(cps, 0, cps.length);
  if (!parsed.ok) return fail(parsed.error);
  const items = parsed.items;

  // §5: 00 payload format first, 63 CRC last.
  const first = items[0];
  if (first?.tag !== '00') return fail(err('format_not_first', { tag: first?.tag, at: first?.at ?? 0 }));
  const crcIndex = items.findIndex((item) => item.tag === '63');
  const crcItem = items[crcIndex];
  if (!crcItem) return fail(err('missing_crc', { detail: 'no data object 63' }));
  if (crcIndex !== items.length - 1) return fail(err('crc_not_last', { tag: '63', at: crcItem.at }));

  const warnings: EmvWarning[] = [];
  // §5: CRC-16/CCITT-FALSE over the UTF-8 bytes of everything up to and including "6304", 4 uppercase hex.
  if (crcItem.length !== 4 || !HEX4.test(crcItem.value)) {
    return fail(err('bad_crc', { tag: '63', at: crcItem.at, detail: 'the CRC must be 4 hexadecimal digits ("6304" + value)' }));
  }
  const prefix = cps.slice(0, crcItem.valueAt).join('');
  const expected = crc16Hex(crc16CcittFalse(new TextEncoder().encode(prefix)));
  if (crcItem.value.toUpperCase() !== expected) {
    return fail(err('bad_crc', { tag: '63', at: crcItem.at, detail: `expected ${expected}, found ${crcItem.value}` }));
  }
  if (crcItem.value !== crcItem.value.toUpperCase()) {
    if (strict) return fail(err('bad_crc', { tag: '63', at: crcItem.at, detail: 'the CRC is correct but written in lowercase' }));
    warnings.push({ code: 'crc_lowercase', tag: '63' });
  }

  const seen = new Set<string>();
  for (const item of items) {
    if (seen.has(item.tag)) return fail(err('duplicate_tag', { tag: item.tag, at: item.at }));
    seen.add(item.tag);
  }

  const fields: Partial<Record<string, string>> = {};
  const merchantAccounts: EmvMerchantAccount[] = [];
  const unknown: EmvField[] = [];
  let additionalData: EmvAdditionalData | undefined;
  let alternateLanguage: EmvAlternateLanguage | undefined;
  let amountAt = 0;
  for (const item of items) {
    if (item.tag === '63') continue;
    const n = Number(item.tag);
    if (n >= 2 && n <= 51) {
      const account = decodeMerchantAccount(cps, item);
      if (!account.ok) return fail(account.error);
      merchantAccounts.push(account.value);
    } else if (item.tag === '62') {
      const data = decodeAdditionalData(cps, item);
      if (!data.ok) return fail(data.error);
      additionalData = data.value;
    } else if (item.tag === '64') {
      const alt = decodeAlternateLanguage(cps, item);
      if (!alt.ok) return fail(alt.error);
      alternateLanguage = alt.value;
    } else if (n <= 61) {
      const problem = checkTopLevel(item.tag, item.value);
      if (problem) return fail(withAt(problem, item.at));
      fields[item.tag] = item.value;
      if (item.tag === '54') amountAt = item.at;
    } else {
      unknown.push({ tag: item.tag, value: item.value });
    }
  }

  // Presence rules (see the header for lenient vs strict).
  if (merchantAccounts.length === 0) return fail(err('missing_required', { detail: 'no merchant account information (tags 02–51)' }));
  const currency = fields['53'];
  if (currency === undefined) return fail(err('missing_required', { tag: '53', detail: 'no transaction currency' }));
  for (const tag of ['52', '58', '59', '60']) {
    if (fields[tag] !== undefined) continue;
    if (strict) return fail(err('missing_required', { tag, detail: `mandatory data object ${tag} is absent` }));
    warnings.push({ code: 'missing_mandatory', tag });
  }

  const initiation: EmvInitiation = fields['01'] === '12' ? 'dynamic' : 'static';
  const amount = fields['54'];
  if (initiation === 'dynamic' && amount === undefined) {
    if (strict) return fail(err('dynamic_without_amount', { tag: '01', detail: 'a dynamic code (01=12) carries an amount (54)' }));
    warnings.push({ code: 'dynamic_without_amount', tag: '01' });
  }
  let amountFen: number | undefined;
  if (amount !== undefined && currency === EMV_CURRENCY_CNY) {
    const fen = toFen(amount);
    if (fen === null) return fail(err('bad_amount', { tag: '54', at: amountAt, detail: 'CNY amounts have at most 2 decimals' }));
    amountFen = fen;
  }

  const tip = fields['55'] as EmvTipIndicator | undefined;
  if (fields['56'] !== undefined && tip !== '02')
    return fail(err('bad_tip', { tag: '56', detail: 'a fixed fee (56) needs tip indicator 02' }));
  if (fields['57'] !== undefined && tip !== '03')
    return fail(err('bad_tip', { tag: '57', detail: 'a percentage fee (57) needs tip indicator 03' }));
  if (tip === '02' && fields['56'] === undefined)
    return fail(err('bad_tip', { tag: '55', detail: 'tip indicator 02 needs a fixed fee (56)' }));
  if (tip === '03' && fields['57'] === undefined)
    return fail(err('bad_tip', { tag: '55', detail: 'tip indicator 03 needs a percentage fee (57)' }));

  // Built in tag order, absent fields left out (not set to undefined), so printed payloads read naturally.
  const all: Record<keyof EmvPayload, unknown> = {
    payloadFormat: '01',
    initiation,
    merchantAccounts,
    mcc: fields['52'],
    currency,
    amount,
    amountFen,
    tipIndicator: tip,
    convenienceFeeFixed: fields['56'],
    convenienceFeePercentage: fields['57'],
    country: fields['58'],
    merchantName: fields['59'],
    merchantCity: fields['60'],
    postalCode: fields['61'],
    additionalData,
    alternateLanguage,
    unknown,
    crc: crcItem.value,
    warnings,
  };
  const value = Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined)) as unknown as EmvPayload;
  return { ok: true, value };
}

// ---------------------------------------------------------------------------------------------------
// Encoder

function tlv(tag: string, value: string): string {
  const length = cpLength(value);
  if (length === 0) throw new EmvEncodeError(err('empty_value', { tag }));
  if (length > 99) throw new EmvEncodeError(err('value_too_long', { tag, detail: `${length} characters, at most 99` }));
  return `${tag.slice(-2)}${length.toString().padStart(2, '0')}${value}`;
}

function subFields(
  parent: string,
  fields: readonly EmvField[],
  taken: ReadonlySet<string>,
  check: (f: EmvField) => EmvError | null,
): string {
  const seen = new Set(taken);
  let out = '';
  for (const field of fields) {
    if (!/^\d{2}$/.test(field.tag))
      throw new EmvEncodeError(err('bad_template', { tag: parent, detail: `sub-tag "${field.tag}" is not 2 digits` }));
    if (seen.has(field.tag)) throw new EmvEncodeError(err('bad_template', { tag: `${parent}.${field.tag}`, detail: 'duplicate sub-tag' }));
    seen.add(field.tag);
    const problem = check(field);
    if (problem) throw new EmvEncodeError(problem);
    out += tlv(`${parent}.${field.tag}`, field.value);
  }
  return out;
}

function template(tag: string, content: string): string {
  if (cpLength(content) > 99) throw new EmvEncodeError(err('bad_template', { tag, detail: 'template longer than 99 characters' }));
  return tlv(tag, content);
}

function encodeMerchantAccount(account: EmvMerchantAccountInput): string {
  const { tag } = account;
  if (!/^\d{2}$/.test(tag)) throw new EmvEncodeError(err('non_digit_tag', { tag, detail: 'merchant account tags are 2 digits, 02–51' }));
  const n = Number(tag);
  if (n < 2 || n > 51) throw new EmvEncodeError(err('bad_template', { tag, detail: 'merchant account tags are 02–51' }));
  if (n <= 25) {
    if (!('value' in account) || typeof account.value !== 'string') {
      throw new EmvEncodeError(err('bad_template', { tag, detail: 'tags 02–25 take a plain value' }));
    }
    return tlv(tag, account.value);
  }
  if (!('guid' in account) || typeof account.guid !== 'string') {
    throw new EmvEncodeError(err('bad_template', { tag, detail: 'tags 26–51 are templates with a GUID (sub-tag 00)' }));
  }
  if (account.guid.length === 0 || cpLength(account.guid) > MAX_GUID) {
    throw new EmvEncodeError(err('bad_template', { tag: `${tag}.00`, detail: `GUID must have 1–${MAX_GUID} characters` }));
  }
  const content = tlv(`${tag}.00`, account.guid) + subFields(tag, account.fields ?? [], new Set(['00']), () => null);
  return template(tag, content);
}

function resolveAmount(input: EmvInput): string | undefined {
  if (input.amountFen === undefined) return input.amount;
  const fen = input.amountFen;
  if (input.currency !== EMV_CURRENCY_CNY)
    throw new EmvEncodeError(err('bad_amount', { tag: '54', detail: 'amountFen needs currency 156 (CNY)' }));
  if (!Number.isSafeInteger(fen) || fen <= 0)
    throw new EmvEncodeError(err('bad_amount', { tag: '54', detail: 'amountFen must be a positive integer' }));
  const written = fenToAmount(fen);
  if (input.amount !== undefined) {
    const problem = checkAmountText(input.amount);
    if (problem || toFen(input.amount) !== fen) {
      throw new EmvEncodeError(err('bad_amount', { tag: '54', detail: `amount "${input.amount}" disagrees with amountFen ${fen}` }));
    }
    return input.amount;
  }
  return written;
}

const KNOWN_TOP_LEVEL = (n: number): boolean => n <= 64;

/**
 * Encodes a merchant-presented QR payload, CRC included. Static (01=11) without an amount, dynamic
 * (01=12) with one (54). Data objects are written in tag order: 00, 01, the merchant accounts in the
 * order given, 52–61, 62, 64, the unknown tags in the order given, then 63. Throws `EmvEncodeError`
 * with the decoder's reason codes when the input breaks a rule.
 */
export function encodeEmv(input: EmvInput): string {
  const amount = resolveAmount(input);
  const initiation: EmvInitiation = input.initiation ?? (amount === undefined ? 'static' : 'dynamic');
  if (initiation === 'dynamic' && amount === undefined) {
    throw new EmvEncodeError(err('dynamic_without_amount', { tag: '01', detail: 'a dynamic code needs an amount' }));
  }
  if (input.merchantAccounts.length === 0) {
    throw new EmvEncodeError(err('missing_required', { detail: 'at least one merchant account (tags 02–51) is needed' }));
  }

  const parts: string[] = [];
  const primitive = (tag: string, value: string | undefined): void => {
    if (value === undefined) return;
    const problem = checkTopLevel(tag, value);
    if (problem) throw new EmvEncodeError(problem);
    parts.push(tlv(tag, value));
  };

  primitive('00', '01');
  primitive('01', initiation === 'static' ? '11' : '12');
  const accountTags = new Set<string>();
  for (const account of input.merchantAccounts) {
    if (accountTags.has(account.tag)) throw new EmvEncodeError(err('duplicate_tag', { tag: account.tag }));
    accountTags.add(account.tag);
    parts.push(encodeMerchantAccount(account));
  }
  primitive('52', input.mcc);
  primitive('53', input.currency);
  primitive('54', amount);
  primitive('55', input.tipIndicator);
  primitive('56', input.convenienceFeeFixed);
  primitive('57', input.convenienceFeePercentage);
  primitive('58', input.country);
  primitive('59', input.merchantName);
  primitive('60', input.merchantCity);
  primitive('61', input.postalCode);

  if (input.additionalData) {
    const data = input.additionalData;
    const named: EmvField[] = [];
    for (const [sub, key] of ADDITIONAL_KEYS) {
      const v = data[key as AdditionalKey];
      if (v !== undefined) named.push({ tag: sub, value: v });
    }
    const content =
      subFields('62', named, new Set(), (f) => checkAdditionalField(f.tag, f.value)) +
      subFields('62', data.others ?? [], new Set(ADDITIONAL_KEYS.map(([t]) => t)), () => null);
    if (content.length > 0) parts.push(template('62', content));
  }

  if (input.alternateLanguage) {
    const alt = input.alternateLanguage;
    const named: EmvField[] = [
      { tag: '00', value: alt.language },
      { tag: '01', value: alt.name },
    ];
    if (alt.city !== undefined) named.push({ tag: '02', value: alt.city });
    const content =
      subFields('64', named, new Set(), (f) => checkAlternateField(f.tag, f.value)) +
      subFields('64', alt.others ?? [], new Set(['00', '01', '02']), () => null);
    parts.push(template('64', content));
  }

  const unknownTags = new Set<string>();
  for (const field of input.unknown ?? []) {
    if (!/^\d{2}$/.test(field.tag)) throw new EmvEncodeError(err('non_digit_tag', { tag: field.tag, detail: 'tags are 2 digits' }));
    if (KNOWN_TOP_LEVEL(Number(field.tag)) || unknownTags.has(field.tag)) {
      throw new EmvEncodeError(err('duplicate_tag', { tag: field.tag, detail: 'unknown fields use tags 65–99, each once' }));
    }
    unknownTags.add(field.tag);
    parts.push(tlv(field.tag, field.value));
  }

  const body = `${parts.join('')}6304`;
  const length = cpLength(body) + 4;
  if (length > EMV_MAX_CHARS) throw new EmvEncodeError(err('too_long', { detail: `${length} characters, at most ${EMV_MAX_CHARS}` }));
  const text = body + crc16Hex(crc16CcittFalse(new TextEncoder().encode(body)));

  // Belt and braces: what we write must be what the strict decoder accepts.
  const check = decodeEmv(text, { strict: true });
  if (!check.ok) throw new EmvEncodeError({ reason: check.error.reason, tag: check.error.tag, detail: check.error.detail });
  return text;
}
