import { describe, expect, it } from 'vitest';
import { crc16CcittFalse, crc16Hex } from './crc16.ts';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A bit-by-bit reference implementation, to check the table-driven one against. */
function reference(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc;
}

describe('crc16CcittFalse', () => {
  it('gives the catalogued check value 0x29B1 for "123456789" (payments.md §5)', () => {
    expect(crc16CcittFalse(utf8('123456789'))).toBe(0x29b1);
  });

  it('returns the initial value 0xFFFF for no bytes (no xor-out)', () => {
    expect(crc16CcittFalse(new Uint8Array())).toBe(0xffff);
  });

  it.each([
    ['A', 0xb915],
    ['\u0000', 0xe1f0],
    ['\u00ff', 0xff00],
  ])('matches known values for %j', (text, expected) => {
    const bytes = text === '\u00ff' ? new Uint8Array([0xff]) : utf8(text);
    expect(crc16CcittFalse(bytes)).toBe(expected);
  });

  it('matches the CRC of the published PromptPay and PIX examples (payments.md §5)', () => {
    expect(crc16Hex(crc16CcittFalse(utf8('00020101021129370016A000000677010111011300668012345675802TH53037646304')))).toBe('6197');
    expect(
      crc16Hex(
        crc16CcittFalse(
          utf8(
            '00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***6304',
          ),
        ),
      ),
    ).toBe('1D3D');
  });

  it('agrees with a bit-by-bit implementation on pseudo-random inputs', () => {
    let seed = 12345;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    for (let n = 0; n < 200; n++) {
      const bytes = new Uint8Array(next() % 300);
      for (let i = 0; i < bytes.length; i++) bytes[i] = next() & 0xff;
      expect(crc16CcittFalse(bytes)).toBe(reference(bytes));
    }
  });

  it('works on the UTF-8 bytes, so Chinese text differs from its UTF-16 code units', () => {
    const bytes = utf8('收银台');
    expect(bytes.length).toBe(9);
    expect(crc16CcittFalse(bytes)).toBe(reference(bytes));
  });

  it('always returns a 16-bit value', () => {
    const bytes = new Uint8Array(1000).fill(0xff);
    const crc = crc16CcittFalse(bytes);
    expect(crc).toBeGreaterThanOrEqual(0);
    expect(crc).toBeLessThanOrEqual(0xffff);
  });
});

describe('crc16Hex', () => {
  it.each([
    [0x29b1, '29B1'],
    [0, '0000'],
    [0x1d3d, '1D3D'],
    [0x00af, '00AF'],
    [0xffff, 'FFFF'],
  ])('writes %i as %s', (crc, hex) => {
    expect(crc16Hex(crc)).toBe(hex);
  });
});
