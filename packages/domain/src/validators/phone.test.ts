import { describe, expect, it } from 'vitest';
import { isMobile, normalizeMobile } from './phone.ts';

describe('normalizeMobile', () => {
  it.each([
    ['13800138000', '13800138000'],
    ['19912345678', '19912345678'],
    ['14700000000', '14700000000'],
    ['15012345678', '15012345678'],
    ['16612345678', '16612345678'],
    ['17012345678', '17012345678'],
    ['18612345678', '18612345678'],
  ])('accepts the bare number %s', (input, expected) => {
    expect(normalizeMobile(input)).toBe(expected);
  });

  it.each([
    ['+8613800138000'],
    ['8613800138000'],
    ['008613800138000'],
    ['+86 138 0013 8000'],
    ['+86-138-0013-8000'],
    ['0086 138-0013-8000'],
    ['86 13800138000'],
    ['138 0013 8000'],
    ['138-0013-8000'],
    ['  13800138000  '],
    ['\t13800138000\n'],
    ['138\u00A00013\u00A08000'],
    ['\u3000138\u30000013\u30008000\u3000'],
  ])('strips the prefix and separators from %j', (input) => {
    expect(normalizeMobile(input)).toBe('13800138000');
  });

  it.each([
    ['', 'empty'],
    ['   ', 'blank'],
    ['1380013800', '10 digits'],
    ['138001380000', '12 digits'],
    ['12800138000', 'second digit 2'],
    ['11800138000', 'second digit 1'],
    ['10800138000', 'second digit 0'],
    ['23800138000', 'not starting with 1'],
    ['01380013800', 'leading zero'],
    ['+85213800138000', 'Hong Kong country code'],
    ['+113800138000', 'another country code'],
    ['+08613800138000', 'plus before 0086'],
    ['+86+8613800138000', 'doubled prefix'],
    ['868613800138000', 'doubled 86'],
    ['86', 'prefix only'],
    ['+86', 'plus prefix only'],
    ['(+86)13800138000', 'parentheses'],
    ['138.0013.8000', 'dots'],
    ['138/0013/8000', 'slashes'],
    ['1380013800O', 'letter O for zero'],
    ['１３８００１３８０００', 'full-width digits'],
    ['١٣٨٠٠١٣٨٠٠٠', 'Arabic-Indic digits'],
    ['13800138000\u0000', 'NUL byte'],
    ['138\n0013\n8000', 'embedded newlines'],
    ['010-12345678', 'Beijing landline'],
    ['400-100-0101', 'service number'],
  ])('rejects %j (%s)', (input) => {
    expect(normalizeMobile(input)).toBeNull();
  });
});

describe('isMobile', () => {
  it('agrees with normalizeMobile', () => {
    expect(isMobile('+86 138 0013 8000')).toBe(true);
    expect(isMobile('13800138000')).toBe(true);
    expect(isMobile('12800138000')).toBe(false);
    expect(isMobile('')).toBe(false);
  });
});
