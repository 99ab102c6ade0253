import { randomBytes, randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { renderQrPng } from '../../apps/server/src/qr/render.ts';
import { payerCode, sell } from '../support/checkout.ts';
import { uploadCode } from '../support/codes.ts';
import { addStaff, addStoreAndStation, goodPassword, registerOwner } from '../support/factories.ts';
import type { HttpClient } from '../support/http-client.ts';
import type { TestApp } from '../support/test-app.ts';

/**
 * A merchant with a record of every kind the API serves, so that every operation has something of
 * this merchant to act on: staff of each role (all with PIN 2580), a store and station, an uploaded
 * wallet code bound to the station, a store code with its pay page, a paid and a waiting payment,
 * an open order, an unused customer payment code.
 */
export interface Shop {
  merchantName: string;
  storeName: string;
  merchantId: string;
  storeId: string;
  stationId: string;
  /** Signed in; the owner and the cashier have the station open. */
  clients: { owner: HttpClient; manager: HttpClient; cashier: HttpClient };
  userIds: { owner: string; manager: string; cashier: string };
  phones: { owner: string; manager: string; cashier: string };
  codeId: string;
  payPageId: string;
  bindingId: string;
  /** A payment channel account (the UnionPay/EMV one: it needs no keys). */
  channelAccountId: string;
  paidOrderId: string;
  paymentId: string;
  openOrderId: string;
  pendingPaymentId: string;
  tradeNo: string;
  payerCode: string;
  /** A clear picture of a wallet code, for uploads. */
  codePicture: Buffer;
  /** A picture of the waiting payment's code as the customer display shows it. */
  tradePicture: Buffer;
}

export async function pictureOf(text: string): Promise<Buffer> {
  return sharp({ create: { width: 600, height: 600, channels: 3, background: '#fff' } })
    .composite([{ input: renderQrPng(text, { sizePx: 400 }), left: 100, top: 100 }])
    .png()
    .toBuffer();
}

export async function equippedShop(t: TestApp, name: string): Promise<Shop> {
  const merchantName = `${name}商贸有限公司`;
  const storeName = `${name}店`;
  const owner = await registerOwner(t, { enterpriseName: merchantName });
  const { storeId, stationId } = await addStoreAndStation(owner.client, storeName);
  const manager = await addStaff(t, owner.client, 'manager', storeId);
  const cashier = await addStaff(t, owner.client, 'cashier', storeId);
  const ownerId = (await owner.client.get('/api/auth/session')).body.user.id as string;
  for (const client of [owner.client, cashier.client]) await ok(client.post('/api/auth/station', { stationId }), 200);

  const wallet = `https://payapp.weixin.qq.com/qr/${randomBytes(8).toString('hex')}`;
  const code = await uploadCode(owner.client, wallet, storeId);
  const storeCode = await ok(owner.client.post('/api/codes', { kind: 'static', storeId, stationId }), 201);
  const binding = await ok(
    owner.client.post('/api/bindings', { codeId: code.id, storeId, stationId, method: 'wechatpay', merchantNo: '1900000109' }),
    201,
  );

  const account = await ok(
    owner.client.put('/api/channels/unionpay-emv', {
      storeId,
      acquirerIin: '48020000',
      merchantNo: '898340149000005',
      mcc: '5411',
      nameLatin: 'TEST SHOP',
      city: 'Beijing',
    }),
    200,
  );

  const paid = await ok(
    sell(cashier.client, 1500, { flow: 'code_pay', authCode: await payerCode(cashier.client, 'wechat', { action: 'pay' }) }),
    201,
  );
  const pending = await ok(sell(cashier.client, 2372, { flow: 'dynamic_code' }), 201);
  const trade = await ok(cashier.client.post('/api/sim/scan', { codeText: pending.body.codeText }), 200);
  const openOrderId = randomUUID();
  await ok(cashier.client.post('/api/orders', { id: openOrderId, amountFen: 800 }), 201);

  return {
    merchantName,
    storeName,
    merchantId: owner.merchantId,
    storeId,
    stationId,
    clients: { owner: owner.client, manager: manager.client, cashier: cashier.client },
    userIds: { owner: ownerId, manager: manager.id, cashier: cashier.id },
    phones: { owner: owner.phone, manager: manager.phone, cashier: cashier.phone },
    codeId: code.id,
    payPageId: storeCode.body.payPageId,
    bindingId: binding.body.id,
    channelAccountId: account.body.id,
    paidOrderId: paid.body.orderId,
    paymentId: paid.body.id,
    openOrderId,
    pendingPaymentId: pending.body.id,
    tradeNo: trade.body.tradeNo,
    payerCode: await payerCode(cashier.client, 'alipay', { action: 'pay' }),
    codePicture: await pictureOf(wallet),
    tradePicture: await pictureOf(pending.body.codeText),
  };
}

/** Every value that identifies something of this shop: none may appear in an answer to anyone else. */
export function identifiersOf(s: Shop): string[] {
  return [
    s.merchantName,
    s.storeName,
    s.merchantId,
    s.storeId,
    s.stationId,
    ...Object.values(s.userIds),
    ...Object.values(s.phones),
    s.codeId,
    s.payPageId,
    s.bindingId,
    s.channelAccountId,
    s.paidOrderId,
    s.paymentId,
    s.openOrderId,
    s.pendingPaymentId,
    s.tradeNo,
    s.payerCode,
  ];
}

/**
 * Puts the owner's client back as the fixture left it (signed in, station open) after an operation that
 * signed out, switched user or moved to another station.
 */
export async function restoreOwner(s: Shop): Promise<void> {
  const me = await s.clients.owner.get('/api/auth/session');
  if (me.status === 200 && me.body.user.id === s.userIds.owner && me.body.station?.id === s.stationId) return;
  await ok(s.clients.owner.post('/api/auth/login', { login: s.phones.owner, password: goodPassword }), 200);
  await ok(s.clients.owner.post('/api/auth/station', { stationId: s.stationId }), 200);
}

async function ok<T extends { status: number; text: string }>(pending: Promise<T>, status: number): Promise<T> {
  const res = await pending;
  if (res.status !== status) throw new Error(`fixture step answered ${res.status}: ${res.text}`);
  return res;
}
