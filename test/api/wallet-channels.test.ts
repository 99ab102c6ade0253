import { createSign, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sell } from '../support/checkout.ts';
import { dialects } from '../support/databases.ts';
import { digestedTables } from '../support/db-digest.ts';
import { dumpDatabase, rowsOf } from '../support/db-helpers.ts';
import { addStaff, addStoreAndStation, registerOwner } from '../support/factories.ts';
import type { HttpClient, Res } from '../support/http-client.ts';
import {
  alipaySettings,
  freePort,
  keys,
  pem,
  type Recorded,
  secondMchid,
  serverSecretKey,
  startWalletShop,
  type WalletShop,
  wechatMerchant,
  wechatSettings,
} from './wallet-shop.ts';

const del = (client: HttpClient, url: string): Promise<Res> => client.request('DELETE', url, undefined, {});
let codeSerial = 0;
/** A fresh Alipay payment code (付款码): 18 digits starting 28. */
const alipayCode = () => {
  codeSerial += 1;
  return `28${String(Date.now()).slice(-8)}${String(codeSerial).padStart(8, '0')}`;
};

/** What WeChat Pay signs: `TIMESTAMP\nNONCE\nBODY\n` (payments.md §3), here with a key that is not WeChat Pay's. */
function wechatSigned(body: string, serial: string, at: number) {
  const timestamp = String(Math.floor(at / 1000));
  const nonce = randomBytes(16).toString('hex');
  const signature = createSign('RSA-SHA256').update(`${timestamp}\n${nonce}\n${body}\n`).sign(keys.stranger.privateKey, 'base64');
  return {
    'content-type': 'application/json',
    'wechatpay-timestamp': timestamp,
    'wechatpay-nonce': nonce,
    'wechatpay-signature': signature,
    'wechatpay-serial': serial,
    'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
  };
}

/** Alipay's notification signature: the sorted k=v pairs without sign and sign_type, RSA2 (payments.md §4). */
function alipayResigned(fields: URLSearchParams): string {
  const plain = [...fields].filter(([k]) => k !== 'sign' && k !== 'sign_type').sort(([a], [b]) => (a < b ? -1 : 1));
  const sign = createSign('RSA-SHA256')
    .update(plain.map(([k, v]) => `${k}=${v}`).join('&'))
    .sign(keys.stranger.privateKey, 'base64');
  return new URLSearchParams([...plain, ['sign_type', 'RSA2'], ['sign', sign]]).toString();
}

/** Only the headers a gateway's notification carries, to send it again as it came. */
const notificationHeaders = (r: Recorded) =>
  Object.fromEntries(Object.entries(r.headers).filter(([k]) => k === 'content-type' || k.startsWith('wechatpay-'))) as Record<
    string,
    string
  >;
const fieldsOf = (res: Res) => (res.body.error.fields as { field: string; code: string }[]).map((f) => `${f.field}:${f.code}`).sort();

describe.each(dialects)('WeChat Pay and Alipay accounts through the API on %s', (dialect) => {
  let w: WalletShop;
  const owner = () => w.owner;
  const cashier = () => w.shop.cashier.client;
  const accountRows = () => w.t.db.kysely.selectFrom('channel_accounts').selectAll().execute();
  let wechatId: string;
  let alipayId: string;

  beforeAll(async () => {
    w = await startWalletShop(dialect);
  }, 60_000);
  afterAll(async () => {
    await w.close();
  });

  describe('settings', () => {
    it('refuses bad WeChat Pay settings field by field, in the asker’s language, and stores nothing', async () => {
      const before = { accounts: await rowsOf(w.t.db, 'channel_accounts'), audit: await rowsOf(w.t.db, 'audit_log') };
      const res = await owner().put(
        '/api/channels/wechatpay',
        wechatSettings(w.wechat, {
          mchid: '19000',
          appid: 'wx12',
          privateKeyPem: pem.publicKey(keys.merchant),
          certSerial: 'not-a-serial',
          apiV3Key: 'too-short',
          platformPublicKeyId: 'KEY_1',
          baseUrl: 'ftp://127.0.0.1/',
        }),
      );
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('CHANNEL_SETTINGS_INVALID');
      expect(fieldsOf(res)).toEqual([
        'apiV3Key:WECHATPAY_APIV3_KEY_LENGTH',
        'appid:WECHATPAY_APPID_INVALID',
        'baseUrl:WECHATPAY_URL_INVALID',
        'certSerial:WECHATPAY_SERIAL_INVALID',
        'mchid:WECHATPAY_MCHID_INVALID',
        'platformPublicKeyId:WECHATPAY_KEY_ID_INVALID',
        'privateKeyPem:WECHATPAY_KEY_NOT_PRIVATE',
      ]);
      expect(res.body.error.fields.find((f: { field: string }) => f.field === 'mchid').message).toBe('商户号应为 10 位数字');

      owner().lang = 'en';
      const mixedUp = await owner().put(
        '/api/channels/wechatpay',
        wechatSettings(w.wechat, { platformPublicKeyPem: pem.publicKey(keys.merchant), platformPublicKeyId: '', apiV3Key: '' }),
      );
      owner().lang = 'zh-CN';
      expect(fieldsOf(mixedUp)).toEqual([
        'apiV3Key:FIELD_REQUIRED',
        'platformPublicKeyId:FIELD_REQUIRED',
        'platformPublicKeyPem:WECHATPAY_KEY_IS_MERCHANT_KEY',
      ]);
      expect(mixedUp.body.error.fields.find((f: { field: string }) => f.field === 'platformPublicKeyPem').message).toBe(
        "This is the merchant's own public key, not WeChat Pay's",
      );
      expect(await rowsOf(w.t.db, 'channel_accounts')).toEqual(before.accounts);
      expect(await rowsOf(w.t.db, 'audit_log')).toEqual(before.audit);
    });

    it('refuses bad Alipay settings field by field and stores nothing', async () => {
      const before = await rowsOf(w.t.db, 'channel_accounts');
      const res = await owner().put(
        '/api/channels/alipay',
        alipaySettings(w.alipay, {
          appId: '2021',
          appPrivateKey: pem.publicKey(keys.alipayApp),
          alipayPublicKey: pem.privateKey(keys.stranger),
          gatewayUrl: 'http://openapi.example.com/gateway.do',
        }),
      );
      expect(res.status).toBe(400);
      expect(fieldsOf(res)).toEqual([
        'alipayPublicKey:ALIPAY_PUBLIC_KEY_IS_PRIVATE',
        'appId:ALIPAY_APP_ID_INVALID',
        'appPrivateKey:ALIPAY_APP_PRIVATE_KEY_IS_PUBLIC',
        'gatewayUrl:ALIPAY_GATEWAY_URL_INSECURE',
      ]);
      const appKeyTwice = await owner().put(
        '/api/channels/alipay',
        alipaySettings(w.alipay, { alipayPublicKey: pem.publicKey(keys.alipayApp) }),
      );
      expect(fieldsOf(appKeyTwice)).toEqual(['alipayPublicKey:ALIPAY_PUBLIC_KEY_IS_APP_KEY']);
      expect(await rowsOf(w.t.db, 'channel_accounts')).toEqual(before);
    });

    it('is for owners only', async () => {
      for (const who of [w.shop.manager.client, cashier()]) {
        expect((await who.put('/api/channels/wechatpay', wechatSettings(w.wechat))).status).toBe(403);
        expect((await who.put('/api/channels/alipay', alipaySettings(w.alipay))).status).toBe(403);
        expect((await who.get('/api/channels')).status).toBe(403);
      }
      expect(await accountRows()).toEqual([]);
    });

    it('saves both wallets, answers without a secret, and keeps no key in clear', async () => {
      const wechat = await owner().put('/api/channels/wechatpay', wechatSettings(w.wechat), { 'idempotency-key': 'save-wechat-1' });
      expect(wechat.status).toBe(200);
      expect(wechat.body).toEqual({
        id: expect.any(String),
        storeId: null,
        kind: 'wechatpay',
        config: {
          mchid: wechatMerchant.mchid,
          appid: wechatMerchant.appid,
          certSerial: wechatMerchant.certSerial,
          platformPublicKeyId: w.wechat.platformPublicKeyId,
          baseUrl: w.wechat.url,
        },
        status: 'active',
        updatedAt: w.t.clock.now,
      });
      wechatId = wechat.body.id;
      // The same request again (a retry after a lost answer) is answered the same and changes nothing.
      const replay = await owner().put('/api/channels/wechatpay', wechatSettings(w.wechat), { 'idempotency-key': 'save-wechat-1' });
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body).toEqual(wechat.body);

      const alipay = await owner().put('/api/channels/alipay', alipaySettings(w.alipay));
      expect(alipay.status).toBe(200);
      expect(alipay.body).toMatchObject({
        storeId: null,
        kind: 'alipay',
        config: { appId: '2021000000000001', gatewayUrl: w.alipay.gatewayUrl },
      });
      alipayId = alipay.body.id;

      const list = await owner().get('/api/channels');
      expect(list.body.items.map((a: { id: string }) => a.id).sort()).toEqual([alipayId, wechatId].sort());

      const secrets = [
        wechatMerchant.apiV3Key,
        wechatMerchant.appSecret,
        pem.privateKey(keys.merchant).split('\n')[1] as string,
        keys.alipayApp.privateKey.export({ type: 'pkcs1', format: 'der' }).toString('base64').slice(40, 100),
        pem.privateKey(keys.alipayApp).split('\n')[1] as string,
      ];
      const everything = [
        await dumpDatabase(w.t.db),
        ...(await Promise.all(digestedTables.map(async (table) => JSON.stringify(await rowsOf(w.t.db, table))))),
        JSON.stringify([wechat.body, replay.body, alipay.body, list.body]),
      ].join('\n');
      for (const secret of secrets) expect(everything).not.toContain(secret);
      const audit = await w.t.db.kysely.selectFrom('audit_log').selectAll().where('target_type', '=', 'channel').execute();
      expect(audit.map((a) => a.action)).toEqual(['channel.created', 'channel.created']);
      expect(JSON.parse(audit[0]?.detail ?? '{}').keysChanged).toEqual(['privateKeyPem', 'apiV3Key', 'appSecret', 'platformPublicKeyPem']);
    });

    it('keeps the stored keys when a re-save leaves them empty, and checks the connection with them', async () => {
      const resaved = await owner().put(
        '/api/channels/wechatpay',
        wechatSettings(w.wechat, { privateKeyPem: '', apiV3Key: '', appSecret: '', platformPublicKeyPem: '' }),
      );
      expect(resaved.status).toBe(200);
      expect(resaved.body.id).toBe(wechatId);
      const check = await owner().post(`/api/channels/${wechatId}/check`);
      expect(check.status).toBe(200);
      expect(check.body).toEqual({ verdict: 'ok', message: '连接正常' });
      owner().lang = 'en';
      expect((await owner().post(`/api/channels/${alipayId}/check`)).body).toEqual({
        verdict: 'ok',
        message: "Connected; Alipay's answer verified",
      });
      owner().lang = 'zh-CN';
      const resavedAlipay = await owner().put('/api/channels/alipay', alipaySettings(w.alipay, { appPrivateKey: '', alipayPublicKey: '' }));
      expect(resavedAlipay.body.id).toBe(alipayId);
      expect((await owner().post(`/api/channels/${alipayId}/check`)).body.verdict).toBe('ok');
    });

    it('says what is wrong: a key the gateway does not know, a wrong serial, an address nobody answers', async () => {
      // Another merchant, so that the shop's own accounts stay as they are.
      const other = (await registerOwner(w.t)).client;
      const nobody = `http://127.0.0.1:${await freePort()}`;
      const verdictOf = async (path: string, settings: Record<string, unknown>) => {
        const saved = await other.put(path, settings);
        expect(saved.status, saved.text).toBe(200);
        return (await other.post(`/api/channels/${saved.body.id}/check`)).body;
      };
      expect(
        await verdictOf('/api/channels/wechatpay', wechatSettings(w.wechat, { privateKeyPem: pem.privateKey(keys.stranger) })),
      ).toEqual({
        verdict: 'bad_signature',
        message: '微信支付拒绝了签名：商户私钥不对',
      });
      expect(
        (await verdictOf('/api/channels/wechatpay', wechatSettings(w.wechat, { certSerial: '0'.repeat(40), privateKeyPem: '' }))).verdict,
      ).toBe('wrong_serial');
      expect((await verdictOf('/api/channels/wechatpay', wechatSettings(w.wechat, { baseUrl: nobody }))).verdict).toBe('unreachable');
      expect(await verdictOf('/api/channels/alipay', alipaySettings(w.alipay, { appPrivateKey: pem.privateKey(keys.stranger) }))).toEqual({
        verdict: 'app_key_rejected',
        message: '支付宝拒绝了签名：应用私钥与开放平台上传的应用公钥不是一对',
      });
      expect((await verdictOf('/api/channels/alipay', alipaySettings(w.alipay, { gatewayUrl: `${nobody}/gateway.do` }))).verdict).toBe(
        'unreachable',
      );
    });

    it('another merchant can neither see, check nor disable the accounts', async () => {
      const other = (await registerOwner(w.t)).client;
      const { storeId } = await addStoreAndStation(other, '别家店');
      expect((await other.get('/api/channels')).body.items).toEqual([]);
      for (const id of [wechatId, alipayId]) {
        expect((await other.post(`/api/channels/${id}/check`)).status).toBe(404);
        expect((await del(other, `/api/channels/${id}`)).status).toBe(404);
      }
      expect((await owner().put('/api/channels/wechatpay', { ...wechatSettings(w.wechat), storeId })).status).toBe(404);
      const mine = (await accountRows()).filter((a) => a.id === wechatId || a.id === alipayId);
      expect(mine.map((a) => a.status)).toEqual(['active', 'active']);
    });
  });

  describe('routing', () => {
    const paymentRow = (id: string) => w.t.db.kysely.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    let store2: { storeId: string; stationId: string; cashier: HttpClient };

    beforeAll(async () => {
      const { storeId, stationId } = await addStoreAndStation(owner(), '二号店');
      const staff = await addStaff(w.t, owner(), 'cashier', storeId);
      await staff.client.post('/api/auth/station', { stationId });
      store2 = { storeId, stationId, cashier: staff.client };
    });

    it('sends a wallet payment through the merchant’s own account, and the payment remembers the account', async () => {
      const wechat = await sell(cashier(), 2372, { flow: 'dynamic_code', method: 'wechatpay' });
      expect(wechat.body).toMatchObject({ status: 'pending', channel: 'wechatpay', method: 'wechatpay' });
      expect(wechat.body.codeText).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/);
      expect((await paymentRow(wechat.body.id)).channel_account_id).toBe(wechatId);
      expect(w.wechat.control.trade(wechat.body.outTradeNo)?.amount.total).toBe(2372);

      const alipay = await sell(cashier(), 990, { flow: 'dynamic_code', method: 'alipay' });
      expect(alipay.body).toMatchObject({ status: 'pending', channel: 'alipay' });
      expect(alipay.body.codeText).toBe(w.alipay.control.trade(alipay.body.outTradeNo).pageUrl);
      expect((await paymentRow(alipay.body.id)).channel_account_id).toBe(alipayId);
      for (const p of [wechat, alipay]) expect((await cashier().post(`/api/payments/${p.body.id}/cancel`)).body.status).toBe('cancelled');
    });

    it('prefers a store’s own account to the merchant-wide one', async () => {
      const saved = await owner().put('/api/channels/wechatpay', {
        ...wechatSettings(w.wechat, { mchid: secondMchid }),
        storeId: store2.storeId,
      });
      expect(saved.body).toMatchObject({ storeId: store2.storeId, config: { mchid: secondMchid } });
      const there = await sell(store2.cashier, 500, { flow: 'code_pay', authCode: w.wechat.control.payerCode() });
      expect(there.body).toMatchObject({ status: 'succeeded', channel: 'wechatpay' });
      expect(w.wechat.control.trade(there.body.outTradeNo, secondMchid)?.trade_state).toBe('SUCCESS');
      const here = await sell(cashier(), 500, { flow: 'code_pay', authCode: w.wechat.control.payerCode() });
      expect(w.wechat.control.trade(here.body.outTradeNo, wechatMerchant.mchid)?.trade_state).toBe('SUCCESS');
    });

    it('after a switch to another merchant ID, refunds an earlier payment through the account that carried it', async () => {
      const earlier = await sell(store2.cashier, 800, { flow: 'code_pay', authCode: w.wechat.control.payerCode() });
      const oldAccount = (await paymentRow(earlier.body.id)).channel_account_id;
      const switched = await owner().put('/api/channels/wechatpay', { ...wechatSettings(w.wechat), storeId: store2.storeId });
      expect(switched.body.id).not.toBe(oldAccount);
      const listed = (await owner().get('/api/channels')).body.items.filter((a: { storeId: string }) => a.storeId === store2.storeId);
      expect(listed.map((a: { id: string }) => a.id)).toEqual([switched.body.id]);

      const refund = await owner().post(`/api/payments/${earlier.body.id}/refunds`, { amountFen: 800, reason: '顾客退货' });
      expect(refund.body.status).toBe('succeeded');
      expect(w.wechat.control.refund(refund.body.outRefundNo, secondMchid)?.status).toBe('SUCCESS');
      const later = await sell(store2.cashier, 300, { flow: 'code_pay', authCode: w.wechat.control.payerCode() });
      expect((await paymentRow(later.body.id)).channel_account_id).toBe(switched.body.id);
      expect(w.wechat.control.trade(later.body.outTradeNo, wechatMerchant.mchid)?.trade_state).toBe('SUCCESS');
    });

    it('a disabled account takes no new payments (they fall back), and saving it again turns it back on', async () => {
      const storeAccount = (await owner().get('/api/channels')).body.items.find(
        (a: { storeId: string; kind: string }) => a.storeId === store2.storeId && a.kind === 'wechatpay',
      );
      const disabled = await del(owner(), `/api/channels/${storeAccount.id}`);
      expect(disabled.body).toMatchObject({ id: storeAccount.id, status: 'disabled' });
      expect((await del(owner(), `/api/channels/${storeAccount.id}`)).body.status).toBe('disabled');
      const fallback = await sell(store2.cashier, 300, { flow: 'code_pay', authCode: w.wechat.control.payerCode() });
      expect((await paymentRow(fallback.body.id)).channel_account_id).toBe(wechatId);

      expect((await del(owner(), `/api/channels/${alipayId}`)).status).toBe(200);
      const simulated = await sell(cashier(), 300, { flow: 'dynamic_code', method: 'alipay' });
      expect(simulated.body).toMatchObject({ channel: 'simulator', status: 'pending' });
      expect(
        (await owner().put('/api/channels/alipay', alipaySettings(w.alipay, { appPrivateKey: '', alipayPublicKey: '' }))).body,
      ).toMatchObject({
        id: alipayId,
        status: 'active',
      });
      const audit = await w.t.db.kysely.selectFrom('audit_log').select('action').where('target_id', '=', alipayId).execute();
      expect(audit.map((a) => a.action)).toContain('channel.disabled');
    });
  });

  const detail = async (id: string) => (await owner().get(`/api/payments/${id}`)).body;
  const eventTypes = async (id: string) => (await detail(id)).events.map((e: { type: string }) => e.type) as string[];
  const refund = (id: string, amountFen: number) => owner().post(`/api/payments/${id}/refunds`, { amountFen, reason: '顾客退货' });
  /** Moves the clock on and lets the worker run everything then due (re-queries, closes, refunds). */
  const later = async (ms: number) => {
    w.t.clock.advance(ms);
    await w.t.drain();
  };
  const inject = (url: string, headers: Record<string, string>, payload: string) =>
    w.t.app.fastify.inject({ method: 'POST', url, headers, payload });

  describe('WeChat Pay at the counter', () => {
    const gw = () => w.wechat.control;
    const settled = () => gw().notifications.settled();

    it('dynamic code: the payer pays, and the notification settles it once however often it comes', async () => {
      const res = await sell(cashier(), 2372, { flow: 'dynamic_code', method: 'wechatpay' });
      const no = res.body.outTradeNo;
      gw().pay(no);
      await settled();
      const d = await detail(res.body.id);
      expect(d.payment).toMatchObject({ status: 'succeeded', channel: 'wechatpay', channelTradeNo: gw().trade(no)?.transaction_id });
      expect(d.order.status).toBe('paid');
      gw().notifications.resend(no);
      await settled();
      expect((await eventTypes(res.body.id)).filter((t) => t === 'succeeded')).toHaveLength(1);
      expect(
        gw()
          .notifications.log.filter((n) => n.outTradeNo === no)
          .map((n) => n.status),
      ).toEqual([204, 204]);
    });

    it('customer payment code: paid at once', async () => {
      const res = await sell(cashier(), 1500, { flow: 'code_pay', authCode: gw().payerCode() });
      expect(res.body).toMatchObject({ status: 'succeeded', channel: 'wechatpay', channelTradeNo: expect.stringMatching(/^4200/) });
    });

    it('customer payment code that fails: the reason in plain Chinese', async () => {
      const res = await sell(cashier(), 1500, { flow: 'code_pay', authCode: gw().payerCode({ action: 'fail', code: 'NOTENOUGH' }) });
      expect(res.body).toMatchObject({ status: 'failed', failureCode: 'NOTENOUGH', failureReason: expect.stringContaining('余额不足') });
    });

    it('USERPAYING: waits while the payer enters the password, and the re-query finds it paid', async () => {
      const res = await sell(cashier(), 150_000, { flow: 'code_pay', authCode: gw().payerCode({ action: 'password' }) });
      expect(res.body.status).toBe('pending');
      gw().pay(res.body.outTradeNo);
      await later(3_000);
      expect((await detail(res.body.id)).payment.status).toBe('succeeded');
    });

    it('the cashier cancels while the payer enters the password: reversed at WeChat Pay', async () => {
      const res = await sell(cashier(), 99_000, { flow: 'code_pay', authCode: gw().payerCode({ action: 'password' }) });
      const cancelled = await cashier().post(`/api/payments/${res.body.id}/cancel`);
      expect(cancelled.body.status).toBe('cancelled');
      expect(gw().trade(res.body.outTradeNo)?.trade_state).toBe('REVOKED');
    });

    it('an answer lost to a 5xx or a timeout (the money taken) leaves it pending, and the query settles it', async () => {
      gw().failNextCalls(1, { kind: 'server_error', afterProcessing: true });
      const fiveHundred = await sell(cashier(), 700, { flow: 'code_pay', authCode: gw().payerCode() });
      gw().failNextCalls(1, { kind: 'timeout', afterProcessing: true });
      const timedOut = await sell(cashier(), 800, { flow: 'code_pay', authCode: gw().payerCode() });
      expect([fiveHundred.body.status, timedOut.body.status]).toEqual(['pending', 'pending']);
      await later(3_000);
      for (const p of [fiveHundred, timedOut]) expect((await detail(p.body.id)).payment.status).toBe('succeeded');
    });

    it('closes a code nobody paid at its expiry', async () => {
      const res = await sell(cashier(), 600, { flow: 'dynamic_code', method: 'wechatpay', expiresInMinutes: 1 });
      await later(61_000);
      expect((await detail(res.body.id)).payment.status).toBe('expired');
      expect(gw().trade(res.body.outTradeNo)?.trade_state).toBe('CLOSED');
    });

    it('refunds in part and in full, and never more than was paid', async () => {
      const paid = await sell(cashier(), 1000, { flow: 'code_pay', authCode: gw().payerCode() });
      const part = await refund(paid.body.id, 300);
      const rest = await refund(paid.body.id, 700);
      expect([part.body.status, rest.body.status]).toEqual(['succeeded', 'succeeded']);
      expect((await refund(paid.body.id, 1)).body.error.code).toBe('REFUND_EXCEEDS');
      expect(gw().refund(part.body.outRefundNo)?.amount.refund).toBe(300);
      expect(gw().trade(paid.body.outTradeNo)?.trade_state).toBe('REFUND');
      expect((await detail(paid.body.id)).payment.refundedFen).toBe(1000);
    });

    it('a refund still processing keeps its amount until the refund notification says how it ended', async () => {
      gw().setRefundPolicy({ hold: true });
      try {
        const paid = await sell(cashier(), 1000, { flow: 'code_pay', authCode: gw().payerCode() });
        const started = await refund(paid.body.id, 1000);
        expect(started.body.status).toBe('pending');
        expect((await refund(paid.body.id, 1)).body.error.code).toBe('REFUND_EXCEEDS');
        gw().settleRefund(started.body.outRefundNo, 'SUCCESS');
        await settled();
        expect((await detail(paid.body.id)).refunds).toMatchObject([{ status: 'succeeded', amountFen: 1000 }]);

        // ABNORMAL: the money left the shop but did not reach the payer; the amount must stay taken.
        const other = await sell(cashier(), 500, { flow: 'code_pay', authCode: gw().payerCode() });
        const stuck = await refund(other.body.id, 200);
        gw().settleRefund(stuck.body.outRefundNo, 'ABNORMAL');
        await settled();
        await later(60_000);
        const d = await detail(other.body.id);
        expect(d.refunds).toMatchObject([{ status: 'pending' }]);
        expect(d.payment.refundedFen).toBe(200);
        expect((await refund(other.body.id, 100)).body.error.code).toBe('REFUND_IN_PROGRESS');
      } finally {
        gw().setRefundPolicy({ hold: false, status: 'SUCCESS' });
      }
    });

    it('a payment that succeeds after the cashier cancelled is refunded automatically', async () => {
      const res = await sell(cashier(), 880, { flow: 'dynamic_code', method: 'wechatpay' });
      gw().failNextCalls(1, { kind: 'server_error' });
      expect((await cashier().post(`/api/payments/${res.body.id}/cancel`)).body.status).toBe('cancelled');
      gw().pay(res.body.outTradeNo);
      await settled();
      await w.t.drain();
      const d = await detail(res.body.id);
      expect(d.payment).toMatchObject({ status: 'succeeded', lateSuccess: true, refundedFen: 880 });
      expect(d.refunds).toMatchObject([{ automatic: true, status: 'succeeded', amountFen: 880 }]);
      expect(gw().refund(d.refunds[0].outRefundNo)?.status).toBe('SUCCESS');
    });

    it('refuses forged, tampered, wrong-serial and replayed notifications, and the payment stays as it was', async () => {
      const res = await sell(cashier(), 1234, { flow: 'dynamic_code', method: 'wechatpay' });
      // The app never hears of the real notification: the relay keeps it for this test.
      w.relay.holding = true;
      gw().pay(res.body.outTradeNo);
      await settled();
      w.relay.holding = false;
      const genuine = w.relay.notifications.at(-1) as Recorded;
      expect(genuine.url).toBe(`/api/notify/wechatpay/${wechatId}`);
      const headers = notificationHeaders(genuine);
      const tamperedBody = JSON.stringify({ ...JSON.parse(genuine.body), summary: '支付成功!' });
      const attempts = [
        inject(genuine.url, headers, tamperedBody),
        inject(genuine.url, { ...headers, 'wechatpay-serial': 'PUB_KEY_ID_0114232134912410000000000000' }, genuine.body),
        inject(genuine.url, wechatSigned(genuine.body, w.wechat.platformPublicKeyId, w.t.clock.now), genuine.body),
      ];
      for (const answer of await Promise.all(attempts)) {
        expect(answer.statusCode).toBe(401);
        expect(JSON.parse(answer.body)).toMatchObject({ code: 'FAIL' });
      }
      for (const elsewhere of [alipayId, '%00', 'a'.repeat(65)]) {
        const answer = await inject(`/api/notify/wechatpay/${elsewhere}`, headers, genuine.body);
        expect([answer.statusCode, JSON.parse(answer.body).code]).toEqual([404, 'FAIL']);
      }
      expect((await detail(res.body.id)).payment.status).toBe('pending');

      expect((await inject(genuine.url, headers, genuine.body)).statusCode).toBe(204);
      expect((await detail(res.body.id)).payment.status).toBe('succeeded');
      // The same notification six minutes later is a replay: refused, nothing applied twice.
      w.t.clock.advance(6 * 60_000);
      expect((await inject(genuine.url, headers, genuine.body)).statusCode).toBe(401);
      expect((await eventTypes(res.body.id)).filter((t) => t === 'succeeded')).toHaveLength(1);
    });
  });

  describe('Alipay at the counter', () => {
    const gw = () => w.alipay.control;

    it('dynamic code: the buyer scans and pays, and the notification settles it', async () => {
      const res = await sell(cashier(), 2372, { flow: 'dynamic_code', method: 'alipay' });
      expect(res.body.codeText).toMatch(/\/qr\/bax[0-9a-f]+$/);
      gw().scan(res.body.outTradeNo);
      gw().pay(res.body.outTradeNo);
      await gw().deliverNotifications();
      const d = await detail(res.body.id);
      expect(d.payment).toMatchObject({ status: 'succeeded', channel: 'alipay', channelTradeNo: gw().trade(res.body.outTradeNo).tradeNo });
      const sent = gw()
        .notifications()
        .filter((n) => n.outTradeNo === res.body.outTradeNo);
      expect(sent.map((n) => [n.state, n.attempts[0]?.answer])).toEqual([['acknowledged', 'success']]);
    });

    it('customer payment code: paid at once, or refused with the reason', async () => {
      const paid = await sell(cashier(), 1500, { flow: 'code_pay', authCode: alipayCode() });
      expect(paid.body).toMatchObject({ status: 'succeeded', channel: 'alipay', method: 'alipay' });
      const code = alipayCode();
      gw().decideCode(code, { kind: 'fail', subCode: 'ACQ.BUYER_BALANCE_NOT_ENOUGH' });
      const refused = await sell(cashier(), 1500, { flow: 'code_pay', authCode: code });
      expect(refused.body).toMatchObject({ status: 'failed', failureCode: 'ACQ.BUYER_BALANCE_NOT_ENOUGH' });
    });

    it('10003: waits for the buyer’s password, and the re-query finds it paid', async () => {
      const code = alipayCode();
      gw().decideCode(code, { kind: 'password' });
      const res = await sell(cashier(), 150_000, { flow: 'code_pay', authCode: code });
      expect(res.body.status).toBe('pending');
      gw().pay(res.body.outTradeNo);
      await later(3_000);
      expect((await detail(res.body.id)).payment.status).toBe('succeeded');
    });

    it('the cashier cancels while the buyer enters the password: cancelled at Alipay', async () => {
      const code = alipayCode();
      gw().decideCode(code, { kind: 'password' });
      const res = await sell(cashier(), 99_000, { flow: 'code_pay', authCode: code });
      expect((await cashier().post(`/api/payments/${res.body.id}/cancel`)).body.status).toBe('cancelled');
      expect(gw().trade(res.body.outTradeNo).state).toBe('TRADE_CLOSED');
    });

    it('a gateway error before Alipay saw the payment: pending, then closed for good at the 45-second deadline', async () => {
      gw().failNextCalls(1, { kind: 'http_error', status: 502 });
      const res = await sell(cashier(), 600, { flow: 'code_pay', authCode: alipayCode() });
      expect(res.body.status).toBe('pending');
      await later(3_000);
      expect((await detail(res.body.id)).payment.status).toBe('pending');
      await later(45_000);
      expect((await detail(res.body.id)).payment.status).toBe('expired');
      expect(
        gw()
          .calls()
          .some((c) => c.method === 'alipay.trade.cancel'),
      ).toBe(true);
    });

    it('closes a code nobody paid at its expiry, and it cannot be paid afterwards', async () => {
      const res = await sell(cashier(), 600, { flow: 'dynamic_code', method: 'alipay', expiresInMinutes: 1 });
      await later(61_000);
      expect((await detail(res.body.id)).payment.status).toBe('expired');
      expect(() => gw().pay(res.body.outTradeNo)).toThrow(/cannot be paid/);
    });

    it('refunds in part and in full', async () => {
      const paid = await sell(cashier(), 1000, { flow: 'code_pay', authCode: alipayCode() });
      expect((await refund(paid.body.id, 300)).body.status).toBe('succeeded');
      expect((await refund(paid.body.id, 700)).body.status).toBe('succeeded');
      expect((await refund(paid.body.id, 1)).body.error.code).toBe('REFUND_EXCEEDS');
      expect(gw().trade(paid.body.outTradeNo)).toMatchObject({ refundedFen: 1000, state: 'TRADE_CLOSED' });
    });

    it('answers lost to timeouts: the payment is settled by query, the refund by Alipay’s notification', async () => {
      const earlier = await sell(cashier(), 1200, { flow: 'dynamic_code', method: 'alipay' });
      gw().pay(earlier.body.outTradeNo);
      await gw().deliverNotifications();
      expect((await detail(earlier.body.id)).payment.status).toBe('succeeded');
      // Both next calls take effect at Alipay, and both answers are lost.
      gw().failNextCalls(2, { kind: 'timeout', applied: true });
      const [payment, refunded] = await Promise.all([
        sell(cashier(), 900, { flow: 'code_pay', authCode: alipayCode() }),
        refund(earlier.body.id, 1200),
      ]);
      expect(payment.body.status).toBe('pending');
      await gw().deliverNotifications();
      expect((await detail(earlier.body.id)).refunds).toMatchObject([{ id: refunded.body.id, status: 'succeeded' }]);
      await later(3_000);
      expect((await detail(payment.body.id)).payment.status).toBe('succeeded');
    });

    it('a payment that succeeds after the cashier cancelled is refunded automatically', async () => {
      const res = await sell(cashier(), 660, { flow: 'dynamic_code', method: 'alipay' });
      gw().failNextCalls(1, { kind: 'unavailable' });
      expect((await cashier().post(`/api/payments/${res.body.id}/cancel`)).body.status).toBe('cancelled');
      gw().pay(res.body.outTradeNo);
      await gw().deliverNotifications();
      await w.t.drain();
      const d = await detail(res.body.id);
      expect(d.payment).toMatchObject({ status: 'succeeded', lateSuccess: true, refundedFen: 660 });
      expect(d.refunds).toMatchObject([{ automatic: true, status: 'succeeded' }]);
      expect(gw().trade(res.body.outTradeNo).refundedFen).toBe(660);
    });

    it('refuses forged and tampered notifications, and the payment stays as it was', async () => {
      const res = await sell(cashier(), 4321, { flow: 'dynamic_code', method: 'alipay' });
      w.relay.holding = true;
      gw().pay(res.body.outTradeNo);
      await gw().deliverNotifications();
      w.relay.holding = false;
      const genuine = w.relay.notifications.at(-1) as Recorded;
      expect(genuine.url).toBe(`/api/notify/alipay/${alipayId}`);
      const form = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
      const tampered = new URLSearchParams(genuine.body);
      tampered.set('total_amount', '0.01');
      const forged = alipayResigned(new URLSearchParams(genuine.body));
      for (const body of [tampered.toString(), forged]) {
        const answer = await inject(genuine.url, form, body);
        expect([answer.statusCode, answer.body]).toEqual([400, 'fail']);
      }
      for (const account of [wechatId, '%00', '..%2F']) {
        const elsewhere = await inject(`/api/notify/alipay/${account}`, form, genuine.body);
        expect([elsewhere.statusCode, elsewhere.body]).toEqual([404, 'fail']);
      }
      expect((await detail(res.body.id)).payment.status).toBe('pending');
      const answer = await inject(genuine.url, form, genuine.body);
      expect([answer.statusCode, answer.body]).toEqual([200, 'success']);
      expect((await detail(res.body.id)).payment.status).toBe('succeeded');
    });
  });

  it('wrote no key or secret to the log, at trace level, through every flow above', () => {
    const log = w.logs.join('\n');
    expect(log).toContain('channel connection checked');
    expect(log).toContain('notification refused');
    const secrets = [
      serverSecretKey,
      wechatMerchant.apiV3Key,
      wechatMerchant.appSecret,
      ...pem.privateKey(keys.merchant).split('\n').slice(1, -2),
      ...pem.privateKey(keys.alipayApp).split('\n').slice(1, -2),
      keys.alipayApp.privateKey.export({ type: 'pkcs1', format: 'der' }).toString('base64').slice(100, 160),
    ];
    for (const secret of secrets) expect(log).not.toContain(secret);
  });
});
