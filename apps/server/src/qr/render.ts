/**
 * Fast QR rendering for collection codes (收款码): PNG and SVG.
 *
 * `qrcode`'s own PNG path makes ~85 PNGs/s here and blocks the event loop ~11 ms each. Its costs: the mask
 * search in `create()` (8 masks × 4 penalty rules through per-module method calls: 60% of create) and
 * the RGBA PNG it builds and deflates with pngjs. Here:
 *  - `qrcode.create()` builds the symbol with a fixed mask (skipping its search); the mask is taken off
 *    again and {@link chooseMask} scores all 8 masks at once, bit-sliced, by the same penalty rules and
 *    tie-break. The matrix is exactly the one `qrcode.create(text)` gives (the tests compare them);
 *  - the PNG is written directly: 1-bit greyscale, its IDAT a hand-written fixed-Huffman DEFLATE stream
 *    (each distinct scanline once, its repeats as back-references), no zlib call, CRC-32 chunks;
 *  - results are kept in a small LRU cache keyed by (text, options).
 * The module-matrix step (`qrcode`'s segmenting and Reed–Solomon) is now most of the time; see
 * bench/RESULTS.md for the figures.
 */
import zlib from 'node:zlib';
import QRCode from 'qrcode';

export type EcLevel = 'L' | 'M' | 'Q' | 'H';

export interface QrRenderOptions {
  /** Wanted width and height in pixels; the output is the largest whole multiple of the symbol width (with margin) not above it, at least 1 px per module. Default 300. */
  sizePx?: number;
  /** Quiet zone in modules. Default 4 (the standard's minimum). */
  margin?: number;
  /** Error-correction level. Default 'M'. */
  ecLevel?: EcLevel;
}

export interface QrMatrix {
  /** Modules per side (without margin). */
  size: number;
  /** `size * size` modules, row-major, 1 = dark. */
  modules: Uint8Array;
  version: number;
  mask: number;
}

const EC_BITS: Record<EcLevel, number> = { L: 1, M: 0, Q: 3, H: 2 };
const DEFAULT_SIZE = 300;
const DEFAULT_MARGIN = 4;
const MAX_SIZE_PX = 4096;
const MAX_MARGIN = 16;

interface Resolved {
  sizePx: number;
  margin: number;
  ecLevel: EcLevel;
}

function resolve(options: QrRenderOptions): Resolved {
  const sizePx = options.sizePx ?? DEFAULT_SIZE;
  const margin = options.margin ?? DEFAULT_MARGIN;
  const ecLevel = options.ecLevel ?? 'M';
  if (!Number.isInteger(sizePx) || sizePx < 1 || sizePx > MAX_SIZE_PX) throw new RangeError(`sizePx must be an integer 1..${MAX_SIZE_PX}`);
  if (!Number.isInteger(margin) || margin < 0 || margin > MAX_MARGIN) throw new RangeError(`margin must be an integer 0..${MAX_MARGIN}`);
  if (!Object.hasOwn(EC_BITS, ecLevel)) throw new RangeError('ecLevel must be L, M, Q or H');
  return { sizePx, margin, ecLevel };
}

// ---------------------------------------------------------------------------------------------------
// Module matrix

/** 15-bit format information (EC level + mask, BCH(15,5), XOR 0x5412), as in ISO 18004 §7.9. */
function formatBits(ecLevel: EcLevel, mask: number): number {
  const data = (EC_BITS[ecLevel] << 3) | mask;
  let d = data << 10;
  const G15 = 0b10100110111;
  for (let bit = 14; bit >= 10; bit--) if ((d >> bit) & 1) d ^= G15 << (bit - 10);
  return ((data << 10) | d) ^ 0b101010000010010;
}

/** Writes the format information exactly where `qrcode` does (both copies plus the dark module). */
function writeFormat(m: Uint8Array, size: number, bits: number): void {
  for (let i = 0; i < 15; i++) {
    const v = (bits >> i) & 1;
    const row = i < 6 ? i : i < 8 ? i + 1 : size - 15 + i;
    m[row * size + 8] = v;
    const col = i < 8 ? size - i - 1 : i < 9 ? 15 - i : 14 - i;
    m[8 * size + col] = v;
  }
  m[(size - 8) * size + 8] = 1;
}

function maskBit(mask: number, i: number, j: number): number {
  switch (mask) {
    case 0:
      return (i + j) % 2 === 0 ? 1 : 0;
    case 1:
      return i % 2 === 0 ? 1 : 0;
    case 2:
      return j % 3 === 0 ? 1 : 0;
    case 3:
      return (i + j) % 3 === 0 ? 1 : 0;
    case 4:
      return (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0 ? 1 : 0;
    case 5:
      return ((i * j) % 2) + ((i * j) % 3) === 0 ? 1 : 0;
    case 6:
      return (((i * j) % 2) + ((i * j) % 3)) % 2 === 0 ? 1 : 0;
    default:
      return (((i * j) % 3) + ((i + j) % 2)) % 2 === 0 ? 1 : 0;
  }
}

interface MaskTables {
  /** The 8 mask patterns, cleared on the function (reserved) modules. */
  masks: Uint8Array[];
  /** Per module, bit p = mask p's value there. */
  maskBits: Uint8Array;
}

/** Per symbol size (one per QR version, so at most 40 entries). */
const maskCache = new Map<number, MaskTables>();

function maskTables(size: number, reserved: Uint8Array): MaskTables {
  let t = maskCache.get(size);
  if (!t) {
    const masks: Uint8Array[] = [];
    const maskBits = new Uint8Array(size * size);
    for (let p = 0; p < 8; p++) {
      const mk = new Uint8Array(size * size);
      for (let r = 0, k = 0; r < size; r++) {
        for (let c = 0; c < size; c++, k++) {
          mk[k] = reserved[k] ? 0 : maskBit(p, r, c);
          maskBits[k] = (maskBits[k] as number) | ((mk[k] as number) << p);
        }
      }
      masks.push(mk);
    }
    t = { masks, maskBits };
    maskCache.set(size, t);
  }
  return t;
}

const bump = (hist: Uint32Array, i: number) => {
  hist[i] = (hist[i] as number) + 1;
};

/** Per-mask totals from a histogram of 8-bit lane values: total[p] = Σ hist[v] over v with bit p set. */
function laneTotals(hist: Uint32Array, out: Float64Array, weight: number): void {
  for (let v = 1; v < 256; v++) {
    const h = hist[v] as number;
    if (h === 0) continue;
    for (let p = 0; p < 8; p++) if ((v >> p) & 1) out[p] = (out[p] as number) + h * weight;
  }
}

/**
 * ISO 18004 penalties N1..N4 of all 8 masks, counted the way `qrcode` counts them (so the chosen mask is
 * the same): N1 runs of ≥ 5 same-colour modules in a row or column (3 + excess), N2 2×2 same-colour
 * blocks (3 each), N3 1:1:3:1:1 with 4 light modules on one side in any 11-module window (40 each),
 * N4 the dark share's deviation from 50% in 5% steps (10 each).
 * One pass, bit-sliced: each module is a byte whose bit p is its colour under
 * mask p, so every test runs on the 8 candidates at once; counts go into histograms of those bytes and
 * are split per mask at the end. N1 per line = Σ(windows of 5 equal) + 2 × (such windows that start a run),
 * which equals Σ over runs of length L ≥ 5 of (L − 2), qrcode's 3 + (L − 5).
 */
function penalties(lanes: Uint8Array, size: number): Float64Array {
  const w5 = new Uint32Array(256);
  const w5start = new Uint32Array(256);
  const n3 = new Uint32Array(256);
  const n2 = new Uint32Array(256);
  const dark = new Uint32Array(256);
  for (let pass = 0; pass < 2; pass++) {
    // Rows, then columns: index of module b of line a is a·rowStep + b·step.
    const rowStep = pass === 0 ? size : 1;
    const step = pass === 0 ? 1 : size;
    for (let a = 0; a < size; a++) {
      const o = a * rowStep;
      // A sliding window x0..x10 over the line (x0 = module i), with prev = module i − 1.
      let prev = 0xff;
      let x0 = lanes[o] as number;
      let x1 = lanes[o + step] as number;
      let x2 = lanes[o + 2 * step] as number;
      let x3 = lanes[o + 3 * step] as number;
      // size ≥ 21 (version 1), so modules 0..9 exist.
      let x4 = lanes[o + 4 * step] as number;
      let x5 = lanes[o + 5 * step] as number;
      let x6 = lanes[o + 6 * step] as number;
      let x7 = lanes[o + 7 * step] as number;
      let x8 = lanes[o + 8 * step] as number;
      let x9 = lanes[o + 9 * step] as number;
      let x10 = 0;
      for (let i = 0; i + 4 < size; i++) {
        x10 = i + 10 < size ? (lanes[o + (i + 10) * step] as number) : 0;
        const same5 = ~((x0 ^ x1) | (x1 ^ x2) | (x2 ^ x3) | (x3 ^ x4)) & 0xff;
        if (same5 !== 0) {
          bump(w5, same5);
          // The window starts a run where the module before differs (or at the line's start).
          const starts = same5 & (i === 0 ? 0xff : prev ^ x0);
          if (starts !== 0) bump(w5start, starts);
        }
        if (i + 10 < size) {
          // 10111010000 and 00001011101 over the 11 modules from i.
          const a1 = x0 & ~x1 & x2 & x3 & x4 & ~x5 & x6 & ~(x7 | x8 | x9 | x10) & 0xff;
          if (a1 !== 0) bump(n3, a1);
          const b1 = ~(x0 | x1 | x2 | x3) & x4 & ~x5 & x6 & x7 & x8 & ~x9 & x10 & 0xff;
          if (b1 !== 0) bump(n3, b1);
        }
        prev = x0;
        x0 = x1;
        x1 = x2;
        x2 = x3;
        x3 = x4;
        x4 = x5;
        x5 = x6;
        x6 = x7;
        x7 = x8;
        x8 = x9;
        x9 = x10;
      }
    }
  }
  for (let r = 0; r < size - 1; r++) {
    for (let c = 0, k = r * size; c < size - 1; c++, k++) {
      const a = lanes[k] as number;
      const same = ~((a ^ (lanes[k + 1] as number)) | (a ^ (lanes[k + size] as number)) | (a ^ (lanes[k + size + 1] as number))) & 0xff;
      if (same !== 0) bump(n2, same);
    }
  }
  for (let k = 0; k < lanes.length; k++) bump(dark, lanes[k] as number);
  const total = new Float64Array(8);
  laneTotals(w5, total, 1);
  laneTotals(w5start, total, 2);
  laneTotals(n2, total, 3);
  laneTotals(n3, total, 40);
  const darkCount = new Float64Array(8);
  laneTotals(dark, darkCount, 1);
  for (let p = 0; p < 8; p++)
    total[p] = (total[p] as number) + Math.abs(Math.ceil(((darkCount[p] as number) * 100) / lanes.length / 5) - 10) * 10;
  return total;
}

function xorInto(out: Uint8Array, m: Uint8Array, mask: Uint8Array): void {
  for (let k = 0; k < m.length; k++) out[k] = (m[k] as number) ^ (mask[k] as number);
}

/**
 * Chooses the mask with the lowest penalty (first wins on ties, as in `qrcode`) for the unmasked matrix `m`
 * and returns the masked matrix with its format information.
 */
export function chooseMask(m: Uint8Array, reserved: Uint8Array, size: number, ecLevel: EcLevel): { mask: number; modules: Uint8Array } {
  const { masks, maskBits } = maskTables(size, reserved);
  const lanes = new Uint8Array(m.length);
  for (let k = 0; k < m.length; k++) lanes[k] = (m[k] ? 0xff : 0) ^ (maskBits[k] as number);
  // Format information differs per mask: write each mask's bits into its lane.
  const f = new Uint8Array(m.length);
  for (let p = 0; p < 8; p++) {
    writeFormat(f, size, formatBits(ecLevel, p));
    for (const k of formatPositions(size)) lanes[k] = ((lanes[k] as number) & ~(1 << p)) | ((f[k] as number) << p);
  }
  const scores = penalties(lanes, size);
  let best = 0;
  for (let p = 1; p < 8; p++) if ((scores[p] as number) < (scores[best] as number)) best = p;
  const modules = new Uint8Array(m.length);
  xorInto(modules, m, masks[best] as Uint8Array);
  writeFormat(modules, size, formatBits(ecLevel, best));
  return { mask: best, modules };
}

const formatPositionCache = new Map<number, number[]>();

/** Indexes of the 31 format-information modules (both copies and the dark module). */
function formatPositions(size: number): number[] {
  let pos = formatPositionCache.get(size);
  if (!pos) {
    const probe = new Uint8Array(size * size);
    writeFormat(probe, size, 0x7fff);
    pos = [];
    for (let k = 0; k < probe.length; k++) if (probe[k]) pos.push(k);
    formatPositionCache.set(size, pos);
  }
  return pos;
}

/** The QR module matrix for `text`, identical to `qrcode.create(text, { errorCorrectionLevel })`, ~6× faster. Throws if the text does not fit. */
export function qrMatrix(text: string, ecLevel: EcLevel = 'M'): QrMatrix {
  const qr = QRCode.create(text, { errorCorrectionLevel: ecLevel, maskPattern: 0 });
  const { size, data, reservedBit } = qr.modules;
  const unmasked = new Uint8Array(data.length);
  xorInto(unmasked, data, maskTables(size, reservedBit).masks[0] as Uint8Array);
  const { mask, modules } = chooseMask(unmasked, reservedBit, size, ecLevel);
  return { size, modules, version: qr.version, mask };
}

// ---------------------------------------------------------------------------------------------------
// PNG

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** Table-driven CRC-32 (IEEE 802.3, as PNG uses). */
export function crc32Table(buf: Uint8Array, start = 0, end = buf.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = (CRC_TABLE[(c ^ (buf[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// node:zlib has a native crc32 from Node 20.15 / 22.2; the table version serves older runtimes.
const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
const crc32 = (buf: Uint8Array, start: number, end: number): number =>
  nativeCrc32 ? nativeCrc32(buf.subarray(start, end)) : crc32Table(buf, start, end);

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const IEND = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out, 4, 8 + data.length), 8 + data.length);
  return out;
}

// A QR PNG's scanlines are few distinct rows, each repeated `scale` times, and long runs of 0x00/0xFF
// bytes. Instead of building the raw image and running zlib (whose per-call stream setup alone costs
// more than the rest of a render), the IDAT stream is written directly as one fixed-Huffman DEFLATE
// block (RFC 1951 §3.2.6): a module row's first scanline as literals (byte runs as distance-1 matches),
// its repetitions as one distance-`stride` match, and the Adler-32 computed per distinct row.

// Fixed Huffman codes, bit-reversed for the LSB-first bit stream.
const reverse = (code: number, bits: number) => {
  let r = 0;
  for (let i = 0; i < bits; i++) r |= ((code >> i) & 1) << (bits - 1 - i);
  return r;
};
const LIT_CODE = new Uint16Array(286);
const LIT_BITS = new Uint8Array(286);
for (let sym = 0; sym < 286; sym++) {
  const [code, bits] =
    sym < 144 ? [0x30 + sym, 8] : sym < 256 ? [0x190 + sym - 144, 9] : sym < 280 ? [sym - 256, 7] : [0xc0 + sym - 280, 8];
  LIT_CODE[sym] = reverse(code, bits);
  LIT_BITS[sym] = bits;
}
const LEN_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LEN_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385,
  24577,
];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
/** For each match length 3..258: its length symbol index (0..28). */
const LEN_INDEX = new Uint8Array(259);
for (let i = 0; i < LEN_BASE.length; i++) {
  const end = i + 1 < LEN_BASE.length ? (LEN_BASE[i + 1] as number) : 259;
  for (let len = LEN_BASE[i] as number; len < end && len <= 258; len++) LEN_INDEX[len] = i;
}
LEN_INDEX[258] = 28; // 258 has its own symbol (285), not 284 with 31 extra

class BitWriter {
  buf: Uint8Array;
  pos = 0;
  private acc = 0;
  private n = 0;
  constructor(capacity: number) {
    this.buf = new Uint8Array(capacity);
  }
  put(bits: number, count: number): void {
    this.acc |= bits << this.n;
    this.n += count;
    while (this.n >= 8) {
      this.buf[this.pos++] = this.acc & 0xff;
      this.acc >>>= 8;
      this.n -= 8;
    }
  }
  literal(byte: number): void {
    this.put(LIT_CODE[byte] as number, LIT_BITS[byte] as number);
  }
  /** A match of `length` (3..258) at `distance` (1..32768). */
  match(length: number, distance: number): void {
    const li = LEN_INDEX[length] as number;
    const sym = 257 + li;
    this.put(LIT_CODE[sym] as number, LIT_BITS[sym] as number);
    if (LEN_EXTRA[li]) this.put(length - (LEN_BASE[li] as number), LEN_EXTRA[li] as number);
    let di = 0;
    while (di + 1 < DIST_BASE.length && (DIST_BASE[di + 1] as number) <= distance) di++;
    this.put(reverse(di, 5), 5);
    if (DIST_EXTRA[di]) this.put(distance - (DIST_BASE[di] as number), DIST_EXTRA[di] as number);
  }
  /** Copies `total` bytes from `distance` back (overlapping copies repeat the source), in ≤ 258 pieces. */
  copy(total: number, distance: number): void {
    while (total > 0) {
      // Never leave a remainder of 1–2 bytes, which no match can carry.
      let len = Math.min(258, total);
      if (total - len > 0 && total - len < 3) len = total - 3;
      this.match(len, distance);
      total -= len;
    }
  }
  finish(): Uint8Array {
    if (this.n > 0) this.put(0, 8 - this.n);
    return this.buf.subarray(0, this.pos);
  }
}

const ADLER_MOD = 65521;

/** The zlib stream (RFC 1950) of a 1-bit PNG image made of distinct rows each repeated `repeats[i]` times. */
function zlibRows(rows: Uint8Array[], repeats: number[], rowBytes: number): Uint8Array {
  const stride = rowBytes + 1;
  // Bound: a literal row ≤ 9 bits a byte; a copy is one ≤ 31-bit match per 255+ bytes.
  let copied = 0;
  for (const r of repeats) copied += r * stride;
  const w = new BitWriter(16 + rows.length * (Math.ceil((stride * 9) / 8) + 16) + Math.ceil(copied / 255) * 4);
  w.buf[0] = 0x78; // CM 8, 32K window
  w.buf[1] = 0x01; // FLEVEL 0, FCHECK: 0x7801 % 31 === 0
  w.pos = 2;
  w.put(0b011, 3); // BFINAL 1, BTYPE 01 (fixed Huffman)
  let a = 1;
  let b = 0;
  let previous: Uint8Array | undefined;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as Uint8Array;
    let times = repeats[i] as number;
    if (previous && Buffer.compare(previous, row) === 0) {
      w.copy(times * stride, stride);
    } else {
      w.literal(0); // filter: None
      for (let x = 0; x < rowBytes; ) {
        const v = row[x] as number;
        let run = 1;
        while (x + run < rowBytes && row[x + run] === v && run < 259) run++;
        w.literal(v);
        if (run >= 4) {
          w.match(run - 1, 1);
        } else {
          for (let k = 1; k < run; k++) w.literal(v);
        }
        x += run;
      }
      if (times > 1) w.copy((times - 1) * stride, stride);
    }
    previous = row;
    // Adler-32 of (filter byte 0, row bytes), `times` times: a += S, b += n·a + Σ (n − i)·byte_i.
    let sum = 0;
    let weighted = 0;
    for (let x = 0; x < rowBytes; x++) {
      sum += row[x] as number;
      weighted += (rowBytes - x) * (row[x] as number);
    }
    for (; times > 0; times--) {
      b = (b + stride * a + weighted) % ADLER_MOD;
      a = (a + sum) % ADLER_MOD;
    }
  }
  w.put(LIT_CODE[256] as number, LIT_BITS[256] as number); // end of block
  const body = w.finish();
  const out = new Uint8Array(body.length + 4);
  out.set(body);
  const adler = ((b << 16) | a) >>> 0;
  out[body.length] = adler >>> 24;
  out[body.length + 1] = (adler >>> 16) & 0xff;
  out[body.length + 2] = (adler >>> 8) & 0xff;
  out[body.length + 3] = adler & 0xff;
  return out;
}

/** Clears bits [x0, x1) of a 1-bit scanline (MSB first): black pixels. */
function clearBits(line: Uint8Array, x0: number, x1: number): void {
  const b0 = x0 >> 3;
  const b1 = (x1 - 1) >> 3;
  const head = 0xff >> (x0 & 7); // bits from x0 to the end of its byte
  const tail = (0xff << (7 - ((x1 - 1) & 7))) & 0xff; // bits from the start of the last byte to x1 − 1
  if (b0 === b1) {
    line[b0] = (line[b0] as number) & ~(head & tail);
    return;
  }
  line[b0] = (line[b0] as number) & ~head;
  if (b1 > b0 + 1) line.fill(0, b0 + 1, b1);
  line[b1] = (line[b1] as number) & ~tail;
}

/** Encodes a matrix as a 1-bit greyscale PNG (dark modules black, light white), `scale` px per module. */
export function matrixToPng(matrix: QrMatrix, scale: number, margin: number): Buffer {
  const { size, modules } = matrix;
  const dim = (size + 2 * margin) * scale;
  const rowBytes = (dim + 7) >> 3;
  const rows: Uint8Array[] = [];
  const repeats: number[] = [];
  const white = new Uint8Array(rowBytes).fill(0xff);
  if (margin > 0) {
    rows.push(white);
    repeats.push(margin * scale);
  }
  // All module rows in one buffer; dark runs cleared as bit spans, not pixel by pixel.
  const lines = new Uint8Array(size * rowBytes).fill(0xff);
  for (let r = 0; r < size; r++) {
    const line = lines.subarray(r * rowBytes, (r + 1) * rowBytes);
    const base = r * size;
    for (let c = 0; c < size; ) {
      if (modules[base + c] === 0) {
        c++;
        continue;
      }
      const start = c;
      while (c < size && modules[base + c] === 1) c++;
      clearBits(line, (margin + start) * scale, (margin + c) * scale);
    }
    rows.push(line);
    repeats.push(scale);
  }
  if (margin > 0) {
    rows.push(white);
    repeats.push(margin * scale);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(dim, 0);
  ihdr.writeUInt32BE(dim, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', zlibRows(rows, repeats, rowBytes)), IEND]);
}

// ---------------------------------------------------------------------------------------------------
// SVG

/** Encodes a matrix as SVG: one path of horizontal runs, `sizePx` wide, crisp edges. */
export function matrixToSvg(matrix: QrMatrix, sizePx: number, margin: number): string {
  const { size, modules } = matrix;
  const dim = size + 2 * margin;
  let d = '';
  for (let r = 0; r < size; r++) {
    let c = 0;
    while (c < size) {
      if (modules[r * size + c] === 0) {
        c++;
        continue;
      }
      const start = c;
      while (c < size && modules[r * size + c] === 1) c++;
      d += `M${start + margin} ${r + margin}h${c - start}v1h${start - c}z`;
    }
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${sizePx}" height="${sizePx}" viewBox="0 0 ${dim} ${dim}" shape-rendering="crispEdges">` +
    `<rect width="${dim}" height="${dim}" fill="#fff"/><path fill="#000" d="${d}"/></svg>`
  );
}

// ---------------------------------------------------------------------------------------------------
// Cache + public API

/** A Map-based LRU: re-inserting on hit keeps insertion order = recency order. */
export class LruCache<V> {
  private readonly map = new Map<string, V>();
  constructor(readonly max: number) {}
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
  }
  get size(): number {
    return this.map.size;
  }
  clear(): void {
    this.map.clear();
  }
}

const pngCache = new LruCache<Buffer>(500);
const svgCache = new LruCache<string>(500);

const cacheKey = (text: string, o: Resolved) => `${o.ecLevel}${o.margin}/${o.sizePx}/${text}`;

/** Pixels per module for a wanted size: the largest whole number that fits, at least 1. */
export function qrScale(modules: number, sizePx: number, margin: number): number {
  return Math.max(1, Math.floor(sizePx / (modules + 2 * margin)));
}

/**
 * A QR code as a 1-bit greyscale PNG. Throws RangeError for bad options or text too long for a QR code.
 * Cached (LRU, 500 entries); pass `cache: false` to bypass (benchmarks).
 */
export function renderQrPng(text: string, options: QrRenderOptions = {}, cache = true): Buffer {
  const o = resolve(options);
  const key = cacheKey(text, o);
  if (cache) {
    const hit = pngCache.get(key);
    if (hit) return Buffer.from(hit); // a copy: callers may not poison the cache
  }
  const matrix = qrMatrix(text, o.ecLevel);
  const png = matrixToPng(matrix, qrScale(matrix.size, o.sizePx, o.margin), o.margin);
  if (cache) pngCache.set(key, png);
  return cache ? Buffer.from(png) : png;
}

/** A QR code as an SVG document (`sizePx` wide; scales cleanly). Cached like {@link renderQrPng}. */
export function renderQrSvg(text: string, options: QrRenderOptions = {}, cache = true): string {
  const o = resolve(options);
  const key = cacheKey(text, o);
  const hit = cache ? svgCache.get(key) : undefined;
  if (hit !== undefined) return hit;
  const svg = matrixToSvg(qrMatrix(text, o.ecLevel), o.sizePx, o.margin);
  if (cache) svgCache.set(key, svg);
  return svg;
}

/** Empties the render caches (tests, benchmarks). */
export function clearQrRenderCache(): void {
  pngCache.clear();
  svgCache.clear();
}
