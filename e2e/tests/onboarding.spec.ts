import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { fill, signOut } from '../support/app.ts';
import { readOutbox, waitForCode } from '../support/outbox.ts';
import { screenshotDir } from '../support/paths.ts';

const owner = {
  enterprise: '深圳市南山区好邻居便利店有限公司',
  uscc: '91440300708461136T',
  contact: '张伟',
  phone: '13800138000',
  email: 'owner@example.com',
  bankAccountName: '深圳市南山区好邻居便利店有限公司',
  bankName: '中国工商银行深圳南山支行',
  bankAccountNo: '6212 3456 7890 1232',
  password: 'my shop opens at nine',
};
const cashier = { name: '李小红', phone: '13900139000', password: 'cashier opens till', pin: '2580' };
const store = { name: '南山科技园店', address: '深圳市南山区科技园南区科苑路 15 号' };
const stationName = '1 号收银台';

test.describe.configure({ mode: 'serial' });

test.beforeAll(() => {
  mkdirSync(screenshotDir, { recursive: true });
});

test('an owner registers, sets up a store, a station and a cashier; the cashier signs in', async ({ page }) => {
  await test.step('the first visit asks to sign in, with the way to register', async () => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/login$/);
    await page.getByTestId('link-register').click();
    await expect(page).toHaveURL(/\/register$/);
  });

  await test.step('register the business', async () => {
    await fill(page, 'reg-enterprise-name', owner.enterprise);
    await fill(page, 'reg-uscc', owner.uscc);
    await expect(page.getByText('代码校验通过')).toBeVisible();
    await fill(page, 'reg-contact-name', owner.contact);
    await fill(page, 'reg-phone', owner.phone);
    await fill(page, 'reg-email', owner.email);
    await fill(page, 'reg-bank-account-name', owner.bankAccountName);
    await fill(page, 'reg-bank-name', owner.bankName);
    await fill(page, 'reg-bank-account-no', owner.bankAccountNo);
    await fill(page, 'reg-password', owner.password);
    await fill(page, 'reg-confirm-password', owner.password);
    const before = (await readOutbox()).length;
    await page.getByTestId('reg-submit').click();

    await expect(page).toHaveURL(/\/register\/verify\?registrationId=/);
    await expect(page.getByTestId('verify-sent-to')).toContainText('8000');
    await expect(page.getByTestId('verify-code')).toBeFocused();
    await expect(page.getByTestId('verify-resend')).toBeDisabled();
    await expect(page.getByTestId('verify-resend')).toContainText('秒后可重新发送');

    const code = await waitForCode(owner.phone, before);
    await page.getByTestId('verify-code').fill(code);
    await page.getByTestId('verify-submit').click();
  });

  await test.step('the owner lands on the setup guide, signed in', async () => {
    await expect(page.getByTestId('guide')).toBeVisible();
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByTestId('header-merchant')).toHaveText(owner.enterprise);
    await expect(page.getByTestId('header-user')).toHaveText(owner.contact);
    await expect(page.getByTestId('header-role')).toHaveText('老板');
    for (const n of [1, 2, 3, 4, 5, 6, 7]) await expect(page.getByTestId(`guide-step-${n}`)).toBeVisible();
    await expect(page.getByTestId('guide-step-2')).toHaveAttribute('data-done', 'true');
    await expect(page.getByTestId('guide-step-4')).toHaveAttribute('data-done', 'false');
    await expect(page.getByTestId('guide-step-6')).toHaveAttribute('data-done', 'false');
    await page.screenshot({ path: path.join(screenshotDir, 'guide.png'), fullPage: true });
  });

  await test.step('a page of a later version is a clear placeholder', async () => {
    await page.getByTestId('nav-training').click();
    await expect(page.getByTestId('coming-soon')).toContainText('即将推出');
  });

  await test.step('add a store and a station', async () => {
    await page.getByTestId('nav-stores').click();
    await expect(page.getByTestId('stores-page')).toBeVisible();
    await page.getByTestId('store-add').click();
    await fill(page, 'store-name-input', store.name);
    await fill(page, 'store-address-input', store.address);
    await page.getByTestId('store-save').click();
    await expect(page.getByTestId('store-name')).toHaveText(store.name);
    await expect(page.getByTestId('store-address')).toHaveText(store.address);

    await page.getByTestId('station-add').click();
    await fill(page, 'station-name-input', stationName);
    await page.getByTestId('station-save').click();
    await expect(page.getByTestId('station-name')).toHaveText(stationName);
    await expect(page.locator('.ant-modal-wrap:visible')).toHaveCount(0);
    // Let the "added" toasts fade so the screenshot shows the page itself.
    await expect(page.locator('.ant-message-notice')).toHaveCount(0, { timeout: 10_000 });
    await page.screenshot({ path: path.join(screenshotDir, 'stores.png'), fullPage: true });
  });

  await test.step('add a cashier with a password and a PIN', async () => {
    await page.getByTestId('nav-staff').click();
    await expect(page.getByTestId('staff-page')).toBeVisible();
    await page.getByTestId('staff-add').click();
    await fill(page, 'staff-name', cashier.name);
    await fill(page, 'staff-phone', cashier.phone);
    await fill(page, 'staff-password', cashier.password);
    await fill(page, 'staff-pin', cashier.pin);
    await page.getByTestId('staff-save').click();
    const row = page.getByTestId(`staff-row-${cashier.phone}`);
    await expect(row).toContainText(cashier.name);
    await expect(row).toContainText('收银员');
    await expect(row).toContainText(store.name);
    await expect(row).toContainText('已设置');
  });

  await test.step('the guide shows the store, station and staff steps as done', async () => {
    await page.getByTestId('nav-guide').click();
    // Step 4 also needs a code bound to a station (codes.spec covers that).
    await expect(page.getByTestId('guide-check-storeStation')).toHaveAttribute('data-done', 'true');
    await expect(page.getByTestId('guide-step-4')).toHaveAttribute('data-done', 'false');
    await expect(page.getByTestId('guide-step-6')).toHaveAttribute('data-done', 'true');
  });

  await test.step('the owner signs out', async () => {
    await signOut(page);
  });

  await test.step('the cashier signs in with phone and password and lands at the station', async () => {
    await fill(page, 'login-login', cashier.phone);
    await fill(page, 'login-password', cashier.password);
    await page.getByTestId('login-submit').click();
    await expect(page).toHaveURL(/\/station$/);
    await expect(page.getByTestId('header-user')).toHaveText(cashier.name);
    await expect(page.getByTestId('header-role')).toHaveText('收银员');
    await expect(page.getByTestId('header-merchant')).toHaveText(owner.enterprise);
  });

  await test.step('the cashier opens the station and switches user with the PIN', async () => {
    await page.getByTestId('station-option').filter({ hasText: stationName }).click();
    await expect(page.getByTestId('station-current')).toHaveText(stationName);
    await expect(page.getByTestId('header-station')).toHaveText(stationName);
    await page.getByTestId('switch-user').click();
    await page.getByTestId('switch-user-option').filter({ hasText: cashier.name }).click();
    await page.getByTestId('pin-input').fill(cashier.pin);
    await page.getByTestId('switch-user-submit').click();
    await expect(page.locator('.ant-modal-wrap:visible')).toHaveCount(0);
    await expect(page.getByTestId('station-user')).toContainText(cashier.name);
    await signOut(page);
  });
});

test('bad input gets a clear message: a wrong credit code inline, a wrong password from the server', async ({ page }) => {
  await test.step('a wrong USCC shows its reason as it is typed', async () => {
    await page.goto('/register');
    await fill(page, 'reg-uscc', '91440300708461136X');
    await expect(page.locator('#register_uscc_help')).toContainText('第 18 位校验码不正确');
    await fill(page, 'reg-uscc', '9144030070846');
    await expect(page.locator('#register_uscc_help')).toContainText('应为 18 位（当前 13 位）');
    await fill(page, 'reg-phone', '12345');
    await expect(page.locator('#register_phone_help')).toContainText('手机号');
    await fill(page, 'reg-password', 'short');
    await expect(page.locator('#register_password_help')).toContainText('至少 10 个字符');
    // Submitting with errors sends nothing and stays on the form.
    await page.getByTestId('reg-submit').click();
    await expect(page).toHaveURL(/\/register$/);
  });

  await test.step('a wrong password shows the server’s message, in the chosen language', async () => {
    await page.goto('/login');
    await fill(page, 'login-login', owner.phone);
    await fill(page, 'login-password', 'not the right password');
    await page.getByTestId('login-submit').click();
    await expect(page.getByTestId('form-error')).toContainText('账号或密码错误');
    await expect(page).toHaveURL(/\/login$/);

    await page.getByTestId('lang-switch').getByText('English').click();
    await expect(page.getByTestId('login-submit')).toContainText('Sign in');
    await page.getByTestId('login-submit').click();
    await expect(page.getByTestId('form-error')).toContainText('The account or password is wrong');
  });

  await test.step('the right password still signs in afterwards', async () => {
    await fill(page, 'login-password', owner.password);
    await page.getByTestId('login-submit').click();
    await expect(page.getByTestId('guide')).toBeVisible();
    await expect(page.getByTestId('header-role')).toHaveText('Owner');
  });
});
