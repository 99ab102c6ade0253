import { describe, expect, it } from 'vitest';
import { cleanText, codePointLength, hasControlChars } from './text.ts';

describe('cleanText', () => {
  it('trims surrounding whitespace, including newlines and full-width spaces', () => {
    expect(cleanText('  收银台一号 \n', { max: 20 })).toEqual({ ok: true, value: '收银台一号' });
    expect(cleanText('\u3000朝阳门店\u3000', { max: 20 })).toEqual({ ok: true, value: '朝阳门店' });
    expect(cleanText('\uFEFFStore\u00A0', { max: 20 })).toEqual({ ok: true, value: 'Store' });
  });

  it('keeps inner spaces', () => {
    expect(cleanText('Paydesk  Store 1', { max: 20 })).toEqual({ ok: true, value: 'Paydesk  Store 1' });
  });

  it('NFC-normalises so that decomposed and precomposed forms are equal', () => {
    const decomposed = 'Cafe\u0301';
    const result = cleanText(decomposed, { max: 4 });
    expect(result).toEqual({ ok: true, value: 'Café' });
    expect(result.ok && result.value.length).toBe(4);
  });

  it.each([[undefined], [null], [42], [true], [{}], [['a']], [Symbol('x')], [new String('a')]])('rejects the non-string %s', (input) => {
    expect(cleanText(input, { max: 10 })).toEqual({ ok: false, reason: 'type' });
  });

  it.each([[''], ['   '], ['\n\t '], ['\u3000']])('rejects the blank string %j', (input) => {
    expect(cleanText(input, { max: 10 })).toEqual({ ok: false, reason: 'empty' });
  });

  it('allows an empty string when min is 0', () => {
    expect(cleanText('  ', { min: 0, max: 10 })).toEqual({ ok: true, value: '' });
  });

  it('reports text shorter than min as empty', () => {
    expect(cleanText('a', { min: 2, max: 10 })).toEqual({ ok: false, reason: 'empty' });
    expect(cleanText('ab', { min: 2, max: 10 })).toEqual({ ok: true, value: 'ab' });
  });

  it('measures max after trimming, in code points', () => {
    expect(cleanText('  abc  ', { max: 3 })).toEqual({ ok: true, value: 'abc' });
    expect(cleanText('abcd', { max: 3 })).toEqual({ ok: false, reason: 'too_long' });
    // Three astral characters are six UTF-16 units but three code points.
    expect(cleanText('😀𠮷😀', { max: 3 })).toEqual({ ok: true, value: '😀𠮷😀' });
    expect(cleanText('😀𠮷😀😀', { max: 3 })).toEqual({ ok: false, reason: 'too_long' });
  });

  it('measures length after NFC, so a combining accent does not count twice', () => {
    expect(cleanText('e\u0301e\u0301', { max: 2 })).toEqual({ ok: true, value: 'éé' });
  });

  it.each([
    ['NUL', 'a\u0000b'],
    ['tab', 'a\tb'],
    ['line feed', 'a\nb'],
    ['carriage return', 'a\rb'],
    ['escape', 'a\u001B[31mb'],
    ['unit separator', 'a\u001Fb'],
    ['DEL', 'a\u007Fb'],
    ['C1 padding', 'a\u0080b'],
    ['next line', 'a\u0085b'],
    ['C1 APC', 'a\u009Fb'],
    ['line separator', 'a\u2028b'],
    ['paragraph separator', 'a\u2029b'],
    ['LRE', 'a\u202Ab'],
    ['RLE', 'a\u202Bb'],
    ['PDF', 'a\u202Cb'],
    ['LRO', 'a\u202Db'],
    ['RLO', 'invoice\u202Efdp.exe'],
    ['LRI', 'a\u2066b'],
    ['RLI', 'a\u2067b'],
    ['FSI', 'a\u2068b'],
    ['PDI', 'a\u2069b'],
    ['lone high surrogate', 'a\uD83Db'],
    ['lone low surrogate', 'a\uDE00b'],
    ['trailing lone high surrogate', 'ab\uD83D'],
    ['reversed surrogate pair', 'a\uDE00\uD83Db'],
  ])('rejects %s', (_name, input) => {
    expect(cleanText(input, { max: 50 })).toEqual({ ok: false, reason: 'control_chars' });
  });

  it('reports control characters before length problems', () => {
    expect(cleanText(`${'a'.repeat(20)}\u0000`, { max: 5 })).toEqual({ ok: false, reason: 'control_chars' });
  });

  it.each([
    ['Chinese', '北京朝阳店'],
    ['emoji', '咖啡☕️店'],
    ['right-to-left script', 'متجر'],
    ['left-to-right and right-to-left marks', 'a\u200Eb\u200Fc'],
    ['zero-width joiner', '👨‍👩‍👧'],
    ['U+00A0 inside', 'a\u00A0b'],
    ['U+00A1 just above C1', '¡Hola!'],
  ])('accepts %s', (_name, input) => {
    expect(cleanText(input, { max: 50 })).toEqual({ ok: true, value: input });
  });
});

describe('hasControlChars', () => {
  it('is false for ordinary text and a valid surrogate pair', () => {
    expect(hasControlChars('')).toBe(false);
    expect(hasControlChars('Paydesk 收银台 😀')).toBe(false);
  });

  it('is true at the edges of each forbidden range', () => {
    for (const char of ['\u0000', '\u001F', '\u007F', '\u009F', '\u202A', '\u202E', '\u2066', '\u2069']) {
      expect(hasControlChars(char)).toBe(true);
    }
    for (const char of [' ', '~', '\u00A0', '\u2027', '\u202F', '\u2065', '\u206A']) {
      expect(hasControlChars(char)).toBe(false);
    }
  });
});

describe('codePointLength', () => {
  it('counts astral characters once', () => {
    expect(codePointLength('')).toBe(0);
    expect(codePointLength('abc')).toBe(3);
    expect(codePointLength('𠮷野家')).toBe(3);
    expect(codePointLength('😀')).toBe(1);
  });
});
