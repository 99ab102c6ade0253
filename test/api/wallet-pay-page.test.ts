import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../support/databases.ts';
import type { HttpClient } from '../support/http-client.ts';
import { alipaySettings, startWalletShop, type WalletShop, wechatMerchant, wechatSettings } from './wallet-shop.ts';

const wechatUa =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN';
const alipayUa = 'Mozilla/5.0 (Linux; Android 13) Mobile Safari/537.36 AlipayClient/10.5.36.8100 Language/zh-Hans';
const desktopUa = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36';

/** The path and query of an absolute URL on our server, to ask it through the test client. */
const pathOf = (url: string) => {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
};

describe.each(dialects)('the store-code pay page with the merchant’s own wallet accounts on %s', (dialect) => {
  let w: WalletShop;
  let staticPage: string;
  let customer: HttpClient;

  beforeAll(async () => {
    w = await startWalletShop(dialect);
    customer = w.t.client('203.0.113.7');
    const storeCode = await w.owner.post('/api/codes', { kind: 'static', storeId: w.shop.storeId, stationId: w.shop.stationId });
    staticPage = `/p/${storeCode.body.payPageId}`;
    expect((await w.owner.put('/api/channels/wechatpay', wechatSettings(w.wechat))).status).toBe(200);
    expect((await w.owner.put('/api/channels/alipay', alipaySettings(w.alipay))).status).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await w.close();
  });

  /** WeChat's OAuth page, as the payer's WeChat opens it: back to the shop with a one-time code. */
  async function throughWechatOAuth(authorizeUrl: string): Promise<string> {
    const answer = await fetch(authorizeUrl.replace(/#.*$/, ''), { headers: { 'user-agent': wechatUa }, redirect: 'manual' });
    expect(answer.status).toBe(302);
    return answer.headers.get('location') ?? '';
  }

  /** The signed parameters the page hands to WeixinJSBridge, as the page carries them. */
  const bridgeParams = (page: string) =>
    JSON.parse(/<script type="application\/json" id="jsapi">(.*?)<\/script>/s.exec(page)?.[1] ?? 'null') as Record<string, string>;

  it('WeChat: amount, OAuth for the openid, a JSAPI order paid in WeChat, the result to the customer and the counter', async () => {
    const form = await customer.get(staticPage, { 'user-agent': wechatUa });
    expect(form.status).toBe(200);
    expect(form.text).toContain('请输入付款金额');
    expect(form.text).toContain('在微信中完成付款');
    expect(form.text).not.toContain('商户尚未绑定收款方式');

    const toOAuth = await customer.get(`${staticPage}?amount=12.34`, { 'user-agent': wechatUa });
    expect(toOAuth.status).toBe(302);
    const authorize = new URL(String(toOAuth.headers.location));
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${w.wechat.url}/connect/oauth2/authorize`);
    expect(authorize.searchParams.get('appid')).toBe(wechatMerchant.appid);
    expect(authorize.searchParams.get('scope')).toBe('snsapi_base');
    expect(authorize.searchParams.get('redirect_uri')).toMatch(/\/p\/[\w-]+\/wechatpay$/);

    const back = await throughWechatOAuth(authorize.toString());
    expect(new URL(back).searchParams.get('state')).toBe('1234');
    const page = await customer.get(pathOf(back), { 'user-agent': wechatUa });
    expect(page.status).toBe(200);
    expect(page.text).toContain("WeixinJSBridge.invoke('getBrandWCPayRequest'");
    expect(page.text).toContain('¥12.34');
    const nonce = /<script nonce="([^"]+)">/.exec(page.text)?.[1];
    expect(page.headers['content-security-policy']).toContain(`script-src 'nonce-${nonce}'`);
    const params = bridgeParams(page.text);
    expect(params).toMatchObject({ appId: wechatMerchant.appid, signType: 'RSA', package: expect.stringMatching(/^prepay_id=wx/) });

    const statusUrl = /data-status="([^"]+)"/.exec(page.text)?.[1]?.replaceAll('&amp;', '&') ?? '';
    const resultUrl = /data-result="([^"]+)"/.exec(page.text)?.[1]?.replaceAll('&amp;', '&') ?? '';
    expect((await customer.get(statusUrl)).body).toMatchObject({ status: 'pending', amountFen: 1234 });
    // The payer confirms in WeChat: WeChat checks paySign, takes the money and notifies the shop.
    expect(w.wechat.control.walletPay(params as never)).toEqual({ err_msg: 'get_brand_wcpay_request:ok' });
    await w.wechat.control.notifications.settled();
    expect((await customer.get(statusUrl)).body).toMatchObject({ status: 'succeeded', amountFen: 1234 });
    const result = await customer.get(resultUrl);
    expect(result.text).toContain('支付成功');
    expect(result.text).toContain('¥12.34');

    // At the counter: in the records, at the station where the code is.
    const records = await w.owner.get('/api/payments?method=wechatpay&status=succeeded');
    const paid = records.body.items.find((p: { amountFen: number }) => p.amountFen === 1234);
    expect(paid).toMatchObject({ flow: 'static_code', channel: 'wechatpay', stationId: w.shop.stationId, storeId: w.shop.storeId });
    expect((await w.shop.cashier.client.get(`/api/payments/${paid.id}`)).body.payment.status).toBe('succeeded');
    // The OAuth code was used once; coming back with it again starts nothing.
    const again = await customer.get(pathOf(back), { 'user-agent': wechatUa });
    expect(again.status).toBe(409);
    expect(again.text).toContain('微信授权已失效');
  });

  it('WeChat with a dynamic store code: straight to OAuth, for the code’s own amount', async () => {
    const dynamic = await w.owner.post('/api/codes', { kind: 'dynamic', storeId: w.shop.storeId, amountFen: 880, expiresInMinutes: 5 });
    const toOAuth = await customer.get(`/p/${dynamic.body.payPageId}?amount=0.01`, { 'user-agent': wechatUa });
    expect(toOAuth.status).toBe(302);
    const page = await customer.get(pathOf(await throughWechatOAuth(String(toOAuth.headers.location))), { 'user-agent': wechatUa });
    expect(page.text).toContain('¥8.80');
    const params = bridgeParams(page.text);
    const trade = w.wechat.control.walletPay(params as never);
    expect(trade.err_msg).toBe('get_brand_wcpay_request:ok');
  });

  it('Alipay: amount, then the wap cashier, paid there, and back to the result', async () => {
    const toCashier = await customer.get(`${staticPage}?amount=8.8`, { 'user-agent': alipayUa });
    expect(toCashier.status).toBe(302);
    const cashierUrl = new URL(String(toCashier.headers.location));
    expect(`${cashierUrl.origin}${cashierUrl.pathname}`).toBe(w.alipay.gatewayUrl);
    expect(cashierUrl.searchParams.get('method')).toBe('alipay.trade.wap.pay');
    expect(JSON.parse(cashierUrl.searchParams.get('biz_content') ?? '{}')).toMatchObject({
      total_amount: '8.80',
      product_code: 'QUICK_WAP_WAY',
    });

    const opened = await fetch(cashierUrl, { headers: { 'user-agent': alipayUa }, redirect: 'manual' });
    expect(opened.status).toBe(303);
    const wapPage = opened.headers.get('location') ?? '';
    const paid = await fetch(`${wapPage}/pay`, { method: 'POST', headers: { 'user-agent': alipayUa }, redirect: 'manual' });
    const returned = paid.headers.get('location') ?? '';
    expect(returned).toContain('/result/');
    await w.alipay.control.deliverNotifications();
    const result = await customer.get(pathOf(returned), { 'user-agent': alipayUa });
    expect(result.status).toBe(200);
    expect(result.text).toContain('支付成功');
    expect(result.text).toContain('¥8.80');
    const records = await w.owner.get('/api/payments?method=alipay');
    expect(records.body.items.find((p: { amountFen: number }) => p.amountFen === 880)).toMatchObject({
      flow: 'static_code',
      status: 'succeeded',
      channel: 'alipay',
    });
  });

  it('while the payment waits, the result page says so and refreshes itself; a result link without its token shows nothing', async () => {
    const toCashier = await customer.get(`${staticPage}?amount=3`, { 'user-agent': alipayUa });
    const returnUrl = new URL(String(toCashier.headers.location)).searchParams.get('return_url') ?? '';
    const waiting = await customer.get(pathOf(returnUrl));
    expect(waiting.text).toContain('正在确认支付结果');
    expect(waiting.text).toContain('http-equiv="refresh"');
    const bare = pathOf(returnUrl).replace(/\?.*$/, '');
    expect((await customer.get(bare)).status).toBe(404);
    expect((await customer.get(`${bare}?t=AAAAAAAAAAAAAAAAAAAAAA`)).status).toBe(404);
    expect((await customer.get(`${bare}/status?t=AAAAAAAAAAAAAAAAAAAAAA`)).body.error.code).toBe('NOT_FOUND');
  });

  it('starts at most 20 wallet orders in 10 minutes from one address', async () => {
    const flooder = w.t.client('198.51.100.66');
    const count = async () => (await w.t.db.kysely.selectFrom('payments').select('id').execute()).length;
    const before = await count();
    for (let i = 0; i < 20; i += 1) expect((await flooder.get(`${staticPage}?amount=1`, { 'user-agent': alipayUa })).status).toBe(302);
    const refused = await flooder.get(`${staticPage}?amount=1`, { 'user-agent': alipayUa });
    expect(refused.status).toBe(429);
    expect(refused.text).toContain('操作过于频繁');
    expect(await count()).toBe(before + 20);
    expect((await customer.get(`${staticPage}?amount=1`, { 'user-agent': alipayUa })).status).toBe(302);
  });

  it('any other browser still gets the page with the shop’s codes, and no order is started', async () => {
    const before = await w.t.db.kysely.selectFrom('payments').select('id').execute();
    const res = await customer.get(`${staticPage}?amount=5`, { 'user-agent': desktopUa });
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('getBrandWCPayRequest');
    expect(await w.t.db.kysely.selectFrom('payments').select('id').execute()).toHaveLength(before.length);
  });
});
