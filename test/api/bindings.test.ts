import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadCode } from '../support/codes.ts';
import { dialects } from '../support/databases.ts';
import { addStaff, addStoreAndStation, registerOwner } from '../support/factories.ts';
import type { HttpClient } from '../support/http-client.ts';
import { expectNeverRunTwiceAfterLostAnswer } from '../support/lost-answer.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

describe.each(dialects)('binding codes to the cashier on %s', (dialect) => {
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

  it('previews, confirms, and a rebinding retires the old one with history kept', async () => {
    const first = await uploadCode(owner, 'https://payapp.weixin.qq.com/qr/FIRST0001', storeId);
    const input = { codeId: first.id, storeId, stationId, method: 'wechatpay', merchantNo: '1900000109' };
    const preview = await owner.post('/api/bindings/preview', input);
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ storeName: '一号店', stationName: '1 号收银台', replaces: null });
    const bound = await owner.post('/api/bindings', input);
    expect(bound.status).toBe(201);
    expect(bound.body).toMatchObject({ status: 'active', verified: false, merchantNo: '1900000109' });

    const second = await uploadCode(owner, 'https://payapp.weixin.qq.com/qr/SECOND002', storeId);
    const input2 = { ...input, codeId: second.id, merchantNo: '1900000110' };
    expect((await owner.post('/api/bindings/preview', input2)).body.replaces.id).toBe(bound.body.id);
    const rebound = await owner.post('/api/bindings', input2);
    expect(rebound.status).toBe(201);

    const all = await owner.get(`/api/bindings`);
    const old = all.body.items.find((b: { id: string }) => b.id === bound.body.id);
    expect(old).toMatchObject({ status: 'retired', merchantNo: '1900000109' });
    expect(
      (await owner.get('/api/bindings?active=true')).body.items.filter((b: { stationId: string }) => b.stationId === stationId),
    ).toHaveLength(1);

    const history = await owner.get(`/api/codes/${first.id}/history`);
    expect(history.body.entries.map((e: { action: string }) => e.action)).toEqual(['code.uploaded', 'binding.created', 'binding.retired']);
    const retiredEntry = history.body.entries.at(-1);
    expect(retiredEntry.detail.replacedBy).toBe(rebound.body.id);
  });

  it('checks merchant numbers per wallet and refuses a code of another wallet', async () => {
    const alipay = await uploadCode(owner, 'https://qr.alipay.com/stx00000abcdef', storeId);
    const wrongNo = await owner.post('/api/bindings/preview', { codeId: alipay.id, storeId, method: 'alipay', merchantNo: '1900000109' });
    expect(wrongNo.body.error.code).toBe('MERCHANT_NO_INVALID');
    expect(wrongNo.body.error.fields[0].field).toBe('merchantNo');
    const mismatch = await owner.post('/api/bindings/preview', {
      codeId: alipay.id,
      storeId,
      method: 'wechatpay',
      merchantNo: '1900000109',
    });
    expect(mismatch.status).toBe(409);
    expect(mismatch.body.error.code).toBe('BINDING_METHOD_MISMATCH');
    expect(mismatch.body.error.detail).toMatchObject({ provider: 'alipay', allowed: ['alipay'] });
    const ok = await owner.post('/api/bindings', { codeId: alipay.id, storeId, method: 'alipay', merchantNo: '2088102146225135' });
    expect(ok.status).toBe(201);
  });

  it('binds the aggregated store code to all wallets, and refuses disabled codes', async () => {
    const code = (await owner.post('/api/codes', { kind: 'static', storeId, stationId })).body;
    const ok = await owner.post('/api/bindings', { codeId: code.id, storeId, stationId, method: 'all', merchantNo: '' });
    expect(ok.status).toBe(201);
    await owner.post(`/api/codes/${code.id}/disable`);
    const refused = await owner.post('/api/bindings/preview', { codeId: code.id, storeId, method: 'all', merchantNo: '' });
    expect(refused.body.error.code).toBe('CODE_NOT_ACTIVE');
  });

  it('replays a confirmation with the same Idempotency-Key instead of binding twice', async () => {
    const code = await uploadCode(owner, 'https://qr.95516.com/00010000/01234567890123456789', storeId);
    const body = { codeId: code.id, storeId, stationId, method: 'unionpay', merchantNo: '898340149000005' };
    const a = await owner.post('/api/bindings', body, { 'idempotency-key': 'bind-1' });
    const b = await owner.post('/api/bindings', body, { 'idempotency-key': 'bind-1' });
    expect(b.status).toBe(201);
    expect(b.headers['idempotent-replayed']).toBe('true');
    expect(b.body.id).toBe(a.body.id);
  });

  it('never binds twice when the answer of a confirmation was lost and it is sent again later', async () => {
    const code = await uploadCode(owner, 'https://qr.95516.com/00010000/01234567890123450000', storeId);
    const body = { codeId: code.id, storeId, method: 'unionpay', merchantNo: '898340149000005' };
    const bindings = async () => (await owner.get(`/api/bindings?codeId=${code.id}`)).body.items.length as number;
    await expectNeverRunTwiceAfterLostAnswer(t, (headers) => owner.post('/api/bindings', body, headers), bindings);
  });

  it('lets a cashier read bindings but not change them', async () => {
    const cashier = await addStaff(t, owner, 'cashier', storeId);
    const code = await uploadCode(owner, 'https://qr.alipay.com/stx00000zzzzzz', storeId);
    const res = await cashier.client.post('/api/bindings', { codeId: code.id, storeId, method: 'alipay', merchantNo: '2088102146225135' });
    expect(res.body.error.code).toBe('FORBIDDEN');
    expect((await cashier.client.get('/api/bindings')).status).toBe(200);
  });

  it('never lets another merchant bind or read these codes', async () => {
    const other = (await registerOwner(t)).client;
    const { storeId: otherStore } = await addStoreAndStation(other);
    const code = await uploadCode(owner, 'https://qr.alipay.com/stx00000yyyyyy', storeId);
    const probes = [
      await other.get(`/api/codes/${code.id}`),
      await other.get(`/api/codes/${code.id}/card`),
      await other.get(`/api/codes/${code.id}/image`),
      await other.get(`/api/codes/${code.id}/history`),
      await other.post(`/api/codes/${code.id}/disable`),
      await other.post('/api/bindings', { codeId: code.id, storeId: otherStore, method: 'alipay', merchantNo: '2088102146225135' }),
      await other.post('/api/bindings', { codeId: code.id, storeId, method: 'alipay', merchantNo: '2088102146225135' }),
    ];
    for (const p of probes) expect(p.status).toBe(404);
    expect((await other.get('/api/codes')).body.items).toEqual([]);
    expect((await owner.get(`/api/codes/${code.id}`)).body.status).toBe('active');
  });
});
