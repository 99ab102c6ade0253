import { randomUUID } from 'node:crypto';
import { addStaff, addStoreAndStation, registerOwner } from './factories.ts';
import type { HttpClient } from './http-client.ts';
import type { TestApp } from './test-app.ts';

/** A shop ready to sell: owner, a store with a station, a manager and a cashier signed in at that station. */
export async function shopAtCounter(t: TestApp) {
  const owner = await registerOwner(t);
  const { storeId, stationId } = await addStoreAndStation(owner.client);
  const manager = await addStaff(t, owner.client, 'manager', storeId);
  const cashier = await addStaff(t, owner.client, 'cashier', storeId);
  const opened = await cashier.client.post('/api/auth/station', { stationId });
  if (opened.status !== 200) throw new Error(`open station failed: ${opened.text}`);
  return { owner, storeId, stationId, manager, cashier };
}

/** Rings up a keypad amount and starts paying it; returns the payment as the API answered. */
export async function sell(client: HttpClient, amountFen: number, payment: Record<string, unknown>) {
  const orderId = randomUUID();
  const order = await client.post('/api/orders', { id: orderId, amountFen });
  if (order.status !== 201) throw new Error(`order failed: ${order.text}`);
  return client.post(`/api/orders/${orderId}/payments`, payment);
}

export async function payerCode(client: HttpClient, wallet: 'wechat' | 'alipay', behaviour: Record<string, unknown>): Promise<string> {
  const res = await client.post('/api/sim/payer-codes', { wallet, behaviour });
  if (res.status !== 201) throw new Error(`payer code failed: ${res.text}`);
  return res.body.code;
}
