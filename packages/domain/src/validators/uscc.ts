/**
 * Unified social credit code (统一社会信用代码), GB 32100-2015.
 *
 * Layout: 1 registration authority, 2 entity type, 3–8 administrative division (GB/T 2260),
 * 9–17 organisation code (GB 11714, with its own check character at 17), 18 check character.
 */

export type UsccReason = 'empty' | 'length' | 'charset' | 'registration_type' | 'division' | 'org_checksum' | 'checksum';

export type UsccResult = { ok: true; value: string } | { ok: false; reason: UsccReason };

/** GB 32100-2015 table: digits plus capitals without I, O, Z, S, V; a character's value is its index. */
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CHARSET = /^[0-9ABCDEFGHJKLMNPQRTUWXY]{18}$/;

/** Positions 1–2 per GB 32100-2015: authority code → the entity-type codes it may issue. */
const REGISTRATION_TYPES: Readonly<Record<string, string>> = {
  '1': '1239', // 机构编制
  '2': '19', // 外交
  '3': '123459', // 司法行政
  '4': '19', // 文化
  '5': '1239', // 民政
  '6': '129', // 旅游
  '7': '129', // 宗教
  '8': '19', // 工会
  '9': '123', // 工商
  A: '19', // 中央军委改革和编制办公室
  N: '1239', // 农业
  Y: '1', // 其他
};

/** 3^i mod 31 for i = 0..16, as given in GB 32100-2015. */
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** GB 11714-1997 weights for the eight body characters of the organisation code. */
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** Check character (position 18) for the first 17 characters; throws on characters outside the alphabet. */
export function usccCheckChar(first17: string): string {
  if (first17.length !== 17) throw new RangeError('usccCheckChar needs exactly 17 characters');
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = ALPHABET.indexOf(first17.charAt(i));
    if (value < 0) throw new RangeError(`character ${first17.charAt(i)} is not in the GB 32100 alphabet`);
    sum += value * (USCC_WEIGHTS[i] ?? 0);
  }
  return ALPHABET.charAt((31 - (sum % 31)) % 31);
}

/**
 * GB 11714 values letters by their place in the full Latin alphabet (A=10 … Z=35), not by
 * their index in the GB 32100 alphabet, so the two checksums use different tables.
 */
function orgCheckChar(body: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    sum += Number.parseInt(body.charAt(i), 36) * (ORG_WEIGHTS[i] ?? 0);
  }
  const check = 11 - (sum % 11);
  if (check === 10) return 'X';
  if (check === 11) return '0';
  return String(check);
}

export function validateUscc(input: string): UsccResult {
  const value = input.trim().toUpperCase();
  if (value === '') return { ok: false, reason: 'empty' };
  if (value.length !== 18) return { ok: false, reason: 'length' };
  if (!CHARSET.test(value)) return { ok: false, reason: 'charset' };
  const entityTypes = REGISTRATION_TYPES[value.charAt(0)];
  if (!entityTypes?.includes(value.charAt(1))) return { ok: false, reason: 'registration_type' };
  if (!/^\d{6}$/.test(value.slice(2, 8))) return { ok: false, reason: 'division' };
  if (orgCheckChar(value.slice(8, 16)) !== value.charAt(16)) return { ok: false, reason: 'org_checksum' };
  if (usccCheckChar(value.slice(0, 17)) !== value.charAt(17)) return { ok: false, reason: 'checksum' };
  return { ok: true, value };
}
