import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { wienerDeblur } from '../../apps/server/src/qr/deblur.ts';
import { deblurPasses } from '../../apps/server/src/qr/decode.ts';

/** Vertical bars 8 px wide, black and white, with a white margin: a code's finest pattern, one axis. */
function bars(size: number): Uint8Array {
  const data = new Uint8Array(size * size).fill(255);
  for (let y = 32; y < size - 32; y++) for (let x = 32; x < size - 32; x++) data[y * size + x] = Math.floor(x / 8) % 2 ? 255 : 0;
  return data;
}

const meanError = (a: Uint8Array, b: Uint8Array) => a.reduce((sum, v, i) => sum + Math.abs(v - (b[i] as number)), 0) / a.length;

describe('wienerDeblur', () => {
  it('brings back modules blurred by σ ≈ 0.8 module that no threshold separates', async () => {
    const size = 200;
    const sharpBars = bars(size);
    const blurred = new Uint8Array(
      await sharp(sharpBars, { raw: { width: size, height: size, channels: 1 } })
        .blur(6.5)
        .toColourspace('b-w')
        .raw()
        .toBuffer(),
    );
    const row = 100 * size;
    // Blurred, neighbouring bars differ by a grey level or so: nothing reads that.
    expect(Math.abs((blurred[row + 36] as number) - (blurred[row + 44] as number))).toBeLessThanOrEqual(2);
    // sharp's blur runs ~20% stronger than its σ; decodeImage's passes allow for that too.
    const restored = wienerDeblur({ data: blurred, width: size, height: size }, 1.2 * 6.5, 3e-4);
    expect(restored.width).toBe(size);
    expect(meanError(restored.data, sharpBars)).toBeLessThan(meanError(blurred, sharpBars));
    // Every bar's centre is back on the right side of mid-grey.
    for (let x = 36; x < size - 36; x += 8) expect((restored.data[row + x] as number) < 128).toBe(Math.floor(x / 8) % 2 === 0);
  });

  it('refuses pictures too big to transform on the request path', () => {
    expect(() => wienerDeblur({ data: new Uint8Array(1100 * 10), width: 1100, height: 10 }, 2, 1e-3)).toThrow(RangeError);
  });
});

describe('deblurPasses', () => {
  it('runs only for pictures measured blurred but not hopeless', () => {
    expect(deblurPasses(1.6)).toEqual([]);
    expect(deblurPasses(20)).toEqual([]);
    expect(deblurPasses(Number.POSITIVE_INFINITY)).toEqual([]);
    const [first, second] = deblurPasses(6);
    expect(first?.sigmaPx).toBeCloseTo(7.2);
    expect(second?.sigmaPx).toBeCloseTo(6.3);
  });
});
