import { crc32 } from 'node:zlib';
import type { ErrorCode } from '@paydesk/domain';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gifDeclaring, pngDeclaring } from '../qr/corpus.ts';
import { expectError } from '../support/assertions.ts';
import { dialects } from '../support/databases.ts';
import { tableDigests } from '../support/db-digest.ts';
import { addStoreAndStation, registerOwner } from '../support/factories.ts';
import type { HttpClient } from '../support/http-client.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { pictureOf } from './shop.ts';

const MB = 1024 * 1024;
const walletCode = 'https://payapp.weixin.qq.com/qr/SecurityUploads01';

/** A real 16×16 JPEG whose frame header (SOF0) is rewritten to declare `w`×`h`. */
async function jpegDeclaring(w: number, h: number): Promise<Buffer> {
  const jpeg = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#fff' } })
    .jpeg({ progressive: false })
    .toBuffer();
  const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
  jpeg.writeUInt16BE(h, sof + 5);
  jpeg.writeUInt16BE(w, sof + 7);
  return jpeg;
}

/** A real lossless 16×16 WebP whose VP8L header is rewritten to declare `w`×`h` (up to 16383 each). */
async function webpDeclaring(w: number, h: number): Promise<Buffer> {
  const webp = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#fff' } })
    .webp({ lossless: true })
    .toBuffer();
  const header = webp.indexOf(Buffer.from('VP8L', 'latin1')) + 9;
  const bits = webp.readUInt32LE(header);
  // 14 bits width − 1, 14 bits height − 1, then alpha and version, which stay.
  webp.writeUInt32LE(((bits & 0xf0000000) | ((h - 1) << 14) | (w - 1)) >>> 0, header);
  return webp;
}

/** A valid zip archive holding one stored file: what a ".png" from a file-sharing site may really be. */
function zipOf(name: string, content: Buffer): Buffer {
  const fileName = Buffer.from(name, 'utf8');
  const sum = crc32(content);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(sum, 14);
  local.writeUInt32LE(content.length, 18);
  local.writeUInt32LE(content.length, 22);
  local.writeUInt16LE(fileName.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(sum, 16);
  central.writeUInt32LE(content.length, 20);
  central.writeUInt32LE(content.length, 24);
  central.writeUInt16LE(fileName.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + fileName.length, 12);
  end.writeUInt32LE(local.length + fileName.length + content.length, 16);
  return Buffer.concat([local, fileName, content, central, fileName, end]);
}

const svg = Buffer.from(
  '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="600" height="600"><script>alert(document.cookie)</script>' +
    '<rect width="600" height="600" fill="#fff"/></svg>',
);

describe.each(dialects)('uploads on %s', (dialect) => {
  let t: TestApp;
  let owner: HttpClient;
  let storeId: string;
  let uploadUrl: string;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    owner = (await registerOwner(t)).client;
    ({ storeId } = await addStoreAndStation(owner));
    uploadUrl = `/api/codes/upload?storeId=${storeId}`;
  });
  afterAll(async () => {
    await t.close();
  });

  /** Uploads to the code upload and to the simulator's scanner, and checks the refusal and that nothing was kept. */
  async function expectRefused(what: string, bytes: Buffer, contentType: string, code: ErrorCode, verdict: string) {
    const before = await tableDigests(t.db);
    const upload = await owner.raw('POST', uploadUrl, bytes, contentType, { 'idempotency-key': `upload-${what.replace(/\W+/g, '-')}` });
    expect(upload.body?.error?.code, `${what} as ${contentType}: ${upload.text.slice(0, 300)}`).toBe(code);
    expectError(upload, code);
    if (upload.status === 422) expect(upload.body.error.detail.verdict, what).toBe(verdict);
    // The simulator's scanner reads pictures with the same decoder, and keeps nothing either.
    const scan = await owner.raw('POST', '/api/sim/scan-image', bytes, contentType);
    expect(scan.status, `scan ${what}: ${scan.text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
    expect(scan.status, `scan ${what}`).toBeLessThan(500);
    if (scan.body.error.code === 'IMAGE_NO_CODE') expect(scan.body.error.detail.verdict, `scan ${what}`).toBe(verdict);
    expect(await tableDigests(t.db), what).toEqual(before);
  }

  it('refuses tiny pictures that declare huge dimensions', async () => {
    const bombs: [string, Buffer, string][] = [
      ['PNG of 30000×30000', pngDeclaring(30000, 30000), 'image/png'],
      ['GIF of 30000×30000', gifDeclaring(30000, 30000), 'image/gif'],
      ['JPEG of 60000×60000', await jpegDeclaring(60000, 60000), 'image/jpeg'],
      ['WebP of 16000×16000', await webpDeclaring(16000, 16000), 'image/webp'],
      ['PNG of 9000×10', pngDeclaring(9000, 10), 'image/png'],
    ];
    for (const [what, bytes, type] of bombs) {
      expect(bytes.length, what).toBeLessThan(1024);
      for (const contentType of [type, 'application/octet-stream']) {
        await expectRefused(what, bytes, contentType, 'IMAGE_TOO_MANY_PIXELS', 'too_many_pixels');
      }
    }
  });

  it('refuses a real picture of more than 12 megapixels that compresses to almost nothing', async () => {
    const blank = await sharp({ create: { width: 4000, height: 4000, channels: 3, background: '#fff' } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    expect(blank.length).toBeLessThan(MB);
    await expectRefused('blank 16 MP PNG', blank, 'image/png', 'IMAGE_TOO_MANY_PIXELS', 'too_many_pixels');
  });

  it('refuses files over 10 MB: up to the body limit with the image error, beyond it before reading', async () => {
    const png = await pictureOf(walletCode);
    const padded = Buffer.concat([png, Buffer.alloc(10 * MB + 1 - png.length)]);
    await expectRefused('10 MB + 1 byte', padded, 'image/png', 'IMAGE_TOO_LARGE', 'too_large');
    const before = await tableDigests(t.db);
    const huge = await owner.raw('POST', uploadUrl, Buffer.concat([png, Buffer.alloc(13 * MB)]), 'image/png');
    expectError(huge, 'BODY_TOO_LARGE');
    expect(await tableDigests(t.db)).toEqual(before);
  });

  it('goes by the bytes, not the claimed type: other files named as pictures are refused', async () => {
    const png = await pictureOf(walletCode);
    const jpeg = await sharp(png).jpeg().toBuffer();
    const cases: [string, Buffer, ErrorCode, string][] = [
      ['a zip archive named .png', zipOf('code.png', png), 'IMAGE_NOT_AN_IMAGE', 'not_an_image'],
      ['an SVG with a script named .png', svg, 'IMAGE_UNSUPPORTED_TYPE', 'unsupported_type'],
      [
        'an HTML page named .png',
        Buffer.from('<!doctype html><html><body><img src=x onerror=alert(1)></body></html>'),
        'IMAGE_NOT_AN_IMAGE',
        'not_an_image',
      ],
      ['a PNG signature on JPEG data', Buffer.concat([png.subarray(0, 8), jpeg]), 'IMAGE_CORRUPT', 'corrupt_image'],
      ['a PNG cut off after its header', png.subarray(0, 64), 'IMAGE_CORRUPT', 'corrupt_image'],
    ];
    for (const [what, bytes, code, verdict] of cases) {
      for (const contentType of ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/octet-stream']) {
        await expectRefused(what, bytes, contentType, code, verdict);
      }
    }
    // A type the upload does not take is refused before anything reads it.
    for (const contentType of ['image/svg+xml', 'application/zip', 'text/html']) {
      const before = await tableDigests(t.db);
      expectError(await owner.raw('POST', uploadUrl, svg, contentType), 'UNSUPPORTED_MEDIA_TYPE');
      expect(await tableDigests(t.db), contentType).toEqual(before);
    }
  });

  it('keeps a real picture announced as another type as what it is, and serves it only as that', async () => {
    const jpeg = await sharp(await pictureOf(walletCode))
      .jpeg()
      .toBuffer();
    const res = await owner.raw('POST', uploadUrl, jpeg, 'image/png');
    expect(res.status, res.text).toBe(201);
    const image = await t.app.fastify.inject({ url: `/api/codes/${res.body.code.id}/image`, headers: { cookie: String(owner.cookie) } });
    expect(image.headers['content-type']).toBe('image/jpeg');
    expect(image.rawPayload.equals(jpeg)).toBe(true);
  });
});
