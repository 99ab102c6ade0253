import { mkdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, type Page, test } from '@playwright/test';
// sharp is the server's image library (hoisted to the root node_modules); the QR renderer is the server's own.
import sharp from 'sharp';
import { renderQrPng } from '../../apps/server/src/qr/render.ts';
import { fill } from '../support/app.ts';
import { waitForCode } from '../support/outbox.ts';
import { screenshotDir } from '../support/paths.ts';

/** A second merchant, apart from the one onboarding.spec registers through the UI. */
const owner = {
  enterpriseName: '深圳市福田区好日子茶饮有限公司',
  uscc: '914403057084611363',
  contactName: '王芳',
  phone: '13700137000',
  email: 'codes-owner@example.com',
  bankAccountName: '深圳市福田区好日子茶饮有限公司',
  bankName: '招商银行深圳福田支行',
  bankAccountNo: '6225 8801 2345 6787',
  password: 'tea shop opens at ten',
  verifyBy: 'sms',
};
const store = { name: '福田中心店', address: '深圳市福田区福华三路 88 号' };
const stationName = '前台收银';
const wechatMerchantCode = 'https://payapp.weixin.qq.com/qr/AbCdEfGh123456';
const mchid = '1900000109';

let tmp = '';
let codeImage = '';
let plainImage = '';

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  tmp = await mkdtemp(path.join(os.tmpdir(), 'paydesk-codes-e2e-'));
  // A code as a phone would show it: the QR on a larger, slightly tinted card.
  const qr = renderQrPng(wechatMerchantCode, { sizePx: 420 });
  codeImage = path.join(tmp, 'wechat-merchant-code.png');
  await writeFile(
    codeImage,
    await sharp({ create: { width: 720, height: 900, channels: 3, background: '#f6f3ec' } })
      .composite([{ input: qr, top: 220, left: 150 }])
      .png()
      .toBuffer(),
  );
  // A picture without any code: coloured shapes.
  plainImage = path.join(tmp, 'no-code.png');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480">
    <rect width="640" height="480" fill="#9ecae1"/><circle cx="320" cy="260" r="140" fill="#fdae6b"/>
    <rect x="60" y="360" width="520" height="80" fill="#31a354"/></svg>`;
  await writeFile(plainImage, await sharp(Buffer.from(svg)).png().toBuffer());
});

test.afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** Registers and signs in a fresh owner through the API (the page shares the cookie), then adds a store and a station. */
async function setUpOwner(page: Page): Promise<void> {
  const registered = await page.request.post('/api/auth/register', { data: owner });
  expect(registered.status(), await registered.text()).toBe(202);
  const { registrationId } = (await registered.json()) as { registrationId: string };
  // The phone is this test's own, so every message to it counts (reading the outbox costs a CLI run).
  const code = await waitForCode(owner.phone, 0);
  const verified = await page.request.post('/api/auth/register/verify', { data: { registrationId, code } });
  expect(verified.status(), await verified.text()).toBe(200);
  const { csrfToken } = (await verified.json()) as { csrfToken: string };
  const headers = { 'X-CSRF-Token': csrfToken };

  const storeRes = await page.request.post('/api/stores', { data: store, headers });
  expect(storeRes.status(), await storeRes.text()).toBe(201);
  const { id: storeId } = (await storeRes.json()) as { id: string };
  const stationRes = await page.request.post('/api/stations', { data: { storeId, name: stationName }, headers });
  expect(stationRes.status(), await stationRes.text()).toBe(201);
}

/** Picks an option of an antd Select found by its data-testid. */
async function choose(page: Page, testId: string, option: string): Promise<void> {
  await page.getByTestId(testId).click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: option }).click();
}

async function quietToasts(page: Page): Promise<void> {
  await expect(page.locator('.ant-message-notice')).toHaveCount(0, { timeout: 10_000 });
}

test('an owner uploads a code, sees it recognised, binds it to a station and downloads the card', async ({ page }) => {
  let serial = '';

  await test.step('a fresh owner with a store and a station opens 收款码', async () => {
    await setUpOwner(page);
    await page.goto('/');
    await expect(page.getByTestId('guide-step-3')).toHaveAttribute('data-done', 'false');
    await expect(page.getByTestId('guide-step-4')).toHaveAttribute('data-done', 'false');
    await expect(page.getByTestId('guide-check-storeStation')).toHaveAttribute('data-done', 'true');
    await page.getByTestId('guide-link-codes').click();
    await expect(page.getByTestId('codes-page')).toBeVisible();
    await expect(page.getByText('还没有收款码，请生成或上传一个')).toBeVisible();
  });

  await test.step('upload a WeChat Pay merchant code for the station: previewed, then recognised', async () => {
    await page.getByTestId('code-upload').click();
    await expect(page.getByTestId('upload-store')).toContainText(store.name);
    await choose(page, 'upload-station', stationName);
    await page.getByTestId('upload-file').setInputFiles(codeImage);
    await expect(page.getByTestId('upload-preview')).toBeVisible();
    await page.getByTestId('upload-submit').click();

    await expect(page.getByTestId('upload-success')).toHaveText(/识别成功/);
    await expect(page.getByTestId('upload-provider')).toHaveText('微信支付');
    await expect(page.getByTestId('upload-kind')).toHaveText('商户码');
    await expect(page.getByTestId('upload-content')).toHaveText(wechatMerchantCode);
    await expect(page.getByTestId('upload-notice')).toHaveCount(0);
    serial = (await page.getByTestId('upload-serial').textContent()) ?? '';
    expect(serial).not.toBe('');
    await page.screenshot({ path: path.join(screenshotDir, 'codes-upload.png') });
    await page.getByTestId('upload-close').click();
    await expect(page.locator('.ant-modal-wrap:visible')).toHaveCount(0);

    const row = page.getByTestId('code-row').filter({ hasText: serial });
    await expect(row.getByTestId('code-provider')).toHaveText('微信支付');
    await expect(row.getByTestId('code-provider-kind')).toHaveText('商户码');
    await expect(row.getByTestId('code-kind')).toHaveText('静态');
    await expect(row.getByTestId('code-source')).toHaveText('上传');
    await expect(row.getByTestId('code-store')).toHaveText(store.name);
    await expect(row.getByTestId('code-station')).toHaveText(stationName);
    await expect(row.getByTestId('code-status')).toHaveText('有效');
    await expect(row).toContainText('未绑定');
  });

  await test.step('a picture without a code is refused with the reason to retake it; nothing is stored', async () => {
    await page.getByTestId('code-upload').click();
    await page.getByTestId('upload-file').setInputFiles(plainImage);
    await expect(page.getByTestId('upload-preview')).toBeVisible();
    await page.getByTestId('upload-submit').click();
    await expect(page.getByTestId('upload-error')).toContainText('图片中没有找到二维码');
    await expect(page.getByTestId('upload-verdict')).toContainText('没有找到二维码');
    await expect(page.getByTestId('upload-retake')).toBeVisible();
    await page.locator('.ant-modal-wrap:visible').getByRole('button', { name: '取消' }).click();
    await expect(page.locator('.ant-modal-wrap:visible')).toHaveCount(0);
    await expect(page.getByTestId('code-row')).toHaveCount(1);
    await quietToasts(page);
    await page.screenshot({ path: path.join(screenshotDir, 'codes.png'), fullPage: true });
  });

  await test.step('bind it to the station through the three-step wizard', async () => {
    await page.getByTestId('nav-bindings').click();
    await expect(page.getByTestId('bindings-page')).toBeVisible();
    await page.getByTestId('bind-code-option').filter({ hasText: serial }).click();
    await page.screenshot({ path: path.join(screenshotDir, 'bindings-step1.png'), fullPage: true });
    await page.getByTestId('bind-to-place').click();

    await expect(page.getByTestId('bind-chosen-code')).toContainText(serial);
    await expect(page.getByTestId('bind-store')).toHaveValue(store.name);
    await expect(page.getByTestId('bind-station')).toContainText(stationName);
    await expect(page.getByTestId('bind-method-wechatpay')).toBeChecked();
    await expect(page.getByTestId('bind-merchant-hint')).toContainText('10 位数字');

    // A wrong merchant number first: the message says what a WeChat Pay mchid looks like.
    await fill(page, 'bind-merchant-no', '12345');
    await page.getByTestId('bind-to-review').click();
    await expect(page.locator('#bind-place_merchantNo_help')).toContainText('微信支付商户号应为 10 位数字');
    await page.screenshot({ path: path.join(screenshotDir, 'bindings-step2.png'), fullPage: true });

    await fill(page, 'bind-merchant-no', mchid);
    await page.getByTestId('bind-to-review').click();
    const review = page.getByTestId('bind-review');
    await expect(review).toContainText(serial);
    await expect(review).toContainText(store.name);
    await expect(review).toContainText(stationName);
    await expect(review).toContainText('微信支付');
    await expect(page.getByTestId('bind-review-merchant-no')).toHaveText(mchid);
    await expect(page.getByTestId('bind-replaces-none')).toBeVisible();
    await page.screenshot({ path: path.join(screenshotDir, 'bindings-review.png'), fullPage: true });

    await page.getByTestId('bind-confirm').click();
    await expect(page.getByTestId('bind-done')).toHaveText('已绑定，尚未验证');
    await expect(page.getByText(/点“测试收款”，用模拟器付一笔/)).toBeVisible();
    const row = page.getByTestId('binding-row').filter({ hasText: mchid });
    await expect(row.getByTestId('binding-status')).toHaveText('生效中');
    await expect(row.getByTestId('binding-verified')).toHaveText('未验证');
    await expect(row).toContainText(owner.contactName);
    await expect(row).toContainText(serial);
    await quietToasts(page);
    await page.screenshot({ path: path.join(screenshotDir, 'bindings.png'), fullPage: true });
  });

  await test.step('a ¥0.01 test payment paid on the simulator verifies the binding', async () => {
    const row = page.getByTestId('binding-row').filter({ hasText: mchid });
    await row.getByTestId('binding-test-pay').click();
    const open = page.getByTestId('binding-test-open-sim');
    await expect(open).toBeVisible();
    const [sim] = await Promise.all([page.context().waitForEvent('page'), open.click()]);
    await expect(sim.getByTestId('sim-trade-amount')).toHaveText('¥0.01');
    await sim.getByTestId('sim-pay').click();
    await expect(sim.getByTestId('sim-paid')).toBeVisible();
    await sim.close();
    await expect(page.getByTestId('binding-test-ok')).toBeVisible({ timeout: 20_000 });
    await page.keyboard.press('Escape');
    await expect(row.getByTestId('binding-verified')).toHaveText('已验证', { timeout: 10_000 });
  });

  await test.step('the code lists its binding, and its history shows the upload and the binding', async () => {
    await page.getByTestId('bind-view-codes').click();
    const row = page.getByTestId('code-row').filter({ hasText: serial });
    await expect(row.getByTestId('code-binding')).toContainText(`微信支付 · ${mchid}`);
    await expect(row.getByTestId('binding-verified')).toHaveText('已验证');

    await row.getByTestId('code-view').click();
    const drawer = page.getByTestId('code-drawer');
    await expect(drawer.getByTestId('drawer-content')).toContainText(wechatMerchantCode);
    // The QR preview really loaded (same-origin GET with the session cookie).
    await expect(drawer.getByTestId('drawer-qr')).toHaveJSProperty('complete', true);
    await expect(drawer.getByTestId('drawer-qr')).not.toHaveJSProperty('naturalWidth', 0);
    await expect(drawer.getByTestId('history-entry')).toHaveCount(2);
    await expect(drawer.getByTestId('history-entry').filter({ hasText: '上传收款码' })).toContainText(owner.contactName);
    await expect(drawer.getByTestId('history-entry').filter({ hasText: '绑定' })).toContainText(mchid);
    await page.keyboard.press('Escape');
    await expect(drawer).toHaveCount(0);
  });

  await test.step('download the printable A6 PDF card', async () => {
    await page.getByTestId('code-row').filter({ hasText: serial }).getByTestId('code-print').click();
    await expect(page.getByTestId('print-size-A6')).toBeChecked();
    await expect(page.getByTestId('print-format-pdf')).toBeChecked();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('print-download').click()]);
    expect(download.suggestedFilename()).toMatch(/\.pdf$/);
    const file = await download.path();
    const head = (await readFile(file)).subarray(0, 5).toString('latin1');
    expect(head).toBe('%PDF-');
  });

  await test.step('a code whose answer is lost on the way is made once, however often 生成 is pressed', async () => {
    await page.keyboard.press('Escape');
    await page.getByTestId('nav-codes').click();
    await expect(page.getByTestId('code-row')).toHaveCount(1);
    // The first try reaches the server, which makes the code, but its answer never reaches the page.
    const keys: string[] = [];
    await page.route('**/api/codes', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      if (keys.length > 1) return route.continue();
      const answered = await route.fetch();
      expect(answered.status()).toBe(201);
      await route.abort('connectionreset');
    });
    await page.getByTestId('code-generate').click();
    await page.getByTestId('gen-submit').click();
    await expect(page.getByTestId('form-error')).toContainText('网络连接失败');
    // Pressed again: the same key, so the server answers with the code it made instead of a second one.
    await page.getByTestId('gen-submit').click();
    await expect(page.locator('.ant-modal-wrap:visible')).toHaveCount(0);
    await page.unroute('**/api/codes');
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    await expect(page.getByTestId('code-row')).toHaveCount(2);
    const listed = (await (await page.request.get('/api/codes')).json()) as { items: unknown[] };
    expect(listed.items).toHaveLength(2);
  });

  await test.step('the setup guide counts the code and the binding', async () => {
    await page.keyboard.press('Escape');
    await page.getByTestId('nav-guide').click();
    await expect(page.getByTestId('guide-step-3')).toHaveAttribute('data-done', 'true');
    await expect(page.getByTestId('guide-step-4')).toHaveAttribute('data-done', 'true');
  });
});
