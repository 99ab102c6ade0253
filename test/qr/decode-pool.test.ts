import { afterAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../../apps/server/src/qr/decode.ts';
import { DecoderPool } from '../../apps/server/src/qr/decode-pool.ts';
import { renderQrPng } from '../../apps/server/src/qr/render.ts';
import { fromRaw, mulberry32, photoBackground } from './corpus.ts';

const pool = new DecoderPool({ size: 1 });
afterAll(() => pool.close());

/** The longest gap between 5 ms ticks while `work` runs: how long the event loop was held. */
async function longestStall(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 5);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return worst;
}

describe('DecoderPool', () => {
  it('answers what decodeImage answers, for codes and for bad input', async () => {
    const text = 'https://qr.95516.com/00010000/01234567890123456789';
    const png = renderQrPng(text, { sizePx: 240 });
    const viaPool = await pool.decode(png);
    expect(viaPool).toMatchObject({ ok: true, codes: [{ text }] });
    expect(await pool.decode(Buffer.from('not an image'))).toMatchObject({ ok: false, reason: 'not_an_image' });
    expect(await pool.decode(Buffer.alloc(0))).toMatchObject({ ok: false, reason: 'empty' });
    // The caller's buffer is left intact (the pool sends a copy).
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    const results = await Promise.all([pool.decode(png), pool.decode(png), pool.decode(png)]);
    expect(results.every((r) => r.ok)).toBe(true);
  });

  it('keeps the event loop free while a slow upload is decoded', async () => {
    // A 7.7 MP photo with no code: every pass runs, the last one at full size.
    const bg = await photoBackground(2400, 3200, mulberry32(11), true, 4);
    const jpeg = await fromRaw(bg).jpeg({ quality: 85 }).toBuffer();
    await pool.warmUp();
    let direct: Awaited<ReturnType<typeof decodeImage>> | undefined;
    const stallDirect = await longestStall(async () => {
      direct = await decodeImage(jpeg);
    });
    let pooled: Awaited<ReturnType<typeof decodeImage>> | undefined;
    const stallPool = await longestStall(async () => {
      pooled = await pool.decode(jpeg);
    });
    expect(direct).toMatchObject({ ok: false, reason: 'no_code_found' });
    expect(pooled).toMatchObject({ ok: false, reason: 'no_code_found' });
    expect(stallPool).toBeLessThan(stallDirect / 2);
  }, 60_000);

  it('rejects after close', async () => {
    const p = new DecoderPool();
    await p.close();
    await expect(p.decode(Buffer.alloc(1))).rejects.toThrow(/closed/);
  });
});
