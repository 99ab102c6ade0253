import { describe, expect, it } from 'vitest';
import { fenToYuanString, formatFen, isValidAmountFen, parseYuan } from './money.ts';

describe('money', () => {
  it.each([
    ['23.72', 2372],
    ['23.7', 2370],
    ['23', 2300],
    ['0.01', 1],
    ['¥1,234.50', 123450],
    ['12,345,678', 1_234_567_800],
    ['￥ 8', 800],
    [' 100000000 ', 10_000_000_000],
  ])('parses %s as %i fen', (text, fen) => {
    expect(parseYuan(text)).toBe(fen);
  });

  it.each([
    '',
    '.5',
    '1.234',
    '-1',
    '+1',
    '1e3',
    '0x10',
    'abc',
    '1.2.3',
    '100000000.01',
    '12 34',
    'NaN',
    'Infinity',
    '1,5',
    '1.2,3',
    ',,,1',
    '1,23',
    '1234,567',
    '1,234.5,0',
  ])('refuses %j', (text) => {
    expect(parseYuan(text)).toBeNull();
  });

  it('prints fen without floats', () => {
    expect(fenToYuanString(2372)).toBe('23.72');
    expect(fenToYuanString(1)).toBe('0.01');
    expect(fenToYuanString(-50)).toBe('-0.50');
    expect(formatFen(123456789)).toBe('¥1,234,567.89');
    expect(() => fenToYuanString(1.5)).toThrow(RangeError);
  });

  it('round-trips every amount up to ¥1,000 exactly', () => {
    for (let fen = 0; fen <= 100_000; fen += 1) expect(parseYuan(fenToYuanString(fen))).toBe(fen);
  });

  it('validates amounts', () => {
    expect(isValidAmountFen(1)).toBe(true);
    expect(isValidAmountFen(0)).toBe(false);
    expect(isValidAmountFen(1.5)).toBe(false);
    expect(isValidAmountFen('100')).toBe(false);
    expect(isValidAmountFen(5000, 4999)).toBe(false);
  });
});
