import { describe, expect, it } from 'vitest';
import { checkPasswordShape } from './password.ts';

describe('checkPasswordShape', () => {
  it.each([
    ['exactly 10 ASCII characters', 'abcdefghij'],
    ['a passphrase with spaces', 'correct horse battery staple'],
    ['leading and trailing spaces, kept as typed', '  padded pw  '],
    ['Chinese characters', '我的收银台密码是这个'],
    ['emoji counted as one each', '😀😀😀😀😀😀😀😀😀😀'],
    ['exactly 128 characters', 'a'.repeat(128)],
    ['128 astral characters (256 UTF-16 units)', '😀'.repeat(128)],
  ])('accepts %s', (_name, pw) => {
    expect(checkPasswordShape(pw)).toBe('ok');
  });

  it.each([
    ['empty', ''],
    ['9 characters', 'abcdefghi'],
    ['5 emoji (10 UTF-16 units)', '😀😀😀😀😀'],
    ['9 Chinese characters', '我的收银台密码是这'],
  ])('rejects %s as too short', (_name, pw) => {
    expect(checkPasswordShape(pw)).toBe('too_short');
  });

  it.each([
    ['129 characters', 'a'.repeat(129)],
    ['129 astral characters', '😀'.repeat(129)],
  ])('rejects %s as too long', (_name, pw) => {
    expect(checkPasswordShape(pw)).toBe('too_long');
  });

  it.each([
    ['NUL', 'abcdefghij\u0000'],
    ['tab', 'abcde\tfghij'],
    ['newline', 'abcdefghij\n'],
    ['DEL', 'abcde\u007Ffghij'],
    ['C1 control', 'abcde\u0085fghij'],
    ['bidi override', 'abcde\u202Efghij'],
    ['lone surrogate', 'abcde\uD800fghij'],
  ])('rejects a %s', (_name, pw) => {
    expect(checkPasswordShape(pw)).toBe('control_chars');
  });

  it('reports control characters even when the length is also wrong', () => {
    expect(checkPasswordShape('\u0000')).toBe('control_chars');
  });
});
