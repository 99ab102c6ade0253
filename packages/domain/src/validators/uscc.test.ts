import { describe, expect, it } from 'vitest';
import { usccCheckChar, validateUscc } from './uscc.ts';

/** Codes published on the companies' business licences / disclosure documents. */
const REAL_CODES: Record<string, string> = {
  深圳市腾讯计算机系统有限公司: '91440300708461136T',
  '阿里巴巴（中国）有限公司': '91330100716105852F',
  华为技术有限公司: '914403001922038216',
  贵州茅台酒股份有限公司: '91520000214434146R',
  中国银行股份有限公司: '911000001000013428',
  中国工商银行股份有限公司: '91100000100003962T',
  中国移动通信集团有限公司: '9111000071093123XX',
  小米科技有限责任公司: '91110108551385082Q',
  比亚迪股份有限公司: '91440300192317458F',
  '中国平安保险（集团）股份有限公司': '91440300100012316L',
  北京三快在线科技有限公司: '91110108558521630L',
  北京百度网讯科技有限公司: '91110000802100433B',
  // Post-2015 "MA" organisation code: letters inside the GB 11714 part.
  '柯兴科技（深圳）有限公司': '91440300MA5H0HLK5U',
};

/** Replace the character at `index` (0-based). */
function withChar(code: string, index: number, char: string): string {
  return code.slice(0, index) + char + code.slice(index + 1);
}

/** A code with a correct position-18 check character for any 17-character prefix. */
function seal(first17: string): string {
  return first17 + usccCheckChar(first17);
}

describe('validateUscc: real codes', () => {
  for (const [name, code] of Object.entries(REAL_CODES)) {
    it(`accepts ${name} ${code}`, () => {
      expect(validateUscc(code)).toEqual({ ok: true, value: code });
    });
  }

  it('recomputes the published check character of every real code', () => {
    for (const code of Object.values(REAL_CODES)) {
      expect(usccCheckChar(code.slice(0, 17))).toBe(code.charAt(17));
    }
  });
});

describe('validateUscc: normalisation', () => {
  it('trims surrounding whitespace, including full-width spaces and newlines', () => {
    expect(validateUscc('  91440300708461136T\n')).toEqual({ ok: true, value: '91440300708461136T' });
    expect(validateUscc('\u300091440300708461136T\t')).toEqual({ ok: true, value: '91440300708461136T' });
  });

  it('accepts lowercase input and returns it uppercased', () => {
    expect(validateUscc('91440300708461136t')).toEqual({ ok: true, value: '91440300708461136T' });
    expect(validateUscc('91440300ma5h0hlk5u')).toEqual({ ok: true, value: '91440300MA5H0HLK5U' });
  });

  it('does not remove whitespace inside the code', () => {
    expect(validateUscc('914403007084 61136T')).toEqual({ ok: false, reason: 'length' });
    expect(validateUscc('91440300 70846113T')).toEqual({ ok: false, reason: 'charset' });
  });
});

describe('validateUscc: rejections', () => {
  const tencent = '91440300708461136T';

  it('rejects empty and blank input', () => {
    expect(validateUscc('')).toEqual({ ok: false, reason: 'empty' });
    expect(validateUscc('   \n\t')).toEqual({ ok: false, reason: 'empty' });
  });

  it.each([
    ['17 characters', tencent.slice(0, 17)],
    ['19 characters', `${tencent}0`],
    ['one character', '9'],
    ['the 15-digit pre-2015 business registration number', '440301103297123'],
  ])('rejects the wrong length: %s', (_label, input) => {
    expect(validateUscc(input)).toEqual({ ok: false, reason: 'length' });
  });

  it.each(['I', 'O', 'Z', 'S', 'V'])('rejects the excluded letter %s in any position', (letter) => {
    for (let i = 0; i < 18; i++) {
      expect(validateUscc(withChar(tencent, i, letter))).toEqual({ ok: false, reason: 'charset' });
    }
  });

  it.each(['i', 'o', 'z', 's', 'v'])('rejects the excluded letter %s after uppercasing', (letter) => {
    expect(validateUscc(withChar(tencent, 17, letter))).toEqual({ ok: false, reason: 'charset' });
  });

  it.each([
    ['punctuation', withChar(tencent, 10, '-')],
    ['a full-width digit', withChar(tencent, 10, '８')],
    ['a Chinese character', withChar(tencent, 10, '腾')],
  ])('rejects %s', (_label, input) => {
    expect(validateUscc(input)).toEqual({ ok: false, reason: 'charset' });
  });

  it.each(['00', '10', '14', '22', '36', '42', '54', '63', '73', '82', '94', '99', 'A2', 'B1', 'N4', 'Y2', 'Y9', '1A'])(
    'rejects the undefined registration type %s',
    (prefix) => {
      expect(validateUscc(seal(prefix + tencent.slice(2, 17)))).toEqual({ ok: false, reason: 'registration_type' });
    },
  );

  const ALL_TYPES = '11 12 13 19 21 29 31 32 33 34 35 39 41 49 51 52 53 59 61 62 69 71 72 79 81 89 91 92 93 A1 A9 N1 N2 N3 N9 Y1';

  it.each(ALL_TYPES.split(' '))('accepts the registration type %s', (prefix) => {
    const code = seal(prefix + tencent.slice(2, 17));
    expect(validateUscc(code)).toEqual({ ok: true, value: code });
  });

  it.each([2, 5, 7])('rejects a letter in the division code at position %i', (index) => {
    const code = seal(withChar(tencent, index, 'A').slice(0, 17));
    expect(validateUscc(code)).toEqual({ ok: false, reason: 'division' });
  });

  it('rejects a wrong organisation-code check character even when position 18 matches', () => {
    // 70846113-6 is Tencent's organisation code; every other check character is wrong.
    for (const wrong of '012345789X') {
      const code = seal(withChar(tencent, 16, wrong).slice(0, 17));
      expect(validateUscc(code)).toEqual({ ok: false, reason: 'org_checksum' });
    }
  });

  it('rejects an organisation-code check character outside 0-9 and X', () => {
    const code = seal(withChar(tencent, 16, 'A').slice(0, 17));
    expect(validateUscc(code)).toEqual({ ok: false, reason: 'org_checksum' });
  });

  it('values letters in the organisation code as A=10 … Z=35 (GB 11714), not by GB 32100 index', () => {
    // Under GB 32100 indices (J=18, K=19 …) the published check character 5 would come out as 3.
    expect(validateUscc('91440300MA5H0HLK5U').ok).toBe(true);
    expect(validateUscc(seal('91440300MA5H0HLK3'))).toEqual({ ok: false, reason: 'org_checksum' });
  });

  it('accepts X and 0 as organisation-code check characters (remainders 1 and 0)', () => {
    expect(validateUscc('9111000071093123XX').ok).toBe(true);
    expect(validateUscc('91110108558521630L').ok).toBe(true);
  });

  it('rejects every wrong position-18 check character of a real code', () => {
    for (const code of Object.values(REAL_CODES)) {
      for (const wrong of '0123456789ABCDEFGHJKLMNPQRTUWXY') {
        if (wrong === code.charAt(17)) continue;
        expect(validateUscc(withChar(code, 17, wrong))).toEqual({ ok: false, reason: 'checksum' });
      }
    }
  });

  it('detects every single-character change in the division code', () => {
    for (let i = 2; i < 8; i++) {
      for (const digit of '0123456789') {
        if (digit === tencent.charAt(i)) continue;
        expect(validateUscc(withChar(tencent, i, digit))).toEqual({ ok: false, reason: 'checksum' });
      }
    }
  });

  it('detects every single-digit change in the organisation code body', () => {
    for (let i = 8; i < 16; i++) {
      for (const digit of '0123456789') {
        if (digit === tencent.charAt(i)) continue;
        expect(validateUscc(withChar(tencent, i, digit))).toEqual({ ok: false, reason: 'org_checksum' });
      }
    }
  });

  it('detects a swap of two adjacent different characters', () => {
    const swapped = `${tencent.slice(0, 3)}${tencent.charAt(4)}${tencent.charAt(3)}${tencent.slice(5)}`;
    expect(validateUscc(swapped)).toEqual({ ok: false, reason: 'checksum' });
  });
});

describe('usccCheckChar', () => {
  it('maps a remainder of 0 to the character 0 rather than 31', () => {
    // Sum of zeros is 0, so 31 - 0 = 31, which the standard maps to 0.
    expect(usccCheckChar('00000000000000000')).toBe('0');
  });

  it('rejects input of the wrong length', () => {
    expect(() => usccCheckChar('9144030070846113')).toThrow(RangeError);
    expect(() => usccCheckChar('91440300708461136T')).toThrow(RangeError);
  });

  it('rejects characters outside the alphabet', () => {
    expect(() => usccCheckChar('9144030070846113I')).toThrow(RangeError);
    expect(() => usccCheckChar('a1440300708461136')).toThrow(RangeError);
  });
});
