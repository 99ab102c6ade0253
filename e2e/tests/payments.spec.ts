import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type APIRequestContext, type BrowserContext, expect, type Page, test } from '@playwright/test';
import { screenshotDir } from '../support/paths.ts';
import { keyAmount, makePayerCode, openStation, type Shop, type ShopSpec, scanCode, setUpShop, signIn } from '../support/payments.ts';

/** A third merchant, apart from those of onboarding.spec and codes.spec. */
const spec: ShopSpec = {
  owner: {
    enterpriseName: '广州市天河区好味道餐饮有限公司',
    uscc: '914401067084611367',
    contactName: '陈明',
    phone: '13600136000',
    email: 'payments-owner@example.com',
    bankAccountName: '广州市天河区好味道餐饮有限公司',
    bankName: '中国建设银行广州天河支行',
    bankAccountNo: '6217 0012 3456 7898',
    password: 'noodles served at noon',
  },
  store: { name: '天河城店', address: '广州市天河区天河路 208 号' },
  stationName: '2 号收银台',
  cashier: { name: '刘晓燕', phone: '13500135000', password: 'scanner beeps all day', pin: '3691' },
  manager: { name: '黄志强', phone: '13300133000', password: 'manager checks the till' },
};

let api: APIRequestContext;
let shop: Shop;
/** The cashier's browser: the counter screen and, in another tab of the same browser, the simulator. */
let context: BrowserContext;
let page: Page;
let sim: Page;
/** The trade number of the delayed payment (d), which the manager refunds in part. */
let delayedTradeNo = '';

test.describe.configure({ mode: 'serial' });
// Generous for a loaded machine; on a quiet one the whole file takes about a minute.
test.setTimeout(180_000);

test.beforeAll(async ({ playwright, browser }) => {
  mkdirSync(screenshotDir, { recursive: true });
  api = await playwright.request.newContext({ baseURL: process.env.PAYDESK_BASE_URL });
  shop = await setUpShop(api, spec);
  context = await browser.newContext({
    baseURL: process.env.PAYDESK_BASE_URL,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1280, height: 860 },
  });
  page = await context.newPage();
  sim = await context.newPage();
});

test.afterAll(async () => {
  await context?.close();
  await api?.dispose();
});

async function expectTotal(text: string): Promise<void> {
  await expect(page.getByTestId('cashier-total')).toHaveText(text);
}

/** 立即查询 while the payment still waits (the server's own re-query may settle it first). */
async function queryNowIfWaiting(): Promise<void> {
  const button = page.getByTestId('query-now');
  await expect(page.getByTestId('result-success').or(button)).toBeVisible();
  if (await button.isVisible()) await button.click({ timeout: 3_000 }).catch(() => undefined);
}

test('the cashier signs in, opens the station and goes to 收银', async () => {
  await signIn(page, spec.cashier);
  await page.goto('/cashier');
  await expect(page.getByTestId('cashier-no-station')).toBeVisible();
  await openStation(page, spec.stationName);
  await page.getByTestId('station-go-cashier').click();
  await expect(page.getByTestId('cashier-page')).toBeVisible();
  await expect(page.getByTestId('cashier-station')).toHaveText(spec.stationName);
  await expect(page.getByTestId('cashier-user')).toContainText(spec.cashier.name);
  // Scan mode is the default, and its field holds the focus.
  await expect(page.getByTestId('scan-input')).toBeFocused();
});

test('(a) a dynamic code, shown on the cashier screen and the customer display, is paid on /sim', async () => {
  await keyAmount(page, '25.80');
  await expectTotal('¥25.80');
  await page.getByTestId('mode-dynamic').click();
  await page.getByTestId('show-code').click();
  await expect(page.getByTestId('result-pending')).toBeVisible();
  await expect(page.getByTestId('result-title')).toHaveText('等待支付');
  await expect(page.getByTestId('result-amount')).toHaveText('¥25.80');
  await expect(page.getByTestId('result-countdown')).toContainText('剩余');
  const codeText = (await page.getByTestId('dynamic-qr').getAttribute('data-code-text')) ?? '';
  expect(codeText).toMatch(/\/sim\?trade=\d+$/);

  // The customer display of this station (another window of the same browser) shows the same code.
  const display = await context.newPage();
  await display.goto(`/display/${shop.stationId}`);
  await expect(display.getByTestId('display-shop')).toHaveText(spec.owner.enterpriseName);
  await expect(display.getByTestId('display-qr')).toHaveAttribute('data-code-text', codeText);
  await expect(display.getByTestId('display-amount')).toHaveText('¥25.80');
  await display.screenshot({ path: path.join(screenshotDir, 'display.png') });

  await page.bringToFront();
  await page.screenshot({ path: path.join(screenshotDir, 'cashier-waiting.png') });

  // The "customer" picks the code shown on the display from the simulator's list and pays.
  await sim.bringToFront();
  await sim.goto('/sim');
  await sim.getByTestId('sim-open-trade').filter({ hasText: '¥25.80' }).click();
  await expect(sim.getByTestId('sim-trade-amount')).toHaveText('¥25.80');
  await expect(sim.getByTestId('sim-trade-shop')).toHaveText(spec.owner.enterpriseName);
  await sim.screenshot({ path: path.join(screenshotDir, 'sim.png') });
  await sim.getByTestId('sim-pay').click();
  await expect(sim.getByTestId('sim-paid')).toBeVisible();
  await sim.getByTestId('sim-back').click();

  await expect(page.getByTestId('result-success')).toBeVisible();
  await expect(page.getByTestId('result-title')).toHaveText('支付成功');
  await expect(page.getByTestId('result-amount')).toHaveText('¥25.80');
  await expect(page.getByTestId('result-method')).toContainText('微信支付');
  await expect(page.getByTestId('receipt-58')).toHaveAttribute('href', /\/receipt\?format=html&width=58$/);
  const receipt = await page.request.get((await page.getByTestId('receipt-58').getAttribute('href')) ?? '');
  expect(receipt.status()).toBe(200);
  expect(await receipt.text()).toContain('25.80');
  await expect(display.getByTestId('display-thanks')).toContainText('谢谢惠顾');
  await display.close();
  await page.bringToFront();
  await page.screenshot({ path: path.join(screenshotDir, 'cashier-success.png') });
  await page.getByTestId('next-order').click();
  await expectTotal('¥0.00');
});

test('(b) a payment code that asks for the password waits, then is paid once the password is entered', async () => {
  const code = await makePayerCode(sim, '需要输入密码');
  await sim.screenshot({ path: path.join(screenshotDir, 'sim-codes.png') });

  await page.bringToFront();
  await page.getByTestId('mode-scan').click();
  // Typed on the keyboard into the scan field and confirmed with Enter, a short number is the amount.
  await expect(page.getByTestId('scan-input')).toBeFocused();
  await page.keyboard.type('12.5\n');
  await expectTotal('¥12.50');
  await scanCode(page, code);
  await expect(page.getByTestId('result-pending')).toBeVisible();
  await expect(page.getByTestId('result-title')).toHaveText('等待支付');
  await expect(page.getByTestId('result-amount')).toHaveText('¥12.50');

  await sim.bringToFront();
  await sim.getByTestId('sim-waiting-trade').filter({ hasText: '¥12.50' }).getByTestId('sim-enter-password').click();
  await expect(sim.getByTestId('sim-trade-amount')).toHaveText('¥12.50');
  await sim.getByTestId('sim-password-input').fill('246810');
  await sim.screenshot({ path: path.join(screenshotDir, 'sim-password.png') });
  await sim.getByTestId('sim-confirm-password').click();
  await expect(sim.getByTestId('sim-paid')).toBeVisible();
  await sim.getByTestId('sim-back').click();

  await page.bringToFront();
  await queryNowIfWaiting();
  await expect(page.getByTestId('result-success')).toBeVisible();
  await expect(page.getByTestId('result-amount')).toHaveText('¥12.50');
  await page.getByTestId('next-order').click();
});

test('(c) a payment code whose wallet refuses shows 支付失败 and the reason in plain Chinese', async () => {
  const code = await makePayerCode(sim, '支付失败', '余额不足');
  await page.bringToFront();
  await expect(page.getByTestId('scan-input')).toBeFocused();
  await page.keyboard.type('8\n');
  await expectTotal('¥8.00');
  await scanCode(page, code);
  await expect(page.getByTestId('result-failed')).toBeVisible();
  await expect(page.getByTestId('result-title')).toHaveText('支付失败');
  await expect(page.getByTestId('result-reason')).toContainText('余额不足');
  await page.screenshot({ path: path.join(screenshotDir, 'cashier-failed.png') });
  await page.getByTestId('next-order').click();
});

test('(d) a dynamic code paid 3 s later with its notification lost is settled by the server’s re-query', async () => {
  await page.getByTestId('mode-dynamic').click();
  // In this mode the physical keyboard drives the keypad.
  await page.keyboard.type('33');
  await expectTotal('¥33.00');
  await page.getByTestId('wallet-alipay').click();
  await page.getByTestId('show-code').click();
  await expect(page.getByTestId('result-pending')).toBeVisible();
  const codeText = (await page.getByTestId('dynamic-qr').getAttribute('data-code-text')) ?? '';
  const url = new URL(codeText);

  // A phone scanning the screen lands on /sim?trade=….
  await sim.bringToFront();
  await sim.goto(`${url.pathname}${url.search}`);
  await expect(sim.getByTestId('sim-trade-amount')).toHaveText('¥33.00');
  await sim.getByTestId('sim-notify-toggle').click();
  await sim.getByTestId('sim-notify-lose').check();
  await sim.getByTestId('sim-pay-after-seconds').fill('3');
  await sim.getByTestId('sim-pay-after').click();
  await expect(sim.getByTestId('sim-decided')).toContainText('3 秒后支付');

  // No notification comes: only the server's re-query finds the payment (no 立即查询 here).
  await page.bringToFront();
  await expect(page.getByTestId('result-success')).toBeVisible({ timeout: 40_000 });
  await expect(page.getByTestId('result-method')).toContainText('支付宝');
  const tradeNo = (await page.getByTestId('result-trade-no').textContent()) ?? '';
  delayedTradeNo = tradeNo.match(/PD\w+/)?.[0] ?? '';
  expect(delayedTradeNo).not.toBe('');
  await page.getByTestId('next-order').click();
});

test('a waiting payment survives a reload, is cancelled, then the same sale is taken in cash', async () => {
  await page.getByTestId('mode-dynamic').click();
  await page.keyboard.type('5');
  await page.getByTestId('show-code').click();
  await expect(page.getByTestId('result-pending')).toBeVisible();
  // A reload of the counter screen picks the waiting payment up again.
  await page.reload();
  await expect(page.getByTestId('result-pending')).toBeVisible();
  await expect(page.getByTestId('result-amount')).toHaveText('¥5.00');
  await page.getByTestId('cancel-payment').click();
  await page.getByTestId('cancel-confirm').click();
  await expect(page.getByTestId('result-cancelled')).toBeVisible();
  await expect(page.getByTestId('result-title')).toHaveText('已取消收款');
  await page.getByTestId('retry-payment').click();
  await expectTotal('¥5.00');
  await page.getByTestId('mode-cash').click();
  await page.getByTestId('cash-submit').click();
  await expect(page.getByTestId('result-success')).toBeVisible();
  await expect(page.getByTestId('result-method')).toContainText('现金');
  await page.getByTestId('next-order').click();
});

test('cash: the change is shown big', async () => {
  await page.getByTestId('mode-cash').click();
  await page.keyboard.type('42.5');
  await expectTotal('¥42.50');
  await page.getByTestId('tender-choice').filter({ hasText: '¥50.00' }).click();
  await expect(page.getByTestId('cash-change')).toHaveText('¥7.50');
  await page.getByTestId('cash-submit').click();
  await expect(page.getByTestId('result-success')).toBeVisible();
  await expect(page.getByTestId('result-change')).toHaveText('¥7.50');
  await page.getByTestId('next-order').click();
});

test('(e) a manager finds a payment in 流水 and refunds part of it', async ({ page: manager }) => {
  const page = manager;
  expect(delayedTradeNo, 'the delayed payment of the first test').not.toBe('');

  await test.step('the manager opens 流水: every payment of the store, with totals', async () => {
    await signIn(page, spec.manager);
    await page.getByTestId('nav-records').click();
    await expect(page.getByTestId('records-page')).toBeVisible();
    // (a), (b), (d) and the two cash sales succeeded; (c) failed; one was cancelled.
    await expect(page.getByTestId('record-row')).toHaveCount(7);
    await expect(page.getByTestId('totals-count')).toContainText('7');
    await expect(page.getByTestId('totals-succeeded')).toContainText('¥118.80');
    await expect(page.locator('.ant-spin-spinning')).toHaveCount(0);
    await page.screenshot({ path: path.join(screenshotDir, 'records.png'), fullPage: true });
  });

  await test.step('filter by trade number and open the payment’s history', async () => {
    await page.getByTestId('filter-trade-no').fill(delayedTradeNo);
    await page.getByTestId('filter-submit').click();
    await expect(page.getByTestId('record-row')).toHaveCount(1);
    await expect(page.getByTestId('totals-count')).toContainText('1');
    // The export links carry the same filter.
    const csv = await page.request.get((await page.getByTestId('export-csv').getAttribute('href')) ?? '');
    expect(csv.status()).toBe(200);
    expect(await csv.text()).toContain(delayedTradeNo);
    await page.getByTestId('record-row').click();
    await expect(page).toHaveURL(/\/records\/[\w-]+$/);
    const detail = page.getByTestId('payment-detail');
    await expect(detail.getByTestId('detail-trade-no')).toHaveText(delayedTradeNo);
    await expect(detail.getByTestId('detail-status')).toHaveText('支付成功');
    const history = page.getByTestId('history-item');
    await expect(history.filter({ hasText: '展示收款码' })).toHaveCount(1);
    // The notification was lost: the success came from a query.
    await expect(page.locator('[data-testid="history-item"][data-type="succeeded"]')).toContainText('来源：主动查询');
  });

  await test.step('refund ¥10.00 of ¥33.00 with a reason; the refund shows in the history', async () => {
    await page.getByTestId('refund-open').click();
    await expect(page.getByTestId('refund-amount')).toHaveValue('33.00');
    await page.getByTestId('refund-amount').fill('10');
    await page.getByTestId('refund-submit').click();
    // The reason is required.
    await expect(page.getByText('请填写退款原因')).toBeVisible();
    await page.getByTestId('refund-reason').fill('顾客退回一份饮料');
    await page.getByTestId('refund-submit').click();
    await expect(page.getByTestId('refund-result')).toHaveText('退款成功 ¥10.00');
    await page.getByTestId('refund-done').click();

    await expect(page.getByTestId('detail-refunded')).toHaveText('¥10.00');
    await expect(page.getByTestId('refund-item')).toContainText('顾客退回一份饮料');
    await expect(page.getByTestId('refund-status')).toHaveText('退款成功');
    await expect(page.locator('[data-testid="history-item"][data-type="refunded"]')).toContainText('¥10.00');
    await expect(page.locator('[data-testid="history-item"][data-type="refund_requested"]')).toContainText(spec.manager.name);
    await page.getByTestId('payment-history').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(screenshotDir, 'records-detail.png') });
  });

  await test.step('a second refund above what is left is refused', async () => {
    await page.getByTestId('refund-open').click();
    await expect(page.getByTestId('refund-amount')).toHaveValue('23.00');
    await page.getByTestId('refund-amount').fill('30');
    await page.getByTestId('refund-reason').fill('多退');
    await page.getByTestId('refund-submit').click();
    await expect(page.getByText('不能超过可退金额 ¥23.00')).toBeVisible();
  });

  await test.step('日报 sums the month by day: the takings of 流水 and the refund', async () => {
    // Escape closes the refund dialog, then the payment's drawer.
    await page.keyboard.press('Escape');
    await expect(page.locator('.ant-modal:visible')).toHaveCount(0);
    await page.keyboard.press('Escape');
    await expect(page).toHaveURL(/\/records$/);
    await page.getByTestId('nav-reports').click();
    await expect(page.getByTestId('report-page')).toBeVisible();
    await expect(page.getByTestId('report-count')).toContainText('7');
    await expect(page.getByTestId('report-succeeded')).toContainText('¥118.80');
    await expect(page.getByTestId('report-refunded')).toContainText('¥10.00');
    await expect(page.getByTestId('report-net')).toContainText('¥108.80');
    // Newest day first, every day of the month so far listed, the quiet ones as zeros.
    const days = page.getByTestId('report-day');
    const dates = await days.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-date') ?? ''));
    expect(dates.length).toBeGreaterThan(0);
    expect(dates).toEqual([...dates].sort().reverse());
    expect(Number(dates[0]?.slice(8))).toBe(dates.length);
    await page.screenshot({ path: path.join(screenshotDir, 'daily-report.png'), fullPage: true });
  });
});
