import { decodeEmv } from '@paydesk/domain';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderQrPng } from '../../apps/server/src/qr/render.ts';
import { dialects } from '../support/databases.ts';
import { addStaff, addStoreAndStation, registerOwner } from '../support/factories.ts';
import type { HttpClient } from '../support/http-client.ts';
import { expectNeverRunTwiceAfterLostAnswer } from '../support/lost-answer.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

const minute = 60_000;

/** Uploads raw image bytes the way the console does. */
function upload(client: HttpClient, bytes: Buffer, query: string, headers: Record<string, string> = {}) {
  return client.raw('POST', `/api/codes/upload?${query}`, bytes, 'image/png', headers);
}

const photo = async (text: string) =>
  sharp({ create: { width: 900, height: 900, channels: 3, background: '#d8d2c4' } })
    .composite([{ input: renderQrPng(text, { sizePx: 420 }), left: 240, top: 240 }])
    .jpeg({ quality: 80 })
    .toBuffer();

describe.each(dialects)('collection codes on %s', (dialect) => {
  let t: TestApp;
  let owner: HttpClient;
  let storeId: string;
  let stationId: string;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    owner = (await registerOwner(t)).client;
    ({ storeId, stationId } = await addStoreAndStation(owner));
  });
  afterAll(async () => {
    await t.close();
  });

  it('generates a static store code pointing at the pay page, with serial and validity', async () => {
    const res = await owner.post('/api/codes', { kind: 'static', storeId, stationId });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'static', provider: 'paydesk', status: 'active', serial: expect.stringMatching(/^PD\d{6}$/) });
    expect(res.body.content).toBe(`http://localhost:3000/p/${res.body.payPageId}`);
    expect(res.body.payPageId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(res.body.expiresAt - res.body.validFrom).toBe(365 * 24 * 60 * minute);
    const list = await owner.get('/api/codes');
    expect(list.body.items.map((c: { id: string }) => c.id)).toContain(res.body.id);
  });

  it('generates a dynamic code for an amount with a 1–120 minute expiry', async () => {
    const res = await owner.post('/api/codes', { kind: 'dynamic', storeId, amountFen: 2372 });
    expect(res.status).toBe(201);
    expect(res.body.amountFen).toBe(2372);
    expect(res.body.expiresAt - res.body.validFrom).toBe(5 * minute);
    for (const bad of [{ expiresInMinutes: 0 }, { expiresInMinutes: 121 }]) {
      const r = await owner.post('/api/codes', { kind: 'dynamic', storeId, amountFen: 100, ...bad });
      expect(r.body.error.code).toBe('EXPIRY_INVALID');
    }
    for (const amountFen of [0, -1]) {
      const r = await owner.post('/api/codes', { kind: 'dynamic', storeId, amountFen });
      expect(r.body.error.code).toBe('AMOUNT_INVALID');
    }
    const r = await owner.post('/api/codes', { kind: 'dynamic', storeId, amountFen: 1.5 });
    expect(r.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('needs a UnionPay/EMV account for an EMVCo code, then encodes one that decodes', async () => {
    // A refusal frees its Idempotency-Key: once the account is set, the same request with the same key works.
    const key = { 'idempotency-key': 'emv-first-try' };
    const missing = await owner.post('/api/codes', { kind: 'emvco', storeId }, key);
    expect(missing.body.error.code).toBe('EMV_ACCOUNT_MISSING');
    const bad = await owner.put('/api/channels/unionpay-emv', {
      acquirerIin: '123',
      merchantNo: '1',
      mcc: 'x',
      nameLatin: '中文',
      city: 'Beijing',
    });
    expect(bad.body.error.code).toBe('EMV_ACCOUNT_INVALID');
    const saved = await owner.put('/api/channels/unionpay-emv', {
      acquirerIin: '48020000',
      merchantNo: '898340149000005',
      mcc: '5411',
      nameLatin: 'TEST SHOP',
      city: 'Beijing',
    });
    expect(saved.status).toBe(200);
    const retried = await owner.post('/api/codes', { kind: 'emvco', storeId }, key);
    expect(retried.status).toBe(201);
    expect((await owner.post('/api/codes', { kind: 'emvco', storeId }, key)).headers['idempotent-replayed']).toBe('true');
    const res = await owner.post('/api/codes', { kind: 'emvco', storeId, amountFen: 2372, expiresInMinutes: 10 });
    expect(res.status).toBe(201);
    const emv = decodeEmv(res.body.content, { strict: true });
    expect(emv.ok).toBe(true);
    if (emv.ok) {
      expect(emv.value).toMatchObject({
        initiation: 'dynamic',
        amountFen: 2372,
        currency: '156',
        merchantName: 'TEST SHOP',
        country: 'CN',
      });
      expect(emv.value.additionalData?.reference).toBe(res.body.serial);
      expect(emv.value.alternateLanguage?.name).toBe('测试便利店有限公司');
    }
  });

  it('accepts a clear upload of a merchant code and keeps the image and text', async () => {
    const text = 'https://payapp.weixin.qq.com/qr/AbCdEfGh123456?t=1';
    const res = await upload(owner, await photo(text), `storeId=${storeId}&stationId=${stationId}`);
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      verdict: 'clear',
      notice: null,
      code: { provider: 'wechat', providerKind: 'merchant', content: text, source: 'uploaded' },
    });
    const image = await owner.get(`/api/codes/${res.body.code.id}/image`);
    expect(image.status).toBe(200);
    expect(image.headers['content-type']).toBe('image/jpeg');
  });

  it('accepts a personal code with the 259号 notice', async () => {
    const res = await upload(owner, await photo('wxp://f2f0AbCdEfGhIjKlMnOpQrStUvWxYz012345'), `storeId=${storeId}`);
    expect(res.status, res.text).toBe(201);
    expect(res.body.notice).toBe('personal_code');
    expect(res.body.code.providerKind).toBe('personal');
  });

  it('refuses pictures to retake with a specific reason and stores nothing', async () => {
    const before = await t.db.kysely
      .selectFrom('collection_codes')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const blank = await sharp({ create: { width: 400, height: 400, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    const twoCodes = await sharp({ create: { width: 1000, height: 500, channels: 3, background: '#fff' } })
      .composite([
        { input: renderQrPng('https://qr.alipay.com/fkx11111', { sizePx: 400 }), left: 40, top: 50 },
        { input: renderQrPng('https://qr.alipay.com/fkx22222', { sizePx: 400 }), left: 540, top: 50 },
      ])
      .png()
      .toBuffer();
    const cases: [Buffer, string, number][] = [
      [Buffer.alloc(0), 'IMAGE_EMPTY', 422],
      [Buffer.from('hello, not an image'), 'IMAGE_NOT_AN_IMAGE', 422],
      [blank, 'IMAGE_NO_CODE', 422],
      [twoCodes, 'IMAGE_MULTIPLE_CODES', 422],
      [await photo('https://example.com/menu'), 'IMAGE_NOT_PAYMENT_CODE', 422],
      [await photo('javascript:alert(1)'), 'CODE_DANGEROUS', 422],
      [await photo('weixin://wxpay/bizpayurl?pr=abc123'), 'IMAGE_NOT_PAYMENT_CODE', 422],
    ];
    for (const [bytes, code, status] of cases) {
      const res = await upload(owner, bytes, `storeId=${storeId}`);
      expect([res.status, res.body.error.code], code).toEqual([status, code]);
      expect(res.body.error.message).toBeTruthy();
    }
    const after = await t.db.kysely
      .selectFrom('collection_codes')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('prints the card as A6 and A5 PDF with an embedded CJK font, and as PNG', async () => {
    const code = (await owner.post('/api/codes', { kind: 'static', storeId })).body;
    for (const size of ['A6', 'A5']) {
      const pdf = await owner.get(`/api/codes/${code.id}/card?format=pdf&size=${size}`);
      expect(pdf.status).toBe(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      const bytes = Buffer.from(pdf.text, 'latin1');
      expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
      expect(pdf.text).toMatch(/FontFile2|CIDFontType2/);
      expect(pdf.text).toMatch(size === 'A6' ? /MediaBox \[0 0 297\.64 419\.53\]/ : /MediaBox \[0 0 419\.53 595\.28\]/);
    }
    const png = await owner.get(`/api/codes/${code.id}/card?format=png`);
    expect(png.status).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
  });

  it('disables and enables a code, and a cashier may read but not manage codes', async () => {
    const code = (await owner.post('/api/codes', { kind: 'static', storeId })).body;
    expect((await owner.post(`/api/codes/${code.id}/disable`)).body.status).toBe('disabled');
    expect((await owner.post(`/api/codes/${code.id}/enable`)).body.status).toBe('active');
    const cashier = await addStaff(t, owner, 'cashier', storeId);
    expect((await cashier.client.get(`/api/codes/${code.id}`)).status).toBe(200);
    expect((await cashier.client.post('/api/codes', { kind: 'static', storeId })).body.error.code).toBe('FORBIDDEN');
    expect((await cashier.client.post(`/api/codes/${code.id}/disable`)).body.error.code).toBe('FORBIDDEN');
  });

  it('shows an expired code as expired', async () => {
    const code = (await owner.post('/api/codes', { kind: 'dynamic', storeId, amountFen: 100, expiresInMinutes: 1 })).body;
    t.clock.advance(61_000);
    expect((await owner.get(`/api/codes/${code.id}`)).body.status).toBe('expired');
  });

  it('never makes a code twice when the answer was lost and the same request is sent again later', async () => {
    const codes = async () => (await owner.get(`/api/codes?storeId=${storeId}`)).body.items.length as number;
    await expectNeverRunTwiceAfterLostAnswer(t, (headers) => owner.post('/api/codes', { kind: 'static', storeId }, headers), codes);
    const picture = await photo('https://qr.alipay.com/fkx00000lostanswer');
    await expectNeverRunTwiceAfterLostAnswer(t, (headers) => upload(owner, picture, `storeId=${storeId}`, headers), codes);
  });
});
