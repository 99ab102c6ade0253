/**
 * The robust QR decoder behind code uploads (收款码上传识别).
 *
 * bytes → sniff type → size/pixel limits (header only) → sharp: EXIF auto-orient, flatten, greyscale,
 * downscale → zxing-cpp (zxing-wasm) → retries on transformed versions until one reads.
 * Never throws for bad input: every failure is a `reason`.
 *
 * zxing-wasm runs synchronously on the calling thread (up to ~1 s for a 12 MP photo without a readable
 * code): on the request path use DecoderPool (decode-pool.ts), which runs this in a worker thread.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import sharp, { type Metadata, type Sharp } from 'sharp';
import { prepareZXingModule, type ReaderOptions, type ReadResult, readBarcodes } from 'zxing-wasm/reader';
import { wienerDeblur } from './deblur.ts';

export type ImageType = 'png' | 'jpeg' | 'webp' | 'gif';

export type DecodeFailureReason =
  | 'empty'
  | 'too_large'
  | 'not_an_image'
  | 'unsupported_type'
  | 'too_many_pixels'
  | 'corrupt_image'
  | 'no_code_found'
  | 'blurred_or_low_contrast';

/** The preprocessing pass that produced the read, in the order they are tried. */
export type DecodeAttempt =
  | 'downscaled'
  | 'stretched'
  | 'inverted'
  | 'smoothed'
  | 'sharpened'
  | 'thresholded'
  | 'upscaled'
  | 'alpha_on_black'
  | 'full'
  | 'full_inverted'
  | 'deblurred';

export interface Point {
  x: number;
  y: number;
}

export interface DecodedCode {
  text: string;
  /** Corners in pixels of the upright (EXIF-oriented) full-size image. */
  position: { topLeft: Point; topRight: Point; bottomRight: Point; bottomLeft: Point };
}

export interface DecodeSuccess {
  ok: true;
  type: ImageType;
  /** One per distinct symbol found; more than one means "more than one code" to the caller. */
  codes: DecodedCode[];
  attempt: DecodeAttempt;
  /** Upright (EXIF-oriented) size of the uploaded image. */
  width: number;
  height: number;
  ms: number;
}

export interface DecodeFailure {
  ok: false;
  reason: DecodeFailureReason;
  type?: ImageType;
  width?: number;
  height?: number;
  ms: number;
  /** Technical detail for logs (never shown to shop owners as is). */
  detail?: string;
  /** The measurements behind `no_code_found` / `blurred_or_low_contrast`. */
  quality?: ImageQuality;
}

export type DecodeResult = DecodeSuccess | DecodeFailure;

export interface DecodeOptions {
  /** Default 10 MB. */
  maxBytes?: number;
  /** Default 12 000 000 (a 12 MP phone photo; 4000×3000). */
  maxPixels?: number;
  /** Default 8192 for either side. */
  maxSide?: number;
  /** Long side of the first, downscaled pass. Default 1200; JPEGs may get less (see chooseWorkingSize). */
  workingSize?: number;
  /** Stop after this many passes (for benchmarks of the plan); default all. */
  maxAttempts?: number;
}

export interface ImageQuality {
  /** p99 − p1 of the luminance of the working image, 0..255. */
  contrast: number;
  /** Estimated blur σ of the sharpest edges, in pixels of the working image (see {@link measureQuality}). */
  blurPx: number;
  /** A symbol was detected but did not decode (zxing `isValid: false`): error text, if any. */
  detectedButUnreadable?: string;
}

export const DECODE_DEFAULTS = {
  maxBytes: 10 * 1024 * 1024,
  maxPixels: 12_000_000,
  maxSide: 8192,
  workingSize: 1200,
} as const;

// ---------------------------------------------------------------------------------------------------
// zxing-wasm: one instance per process, loaded from node_modules (never from the CDN it defaults to).

let zxingReady: Promise<unknown> | undefined;

function initZxing(): Promise<unknown> {
  zxingReady ??= (async () => {
    const require = createRequire(import.meta.url);
    const bytes = await readFile(require.resolve('zxing-wasm/reader/zxing_reader.wasm'));
    const wasmBinary = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    return prepareZXingModule({ overrides: { wasmBinary }, fireImmediately: true });
  })().catch((err: unknown) => {
    zxingReady = undefined;
    throw err;
  });
  return zxingReady;
}

/** Loads the wasm now (e.g. at server start) instead of on the first upload. */
export async function warmUpDecoder(): Promise<void> {
  await initZxing();
}

const READER: ReaderOptions = {
  formats: ['QRCode'],
  tryHarder: true,
  tryRotate: true,
  // Inversion is our own pass ('inverted'): zxing's tryInvert doubles the time of every pass.
  tryInvert: false,
  tryDownscale: true,
  maxNumberOfSymbols: 8,
  returnErrors: true,
};

interface Grey {
  data: Uint8Array;
  width: number;
  height: number;
}

interface Rgba {
  rgba: Uint8Array;
  width: number;
  height: number;
}

/** zxing-wasm takes RGBA ImageData; with R=G=B its luminance formula gives back exactly the grey value. */
function toRgba(g: Grey): Rgba {
  const rgba = new Uint8Array(g.width * g.height * 4);
  const px = new Uint32Array(rgba.buffer);
  const src = g.data;
  for (let i = 0; i < src.length; i++) px[i] = 0xff000000 | ((src[i] as number) * 0x010101);
  return { rgba, width: g.width, height: g.height };
}

async function zxingRead(img: Grey | Rgba, extra: ReaderOptions = {}): Promise<ReadResult[]> {
  await initZxing();
  const { rgba, width, height } = 'rgba' in img ? img : toRgba(img);
  // The cast: zxing-wasm types its input as the DOM ImageData; it reads only width, height and data.
  const imageData = { width, height, data: rgba } as unknown as Parameters<typeof readBarcodes>[0];
  return readBarcodes(imageData, { ...READER, ...extra });
}

// ---------------------------------------------------------------------------------------------------
// Type sniffing

type Sniffed = { kind: 'image'; type: ImageType } | { kind: 'unsupported'; what: string } | { kind: 'not_image' };

const ascii = (b: Uint8Array, start: number, end: number) => String.fromCharCode(...b.subarray(start, end));

export function sniffType(b: Uint8Array): Sniffed {
  if (b.length >= 8 && b[0] === 0x89 && ascii(b, 1, 4) === 'PNG' && b[4] === 0x0d && b[5] === 0x0a && b[6] === 0x1a && b[7] === 0x0a)
    return { kind: 'image', type: 'png' };
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { kind: 'image', type: 'jpeg' };
  if (b.length >= 6 && (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a')) return { kind: 'image', type: 'gif' };
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return { kind: 'image', type: 'webp' };
  // Images we recognise but do not take.
  if (b.length >= 4 && (ascii(b, 0, 4) === 'II*\0' || ascii(b, 0, 4) === 'MM\0*')) return { kind: 'unsupported', what: 'tiff' };
  if (b.length >= 12 && ascii(b, 4, 8) === 'ftyp') {
    const brand = ascii(b, 8, 12);
    if (/^(heic|heix|hevc|hevx|heim|heis|mif1|msf1|avif|avis)$/.test(brand)) return { kind: 'unsupported', what: brand };
  }
  if (b.length >= 18 && b[0] === 0x42 && b[1] === 0x4d && [12, 40, 52, 56, 64, 108, 124].includes(b[14] ?? 0))
    return { kind: 'unsupported', what: 'bmp' };
  if (b.length >= 4 && b[0] === 0 && b[1] === 0 && (b[2] === 1 || b[2] === 2) && b[3] === 0) return { kind: 'unsupported', what: 'ico' };
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0x0a) return { kind: 'unsupported', what: 'jxl' };
  if (b.length >= 12 && ascii(b, 4, 12) === 'jP  \r\n\x87\n') return { kind: 'unsupported', what: 'jp2' };
  if (b.length >= 4 && ascii(b, 0, 4) === '8BPS') return { kind: 'unsupported', what: 'psd' };
  const head = new TextDecoder('utf-8', { fatal: false }).decode(b.subarray(0, 1024)).toLowerCase();
  if (/<svg[\s>]/.test(head)) return { kind: 'unsupported', what: 'svg' };
  return { kind: 'not_image' };
}

// ---------------------------------------------------------------------------------------------------
// Pixel work on the greyscale working image

function percentiles(g: Grey, lowShare: number, highShare: number): [number, number] {
  const hist = new Uint32Array(256);
  const d = g.data;
  for (let i = 0; i < d.length; i++) hist[d[i] as number] = (hist[d[i] as number] as number) + 1;
  const lowCount = d.length * lowShare;
  const highCount = d.length * highShare;
  let acc = 0;
  let lo = 0;
  let hi = 255;
  for (let v = 0; v < 256; v++) {
    acc += hist[v] as number;
    if (acc > lowCount) {
      lo = v;
      break;
    }
  }
  acc = 0;
  for (let v = 255; v >= 0; v--) {
    acc += hist[v] as number;
    if (acc > highCount) {
      hi = v;
      break;
    }
  }
  return [lo, hi];
}

/** Linear stretch of [p1, p99] to [0, 255]. */
function stretch(g: Grey): Grey {
  const [lo, hi] = percentiles(g, 0.01, 0.01);
  const span = Math.max(1, hi - lo);
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) lut[v] = Math.max(0, Math.min(255, Math.round(((v - lo) * 255) / span)));
  const out = new Uint8Array(g.data.length);
  for (let i = 0; i < out.length; i++) out[i] = lut[g.data[i] as number] as number;
  return { data: out, width: g.width, height: g.height };
}

function invert(g: Grey): Grey {
  const out = new Uint8Array(g.data.length);
  for (let i = 0; i < out.length; i++) out[i] = 255 - (g.data[i] as number);
  return { data: out, width: g.width, height: g.height };
}

async function viaSharp(g: Grey, f: (s: Sharp) => Sharp): Promise<Grey> {
  const { data, info } = await f(sharp(g.data, { raw: { width: g.width, height: g.height, channels: 1 } }))
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
}

/**
 * How blurred is the picture? `blurPx` estimates the Gaussian blur (σ, in pixels of the working image) of
 * its sharpest edges: a step of height C blurred by σ has a steepest slope of C / (σ·√(2π)) ≈ C / (2.5·σ),
 * so σ ≈ C / (2.5 · G), with C the p1..p99 luminance spread and G the 99.9th percentile of the gradient
 * magnitude (central differences). The image is first smoothed with σ = 1 so that sensor noise and JPEG
 * ringing do not pass for sharp edges (this puts a floor of ≈ 1.2 px under the estimate).
 * Measured on generated images (codes 250–800 px blurred by σ 0.5–1.5 module, with noise 0–8; busy
 * photos with and without edges): photos with sharp edges and no code 1.5–1.8 px; codes too blurred to
 * read 4.5–24 px; codes that still read up to ~6 px (irrelevant: the verdict is only asked for when
 * nothing read); photos without a single edge (smooth colour blobs) 14–20 px, which then count as
 * blurred, as an out-of-focus shot would. Hence {@link BLURRED_PX} = 4.
 */
export async function measureQuality(g: Grey): Promise<Pick<ImageQuality, 'contrast' | 'blurPx'>> {
  const [lo, hi] = percentiles(g, 0.01, 0.01);
  const contrast = hi - lo;
  if (contrast === 0 || g.width < 3 || g.height < 3) return { contrast, blurPx: Number.POSITIVE_INFINITY };
  const { data, width, height } = await viaSharp(g, (s) => s.blur(1));
  const hist = new Uint32Array(256);
  let n = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1, i = y * width + 1; x < width - 1; x++, i++) {
      const gx = (data[i + 1] as number) - (data[i - 1] as number);
      const gy = (data[i + width] as number) - (data[i - width] as number);
      hist[Math.min(255, Math.round(Math.sqrt(gx * gx + gy * gy) / 2))] =
        (hist[Math.min(255, Math.round(Math.sqrt(gx * gx + gy * gy) / 2))] as number) + 1;
      n++;
    }
  }
  let above = 0;
  let g999 = 0;
  for (let v = 255; v >= 0; v--) {
    above += hist[v] as number;
    if (above >= n * 0.001) {
      g999 = v;
      break;
    }
  }
  return { contrast, blurPx: Math.round((contrast / (2.5 * Math.max(1, g999))) * 100) / 100 };
}

/** p99 − p1 at or below this: a uniform picture (nothing in it) → `no_code_found`. */
export const BLANK_CONTRAST = 4;
/**
 * p99 − p1 below this: washed out or dark → `blurred_or_low_contrast`. Codes squeezed into spans of 12–50
 * grey levels (plus noise) all read after the stretch pass (bench corpus, low_contrast); those that do not
 * read measure 10–17 (2–6 levels of code under sensor noise).
 */
export const LOW_CONTRAST = 40;
/** Estimated blur σ at or above this many working-image pixels → `blurred_or_low_contrast`. */
export const BLURRED_PX = 4;

/**
 * The verdict for a picture in which nothing was read, in order: zxing found a symbol (finder patterns,
 * format) it could not decode → blurred_or_low_contrast; a uniform picture → no_code_found; a washed-out
 * or blurred picture → blurred_or_low_contrast; otherwise (a sharp picture, nothing code-like found) →
 * no_code_found. In the tests and the bench corpus every unreadable blurred code gets the first or the
 * third verdict, and every sharp picture without a code the last.
 */
export function failureVerdict(q: ImageQuality): 'no_code_found' | 'blurred_or_low_contrast' {
  if (q.detectedButUnreadable !== undefined) return 'blurred_or_low_contrast';
  if (q.contrast <= BLANK_CONTRAST) return 'no_code_found';
  if (q.contrast < LOW_CONTRAST || q.blurPx >= BLURRED_PX) return 'blurred_or_low_contrast';
  return 'no_code_found';
}

// ---------------------------------------------------------------------------------------------------
// The decoder

/** Smallest working size we accept in exchange for JPEG shrink-on-load (see chooseWorkingSize). */
const MIN_WORKING_SIZE = 750;

/**
 * The long side of the first pass. For JPEG, libjpeg can decode at 1/2, 1/4 or 1/8 scale almost for free
 * (DCT scaling); sharp uses scale s only when the overall shrink is ≥ s and not within [s, s+1) (it guards
 * against libjpeg rounding). So a 4000 px photo resized to 1000 px (shrink exactly 4) is decoded at 1/2,
 * 2000 px, and costs ~2.3× the CPU of a resize to 800 px (shrink 5 → decoded at 1/4, 1000 px).
 * Measured on the 12 MP bench photo: 800 px ≈ 90 ms CPU, 900–1200 px ≈ 200 ms. So for JPEG we take the
 * largest size ≤ workingSize that still gets the biggest DCT shrink leaving at least MIN_WORKING_SIZE px.
 */
export function chooseWorkingSize(type: ImageType, longSide: number, workingSize: number): number {
  if (longSide <= workingSize) return longSide;
  if (type !== 'jpeg') return workingSize;
  for (const s of [8, 4, 2]) {
    const size = Math.floor(longSide / (s + 1));
    if (size >= MIN_WORKING_SIZE) return Math.min(size, workingSize);
  }
  return workingSize;
}

class Failure extends Error {
  constructor(
    readonly reason: DecodeFailureReason,
    detail: string,
  ) {
    super(detail);
  }
}

interface Loaded {
  type: ImageType;
  width: number;
  height: number;
  hasAlpha: boolean;
}

/** Decodes the upload to upright greyscale (transparency flattened on `background`), long side ≤ `longSide`. */
async function loadGrey(bytes: Uint8Array, maxPixels: number, longSide: number | undefined, background = '#ffffff'): Promise<Grey> {
  try {
    // limitInputPixels: a second guard behind the header check in inspect().
    let s = sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error', sequentialRead: true }).rotate().flatten({ background });
    if (longSide !== undefined)
      s = s.resize({ width: longSide, height: longSide, fit: 'inside', withoutEnlargement: true, kernel: 'cubic' });
    const { data, info } = await s.greyscale().toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    // 'b-w' also casts 16-bit input to 8 bits; check, since everything after assumes one byte a pixel.
    if (info.channels !== 1 || data.length !== info.width * info.height)
      throw new Error(`unexpected pixel format ${info.channels}×${data.length}`);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
  } catch (err) {
    const message = (err as Error).message ?? String(err);
    throw new Failure(/pixel limit/i.test(message) ? 'too_many_pixels' : 'corrupt_image', message);
  }
}

/** The upright image at full size as RGBA (for zxing's own luminance conversion). */
async function loadFullRgba(bytes: Uint8Array, maxPixels: number): Promise<Rgba> {
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error', sequentialRead: true })
      .rotate()
      .flatten({ background: '#ffffff' })
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 4 || data.length !== info.width * info.height * 4)
      throw new Error(`unexpected pixel format ${info.channels}×${data.length}`);
    return { rgba: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
  } catch (err) {
    const message = (err as Error).message ?? String(err);
    throw new Failure(/pixel limit/i.test(message) ? 'too_many_pixels' : 'corrupt_image', message);
  }
}

function toCodes(results: ReadResult[], scaleX: number, scaleY: number): DecodedCode[] {
  const seen = new Set<string>();
  const codes: DecodedCode[] = [];
  for (const r of results) {
    if (!r.isValid || seen.has(r.text)) continue;
    seen.add(r.text);
    const p = (q: Point): Point => ({ x: Math.round(q.x * scaleX), y: Math.round(q.y * scaleY) });
    codes.push({
      text: r.text,
      position: {
        topLeft: p(r.position.topLeft),
        topRight: p(r.position.topRight),
        bottomRight: p(r.position.bottomRight),
        bottomLeft: p(r.position.bottomLeft),
      },
    });
  }
  return codes;
}

async function inspect(bytes: Uint8Array, options: DecodeOptions): Promise<Loaded> {
  const maxBytes = options.maxBytes ?? DECODE_DEFAULTS.maxBytes;
  const maxPixels = options.maxPixels ?? DECODE_DEFAULTS.maxPixels;
  const maxSide = options.maxSide ?? DECODE_DEFAULTS.maxSide;
  if (bytes.length === 0) throw new Failure('empty', 'no bytes');
  if (bytes.length > maxBytes) throw new Failure('too_large', `${bytes.length} bytes > ${maxBytes}`);
  const sniffed = sniffType(bytes);
  if (sniffed.kind === 'not_image') throw new Failure('not_an_image', 'no PNG/JPEG/WebP/GIF signature');
  if (sniffed.kind === 'unsupported') throw new Failure('unsupported_type', sniffed.what);
  let meta: Metadata;
  try {
    // Reads the header only: a 30000×30000 declaration costs nothing here.
    meta = await sharp(bytes, { limitInputPixels: false, failOn: 'error' }).metadata();
  } catch (err) {
    throw new Failure('corrupt_image', `header: ${(err as Error).message}`);
  }
  if (meta.format !== sniffed.type && !(sniffed.type === 'jpeg' && meta.format === 'jpeg')) {
    throw new Failure('corrupt_image', `signature says ${sniffed.type}, decoder says ${meta.format}`);
  }
  const width = meta.width;
  const height = meta.pageHeight ?? meta.height;
  if (!width || !height) throw new Failure('corrupt_image', 'no dimensions');
  if (width > maxSide || height > maxSide || width * height > maxPixels) {
    throw new Failure('too_many_pixels', `${width}×${height}`);
  }
  const swap = (meta.orientation ?? 1) >= 5;
  return { type: sniffed.type, width: swap ? height : width, height: swap ? width : height, hasAlpha: meta.hasAlpha === true };
}

/** Long side the deconvolution works at: the blurred picture loses nothing by the downscale. */
const DEBLUR_SIZE = 512;

/**
 * The deconvolutions to try for a picture whose measured blur is `blurPx` (see {@link measureQuality},
 * which under-reads the true σ by ~15% because of its own σ 1 smoothing): σ and the noise-to-signal ratio
 * K, chosen on the bench's blurred codes (σ 0.78–0.9 module, which no other pass reads): σ = 1.2 × blurPx
 * with K = 3·10⁻⁴ reads 5 of 7, the second pass catches estimates that run high. Pictures measured sharp
 * (< 3 px: they failed for another reason) or hopelessly blurred (> 12 px) skip it: ~60 ms a pass.
 */
export function deblurPasses(blurPx: number): { sigmaPx: number; noiseToSignal: number }[] {
  if (!(blurPx >= 3 && blurPx <= 12)) return [];
  return [
    { sigmaPx: 1.2 * blurPx, noiseToSignal: 3e-4 },
    { sigmaPx: 1.05 * blurPx, noiseToSignal: 1e-3 },
  ];
}

async function deblurred(g: Grey, pass: { sigmaPx: number; noiseToSignal: number }): Promise<Grey> {
  const long = Math.max(g.width, g.height);
  if (long <= DEBLUR_SIZE) return wienerDeblur(g, pass.sigmaPx, pass.noiseToSignal);
  const scale = DEBLUR_SIZE / long;
  const small = await viaSharp(g, (s) =>
    s.resize({ width: Math.round(g.width * scale), height: Math.round(g.height * scale), fit: 'fill' }),
  );
  return wienerDeblur(small, pass.sigmaPx * scale, pass.noiseToSignal);
}

/**
 * Decodes the QR code(s) in an uploaded image. The passes, in order; the first that reads wins:
 *  1. `downscaled`   upright greyscale, long side ≤ workingSize (see {@link chooseWorkingSize})
 *  2. `stretched`    1 with p1..p99 stretched to 0..255 (low contrast, uneven light)
 *  3. `inverted`     negative of 2 (light code on dark)
 *  4. `smoothed`     Gaussian σ 1.5 px of 2 (noise, JPEG blocks)
 *  5. `sharpened`    strong unsharp mask of 2 (blur)
 *  6. `thresholded`  2 through zxing's global-histogram binariser instead of its local-average one
 *  7. `upscaled`     2 enlarged ×2–6 (cubic), for images under 1000 px (tiny modules)
 *  8. `alpha_on_black` transparency flattened on black instead of white (white code on transparent)
 *  9. `full`         full resolution when 1 was downscaled, zxing's tryInvert on (`full_inverted` when
 *                    the code it read was inverted)
 * 10. `deblurred`    only when nothing read and the picture measures blurred: 2 through a Wiener
 *                    deconvolution at the measured blur (see {@link deblurPasses})
 * zxing runs with tryHarder, tryRotate, tryDownscale, no tryInvert (pass 3 does it, at no cost to the
 * passes that read) and up to 8 symbols, so that several codes in one picture are all reported.
 * When nothing reads, `blurred_or_low_contrast` or `no_code_found` follows {@link failureVerdict}.
 */
export async function decodeImage(input: Uint8Array, options: DecodeOptions = {}): Promise<DecodeResult> {
  const t0 = performance.now();
  const ms = () => Math.round((performance.now() - t0) * 10) / 10;
  let loaded: Loaded | undefined;
  try {
    const bytes = input;
    loaded = await inspect(bytes, options);
    const { type, width, height, hasAlpha } = loaded;
    const maxPixels = options.maxPixels ?? DECODE_DEFAULTS.maxPixels;
    const workingSize = options.workingSize ?? DECODE_DEFAULTS.workingSize;
    const maxAttempts = options.maxAttempts ?? Number.POSITIVE_INFINITY;
    const longSide = chooseWorkingSize(type, Math.max(width, height), workingSize);
    const downscaled = Math.max(width, height) > longSide;

    const grey = await loadGrey(bytes, maxPixels, longSide);
    let detected: string | undefined;
    let attempts = 0;
    let inverted = false;
    const tryRead = async (g: Grey | Rgba, extra?: ReaderOptions): Promise<DecodedCode[] | undefined> => {
      attempts++;
      const results = await zxingRead(g, extra);
      const codes = toCodes(results, width / g.width, height / g.height);
      if (codes.length > 0) {
        inverted = results.some((r) => r.isValid && r.isInverted);
        return codes;
      }
      const invalid = results.find((r) => !r.isValid);
      if (invalid) detected ??= invalid.error || 'unreadable symbol';
      return undefined;
    };
    const success = (codes: DecodedCode[], attempt: DecodeAttempt): DecodeSuccess => ({
      ok: true,
      type,
      codes,
      attempt,
      width,
      height,
      ms: ms(),
    });

    const plan: [DecodeAttempt, () => Promise<DecodedCode[] | undefined>][] = [];
    let stretched: Grey | undefined;
    const getStretched = () => {
      stretched ??= stretch(grey);
      return stretched;
    };
    plan.push(['downscaled', () => tryRead(grey)]);
    plan.push(['stretched', () => tryRead(getStretched())]);
    plan.push(['inverted', () => tryRead(invert(getStretched()))]);
    // Noise (sensor, JPEG blocks, print dither) breaks zxing's per-pixel local threshold; a Gaussian of
    // 1.5 px averages it out while modules (≥ 2–3 px) survive.
    plan.push(['smoothed', async () => tryRead(await viaSharp(getStretched(), (s) => s.blur(1.5)))]);
    // A strong unsharp mask (σ 3, ×2 on flat and ×10 on jagged areas) restores module edges blurred up
    // to ~0.67 module; beyond ~0.75 module nothing here (nor Richardson–Lucy deconvolution) reads them.
    plan.push(['sharpened', async () => tryRead(await viaSharp(getStretched(), (s) => s.sharpen({ sigma: 3, m1: 2, m2: 10 })))]);
    plan.push(['thresholded', () => tryRead(getStretched(), { binarizer: 'GlobalHistogram' })]);
    const workingLong = Math.max(grey.width, grey.height);
    if (!downscaled && workingLong < 1000) {
      // Codes of 1–1.5 px per module: zxing needs a few pixels per module to find the finder patterns;
      // cubic upscaling ×4–6 reads 1.05 px/module, ×2 does not (measured on the bench corpus).
      const factor = Math.min(6, Math.max(2, Math.round(1200 / workingLong)));
      plan.push([
        'upscaled',
        async () => tryRead(await viaSharp(getStretched(), (s) => s.resize({ width: grey.width * factor, kernel: 'cubic' }))),
      ]);
    }
    if (hasAlpha) plan.push(['alpha_on_black', async () => tryRead(await loadGrey(bytes, maxPixels, longSide, '#000000'))]);
    if (downscaled) {
      // Small codes in big photos. One pass: RGBA straight from libvips (no JS copy of 12 MP) and
      // zxing's own inversion, which costs less than a second full-size pass.
      plan.push(['full', async () => tryRead(await loadFullRgba(bytes, maxPixels), { tryInvert: true })]);
    }

    for (const [attempt, run] of plan) {
      if (attempts >= maxAttempts) break;
      const codes = await run();
      if (codes) return success(codes, attempt === 'full' && inverted ? 'full_inverted' : attempt);
    }

    const measured = await measureQuality(grey);
    for (const pass of deblurPasses(measured.blurPx)) {
      if (attempts >= maxAttempts) break;
      // The original grey, not the stretched one: stretching clips the faint tails deconvolution needs.
      const codes = await tryRead(await deblurred(grey, pass));
      if (codes) return success(codes, 'deblurred');
    }
    const quality: ImageQuality = { ...measured, ...(detected ? { detectedButUnreadable: detected } : {}) };
    return { ok: false, reason: failureVerdict(quality), type, width, height, ms: ms(), quality };
  } catch (err) {
    if (!(err instanceof Failure)) throw err; // a fault of ours or of the wasm, not of the upload
    return {
      ok: false,
      ms: ms(),
      ...(loaded ? { type: loaded.type, width: loaded.width, height: loaded.height } : {}),
      reason: err.reason,
      detail: err.message,
    };
  }
}
