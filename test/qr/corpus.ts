/**
 * A corpus of code images, generated (never committed): every wallet's content format in the ways an
 * owner's upload goes wrong, and files that are not what they claim. Each entry carries its expected answer.
 * Shared with the benchmarks (bench/qr-decode.bench.ts builds its degraded corpus from these helpers).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp, { type OverlayOptions, type Sharp } from 'sharp';
import type { DecodeAttempt, DecodeFailureReason } from '../../apps/server/src/qr/decode.ts';
import { renderQrPng } from '../../apps/server/src/qr/render.ts';

// ---------------------------------------------------------------------------------------------------
// Deterministic randomness

/** mulberry32: a tiny seeded PRNG, [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rng = () => number;
export const between = (rng: Rng, lo: number, hi: number) => lo + (hi - lo) * rng();
export const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;

/** Standard normal by Box–Muller. */
export function gaussian(rng: Rng): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

// ---------------------------------------------------------------------------------------------------
// Code contents: every wallet's format

function crc16CcittFalse(s: string): string {
  let crc = 0xffff;
  for (const byte of Buffer.from(s, 'utf8')) {
    crc ^= byte << 8;
    for (let k = 0; k < 8; k++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

const tlv = (tag: string, value: string) => `${tag}${String([...value].length).padStart(2, '0')}${value}`;

/** A static EMVCo merchant-presented code (UnionPay account in tag 15, Chinese name in template 64), valid CRC. */
export function emvcoSample(): string {
  const body =
    tlv('00', '01') +
    tlv('01', '11') +
    tlv('15', '31310115' + '0000' + '123456789012345') +
    tlv('52', '5812') +
    tlv('53', '156') +
    tlv('58', 'CN') +
    tlv('59', 'PAYDESK DEMO SHOP') +
    tlv('60', 'SHANGHAI') +
    tlv('64', tlv('00', 'ZH') + tlv('01', '收银台示范店') + tlv('02', '上海')) +
    '6304';
  return body + crc16CcittFalse(body);
}

export const WALLET_CODES: readonly { name: string; text: string }[] = [
  { name: 'wechat-personal', text: 'wxp://f2f0Yx8Kq3nVb5LmT2cR9wZ1dE4hJ6uA7s' },
  { name: 'wechat-merchant', text: 'https://payapp.weixin.qq.com/qr/AbCdEfGhIjKlMnOpQrStUv?t=AAQ3jbaQk0lOp' },
  { name: 'alipay', text: 'https://qr.alipay.com/fkx12345abcdefg' },
  { name: 'alipay-upper', text: 'HTTPS://QR.ALIPAY.COM/FKX19283ABCDEFGHIJKLMN' },
  { name: 'unionpay', text: 'https://qr.95516.com/00010000/01234567890123456789' },
  { name: 'emvco', text: emvcoSample() },
  { name: 'paydesk', text: 'https://shop.example.cn/p/Q7xK2mN9pR4sT6vW8yZ1aB3cD5eF7gH9' },
];

// ---------------------------------------------------------------------------------------------------
// Image helpers (all greyscale/RGB raw buffers go through sharp)

export interface Raw {
  data: Buffer;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
}

export async function toRaw(img: Sharp): Promise<Raw> {
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels as 1 | 3 | 4 };
}

export const fromRaw = (r: Raw) => sharp(r.data, { raw: { width: r.width, height: r.height, channels: r.channels } });

/** A code with its quiet zone, as greyscale raw pixels `sizePx` wide (cubic-resampled from the crisp PNG). */
export async function codeRaw(text: string, sizePx: number, ecLevel: 'L' | 'M' | 'Q' | 'H' = 'M'): Promise<Raw> {
  const png = renderQrPng(text, { sizePx: Math.max(sizePx, 64), ecLevel });
  return toRaw(sharp(png).resize(sizePx, sizePx, { kernel: 'cubic' }).greyscale().toColourspace('b-w'));
}

/**
 * A photo-like RGB background: smooth colour blobs (upscaled low-resolution noise), a lighting gradient,
 * sensor-like noise of σ `noise` and, if `shapes`, sharp-edged rectangles, circles, lines and Latin text
 * (a counter, a receipt, a label), rendered from SVG. Above 2000 px it is drawn at ≤ 2000 px and scaled
 * up (a photo that large is never sharp at the pixel level anyway; SVG at 12 MP costs seconds).
 */
export async function photoBackground(width: number, height: number, rng: Rng, shapes = true, noise = 6): Promise<Raw> {
  const shrink = Math.max(1, Math.max(width, height) / 2000);
  const w = Math.round(width / shrink);
  const h = Math.round(height / shrink);
  const bw = 12;
  const bh = Math.max(2, Math.round((bw * h) / w));
  const blob = Buffer.alloc(bw * bh * 3);
  for (let i = 0; i < blob.length; i++) blob[i] = Math.floor(between(rng, 40, 230));
  const overlays: OverlayOptions[] = [];
  const gx = between(rng, 0, 1);
  overlays.push({
    input: Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><defs><linearGradient id="g" x1="${gx}" y1="0" x2="${1 - gx}" y2="1">` +
        `<stop offset="0" stop-color="#fff" stop-opacity="0.35"/><stop offset="1" stop-color="#000" stop-opacity="0.35"/></linearGradient></defs>` +
        `<rect width="100%" height="100%" fill="url(#g)"/></svg>`,
    ),
  });
  if (shapes) {
    let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">`;
    const colour = () => `rgb(${Math.floor(between(rng, 0, 255))},${Math.floor(between(rng, 0, 255))},${Math.floor(between(rng, 0, 255))})`;
    const s = Math.min(w, h);
    for (let i = 0; i < 14; i++) {
      const x = between(rng, -0.1, 1) * w;
      const y = between(rng, -0.1, 1) * h;
      const kind = Math.floor(rng() * 4);
      if (kind === 0)
        svg += `<rect x="${x}" y="${y}" width="${between(rng, 0.05, 0.4) * s}" height="${between(rng, 0.05, 0.4) * s}" fill="${colour()}"/>`;
      else if (kind === 1) svg += `<circle cx="${x}" cy="${y}" r="${between(rng, 0.02, 0.15) * s}" fill="${colour()}"/>`;
      else if (kind === 2)
        svg += `<line x1="${x}" y1="${y}" x2="${between(rng, 0, 1) * w}" y2="${between(rng, 0, 1) * h}" stroke="${colour()}" stroke-width="${between(rng, 1, 0.01 * s + 2)}"/>`;
      else
        svg += `<text x="${x}" y="${y}" font-family="sans-serif" font-size="${between(rng, 0.02, 0.06) * s}" fill="${colour()}">TOTAL 38.50 CNY #${i}</text>`;
    }
    overlays.push({ input: Buffer.from(`${svg}</svg>`) });
  }
  // composite() runs last in a sharp pipeline, so the upscale needs a pipeline of its own.
  let raw = await toRaw(
    sharp(blob, { raw: { width: bw, height: bh, channels: 3 } })
      .resize(w, h, { kernel: 'cubic' })
      .composite(overlays)
      .removeAlpha(),
  );
  if (shrink > 1) raw = await toRaw(fromRaw(raw).resize(width, height, { kernel: 'cubic' }));
  if (noise > 0) addNoise(raw, rng, noise);
  return raw;
}

/** Adds Gaussian noise of standard deviation `sigma` (in place). */
export function addNoise(r: Raw, rng: Rng, sigma: number): void {
  const d = r.data;
  // Precomputed noise table: per-pixel Box–Muller over 12 MP would dominate generation time.
  const table = new Int16Array(4096);
  for (let i = 0; i < table.length; i++) table[i] = Math.round(gaussian(rng) * sigma);
  let k = Math.floor(rng() * 4096);
  const step = 1 + 2 * Math.floor(rng() * 1000);
  for (let i = 0; i < d.length; i++) {
    k = (k + step) & 4095;
    const v = (d[i] as number) + (table[k] as number);
    d[i] = Math.max(0, Math.min(255, v));
  }
}

/** Greyscale code pasted onto an RGB background at (left, top). */
export function paste(bg: Raw, code: Raw, left: number, top: number): void {
  for (let y = 0; y < code.height; y++) {
    const by = top + y;
    if (by < 0 || by >= bg.height) continue;
    for (let x = 0; x < code.width; x++) {
      const bx = left + x;
      if (bx < 0 || bx >= bg.width) continue;
      const v = code.data[(y * code.width + x) * code.channels] as number;
      const o = (by * bg.width + bx) * bg.channels;
      for (let c = 0; c < Math.min(3, bg.channels); c++) bg.data[o + c] = v;
    }
  }
}

/** Maps luminance linearly so that black → `dark`, white → `light`. */
export function remapLevels(r: Raw, dark: number, light: number): Raw {
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) lut[v] = Math.round(dark + ((light - dark) * v) / 255);
  const data = Buffer.alloc(r.data.length);
  for (let i = 0; i < data.length; i++) data[i] = lut[r.data[i] as number] as number;
  return { ...r, data };
}

/**
 * A perspective warp (inverse mapping, bilinear): each corner moves inward by up to `amount` of the side,
 * as when the phone is not held parallel to the card. The uncovered area is filled with `fill`.
 */
export function perspective(r: Raw, rng: Rng, amount: number, fill = 255): Raw {
  const { width: w, height: h, channels: ch } = r;
  // Destination corners (the source corners are the image corners).
  const d = [
    [between(rng, 0, amount) * w, between(rng, 0, amount) * h],
    [w - between(rng, 0, amount) * w, between(rng, 0, amount) * h],
    [w - between(rng, 0, amount) * w, h - between(rng, 0, amount) * h],
    [between(rng, 0, amount) * w, h - between(rng, 0, amount) * h],
  ] as const;
  const s = [
    [0, 0],
    [w, 0],
    [w, h],
    [0, h],
  ] as const;
  // Homography dest → source: solve the 8×8 system.
  const A: number[][] = [];
  const b: number[] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = d[i] as readonly [number, number];
    const [u, v] = s[i] as readonly [number, number];
    A.push([x, y, 1, 0, 0, 0, -u * x, -u * y]);
    b.push(u);
    A.push([0, 0, 0, x, y, 1, -v * x, -v * y]);
    b.push(v);
  }
  const m = solve(A, b);
  const out = Buffer.alloc(r.data.length, fill);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const den = (m[6] as number) * x + (m[7] as number) * y + 1;
      const u = ((m[0] as number) * x + (m[1] as number) * y + (m[2] as number)) / den;
      const v = ((m[3] as number) * x + (m[4] as number) * y + (m[5] as number)) / den;
      if (u < 0 || v < 0 || u >= w - 1 || v >= h - 1) continue;
      const x0 = Math.floor(u);
      const y0 = Math.floor(v);
      const fx = u - x0;
      const fy = v - y0;
      for (let c = 0; c < ch; c++) {
        const i00 = (y0 * w + x0) * ch + c;
        const p = r.data;
        const top = (p[i00] as number) * (1 - fx) + (p[i00 + ch] as number) * fx;
        const bottom = (p[i00 + w * ch] as number) * (1 - fx) + (p[i00 + w * ch + ch] as number) * fx;
        out[(y * w + x) * ch + c] = Math.round(top * (1 - fy) + bottom * fy);
      }
    }
  }
  return { ...r, data: out };
}

function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i] as number]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs((M[r] as number[])[c] as number) > Math.abs((M[p] as number[])[c] as number)) p = r;
    [M[c], M[p]] = [M[p] as number[], M[c] as number[]];
    const pivot = M[c] as number[];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const row = M[r] as number[];
      const f = (row[c] as number) / (pivot[c] as number);
      for (let k = c; k <= n; k++) row[k] = (row[k] as number) - f * (pivot[k] as number);
    }
  }
  return M.map((row, i) => (row[n] as number) / (row[i] as number));
}

// ---------------------------------------------------------------------------------------------------
// The test corpus

export type Expect =
  | { ok: true; texts: string[]; width?: number; height?: number; attempt?: DecodeAttempt }
  | { ok: false; reasons: DecodeFailureReason[] };

export interface CorpusEntry {
  name: string;
  file: string;
  expect: Expect;
}

const png = (s: Sharp) => s.png().toBuffer();

/** A minimal valid-looking PNG whose IHDR declares `w`×`h` (a decompression bomb's header): 67 bytes. */
export function pngDeclaring(w: number, h: number): Buffer {
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 0;
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  // One deflate stream of a few zero bytes: far too little data for the declared size.
  const idat = Buffer.from([0x78, 0x9c, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01]);
  return Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

function crc32(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

/** A GIF header (logical screen and one image descriptor) declaring `w`×`h`, with no pixel data. */
export function gifDeclaring(w: number, h: number): Buffer {
  const b = Buffer.alloc(6 + 7 + 10 + 3);
  b.write('GIF89a', 0, 'latin1');
  b.writeUInt16LE(w, 6);
  b.writeUInt16LE(h, 8);
  b[10] = 0;
  b[13] = 0x2c; // image descriptor
  b.writeUInt16LE(w, 18);
  b.writeUInt16LE(h, 20);
  b[23] = 2; // LZW minimum code size
  b[24] = 0;
  b[25] = 0x3b;
  return b;
}

/** A phone photo (by default 12 MP: a 3000×4000 upright scene stored as 4000×3000 with EXIF orientation 6). */
export async function phonePhoto(
  text: string,
  rng: Rng,
  options: { codeShare?: number; blur?: number; angle?: number; width?: number; height?: number } = {},
): Promise<{ jpeg: Buffer; width: number; height: number }> {
  const width = options.width ?? 3000;
  const height = options.height ?? 4000;
  const scene = await photoBackground(width, height, rng, true, 0);
  const side = Math.round((options.codeShare ?? 0.15) * height);
  // A printed card: white with the code, slightly rotated.
  const code = await codeRaw(text, side);
  const card = await toRaw(
    fromRaw(code)
      .extend({ top: 40, bottom: 120, left: 40, right: 40, background: '#ffffff' })
      .rotate(options.angle ?? 6, { background: { r: 0, g: 0, b: 0, alpha: 0 } })
      .ensureAlpha(),
  );
  // Raw buffers between the steps: PNG round trips of 12 MP cost seconds.
  const composed = await toRaw(
    fromRaw(scene)
      .composite([
        {
          input: card.data,
          raw: { width: card.width, height: card.height, channels: card.channels },
          left: Math.round(width * 0.3),
          top: Math.round(height * 0.35),
        },
      ])
      .removeAlpha(),
  );
  const upright = await toRaw(fromRaw(composed).blur(options.blur ?? 1.2));
  addNoise(upright, rng, 4);
  // Stored rotated by −90°; orientation 6 tells viewers to rotate 90° clockwise.
  const jpeg = await fromRaw(upright).rotate(270).jpeg({ quality: 85 }).withMetadata({ orientation: 6 }).toBuffer();
  return { jpeg, width, height };
}

/**
 * Writes the corpus into `dir` and returns its entries. Deterministic for a given seed; ~90 files, a few
 * seconds on 2 cores (the 12 MP photo is generated once).
 */
export async function buildCorpus(dir: string, seed = 20240601): Promise<CorpusEntry[]> {
  mkdirSync(dir, { recursive: true });
  const rng = mulberry32(seed);
  const entries: CorpusEntry[] = [];
  const add = (name: string, bytes: Buffer | Uint8Array, expect: Expect) => {
    const file = path.join(dir, name);
    writeFileSync(file, bytes);
    entries.push({ name, file, expect });
  };
  const ok = (text: string): Expect => ({ ok: true, texts: [text] });

  for (const { name, text } of WALLET_CODES) {
    const clean = renderQrPng(text, { sizePx: 300 });
    add(`${name}.clean.png`, clean, ok(text));
    const code = await codeRaw(text, 300);
    add(`${name}.rot90.png`, await png(fromRaw(code).rotate(90)), ok(text));
    add(`${name}.rot17.png`, await png(fromRaw(code).rotate(17, { background: '#ffffff' })), ok(text));
    add(`${name}.blur1.5.png`, await png(fromRaw(code).blur(1.5)), ok(text));
    add(`${name}.low-contrast.png`, await png(fromRaw(remapLevels(code, 105, 150))), ok(text));
    add(`${name}.q35.jpg`, await fromRaw(code).jpeg({ quality: 35 }).toBuffer(), ok(text));
    add(`${name}.inverted.png`, await png(fromRaw(code).negate()), ok(text));
    // Busy background: 1000×750, the code at ~30% of the frame width, off centre.
    const bg = await photoBackground(1000, 750, rng);
    paste(bg, code, Math.round(between(rng, 50, 650)), Math.round(between(rng, 50, 400)));
    add(`${name}.busy.jpg`, await fromRaw(bg).jpeg({ quality: 80 }).toBuffer(), ok(text));
    add(`${name}.gif`, await fromRaw(code).gif().toBuffer(), ok(text));
    add(`${name}.webp`, await fromRaw(code).webp({ quality: 70 }).toBuffer(), ok(text));
  }

  const paydesk = (WALLET_CODES.find((c) => c.name === 'paydesk') as { text: string }).text;
  const alipay = (WALLET_CODES.find((c) => c.name === 'alipay') as { text: string }).text;
  const wechat = (WALLET_CODES.find((c) => c.name === 'wechat-personal') as { text: string }).text;

  // The 12 MP phone photo, once.
  const photo = await phonePhoto(paydesk, rng, { codeShare: 0.12 });
  add('phone-12mp-exif6.jpg', photo.jpeg, { ok: true, texts: [paydesk], width: photo.width, height: photo.height });

  // A small code (3.5% of the long side) in a 7.7 MP photo: unreadable at the working size (1066 px),
  // read at full size; and its negative, read by the full-size pass's inversion.
  const small = await phonePhoto(alipay, rng, { codeShare: 0.035, blur: 0.8, width: 2400, height: 3200 });
  add('phone-small-code.jpg', small.jpeg, { ok: true, texts: [alipay], width: 2400, height: 3200, attempt: 'full' });
  const negative = await sharp(small.jpeg).negate({ alpha: false }).jpeg({ quality: 90 }).withMetadata({ orientation: 6 }).toBuffer();
  add('phone-small-code-negative.jpg', negative, { ok: true, texts: [alipay], width: 2400, height: 3200, attempt: 'full_inverted' });

  // Transparent background (as exported by design tools), and a small 2 px/module image.
  const alpha = await toRaw(sharp(renderQrPng(alipay, { sizePx: 300 })).ensureAlpha());
  for (let i = 0; i < alpha.data.length; i += 4) alpha.data[i + 3] = alpha.data[i] === 0 ? 255 : 0;
  add('alipay.transparent.png', await png(fromRaw(alpha)), ok(alipay));
  add('wechat.small-2px.png', renderQrPng(wechat, { sizePx: 90, margin: 2 }), ok(wechat));

  // Unusual pixel formats: 16-bit greyscale PNG (as scanners save), CMYK JPEG (as print shops send).
  add(
    'paydesk.grey16.png',
    await sharp(renderQrPng(paydesk, { sizePx: 300 }))
      .toColourspace('grey16')
      .png()
      .toBuffer(),
    ok(paydesk),
  );
  add(
    'alipay.cmyk.jpg',
    await sharp(renderQrPng(alipay, { sizePx: 300 }))
      .toColourspace('cmyk')
      .jpeg()
      .toBuffer(),
    ok(alipay),
  );

  // Two codes in one image.
  const two = await photoBackground(1000, 600, rng, false);
  paste(two, await codeRaw(alipay, 320), 60, 140);
  paste(two, await codeRaw(wechat, 320), 600, 140);
  add('two-codes.png', await png(fromRaw(two)), { ok: true, texts: [alipay, wechat].sort() });

  // No code at all: a busy photo.
  add(
    'no-code.jpg',
    await fromRaw(await photoBackground(1000, 750, rng))
      .jpeg({ quality: 85 })
      .toBuffer(),
    { ok: false, reasons: ['no_code_found'] },
  );
  add('blank-white.png', await png(sharp({ create: { width: 400, height: 300, channels: 3, background: '#ffffff' } })), {
    ok: false,
    reasons: ['no_code_found'],
  });

  // Out of focus beyond what sharpening restores (σ ≈ 0.85 module): only the deconvolution reads it.
  const big = await codeRaw(paydesk, 400);
  add('heavy-blur.png', await png(fromRaw(big).blur(7)), { ok: true, texts: [paydesk], attempt: 'deblurred' });
  // Blurred and nearly contrast-less codes beyond any repair: detectable as "retake the picture".
  add('hopeless-blur.png', await png(fromRaw(big).blur(12)), { ok: false, reasons: ['blurred_or_low_contrast'] });
  const faint = await toRaw(fromRaw(remapLevels(big, 120, 122)));
  addNoise(faint, rng, 4);
  add('faint.jpg', await fromRaw(faint).jpeg({ quality: 60 }).toBuffer(), { ok: false, reasons: ['blurred_or_low_contrast'] });

  // Bad files.
  add('empty.png', Buffer.alloc(0), { ok: false, reasons: ['empty'] });
  const cleanPng = renderQrPng(paydesk, { sizePx: 300 });
  add('truncated.png', cleanPng.subarray(0, Math.floor(cleanPng.length / 2)), { ok: false, reasons: ['corrupt_image'] });
  const noise = Buffer.alloc(4096);
  for (let i = 0; i < noise.length; i++) noise[i] = Math.floor(rng() * 256);
  add('random.bin', noise, { ok: false, reasons: ['not_an_image'] });
  add('notes.txt', Buffer.from('收款码 wxp://f2f0Yx8Kq3nVb5LmT2cR9wZ1dE4hJ6uA7s\n这不是图片。\n'), {
    ok: false,
    reasons: ['not_an_image'],
  });
  add('bomb-30000.png', pngDeclaring(30000, 30000), { ok: false, reasons: ['too_many_pixels'] });
  add('bomb-gif-30000.gif', gifDeclaring(30000, 30000), { ok: false, reasons: ['too_many_pixels'] });
  add('wide-9000.png', pngDeclaring(9000, 10), { ok: false, reasons: ['too_many_pixels'] });
  const tooLarge = Buffer.alloc(10 * 1024 * 1024 + 1);
  cleanPng.copy(tooLarge);
  add('too-large.png', tooLarge, { ok: false, reasons: ['too_large'] });
  add(
    'code.tiff',
    await fromRaw(await codeRaw(paydesk, 200))
      .tiff()
      .toBuffer(),
    { ok: false, reasons: ['unsupported_type'] },
  );
  add('code.svg', Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>'), {
    ok: false,
    reasons: ['unsupported_type'],
  });
  add('fake.jpg', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), noise]), { ok: false, reasons: ['corrupt_image'] });
  return entries;
}
