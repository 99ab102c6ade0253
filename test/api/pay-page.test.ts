import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../../apps/server/src/qr/decode.ts';
import { uploadCode } from '../support/codes.ts';
import { dialects } from '../support/databases.ts';
import { addStoreAndStation, registerOwner } from '../support/factories.ts';
import type { HttpClient } from '../support/http-client.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

const wechatUa =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN';
const alipayUa = 'Mozilla/5.0 (Linux; Android 13) Mobile Safari/537.36 AlipayClient/10.5.36.8100 Language/zh-Hans';
const desktopUa = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36';
const wechatCode = 'https://payapp.weixin.qq.com/qr/PAYPAGE0001';
const alipayCode = 'https://qr.alipay.com/fkx0paypage0001';

describe.each(dialects)('the pay page /p/:id on %s', (dialect) => {
  let t: TestApp;
  let owner: HttpClient;
  let payPageId: string;
  let codeId: string;
  const customer = () => t.client('203.0.113.9');

  beforeAll(async () => {
    t = await createTestApp(dialect);
    owner = (await registerOwner(t, { enterpriseName: '<b>老王</b>便利店' })).client;
    const { storeId, stationId } = await addStoreAndStation(owner);
    const store = (await owner.post('/api/codes', { kind: 'static', storeId, stationId })).body;
    payPageId = store.payPageId;
    codeId = store.id;
    await owner.post('/api/bindings', { codeId: store.id, storeId, stationId, method: 'all', merchantNo: '' });
    const wechat = await uploadCode(owner, wechatCode, storeId);
    await owner.post('/api/bindings', { codeId: wechat.id, storeId, stationId, method: 'wechatpay', merchantNo: '1900000109' });
    const alipay = await uploadCode(owner, alipayCode, storeId);
    // A store-wide binding: the page falls back to it for every station of the store.
    await owner.post('/api/bindings', { codeId: alipay.id, storeId, method: 'alipay', merchantNo: '2088102146225135' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('asks WeChat users for the amount, then shows the WeChat code to long-press, with the ¥500 notice', async () => {
    const first = await customer().get(`/p/${payPageId}`, { 'user-agent': wechatUa });
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toContain('text/html');
    expect(first.text).toContain('&lt;b&gt;老王&lt;/b&gt;便利店');
    expect(first.text).not.toContain('<b>老王</b>');
    expect(first.text).toContain('请输入付款金额');
    expect(first.text).toContain('500 元');
    expect(first.headers['content-security-policy']).toContain("default-src 'none'");

    const withAmount = await customer().get(`/p/${payPageId}?amount=23.5`, { 'user-agent': wechatUa });
    expect(withAmount.text).toContain('¥23.50');
    expect(withAmount.text).toContain(`/p/${payPageId}/wallet/wechatpay`);
    expect(withAmount.text).not.toContain('wallet/alipay');

    const image = await t.app.fastify.inject({ method: 'GET', url: `/p/${payPageId}/wallet/wechatpay` });
    expect(image.headers['content-type']).toBe('image/png');
    const decoded = await decodeImage(image.rawPayload);
    expect(decoded.ok && decoded.codes[0]?.text).toBe(wechatCode);
  });

  it('sends Alipay users straight to the Alipay code', async () => {
    const res = await customer().get(`/p/${payPageId}`, { 'user-agent': alipayUa });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(alipayCode);
  });

  it('offers a desktop browser the choice of wallets', async () => {
    const res = await customer().get(`/p/${payPageId}?amount=8`, { 'user-agent': desktopUa });
    expect(res.text).toContain('wallet/wechatpay');
    expect(res.text).toContain('wallet/alipay');
  });

  it('says so when the amount is not valid', async () => {
    for (const amount of ['abc', '1.234', '-5', '0']) {
      const res = await customer().get(`/p/${payPageId}?amount=${encodeURIComponent(amount)}`, { 'user-agent': wechatUa });
      expect(res.text, amount).toContain('金额无效');
      expect(res.text).not.toContain('wallet/wechatpay');
    }
  });

  it('takes no money through a disabled, expired or unknown code', async () => {
    expect((await customer().get('/p/AAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
    expect((await customer().get('/p/bad id')).status).toBe(400);
    await owner.post(`/api/codes/${codeId}/disable`);
    const disabled = await customer().get(`/p/${payPageId}?amount=5`, { 'user-agent': wechatUa });
    expect(disabled.status).toBe(410);
    expect(disabled.text).toContain('已停用');
    expect(disabled.text).not.toContain('wallet/');
    expect((await t.app.fastify.inject({ method: 'GET', url: `/p/${payPageId}/wallet/wechatpay` })).statusCode).toBe(410);
    await owner.post(`/api/codes/${codeId}/enable`);

    const { storeId } = await addStoreAndStation(owner, '二号店');
    const dynamic = (await owner.post('/api/codes', { kind: 'dynamic', storeId, amountFen: 1234, expiresInMinutes: 2 })).body;
    const live = await customer().get(`/p/${dynamic.payPageId}`, { 'user-agent': wechatUa });
    expect(live.text).toContain('¥12.34');
    expect(live.text).toContain('2 分钟内有效');
    t.clock.advance(2 * 60_000);
    const expired = await customer().get(`/p/${dynamic.payPageId}`, { 'user-agent': wechatUa });
    expect(expired.status).toBe(410);
    expect(expired.text).toContain('已过期');
  });
});
