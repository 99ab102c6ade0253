import { describe, expect, it } from 'vitest';
import { cashSale, roundDue } from './cash.ts';

describe('cash', () => {
  it('computes change exactly', () => {
    expect(cashSale(2372, 5000)).toEqual({ dueFen: 2372, tenderedFen: 5000, changeFen: 2628, roundingFen: 0 });
    expect(cashSale(2372, 2372)?.changeFen).toBe(0);
  });

  it('refuses too little cash', () => {
    expect(cashSale(2372, 2371)).toBeNull();
    expect(cashSale(2372, 1.5)).toBeNull();
  });

  it('rounds small change when the shop allows it', () => {
    expect(roundDue(2376, 'jiao_down')).toBe(2370);
    expect(roundDue(2376, 'jiao_nearest')).toBe(2380);
    expect(roundDue(2374, 'jiao_nearest')).toBe(2370);
    expect(cashSale(2376, 3000, 'jiao_down')).toEqual({ dueFen: 2370, tenderedFen: 3000, changeFen: 630, roundingFen: 6 });
    expect(cashSale(2376, 2380, 'jiao_nearest')).toEqual({ dueFen: 2380, tenderedFen: 2380, changeFen: 0, roundingFen: -4 });
  });
});
