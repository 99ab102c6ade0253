import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BLURRED_PX,
  chooseWorkingSize,
  type DecodeResult,
  decodeImage,
  failureVerdict,
  LOW_CONTRAST,
  sniffType,
} from '../../apps/server/src/qr/decode.ts';
import { renderQrPng } from '../../apps/server/src/qr/render.ts';
import { buildCorpus, mulberry32, pngDeclaring, WALLET_CODES } from './corpus.ts';

// The corpus is generated at collection time (top-level await) so that every image is its own test.
const dir = mkdtempSync(path.join(tmpdir(), 'paydesk-qr-corpus-'));
const corpus = await buildCorpus(dir);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const results = new Map<string, DecodeResult>();
async function decodeFile(file: string): Promise<DecodeResult> {
  const cached = results.get(file);
  if (cached) return cached;
  const r = await decodeImage(readFileSync(file));
  results.set(file, r);
  return r;
}

describe('decodeImage on the generated corpus', () => {
  it('covers every wallet format in every variant, and the bad files', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(85);
    for (const { name } of WALLET_CODES) {
      for (const variant of [
        'clean.png',
        'rot90.png',
        'rot17.png',
        'blur1.5.png',
        'low-contrast.png',
        'q35.jpg',
        'inverted.png',
        'busy.jpg',
        'gif',
        'webp',
      ]) {
        expect(corpus.some((e) => e.name === `${name}.${variant}`)).toBe(true);
      }
    }
  });

  for (const entry of corpus) {
    it(`${entry.name} → ${entry.expect.ok ? entry.expect.texts.map((t) => t.slice(0, 30)).join(' + ') : entry.expect.reasons.join('|')}`, async () => {
      const r = await decodeFile(entry.file);
      if (entry.expect.ok) {
        expect(r, JSON.stringify(r)).toMatchObject({ ok: true });
        if (!r.ok) return;
        expect(r.codes.map((c) => c.text).sort()).toEqual([...entry.expect.texts].sort());
        if (entry.expect.width) expect([r.width, r.height]).toEqual([entry.expect.width, entry.expect.height]);
        if (entry.expect.attempt) expect(r.attempt).toBe(entry.expect.attempt);
        for (const c of r.codes) {
          for (const p of Object.values(c.position)) {
            expect(p.x).toBeGreaterThanOrEqual(-5);
            expect(p.y).toBeGreaterThanOrEqual(-5);
            expect(p.x).toBeLessThanOrEqual(r.width + 5);
            expect(p.y).toBeLessThanOrEqual(r.height + 5);
          }
        }
      } else {
        expect(r.ok, JSON.stringify(r)).toBe(false);
        if (r.ok) return;
        expect(entry.expect.reasons).toContain(r.reason);
      }
    });
  }
});

describe('decodeImage details', () => {
  const paydesk = (WALLET_CODES.find((c) => c.name === 'paydesk') as { text: string }).text;

  it('reads the 12 MP photo upright (EXIF orientation 6 applied) and places the code where it was printed', async () => {
    const entry = corpus.find((e) => e.name === 'phone-12mp-exif6.jpg');
    if (!entry) throw new Error('missing');
    const r = await decodeFile(entry.file);
    if (!r.ok) throw new Error(JSON.stringify(r));
    expect(r.type).toBe('jpeg');
    expect([r.width, r.height]).toEqual([3000, 4000]);
    // The card was composited at (0.3·3000, 0.35·4000) of the upright scene, the code 12% of 4000 px wide.
    const { topLeft, bottomRight } = r.codes[0]?.position ?? { topLeft: { x: 0, y: 0 }, bottomRight: { x: 0, y: 0 } };
    const cx = (topLeft.x + bottomRight.x) / 2;
    const cy = (topLeft.y + bottomRight.y) / 2;
    expect(cx).toBeGreaterThan(900);
    expect(cx).toBeLessThan(900 + 700);
    expect(cy).toBeGreaterThan(1400);
    expect(cy).toBeLessThan(1400 + 700);
  });

  it('reports both codes of a two-code image (for the "more than one code" verdict)', async () => {
    const entry = corpus.find((e) => e.name === 'two-codes.png');
    const r = await decodeFile(entry?.file ?? '');
    expect(r.ok && r.codes.length).toBe(2);
  });

  it('refuses a tiny file declaring 30000×30000 from its header, fast and without decoding', async () => {
    const bomb = pngDeclaring(30000, 30000);
    expect(bomb.length).toBeLessThan(100);
    const rssBefore = process.memoryUsage().rss;
    const t = performance.now();
    const r = await decodeImage(bomb);
    // Decoding 900 MP would take minutes; the bound is loose so a busy machine never trips it.
    expect(performance.now() - t).toBeLessThan(5000);
    expect(r).toMatchObject({ ok: false, reason: 'too_many_pixels' });
    // 30000² greyscale would be 900 MB.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * 1024 * 1024);
  });

  it('honours its limits as options', async () => {
    const png = renderQrPng(paydesk, { sizePx: 300 });
    expect(await decodeImage(png, { maxBytes: 100 })).toMatchObject({ ok: false, reason: 'too_large' });
    expect(await decodeImage(png, { maxPixels: 10_000 })).toMatchObject({ ok: false, reason: 'too_many_pixels' });
    expect(await decodeImage(png, { maxSide: 200 })).toMatchObject({ ok: false, reason: 'too_many_pixels' });
  });

  it('never throws on damaged files: every outcome is a result', async () => {
    const rng = mulberry32(99);
    const sources = [
      renderQrPng(paydesk, { sizePx: 200 }),
      await sharp(renderQrPng(paydesk, { sizePx: 200 }))
        .jpeg()
        .toBuffer(),
    ];
    for (let i = 0; i < 24; i++) {
      const src = sources[i % 2] as Buffer;
      const bytes = Buffer.from(src);
      if (i % 3 === 0) bytes.fill(0, Math.floor(rng() * bytes.length));
      for (let k = 0; k < 8; k++) bytes[Math.floor(rng() * bytes.length)] = Math.floor(rng() * 256);
      const cut = i % 4 === 0 ? bytes.subarray(0, Math.floor(rng() * bytes.length)) : bytes;
      const r = await decodeImage(cut);
      expect(typeof r.ok).toBe('boolean');
      if (!r.ok)
        expect(['corrupt_image', 'no_code_found', 'blurred_or_low_contrast', 'not_an_image', 'empty', 'too_many_pixels']).toContain(
          r.reason,
        );
    }
  });

  it('says why nothing was read: the verdict rules', () => {
    expect(failureVerdict({ contrast: 0, blurPx: Number.POSITIVE_INFINITY })).toBe('no_code_found');
    expect(failureVerdict({ contrast: LOW_CONTRAST - 1, blurPx: 1.3 })).toBe('blurred_or_low_contrast');
    expect(failureVerdict({ contrast: 200, blurPx: BLURRED_PX + 1 })).toBe('blurred_or_low_contrast');
    expect(failureVerdict({ contrast: 200, blurPx: 1.4 })).toBe('no_code_found');
    expect(failureVerdict({ contrast: 200, blurPx: 1.4, detectedButUnreadable: 'ChecksumError' })).toBe('blurred_or_low_contrast');
  });

  it('sniffs the type from the bytes, not the name', () => {
    expect(sniffType(Buffer.from('GIF89a......'))).toEqual({ kind: 'image', type: 'gif' });
    expect(sniffType(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toEqual({ kind: 'image', type: 'webp' });
    expect(sniffType(Buffer.from([0xff, 0xd8, 0xff, 0xdb]))).toEqual({ kind: 'image', type: 'jpeg' });
    expect(sniffType(Buffer.from('\0\0\0\x18ftypheic\0\0\0\0'))).toMatchObject({ kind: 'unsupported', what: 'heic' });
    expect(sniffType(Buffer.from('%PDF-1.7\n'))).toEqual({ kind: 'not_image' });
    const bmp = Buffer.alloc(54);
    bmp.write('BM', 0, 'latin1');
    bmp[14] = 40;
    expect(sniffType(bmp)).toMatchObject({ kind: 'unsupported', what: 'bmp' });
  });

  it('picks a working size that lets libjpeg shrink on load', () => {
    expect(chooseWorkingSize('jpeg', 4000, 1200)).toBe(800); // decoded at 1/4, then 1000 → 800
    expect(chooseWorkingSize('jpeg', 3000, 1200)).toBe(1000); // 1/2
    expect(chooseWorkingSize('png', 4000, 1200)).toBe(1200);
    expect(chooseWorkingSize('jpeg', 1100, 1200)).toBe(1100);
  });
});
