import { type APIRequestContext, expect, type Page } from '@playwright/test';
import { fill } from './app.ts';
import { waitForCode } from './outbox.ts';

export interface Person {
  name: string;
  phone: string;
  password: string;
  pin?: string;
}

export interface ShopSpec {
  owner: {
    enterpriseName: string;
    uscc: string;
    contactName: string;
    phone: string;
    email: string;
    bankAccountName: string;
    bankName: string;
    bankAccountNo: string;
    password: string;
  };
  store: { name: string; address: string };
  stationName: string;
  cashier: Person;
  manager: Person;
}

export interface Shop {
  storeId: string;
  stationId: string;
}

/**
 * Registers a merchant through the API (registering through the UI is covered by onboarding.spec),
 * then adds a store, a station, a cashier and a manager of that store. The request context keeps the
 * owner's cookie; the browser pages sign in on their own.
 */
export async function setUpShop(request: APIRequestContext, spec: ShopSpec): Promise<Shop> {
  const registered = await request.post('/api/auth/register', { data: { ...spec.owner, verifyBy: 'sms' } });
  expect(registered.status(), await registered.text()).toBe(202);
  const { registrationId } = (await registered.json()) as { registrationId: string };
  // The phone is this test's own, so every message to it counts.
  const code = await waitForCode(spec.owner.phone, 0);
  const verified = await request.post('/api/auth/register/verify', { data: { registrationId, code } });
  expect(verified.status(), await verified.text()).toBe(200);
  const { csrfToken } = (await verified.json()) as { csrfToken: string };
  const headers = { 'X-CSRF-Token': csrfToken };

  const post = async <T>(path: string, data: unknown): Promise<T> => {
    const res = await request.post(path, { data, headers });
    expect(res.status(), `${path}: ${await res.text()}`).toBe(201);
    return (await res.json()) as T;
  };
  const { id: storeId } = await post<{ id: string }>('/api/stores', spec.store);
  const { id: stationId } = await post<{ id: string }>('/api/stations', { storeId, name: spec.stationName });
  for (const [person, role] of [
    [spec.cashier, 'cashier'],
    [spec.manager, 'manager'],
  ] as const) {
    await post('/api/staff', {
      name: person.name,
      phone: person.phone,
      role,
      storeId,
      password: person.password,
      ...(person.pin && { pin: person.pin }),
    });
  }
  return { storeId, stationId };
}

export async function signIn(page: Page, person: Person): Promise<void> {
  await page.goto('/login');
  await fill(page, 'login-login', person.phone);
  await fill(page, 'login-password', person.password);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('header-user')).toHaveText(person.name);
}

/** Opens a station in this browser session (the cashier screen needs one). */
export async function openStation(page: Page, stationName: string): Promise<void> {
  await page.goto('/station');
  await page.getByTestId('station-option').filter({ hasText: stationName }).click();
  await expect(page.getByTestId('station-current')).toHaveText(stationName);
}

/** Taps an amount on the cashier keypad: "25.80" → 2, 5, ., 8, 0. */
export async function keyAmount(page: Page, yuan: string): Promise<void> {
  for (const ch of yuan) await page.getByTestId(`key-${ch === '.' ? 'dot' : ch}`).click();
}

/** Picks an option of an antd Select found by its data-testid. */
export async function choose(page: Page, testId: string, option: string): Promise<void> {
  const select = page.getByTestId(testId);
  // A select in a modal that is still opening can drop the click on its option. Check that the choice
  // took, and choose again if not, without clicking an open select shut.
  await expect(async () => {
    if (!(await select.evaluate((el) => el.classList.contains('ant-select-open')))) await select.click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: option }).click({ timeout: 2_000 });
    await expect(select).toContainText(option, { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
}

/** On /sim: makes a customer payment code with the given behaviour and returns its digits. */
export async function makePayerCode(sim: Page, behaviour: string, failReason?: string): Promise<string> {
  await sim.bringToFront();
  await sim.getByTestId('sim-tab-codes').click();
  const before = await sim.getByTestId('sim-payer-code').count();
  await choose(sim, 'sim-behaviour', behaviour);
  if (failReason) await choose(sim, 'sim-behaviour-fail-code', failReason);
  await sim.getByTestId('sim-create-code').click();
  await expect(sim.getByTestId('sim-payer-code')).toHaveCount(before + 1);
  const newest = sim.getByTestId('sim-payer-code').first();
  await expect(newest.getByTestId('sim-payer-barcode')).toBeVisible();
  const code = await newest.getAttribute('data-code');
  expect(code).toMatch(/^\d{18}$/);
  return code ?? '';
}

/** At the counter: the scan field has the focus, and the "scanner" types the code and Enter in a burst. */
export async function scanCode(page: Page, code: string): Promise<void> {
  await page.bringToFront();
  const input = page.getByTestId('scan-input');
  await expect(input).toBeFocused();
  await page.keyboard.type(`${code}\n`, { delay: 2 });
}
