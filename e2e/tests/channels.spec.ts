import { createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type BrowserContext, expect, type Locator, type Page, test } from '@playwright/test';
import { fill } from '../support/app.ts';
import { type GatewayProcess, type LocalWechatPay, startGatewayProcess, startLocalWechatPay } from '../support/gateway.ts';
import { screenshotDir } from '../support/paths.ts';
import { choose, openStation, type Shop, type ShopSpec, scanCode, setUpShop, signIn } from '../support/payments.ts';

/** A fourth merchant, apart from those of the other specs. */
const spec: ShopSpec = {
  owner: {
    enterpriseName: '杭州市西湖区好时光烘焙有限公司',
    uscc: '91330106708461136C',
    contactName: '周敏',
    phone: '13100131000',
    email: 'channels-owner@example.com',
    bankAccountName: '杭州市西湖区好时光烘焙有限公司',
    bankName: '中国工商银行杭州西湖支行',
    bankAccountNo: '6222 0212 3456 7894',
    password: 'bread rises before dawn',
  },
  store: { name: '西湖店', address: '杭州市西湖区文三路 90 号' },
  stationName: '1 号收银台',
  cashier: { name: '吴佳', phone: '13200132000', password: 'croissant at the counter', pin: '4826' },
  manager: { name: '郑强', phone: '15000150000', password: 'manager bakes the books' },
};
const owner = { name: spec.owner.contactName, phone: spec.owner.phone, password: spec.owner.password };

// The owner's browser, kept across the steps below.
let context: BrowserContext;
let page: Page;
let card: Locator;
let form: Locator;
let shop: Shop;
/** In this process, so that the test can slow its answers and read its books. */
let gateway: LocalWechatPay;
/** `paydesk gateway --alipay`, as an owner runs it to try the Alipay settings. */
let alipay: GatewayProcess;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ playwright, browser }) => {
  mkdirSync(screenshotDir, { recursive: true });
  gateway = await startLocalWechatPay();
  alipay = await startGatewayProcess('alipay');
  const api = await playwright.request.newContext({ baseURL: process.env.PAYDESK_BASE_URL });
  shop = await setUpShop(api, spec);
  await api.dispose();
  context = await browser.newContext({
    baseURL: process.env.PAYDESK_BASE_URL,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1280, height: 860 },
  });
  page = await context.newPage();
  card = page.getByTestId('wallet-wechatpay');
  form = page.getByTestId('wechatpay-settings');
});

test.afterAll(async () => {
  await context?.close();
  await gateway?.stop();
  await alipay?.stop();
});

async function wechatAccounts(): Promise<unknown[]> {
  const res = await page.request.get('/api/channels');
  expect(res.status(), await res.text()).toBe(200);
  const { items } = (await res.json()) as { items: { kind: string }[] };
  return items.filter((a) => a.kind === 'wechatpay');
}

async function quietToasts(): Promise<void> {
  await expect(page.locator('.ant-message-notice')).toHaveCount(0, { timeout: 10_000 });
}

test('a fresh owner opens 支付通道: neither wallet is set up', async () => {
  await signIn(page, owner);
  await page.getByTestId('nav-channels').click();
  await expect(page.getByTestId('channels-page')).toBeVisible();
  await expect(page.getByRole('heading', { name: '支付通道' })).toBeVisible();
  await expect(card.getByTestId('wallet-state')).toHaveText('未设置');
  await expect(page.getByTestId('wallet-alipay').getByTestId('wallet-state')).toHaveText('未设置');
});

test('a malformed merchant ID is caught in the form; a 1024-bit key is refused by the server under its field', async () => {
  const weakKey = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  await card.getByTestId('wallet-set-up').click();
  await expect(form).toBeVisible();
  // Every field says where on the merchant platform it is found.
  await expect(form).toContainText('账户中心 → API 安全 → API 证书');
  await fill(page, 'wechatpay-settings-mchid', gateway.account.mchid.slice(0, 5));
  await fill(page, 'wechatpay-settings-appid', gateway.account.appid);
  await fill(page, 'wechatpay-settings-privateKeyPem', weakKey);
  await fill(page, 'wechatpay-settings-certSerial', gateway.account.certSerial);
  await fill(page, 'wechatpay-settings-apiV3Key', gateway.account.apiV3Key);
  await fill(page, 'wechatpay-settings-platformPublicKeyPem', gateway.account.platformPublicKeyPem);
  await fill(page, 'wechatpay-settings-platformPublicKeyId', gateway.account.platformPublicKeyId);
  await fill(page, 'wechatpay-settings-appSecret', gateway.account.appSecret);
  await page.getByTestId('wechatpay-settings-advanced').click();
  await fill(page, 'wechatpay-settings-baseUrl', gateway.account.url);
  await page.getByTestId('wechatpay-settings-save').click();
  await expect(page.locator('#wechatpay-settings_mchid_help')).toHaveText('商户号应为 10 位数字');

  await fill(page, 'wechatpay-settings-mchid', gateway.account.mchid);
  await page.getByTestId('wechatpay-settings-save').click();
  await expect(page.locator('#wechatpay-settings_privateKeyPem_help')).toHaveText('密钥长度不足 2048 位');
  await expect(form.getByTestId('form-error')).toBeVisible();
  await expect(page.locator('#wechatpay-settings_mchid_help')).toHaveCount(0);
  expect(await wechatAccounts()).toHaveLength(0);
});

test('with the right key it saves; the card shows the settings but no secret', async () => {
  await fill(page, 'wechatpay-settings-privateKeyPem', gateway.account.privateKeyPem);
  await expect(page.locator('#wechatpay-settings_privateKeyPem_help')).toHaveCount(0);
  await page.getByTestId('wechatpay-settings-save').click();
  await expect(form).toBeHidden();
  await expect(page.getByText('已保存微信支付设置')).toBeVisible();
  await expect(card.getByTestId('wallet-state')).toHaveText('已接入');
  const saved = card.getByTestId('channel-account');
  await expect(saved.getByTestId('channel-scope')).toHaveText('适用于：所有门店');
  await expect(saved.getByTestId('channel-status')).toHaveText('已接入');
  await expect(saved.getByTestId('channel-setting-mchid')).toHaveText(gateway.account.mchid);
  await expect(saved.getByTestId('channel-setting-certSerial')).toHaveText(gateway.account.certSerial);
  await expect(saved.getByTestId('channel-setting-baseUrl')).toHaveText(gateway.account.url);
  await expect(saved.getByTestId('channel-updated')).toContainText('更新于');
  await expect(saved).toContainText('已保存（不显示）');
  const pageText = (await page.locator('body').textContent()) ?? '';
  expect(pageText).not.toContain(gateway.account.apiV3Key);
  expect(pageText).not.toContain(gateway.account.privateKeyPem.split('\n')[1]);
});

test('检查连接 shows its progress, then 连接正常 in green', async () => {
  const saved = card.getByTestId('channel-account');
  await expect(saved.getByTestId('channel-not-live')).toContainText('只用于测试');
  // The gateway takes its time with the next answer, so the progress can be seen.
  gateway.control.failNextCalls(1, { kind: 'slow', delayMs: 2_000 });
  await saved.getByTestId('channel-check').click();
  await expect(saved.getByTestId('check-running')).toHaveText('正在连接微信支付…');
  await expect(saved.getByTestId('channel-check')).toHaveClass(/ant-btn-loading/);
  const result = saved.getByTestId('check-result');
  await expect(result).toHaveAttribute('data-verdict', 'ok');
  await expect(result).toHaveText('连接正常');
  await expect(result).toHaveClass(/ant-alert-success/);
  await quietToasts();
  await page.screenshot({ path: path.join(screenshotDir, 'channels.png'), fullPage: true });
});

test('设置 again: secrets show 已保存（不显示）; left empty they are kept, and a wrong key ID turns the check red', async () => {
  await card.getByTestId('channel-account').getByTestId('channel-edit').click();
  await expect(form).toBeVisible();
  await expect(page.getByTestId('wechatpay-settings-mchid')).toHaveValue(gateway.account.mchid);
  await expect(page.getByTestId('wechatpay-settings-baseUrl')).toHaveValue(gateway.account.url);
  for (const secret of ['privateKeyPem', 'apiV3Key', 'platformPublicKeyPem']) {
    const input = page.getByTestId(`wechatpay-settings-${secret}`);
    await expect(input).toHaveValue('');
    await expect(input).toHaveAttribute('placeholder', '已保存（不显示）');
  }
  const wrongKeyId = gateway.account.platformPublicKeyId.replace(/\d$/, (d) => String((Number(d) + 1) % 10));
  await fill(page, 'wechatpay-settings-platformPublicKeyId', wrongKeyId);
  await page.getByTestId('wechatpay-settings-save').click();
  await expect(form).toBeHidden();
  const saved = card.getByTestId('channel-account');
  await expect(saved.getByTestId('channel-setting-platformPublicKeyId')).toHaveText(wrongKeyId);
  // From the keyboard: the button takes the focus and Enter presses it.
  await saved.getByTestId('channel-check').focus();
  await page.keyboard.press('Enter');
  const result = saved.getByTestId('check-result');
  await expect(result).toHaveAttribute('data-verdict', 'platform_key_id_mismatch');
  await expect(result).toContainText('连接失败');
  await expect(result).toContainText('微信支付公钥 ID 不对');
  await expect(result).toHaveClass(/ant-alert-error/);

  await saved.getByTestId('channel-edit').click();
  await fill(page, 'wechatpay-settings-platformPublicKeyId', gateway.account.platformPublicKeyId);
  await page.getByTestId('wechatpay-settings-save').click();
  await expect(form).toBeHidden();
  await saved.getByTestId('channel-check').click();
  await expect(saved.getByTestId('check-result')).toHaveAttribute('data-verdict', 'ok');
  expect(await wechatAccounts()).toHaveLength(1);
});

test('bind a store code to the station for WeChat Pay with the merchant ID', async () => {
  const csrf = await page.evaluate(async () => {
    const res = await fetch('/api/auth/session');
    return ((await res.json()) as { csrfToken: string }).csrfToken;
  });
  const generated = await page.request.post('/api/codes', {
    data: { kind: 'static', storeId: shop.storeId, stationId: shop.stationId },
    headers: { 'X-CSRF-Token': csrf, 'Idempotency-Key': randomUUID() },
  });
  expect(generated.status(), await generated.text()).toBe(201);
  const { serial } = (await generated.json()) as { serial: string };

  await page.getByTestId('nav-bindings').click();
  await page.getByTestId('bind-code-option').filter({ hasText: serial }).click();
  await page.getByTestId('bind-to-place').click();
  await expect(page.getByTestId('bind-station')).toContainText(spec.stationName);
  await expect(page.getByTestId('bind-method-wechatpay')).toBeChecked();
  await fill(page, 'bind-merchant-no', gateway.account.mchid);
  await page.getByTestId('bind-to-review').click();
  await expect(page.getByTestId('bind-review-merchant-no')).toHaveText(gateway.account.mchid);
  await page.getByTestId('bind-confirm').click();
  await expect(page.getByTestId('bind-done')).toBeVisible();

  // The ¥0.01 test goes through WeChat Pay as well: the dialog shows the wallet's own code, not a
  // simulator link, and the payer paying it at the gateway verifies the binding.
  const row = page.getByTestId('binding-row').filter({ hasText: gateway.account.mchid });
  await row.getByTestId('binding-test-pay').click();
  await expect(page.getByTestId('binding-test-qr')).toBeVisible();
  await expect(page.getByTestId('binding-test-open-sim')).toHaveCount(0);
  const res = await page.request.get('/api/payments?limit=1');
  expect(res.status(), await res.text()).toBe(200);
  const [trial] = ((await res.json()) as { items: { channel: string; amountFen: number; outTradeNo: string }[] }).items;
  expect(trial).toMatchObject({ channel: 'wechatpay', amountFen: 1 });
  expect(gateway.control.trade(trial?.outTradeNo ?? '')?.trade_type).toBe('NATIVE');
  gateway.control.pay(trial?.outTradeNo ?? '');
  await expect(page.getByTestId('binding-test-ok')).toBeVisible({ timeout: 20_000 });
  await page.keyboard.press('Escape');
  await expect(row.getByTestId('binding-verified')).toHaveText('已验证', { timeout: 10_000 });
});

test('at the cashier, a customer payment code goes through the gateway: 支付成功', async () => {
  await openStation(page, spec.stationName);
  await page.goto('/cashier');
  await expect(page.getByTestId('scan-input')).toBeFocused();
  await page.keyboard.type('18.8\n');
  await expect(page.getByTestId('cashier-total')).toHaveText('¥18.80');
  // The local gateway, like WeChat, pays a fresh payment code at once up to ¥1000 without a password.
  const payerCode = `13${Array.from({ length: 16 }, () => Math.floor(Math.random() * 10)).join('')}`;
  await scanCode(page, payerCode);
  await expect(page.getByTestId('result-success')).toBeVisible();
  await expect(page.getByTestId('result-title')).toHaveText('支付成功');
  await expect(page.getByTestId('result-amount')).toHaveText('¥18.80');
  await expect(page.getByTestId('result-method')).toContainText('微信支付');

  // Carried by the WeChat Pay adapter (not the simulator): the gateway's books hold the paid code payment.
  const outTradeNo = (await page.getByTestId('result-trade-no').textContent())?.match(/PD\w+/)?.[0] ?? '';
  const trade = gateway.control.trade(outTradeNo);
  expect(trade?.trade_state).toBe('SUCCESS');
  expect(trade?.trade_type).toBe('MICROPAY');
  expect(trade?.amount.total).toBe(1880);
  const res = await page.request.get('/api/payments?limit=1');
  expect(res.status(), await res.text()).toBe(200);
  const [payment] = ((await res.json()) as { items: { channel: string; channelTradeNo: string | null; outTradeNo: string }[] }).items;
  expect(payment?.outTradeNo).toBe(outTradeNo);
  expect(payment?.channel).toBe('wechatpay');
  expect(payment?.channelTradeNo).toBe(trade?.transaction_id);
});

test('支付宝 for one store, from `paydesk gateway --alipay`: the app’s own public key is refused as the Alipay key; the right one connects', async () => {
  const printed = (name: string) => {
    const value = alipay.settings[name];
    if (!value) throw new Error(`paydesk gateway printed no ${name}: ${JSON.stringify(alipay.settings)}`);
    return value;
  };
  const appPublicKeyPem = createPublicKey(printed('appPrivateKey')).export({ type: 'spki', format: 'pem' }).toString();
  await page.getByTestId('nav-channels').click();
  const alipayCard = page.getByTestId('wallet-alipay');
  const alipayForm = page.getByTestId('alipay-settings');
  await alipayCard.getByTestId('wallet-set-up').click();
  await expect(alipayForm).toContainText('接口加签方式');
  await choose(page, 'alipay-settings-store', spec.store.name);
  await fill(page, 'alipay-settings-appId', printed('appId'));
  await fill(page, 'alipay-settings-appPrivateKey', printed('appPrivateKey'));
  // The most common mix-up on the open platform's key page.
  await fill(page, 'alipay-settings-alipayPublicKey', appPublicKeyPem);
  await page.getByTestId('alipay-settings-advanced').click();
  await fill(page, 'alipay-settings-gatewayUrl', printed('gatewayUrl'));
  await page.getByTestId('alipay-settings-save').click();
  await expect(page.locator('#alipay-settings_alipayPublicKey_help')).toContainText('这是应用公钥（与应用私钥配对），不是支付宝公钥');

  await fill(page, 'alipay-settings-alipayPublicKey', printed('alipayPublicKey'));
  await page.getByTestId('alipay-settings-save').click();
  await expect(alipayForm).toBeHidden();
  const saved = alipayCard.getByTestId('channel-account');
  await expect(saved.getByTestId('channel-scope')).toHaveText(`适用于：${spec.store.name}`);
  await expect(saved.getByTestId('channel-setting-appId')).toHaveText(printed('appId'));
  await expect(saved.getByTestId('channel-setting-gatewayUrl')).toHaveText(printed('gatewayUrl'));
  await saved.getByTestId('channel-check').click();
  await expect(saved.getByTestId('check-result')).toHaveAttribute('data-verdict', 'ok');
  await expect(saved.getByTestId('check-result')).toHaveText('连接正常');
  // The WeChat Pay account still covers every store.
  await expect(card.getByTestId('channel-scope')).toHaveText('适用于：所有门店');
});

test('in English, the cards, the form with its help texts, field refusals and the verdict are all English', async () => {
  const cjk = /[\u3400-\u9fff\uff00-\uffef]/;
  await page.getByTestId('lang-switch').getByText('English').click();
  await expect(page.getByRole('heading', { name: 'Payment channels' })).toBeVisible();
  await expect(card.getByTestId('wallet-state')).toHaveText('Connected');
  await expect(card.getByTestId('channel-scope')).toHaveText('Applies to: All stores');
  expect(await card.textContent()).not.toMatch(cjk);

  await card.getByTestId('channel-edit').click();
  await expect(form).toContainText('Account centre → API security → API certificate');
  expect(await page.getByRole('dialog').textContent()).not.toMatch(cjk);
  // Caught in the form…
  await fill(page, 'wechatpay-settings-apiV3Key', 'too short');
  await page.getByTestId('wechatpay-settings-save').click();
  await expect(page.locator('#wechatpay-settings_apiV3Key_help')).toHaveText('The APIv3 key must be exactly 32 bytes');
  // …and refused by the server: a public key where the private key belongs.
  await fill(page, 'wechatpay-settings-apiV3Key', '');
  await fill(page, 'wechatpay-settings-privateKeyPem', gateway.account.platformPublicKeyPem);
  await page.getByTestId('wechatpay-settings-save').click();
  await expect(page.locator('#wechatpay-settings_privateKeyPem_help')).toHaveText('This needs a private key; a public key was pasted');
  await expect(form.getByTestId('form-error')).toContainText('fix the marked fields');
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  await expect(form).toBeHidden();

  await card.getByTestId('channel-check').click();
  await expect(card.getByTestId('check-result')).toHaveAttribute('data-verdict', 'ok');
  await expect(card.getByTestId('check-result')).toContainText('Connected');
  expect(await card.textContent()).not.toMatch(cjk);
  await page.getByTestId('lang-switch').getByText('中文').click();
  await expect(page.getByRole('heading', { name: '支付通道' })).toBeVisible();
});

test('停用 asks first and leaves the account disabled; 设置 and 保存 turn it on again with the saved keys', async () => {
  await page.getByTestId('nav-channels').click();
  const saved = card.getByTestId('channel-account');
  await saved.getByTestId('channel-disable').click();
  await page.locator('.ant-popconfirm').getByRole('button', { name: '停用' }).click();
  await expect(page.getByText('已停用微信支付（所有门店）')).toBeVisible();
  await expect(saved.getByTestId('channel-status')).toHaveText('已停用');
  await expect(card.getByTestId('wallet-state')).toHaveText('已停用');
  await expect(saved.getByTestId('channel-check')).toHaveCount(0);

  await saved.getByTestId('channel-edit').click();
  await page.getByTestId('wechatpay-settings-save').click();
  await expect(form).toBeHidden();
  await expect(saved.getByTestId('channel-status')).toHaveText('已接入');
  await saved.getByTestId('channel-check').click();
  await expect(saved.getByTestId('check-result')).toHaveAttribute('data-verdict', 'ok');
});

test('银联 / EMV account from 支付通道: a merchant number one digit short and a Chinese English name are refused in the form; the right ones save and show', async () => {
  await page.getByTestId('nav-channels').click();
  const emv = page.getByTestId('wallet-unionpay_emv');
  await expect(emv.getByTestId('emv-account')).toHaveCount(0);
  await emv.getByTestId('emv-set-up').click();
  await fill(page, 'emv-acquirer', '48020000');
  await fill(page, 'emv-merchant-no', '10244030599990');
  await fill(page, 'emv-mcc', '5462');
  await fill(page, 'emv-name-latin', '好时光烘焙');
  await fill(page, 'emv-city', 'Hangzhou');
  await page.getByTestId('emv-save').click();
  await expect(page.getByText('应为 15 位数字')).toBeVisible();
  await expect(page.getByText('只能使用拉丁字母、数字和常见符号，最多 25 个字符')).toBeVisible();
  expect((await (await page.request.get('/api/channels')).json()).items.some((a: { kind: string }) => a.kind === 'unionpay_emv')).toBe(
    false,
  );

  await fill(page, 'emv-merchant-no', '102440305999901');
  await fill(page, 'emv-name-latin', 'GOOD TIMES BAKERY');
  await page.getByTestId('emv-save').click();
  await expect(page.getByText('已保存银联/EMV 商户账户，现在可以生成银联 EMVCo 码')).toBeVisible();
  const saved = emv.getByTestId('emv-account');
  await expect(saved).toHaveCount(1);
  await expect(saved).toContainText('102440305999901');
  await expect(saved).toContainText('GOOD TIMES BAKERY');
  await expect(saved).toContainText('适用于：所有门店');
});
