import { usccCheckChar } from '@paydesk/domain';
import type { HttpClient } from './http-client.ts';
import type { TestApp } from './test-app.ts';

let serial = 0;
// A random start per process, then strictly increasing: unique within a test file (which has a database
// of its own) and unlikely to repeat between runs.
const base = Math.floor(Math.random() * 1_000_000);

/** A fresh valid credit code each call (both the organisation-code and the final check characters). */
export function uniqueUscc(): string {
  serial += 1;
  const org8 = `MA${String((base + serial) % 1_000_000).padStart(6, '0')}`;
  const weights = [3, 7, 9, 10, 5, 8, 4, 2];
  const value = (ch: string) => (/\d/.test(ch) ? Number(ch) : ch.charCodeAt(0) - 55);
  const sum = [...org8].reduce((acc, ch, i) => acc + value(ch) * (weights[i] ?? 0), 0);
  const c = 11 - (sum % 11);
  const orgCheck = c === 10 ? 'X' : c === 11 ? '0' : String(c);
  const first17 = `91110108${org8}${orgCheck}`;
  return first17 + usccCheckChar(first17);
}

export function uniquePhone(): string {
  serial += 1;
  return `139${String(10_000_000 + ((base * 89 + serial) % 90_000_000))}`;
}

export const goodPassword = 'Lantern-River-2026';

export function registrationBody(overrides: Record<string, unknown> = {}) {
  const phone = uniquePhone();
  return {
    enterpriseName: '测试便利店有限公司',
    uscc: uniqueUscc(),
    contactName: '张三',
    phone,
    email: `owner${phone}@example.cn`,
    bankAccountName: '测试便利店有限公司',
    bankName: '中国工商银行',
    bankAccountNo: '6212260200001234567',
    password: goodPassword,
    verifyBy: 'sms',
    ...overrides,
  };
}

export interface Owner {
  client: HttpClient;
  phone: string;
  email: string;
  merchantId: string;
}

/** Registers a merchant end to end through the API and returns the signed-in owner. */
export async function registerOwner(t: TestApp, overrides: Record<string, unknown> = {}): Promise<Owner> {
  const client = t.client();
  const body = registrationBody(overrides);
  const started = await client.post('/api/auth/register', body);
  if (started.status !== 202) throw new Error(`register failed: ${started.text}`);
  await t.drain();
  const target = body.verifyBy === 'email' ? String(body.email) : String(body.phone);
  const verified = await client.post('/api/auth/register/verify', {
    registrationId: started.body.registrationId,
    code: t.transport.lastCodeFor(target),
  });
  if (verified.status !== 200) throw new Error(`verify failed: ${verified.text}`);
  return { client, phone: String(body.phone), email: String(body.email), merchantId: verified.body.merchant.id };
}

/** Adds a store, a station and returns their ids. */
export async function addStoreAndStation(owner: HttpClient, name = '一号店') {
  const store = await owner.post('/api/stores', { name, address: '北京市海淀区' });
  if (store.status !== 201) throw new Error(`store failed: ${store.text}`);
  const station = await owner.post('/api/stations', { storeId: store.body.id, name: '1 号收银台' });
  if (station.status !== 201) throw new Error(`station failed: ${station.text}`);
  return { storeId: store.body.id as string, stationId: station.body.id as string };
}

/** Adds a staff member and signs them in from a client of their own. */
export async function addStaff(t: TestApp, owner: HttpClient, role: 'owner' | 'manager' | 'cashier', storeId: string | null, pin = '2580') {
  const phone = uniquePhone();
  const created = await owner.post('/api/staff', { name: `员工${phone.slice(-4)}`, phone, role, storeId, password: goodPassword, pin });
  if (created.status !== 201) throw new Error(`staff failed: ${created.text}`);
  const client = t.client();
  const login = await client.post('/api/auth/login', { login: phone, password: goodPassword });
  if (login.status !== 200) throw new Error(`staff login failed: ${login.text}`);
  return { id: created.body.id as string, phone, client };
}
