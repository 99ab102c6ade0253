/**
 * The degraded-image corpus for the decoder benchmark: N images in 10 kinds of damage, each at a
 * severity drawn at random (fixed seed) from a range chosen to look like real uploads, before any
 * decoder was run on them. Images are kept in memory as the bytes a decoder would be handed.
 */
import sharp, { type Sharp } from 'sharp';
import { renderQrPng } from '../../apps/server/src/qr/render.ts';
import {
  addNoise,
  between,
  codeRaw,
  fromRaw,
  mulberry32,
  paste,
  perspective,
  photoBackground,
  pick,
  type Raw,
  type Rng,
  remapLevels,
  toRaw,
} from '../../test/qr/corpus.ts';

export const KINDS = [
  'blur',
  'noise',
  'low_contrast',
  'jpeg',
  'rotation',
  'perspective',
  'small',
  'inverted',
  'busy_background',
  'uneven_light',
] as const;
export type Kind = (typeof KINDS)[number];

export interface DegradedImage {
  id: string;
  kind: Kind;
  /** The drawn severity, human-readable. */
  severity: string;
  text: string;
  bytes: Buffer;
}

const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const rand = (rng: Rng, n: number, alphabet = B62) => Array.from({ length: n }, () => pick(rng, [...alphabet])).join('');

function crc16(s: string): string {
  let crc = 0xffff;
  for (const byte of Buffer.from(s, 'utf8')) {
    crc ^= byte << 8;
    for (let k = 0; k < 8; k++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

/** A random code content in one of the wallets' formats. */
export function randomContent(rng: Rng): string {
  switch (Math.floor(rng() * 7)) {
    case 0:
      return `wxp://f2f0${rand(rng, 28)}`;
    case 1:
      return `https://qr.alipay.com/${pick(rng, ['fkx', 'bax', 'tsx'])}${rand(rng, 18, 'abcdefghijklmnopqrstuvwxyz0123456789')}`;
    case 2:
      return `HTTPS://QR.ALIPAY.COM/FKX${rand(rng, 18, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}`;
    case 3:
      return `https://qr.95516.com/00010000/${rand(rng, 20, '0123456789')}`;
    case 4: {
      const name = `SHOP ${rand(rng, 8, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')}`;
      const account = `31310115${rand(rng, 19, '0123456789')}`;
      // 00 version, 01 static, 15 UnionPay account, 52 MCC, 53 CNY, 58 CN, 59 name, 60 city, 63 CRC.
      const body = `00020101021115${account.length}${account}5204581253031565802CN59${String(name.length).padStart(2, '0')}${name}6008SHANGHAI6304`;
      return body + crc16(body);
    }
    case 5:
      return `https://payapp.weixin.qq.com/qr/${rand(rng, 22)}?t=${rand(rng, 12)}`;
    default:
      return `https://shop.example.cn/p/${rand(rng, 32)}`;
  }
}

const ecLevel = (rng: Rng) => pick(rng, ['M', 'M', 'M', 'M', 'M', 'M', 'M', 'L', 'Q', 'H'] as const);
const png = (r: Raw | Sharp) => ('data' in r ? fromRaw(r) : r).png().toBuffer();
const jpg = (r: Raw | Sharp, quality: number) => ('data' in r ? fromRaw(r) : r).jpeg({ quality }).toBuffer();

/** Modules per side (with a 4-module quiet zone) of a text's symbol, to express blur in modules. */
async function modulesWithMargin(text: string, ec: 'L' | 'M' | 'Q' | 'H'): Promise<number> {
  const meta = await sharp(renderQrPng(text, { sizePx: 1, margin: 4, ecLevel: ec })).metadata();
  return meta.width;
}

async function makeOne(kind: Kind, rng: Rng, text: string): Promise<{ bytes: Buffer; severity: string }> {
  const ec = ecLevel(rng);
  const mods = await modulesWithMargin(text, ec);
  switch (kind) {
    case 'blur': {
      const size = Math.round(between(rng, 240, 480));
      const moduleFraction = between(rng, 0.25, 0.9);
      const sigma = (moduleFraction * size) / mods;
      return { bytes: await png(fromRaw(await codeRaw(text, size, ec)).blur(sigma)), severity: `σ=${moduleFraction.toFixed(2)} module` };
    }
    case 'noise': {
      const size = Math.round(between(rng, 240, 480));
      const sigma = between(rng, 15, 70);
      const r = await toRaw(fromRaw(await codeRaw(text, size, ec)).blur(0.5));
      addNoise(r, rng, sigma);
      return { bytes: await png(r), severity: `σ=${sigma.toFixed(0)}` };
    }
    case 'low_contrast': {
      const span = between(rng, 12, 50);
      const dark = between(rng, 40, 200);
      const r = remapLevels(await codeRaw(text, Math.round(between(rng, 240, 480)), ec), dark, dark + span);
      addNoise(r, rng, between(rng, 2, 4));
      return { bytes: await jpg(r, 90), severity: `span=${span.toFixed(0)}` };
    }
    case 'jpeg': {
      const q = Math.round(between(rng, 5, 30));
      const size = Math.round(between(rng, 150, 300));
      return {
        bytes: await jpg(fromRaw(await codeRaw(text, size, ec)).blur(0.6), q),
        severity: `q=${q}, ${(size / mods).toFixed(1)} px/module`,
      };
    }
    case 'rotation': {
      const angle = between(rng, 0, 360);
      const grey = Math.round(between(rng, 160, 255));
      const r = fromRaw(await codeRaw(text, Math.round(between(rng, 240, 480)), ec)).rotate(angle, {
        background: { r: grey, g: grey, b: grey },
      });
      return { bytes: await png(sharp(await r.png().toBuffer()).blur(0.7)), severity: `${angle.toFixed(0)}°` };
    }
    case 'perspective': {
      const amount = between(rng, 0.08, 0.3);
      const code = await codeRaw(text, Math.round(between(rng, 300, 480)), ec);
      const canvas = await toRaw(fromRaw(code).extend({ top: 60, bottom: 60, left: 60, right: 60, background: '#ffffff' }));
      const warped = perspective(canvas, rng, amount, Math.round(between(rng, 150, 255)));
      return { bytes: await png(fromRaw(warped).blur(0.6)), severity: `corners ≤${Math.round(amount * 100)}%` };
    }
    case 'small': {
      const pxPerModule = between(rng, 1.0, 2.2);
      const one = renderQrPng(text, { sizePx: 1, margin: 4, ecLevel: ec });
      const size = Math.max(mods, Math.round(mods * pxPerModule));
      return { bytes: await png(sharp(one).resize(size, size, { kernel: 'cubic' })), severity: `${pxPerModule.toFixed(2)} px/module` };
    }
    case 'inverted': {
      const r = await toRaw(
        fromRaw(await codeRaw(text, Math.round(between(rng, 240, 480)), ec))
          .negate()
          .blur(between(rng, 0.5, 1)),
      );
      addNoise(r, rng, 5);
      return { bytes: await png(r), severity: 'negated' };
    }
    case 'busy_background': {
      const width = Math.round(between(rng, 800, 1400));
      const height = Math.round(width * between(rng, 0.6, 1.2));
      const share = between(rng, 0.2, 0.4);
      const side = Math.round(width * share);
      const angle = between(rng, 0, 30);
      const code = await toRaw(fromRaw(await codeRaw(text, side, ec)).rotate(angle, { background: '#ffffff' }));
      const bg = await photoBackground(width, height, rng);
      paste(
        bg,
        code,
        Math.round(between(rng, 0, Math.max(0, width - code.width))),
        Math.round(between(rng, 0, Math.max(0, height - code.height))),
      );
      const q = Math.round(between(rng, 60, 90));
      return { bytes: await jpg(fromRaw(bg).blur(0.8), q), severity: `${Math.round(share * 100)}% of width, ${angle.toFixed(0)}°, q=${q}` };
    }
    case 'uneven_light': {
      const code = await codeRaw(text, Math.round(between(rng, 240, 480)), ec);
      const low = between(rng, 0.15, 0.5);
      const dir = between(rng, 0, Math.PI * 2);
      const { width: w, height: h } = code;
      const out = Buffer.alloc(code.data.length);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const t = 0.5 + (((x / w - 0.5) * Math.cos(dir) + (y / h - 0.5) * Math.sin(dir)) / Math.SQRT2) * 1;
          const f = low + (1 - low) * Math.min(1, Math.max(0, t));
          out[y * w + x] = Math.round((code.data[y * w + x] as number) * f);
        }
      }
      const r: Raw = { ...code, data: out };
      addNoise(r, rng, 4);
      return { bytes: await jpg(r, 85), severity: `dark side ×${low.toFixed(2)}` };
    }
  }
}

/** `count` images, spread evenly over the kinds; deterministic for a seed. */
export async function degradedCorpus(count: number, seed = 424242): Promise<DegradedImage[]> {
  const rng = mulberry32(seed);
  const out: DegradedImage[] = [];
  for (let i = 0; i < count; i++) {
    const kind = KINDS[i % KINDS.length] as Kind;
    const text = randomContent(rng);
    const { bytes, severity } = await makeOne(kind, rng, text);
    out.push({ id: `${String(i).padStart(3, '0')}-${kind}`, kind, severity, text, bytes });
  }
  return out;
}
