import zlib from 'node:zlib';
import QRCode from 'qrcode';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../apps/server/src/qr/decode.ts';
import {
  clearQrRenderCache,
  crc32Table,
  LruCache,
  matrixToPng,
  qrMatrix,
  qrScale,
  renderQrPng,
  renderQrSvg,
} from '../../apps/server/src/qr/render.ts';
import { mulberry32, WALLET_CODES } from './corpus.ts';

const EC = ['L', 'M', 'Q', 'H'] as const;

describe('qrMatrix', () => {
  it('gives exactly the modules (and mask) of qrcode.create, for many texts and every EC level', () => {
    const rng = mulberry32(7);
    const alphabets = ['0123456789', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 $%*+-./:', 'abcdefghijklmnopqrstuvwxyz/:?=&.0123456789收款码'];
    const texts = [...WALLET_CODES.map((c) => c.text)];
    for (let i = 0; i < 150; i++) {
      const alphabet = alphabets[i % 3] as string;
      const len = 1 + Math.floor(rng() * (i < 140 ? 120 : 900));
      texts.push(Array.from({ length: len }, () => alphabet[Math.floor(rng() * alphabet.length)]).join(''));
    }
    for (const text of texts) {
      for (const ec of EC) {
        const ref = QRCode.create(text, { errorCorrectionLevel: ec });
        const ours = qrMatrix(text, ec);
        expect(ours.mask, text).toBe(ref.maskPattern);
        expect(ours.size).toBe(ref.modules.size);
        expect(Buffer.from(ours.modules).equals(Buffer.from(ref.modules.data)), `${ec} ${text}`).toBe(true);
      }
    }
  });

  it('throws for text that does not fit a QR code', () => {
    expect(() => qrMatrix('x'.repeat(3000), 'H')).toThrow();
  });
});

describe('renderQrPng', () => {
  it('writes a valid 1-bit greyscale PNG, an integer number of pixels per module', async () => {
    const text = 'https://shop.example.cn/p/Q7xK2mN9pR4sT6vW8yZ1aB3cD5eF7gH9';
    const png = renderQrPng(text, { sizePx: 300, margin: 4, ecLevel: 'M' });
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.readUInt8(24)).toBe(1); // bit depth
    expect(png.readUInt8(25)).toBe(0); // greyscale
    const { size } = qrMatrix(text, 'M');
    const scale = qrScale(size, 300, 4);
    expect(scale).toBe(Math.floor(300 / (size + 8)));
    const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([(size + 8) * scale, (size + 8) * scale]);
    // Pixels match the matrix: sample every module centre.
    const m = qrMatrix(text, 'M');
    for (let r = 0; r < size; r++) {
      for (let c = 0; c < size; c++) {
        const px = data[((4 + r) * scale + (scale >> 1)) * info.width + (4 + c) * scale + (scale >> 1)];
        expect(px === 0 ? 1 : 0).toBe(m.modules[r * size + c]);
      }
    }
    // The quiet zone is white.
    expect(data[0]).toBe(255);
  });

  it('writes an IDAT stream that zlib inflates to exactly the expected scanlines', () => {
    const cases = [
      ['hello', 1, 0],
      ['wxp://f2f0Yx8Kq3nVb5LmT2cR9wZ1dE4hJ6uA7s', 8, 4],
      ['x'.repeat(500), 3, 4],
      ['abc', 13, 2],
      ['y'.repeat(1200), 1, 4],
      ['z', 100, 4],
    ] as const;
    for (const [text, scale, margin] of cases) {
      const m = qrMatrix(text, 'M');
      const png = matrixToPng(m, scale, margin);
      const idat = png.subarray(41, 41 + png.readUInt32BE(33));
      expect(png.subarray(37, 41).toString('latin1')).toBe('IDAT');
      const raw = zlib.inflateSync(idat);
      const dim = (m.size + 2 * margin) * scale;
      const rowBytes = (dim + 7) >> 3;
      const expected = Buffer.alloc((rowBytes + 1) * dim);
      for (let y = 0; y < dim; y++) {
        for (let x = 0; x < rowBytes * 8; x++) {
          const r = Math.floor(y / scale) - margin;
          const c = Math.floor(x / scale) - margin;
          const dark = x < dim && r >= 0 && r < m.size && c >= 0 && c < m.size && m.modules[r * m.size + c] === 1;
          const at = y * (rowBytes + 1) + 1 + (x >> 3);
          if (!dark) expected[at] = (expected[at] as number) | (0x80 >> (x & 7));
        }
      }
      expect(raw.equals(expected), `${text.slice(0, 10)} ×${scale} margin ${margin}`).toBe(true);
    }
  });

  it('decodes back to the same text with decodeImage, for every wallet format, size and EC level', async () => {
    for (const { text } of WALLET_CODES) {
      for (const [sizePx, ecLevel, margin] of [
        [300, 'M', 4],
        [120, 'L', 2],
        [512, 'H', 4],
        [200, 'Q', 1],
      ] as const) {
        const r = await decodeImage(renderQrPng(text, { sizePx, ecLevel, margin }));
        expect(r.ok && r.codes.map((c) => c.text), `${sizePx} ${ecLevel}: ${JSON.stringify(r)}`).toEqual([text]);
      }
    }
  });

  it('renders an SVG that decodes back too', async () => {
    const text = 'https://qr.95516.com/00010000/01234567890123456789';
    const svg = renderQrSvg(text, { sizePx: 256 });
    expect(svg.startsWith('<svg')).toBe(true);
    const r = await decodeImage(await sharp(Buffer.from(svg)).png().toBuffer());
    expect(r.ok && r.codes[0]?.text).toBe(text);
  });

  it('caches by text and options, and hands out copies', () => {
    clearQrRenderCache();
    const a = renderQrPng('wxp://f2f0abc', { sizePx: 200 });
    const b = renderQrPng('wxp://f2f0abc', { sizePx: 200 });
    expect(a.equals(b)).toBe(true);
    expect(a).not.toBe(b);
    a.fill(0);
    expect(renderQrPng('wxp://f2f0abc', { sizePx: 200 }).equals(b)).toBe(true);
    expect(renderQrPng('wxp://f2f0abc', { sizePx: 201, margin: 2 }).equals(b)).toBe(false);
    expect(renderQrPng('wxp://f2f0abc', { sizePx: 200 }, false).equals(b)).toBe(true);
  });

  it('rejects bad options', () => {
    expect(() => renderQrPng('x', { sizePx: 0 })).toThrow(RangeError);
    expect(() => renderQrPng('x', { sizePx: 1.5 })).toThrow(RangeError);
    expect(() => renderQrPng('x', { margin: -1 })).toThrow(RangeError);
    expect(() => renderQrPng('x', { ecLevel: 'X' as 'L' })).toThrow(RangeError);
    expect(() => renderQrPng('x', { ecLevel: 'toString' as 'L' })).toThrow(RangeError);
  });
});

describe('helpers', () => {
  it('table CRC-32 equals zlib', () => {
    const rng = mulberry32(3);
    for (let i = 0; i < 20; i++) {
      const buf = Buffer.from(Array.from({ length: Math.floor(rng() * 5000) }, () => Math.floor(rng() * 256)));
      const native = (zlib as { crc32?: (b: Uint8Array) => number }).crc32;
      if (native) expect(crc32Table(buf)).toBe(native(buf));
    }
    expect(crc32Table(Buffer.from('IEND'))).toBe(0xae426082);
  });

  it('LRU evicts the least recently used', () => {
    const lru = new LruCache<number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    lru.get('a');
    lru.set('c', 3);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBe(1);
    expect(lru.size).toBe(2);
  });
});
