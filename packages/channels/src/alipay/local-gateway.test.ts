import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AlipaySdk } from 'alipay-sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AlipayParams, signRequest, verifyNotification, verifyResponse } from './crypto.ts';
import { type AlipayGateway, startAlipayGateway } from './local-gateway.ts';
import { beijingTimestamp } from './time.ts';

const app = generateKeyPairSync('rsa', { modulusLength: 2048 });
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
const appId = '2021000000000001';
const limitedAppId = '2021000000000002';
const pem = (key: typeof app.publicKey, type: 'spki' | 'pkcs1') => key.export({ format: 'pem', type } as never).toString();

let gateway: AlipayGateway;
let receiver: Server;
let notifyUrl: string;
const received: Record<string, string>[] = [];
/** What the shop's notify endpoint answers next (then `success`). */
const answers: string[] = [];

beforeAll(async () => {
  gateway = await startAlipayGateway({
    apps: [
      { appId, appPublicKeyPem: pem(app.publicKey, 'spki') },
      { appId: limitedAppId, appPublicKeyPem: pem(app.publicKey, 'spki'), deniedMethods: ['alipay.trade.pay'] },
    ],
    notifyTickMs: 60_000,
  });
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      received.push(Object.fromEntries(new URLSearchParams(body)));
      res.end(answers.shift() ?? 'success');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  notifyUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/notify/alipay`;
});

afterAll(async () => {
  await gateway.close();
  await new Promise((resolve) => receiver.close(resolve));
});

afterEach(() => {
  received.length = 0;
  answers.length = 0;
  gateway.control.setNotificationBehaviour({});
});

let serial = 0;
const tradeNo = () => {
  serial += 1;
  return `T${Date.now()}${serial}`;
};

/** One raw gateway call, signed with our helpers; `change` edits the parameters after signing. */
async function call(
  method: string,
  biz: object,
  o: { key?: typeof app.privateKey; app?: string; change?: (p: AlipayParams) => void; timeoutMs?: number } = {},
) {
  const params: AlipayParams = {
    app_id: o.app ?? appId,
    method,
    charset: 'utf-8',
    sign_type: 'RSA2',
    timestamp: beijingTimestamp(gateway.control.now()),
    version: '1.0',
    notify_url: notifyUrl,
    biz_content: JSON.stringify(biz),
  };
  params.sign = signRequest(params, o.key ?? app.privateKey);
  o.change?.(params);
  const body = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined)).toString();
  const response = await fetch(gateway.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
    signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
  });
  const raw = await response.text();
  return { status: response.status, raw, check: verifyResponse(raw, method, gateway.alipayPublicKeyPem) };
}

const answerOf = async (method: string, biz: object, o?: Parameters<typeof call>[2]) => {
  const { check } = await call(method, biz, o);
  if (check.verdict !== 'verified') throw new Error(`answer ${check.verdict}`);
  return check.answer;
};

const precreate = (outTradeNo: string, totalAmount = '10.00', extra: object = {}) =>
  answerOf('alipay.trade.precreate', { out_trade_no: outTradeNo, total_amount: totalAmount, subject: '测试商品', ...extra });

describe('the local gateway with alipay-sdk as its client', () => {
  const sdk = () =>
    new AlipaySdk({
      appId,
      privateKey: pem(app.privateKey, 'pkcs1' as never),
      alipayPublicKey: gateway.alipayPublicKeyPem,
      gateway: gateway.gatewayUrl,
    });
  const tz = process.env.TZ;
  afterEach(() => {
    process.env.TZ = tz;
  });

  it('takes the SDK signed calls and answers what the SDK verifies, through a whole payment', async () => {
    // The SDK writes its timestamp in the process's local time: it only works on a server set to China time.
    process.env.TZ = 'Asia/Shanghai';
    const client = sdk();
    const outTradeNo = tradeNo();
    const created = await client.exec(
      'alipay.trade.precreate',
      { notifyUrl, bizContent: { outTradeNo, totalAmount: '0.01', subject: '咖啡' } },
      { validateSign: true },
    );
    expect(created).toMatchObject({
      code: '10000',
      outTradeNo,
      qrCode: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/qr\/bax[0-9a-f]+$/),
    });
    const before = await client.exec('alipay.trade.query', { bizContent: { outTradeNo } }, { validateSign: true });
    expect(before).toMatchObject({ code: '40004', subCode: 'ACQ.TRADE_NOT_EXIST' });
    gateway.control.pay(outTradeNo);
    const after = await client.exec('alipay.trade.query', { bizContent: { outTradeNo } }, { validateSign: true });
    expect(after).toMatchObject({
      code: '10000',
      tradeStatus: 'TRADE_SUCCESS',
      totalAmount: '0.01',
      tradeNo: gateway.control.trade(outTradeNo).tradeNo,
    });
    const refund = await client.exec(
      'alipay.trade.refund',
      { bizContent: { outTradeNo, refundAmount: '0.01', outRequestNo: 'R1' } },
      { validateSign: true },
    );
    expect(refund).toMatchObject({ code: '10000', fundChange: 'Y', refundFee: '0.01' });
    await gateway.control.deliverNotifications();
    const notices = received.filter((f) => f.out_trade_no === outTradeNo);
    expect(notices.map((f) => f.trade_status)).toEqual(['TRADE_SUCCESS', 'TRADE_CLOSED']);
    for (const notice of notices) expect(client.checkNotifySignV2(notice)).toBe(true);
  });

  it('refuses the SDK on a server whose clock reads UTC: Alipay time stamps are Beijing time (payments.md §8)', async () => {
    process.env.TZ = 'UTC';
    const answer = await sdk().exec('alipay.trade.query', { bizContent: { outTradeNo: tradeNo() } }, { validateSign: true });
    expect(answer).toMatchObject({ code: '40002', subCode: 'isv.invalid-timestamp' });
  });
});

describe('gateway refusals, as the real gateway words them', () => {
  it('refuses a signature made with another key, and signs the refusal', async () => {
    const { check } = await call('alipay.trade.query', { out_trade_no: tradeNo() }, { key: stranger.privateKey });
    expect(check).toMatchObject({
      verdict: 'verified',
      answer: { code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.invalid-signature' },
    });
    expect(check.verdict === 'verified' && check.answer.sub_msg).toContain('app_id=2021000000000001&biz_content=');
  });

  it('refuses parameters changed after signing', async () => {
    const { check } = await call(
      'alipay.trade.precreate',
      { out_trade_no: tradeNo(), total_amount: '100.00', subject: 'x' },
      {
        change: (p) => {
          p.biz_content = p.biz_content?.replace('100.00', '0.01');
        },
      },
    );
    expect(check).toMatchObject({ answer: { sub_code: 'isv.invalid-signature' } });
  });

  it('answers an unknown app unsigned, having no key pair to answer with', async () => {
    const { check } = await call('alipay.trade.query', { out_trade_no: tradeNo() }, { app: '2021999999999999' });
    expect(check).toMatchObject({ verdict: 'unsigned', answer: { code: '40002', sub_code: 'isv.invalid-app-id' } });
  });

  it('names each missing or invalid common parameter', async () => {
    const cases: [(p: AlipayParams) => void, string, string][] = [
      [
        (p) => {
          p.sign = undefined;
        },
        '40001',
        'isv.missing-signature',
      ],
      [
        (p) => {
          p.sign_type = undefined;
        },
        '40001',
        'isv.missing-signature-type',
      ],
      [
        (p) => {
          p.sign_type = 'RSA';
        },
        '40002',
        'isv.invalid-signature-type',
      ],
      [
        (p) => {
          p.timestamp = undefined;
        },
        '40001',
        'isv.missing-timestamp',
      ],
      [
        (p) => {
          p.timestamp = '2024/05/13 17:49:20';
        },
        '40002',
        'isv.invalid-timestamp',
      ],
      [
        (p) => {
          p.version = '2.0';
        },
        '40002',
        'isv.invalid-version',
      ],
      [
        (p) => {
          p.app_id = undefined;
        },
        '40001',
        'isv.missing-app-id',
      ],
    ];
    for (const [change, code, subCode] of cases) {
      const { check } = await call('alipay.trade.query', { out_trade_no: tradeNo() }, { change });
      expect(check.verdict !== 'malformed' && check.answer, subCode).toMatchObject({ code, sub_code: subCode });
    }
  });

  it('refuses a time stamp written in UTC instead of Beijing time', async () => {
    const { check } = await call(
      'alipay.trade.query',
      { out_trade_no: tradeNo() },
      {
        change: (p) => {
          p.timestamp = new Date(gateway.control.now()).toISOString().slice(0, 19).replace('T', ' ');
        },
      },
    );
    expect(check).toMatchObject({ verdict: 'verified', answer: { sub_code: 'isv.invalid-timestamp' } });
  });

  it('answers a missing or unknown method in error_response', async () => {
    const unknown = await call('alipay.trade.teleport', {});
    expect(unknown.raw.startsWith('{"error_response":')).toBe(true);
    expect(unknown.check).toMatchObject({ verdict: 'verified', answer: { code: '40002', sub_code: 'isv.invalid-method' } });
    const missing = await call(
      'alipay.trade.query',
      {},
      {
        change: (p) => {
          p.method = undefined;
        },
      },
    );
    expect(missing.raw).toMatch(/^\{"error_response":\{"code":"40001".*"sub_code":"isv.missing-method"/);
  });

  it('refuses methods the app has not signed up for, and unreadable biz_content', async () => {
    expect(await answerOf('alipay.trade.pay', {}, { app: limitedAppId })).toMatchObject({
      code: '40006',
      sub_code: 'isv.insufficient-isv-permissions',
    });
    const { check } = await call(
      'alipay.trade.query',
      {},
      {
        change: (p) => {
          p.biz_content = '{not json';
        },
      },
    );
    // Changing biz_content breaks the signature first, as it should; a well-signed bad body is refused too.
    expect(check).toMatchObject({ answer: { sub_code: 'isv.invalid-signature' } });
    const params: AlipayParams = { biz_content: '[1,2]' };
    expect(
      await answerOf(
        'alipay.trade.query',
        {},
        { change: (p) => Object.assign(p, params, { sign: signRequest({ ...p, ...params, sign: undefined }, app.privateKey) }) },
      ),
    ).toMatchObject({
      code: '40004',
      sub_code: 'ACQ.INVALID_PARAMETER',
    });
  });

  it('refuses amounts that are not yuan with at most two decimals between 0.01 and 100000000', async () => {
    for (const amount of ['0', '0.00', '0.001', '-1.00', '1e3', '100000000.01', '¥5.00', '1,000.00', '']) {
      expect(await precreate(tradeNo(), amount), amount).toMatchObject({ code: '40004', sub_code: 'ACQ.INVALID_PARAMETER' });
    }
    expect(await precreate(tradeNo(), '100000000.00')).toMatchObject({ code: '10000' });
    expect(await precreate(tradeNo(), '0.1')).toMatchObject({ code: '10000' });
  });

  it('refuses subjects with / = & and order numbers outside [A-Za-z0-9_]{1,64}', async () => {
    for (const subject of ['a/b', 'a=b', 'a&b', '', 'x'.repeat(257)]) {
      expect(await answerOf('alipay.trade.precreate', { out_trade_no: tradeNo(), total_amount: '1.00', subject })).toMatchObject({
        sub_code: 'ACQ.INVALID_PARAMETER',
      });
    }
    for (const outTradeNo of ['has-dash', 'x'.repeat(65), '']) {
      expect(await precreate(outTradeNo)).toMatchObject({ sub_code: 'ACQ.INVALID_PARAMETER' });
    }
  });
});

describe('trades', () => {
  it('keeps out_trade_no unique: the same order again is the same code, anything else is refused', async () => {
    const no = tradeNo();
    const first = await precreate(no);
    expect(await precreate(no)).toEqual(first);
    expect(await precreate(no, '10.01')).toMatchObject({ code: '40004', sub_code: 'ACQ.CONTEXT_INCONSISTENT' });
    expect(
      await answerOf('alipay.trade.pay', {
        out_trade_no: no,
        scene: 'bar_code',
        auth_code: '284023101010101010',
        total_amount: '10.00',
        subject: 'x',
      }),
    ).toMatchObject({
      sub_code: 'ACQ.CONTEXT_INCONSISTENT',
    });
    gateway.control.pay(no);
    expect(await precreate(no)).toMatchObject({ code: '40004', sub_code: 'ACQ.TRADE_HAS_SUCCESS' });
  });

  it('does not know a precreated code until it is scanned: close misses it, the buyer can still pay (payments.md §8)', async () => {
    const no = tradeNo();
    await precreate(no);
    expect(await answerOf('alipay.trade.query', { out_trade_no: no })).toMatchObject({
      code: '40004',
      sub_code: 'ACQ.TRADE_NOT_EXIST',
      sub_msg: '交易不存在',
    });
    expect(await answerOf('alipay.trade.close', { out_trade_no: no })).toMatchObject({ sub_code: 'ACQ.TRADE_NOT_EXIST' });
    gateway.control.pay(no);
    expect(await answerOf('alipay.trade.query', { out_trade_no: no })).toMatchObject({ trade_status: 'TRADE_SUCCESS' });
  });

  it('stops an unscanned code with cancel', async () => {
    const no = tradeNo();
    await precreate(no);
    expect(await answerOf('alipay.trade.cancel', { out_trade_no: no })).toMatchObject({ code: '10000', retry_flag: 'N', action: 'close' });
    expect(() => gateway.control.pay(no)).toThrow(/TRADE_CLOSED/);
    const page = await fetch(gateway.control.trade(no).pageUrl);
    expect(await page.text()).toContain('交易已关闭');
    // A number cancelled before any trade existed cannot be opened afterwards either.
    const never = tradeNo();
    expect(await answerOf('alipay.trade.cancel', { out_trade_no: never })).toEqual({
      code: '10000',
      msg: 'Success',
      out_trade_no: never,
      retry_flag: 'N',
    });
    expect(await precreate(never)).toMatchObject({ sub_code: 'ACQ.TRADE_HAS_CLOSE' });
  });

  it('closes a scanned, unpaid trade, and will not close a paid one', async () => {
    const open = tradeNo();
    await precreate(open);
    gateway.control.scan(open);
    expect(await answerOf('alipay.trade.query', { out_trade_no: open })).toMatchObject({ trade_status: 'WAIT_BUYER_PAY' });
    expect(await answerOf('alipay.trade.close', { out_trade_no: open })).toMatchObject({ code: '10000', out_trade_no: open });
    expect(await answerOf('alipay.trade.query', { out_trade_no: open })).toMatchObject({ trade_status: 'TRADE_CLOSED' });
    const paid = tradeNo();
    await precreate(paid);
    gateway.control.pay(paid);
    expect(await answerOf('alipay.trade.close', { out_trade_no: paid })).toMatchObject({ sub_code: 'ACQ.TRADE_STATUS_ERROR' });
  });

  it('closes unpaid trades at their timeout on the gateway clock', async () => {
    const no = tradeNo();
    await precreate(no, '1.00', { timeout_express: '1m' });
    gateway.control.scan(no);
    gateway.control.advance(61_000);
    expect(await answerOf('alipay.trade.query', { out_trade_no: no })).toMatchObject({ trade_status: 'TRADE_CLOSED' });
    expect(() => gateway.control.pay(no)).toThrow(/TRADE_CLOSED/);
    expect(await precreate(tradeNo(), '1.00', { timeout_express: '30s' })).toMatchObject({ sub_code: 'ACQ.INVALID_PARAMETER' });
  });

  it('pays bar codes as the buyer decides: at once, after the password, or not at all', async () => {
    const pay = (outTradeNo: string, authCode: string) =>
      answerOf('alipay.trade.pay', {
        out_trade_no: outTradeNo,
        scene: 'bar_code',
        auth_code: authCode,
        total_amount: '88.80',
        subject: '午餐',
      });
    const now = tradeNo();
    const before = beijingTimestamp(gateway.control.now());
    const paid = await pay(now, '280000000000000001');
    expect(paid).toMatchObject({
      code: '10000',
      out_trade_no: now,
      total_amount: '88.80',
      buyer_logon_id: expect.stringMatching(/^138\*{6}\d\d$/),
    });
    expect([before, beijingTimestamp(gateway.control.now())]).toContain(paid.gmt_payment);
    gateway.control.decideCode('280000000000000002', { kind: 'password' });
    const later = tradeNo();
    expect(await pay(later, '280000000000000002')).toMatchObject({
      code: '10003',
      msg: ' order success pay inprocess',
      out_trade_no: later,
    });
    expect(await answerOf('alipay.trade.query', { out_trade_no: later })).toMatchObject({ trade_status: 'WAIT_BUYER_PAY' });
    gateway.control.decideCode('280000000000000003', { kind: 'fail', subCode: 'ACQ.BUYER_BALANCE_NOT_ENOUGH' });
    expect(await pay(tradeNo(), '280000000000000003')).toMatchObject({
      code: '40004',
      sub_code: 'ACQ.BUYER_BALANCE_NOT_ENOUGH',
      sub_msg: '买家余额不足',
    });
    // A payment code pays once; a WeChat code is no Alipay code at all.
    expect(await pay(tradeNo(), '280000000000000001')).toMatchObject({ sub_code: 'ACQ.PAYMENT_AUTH_CODE_INVALID' });
    expect(await pay(tradeNo(), '134567890123456789')).toMatchObject({ sub_code: 'ACQ.PAYMENT_AUTH_CODE_INVALID' });
  });

  it('refunds never above what was paid, idempotently per out_request_no', async () => {
    const no = tradeNo();
    await precreate(no, '10.00');
    gateway.control.pay(no);
    const refund = (outRequestNo: string, amount: string) =>
      answerOf('alipay.trade.refund', { out_trade_no: no, refund_amount: amount, out_request_no: outRequestNo });
    expect(await refund('R1', '3.00')).toMatchObject({ code: '10000', fund_change: 'Y', refund_fee: '3.00', send_back_fee: '3.00' });
    expect(await refund('R1', '3.00')).toMatchObject({ code: '10000', fund_change: 'N', refund_fee: '3.00' });
    expect(await refund('R1', '4.00')).toMatchObject({ sub_code: 'ACQ.DISCORDANT_REPEAT_REQUEST' });
    expect(await refund('R2', '7.01')).toMatchObject({ sub_code: 'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL' });
    expect(await answerOf('alipay.trade.fastpay.refund.query', { out_trade_no: no, out_request_no: 'R2' })).toEqual({
      code: '10000',
      msg: 'Success',
    });
    expect(await refund('R2', '7.00')).toMatchObject({ fund_change: 'Y', refund_fee: '10.00' });
    expect(await answerOf('alipay.trade.query', { out_trade_no: no })).toMatchObject({ trade_status: 'TRADE_CLOSED' });
    expect(
      await answerOf('alipay.trade.fastpay.refund.query', { out_trade_no: no, out_request_no: 'R1', query_options: ['gmt_refund_pay'] }),
    ).toMatchObject({
      out_request_no: 'R1',
      refund_amount: '3.00',
      total_amount: '10.00',
      refund_status: 'REFUND_SUCCESS',
      gmt_refund_pay: expect.any(String),
    });
    expect(await refund('R3', '0.01')).toMatchObject({ sub_code: 'ACQ.TRADE_STATUS_ERROR' });
  });

  it('refuses refunds after the refund period and of unpaid trades', async () => {
    const finished = tradeNo();
    await precreate(finished);
    gateway.control.pay(finished);
    gateway.control.finish(finished);
    expect(await answerOf('alipay.trade.refund', { out_trade_no: finished, refund_amount: '1.00', out_request_no: 'R1' })).toMatchObject({
      sub_code: 'ACQ.TRADE_NOT_ALLOW_REFUND',
    });
    const unpaid = tradeNo();
    await precreate(unpaid);
    gateway.control.scan(unpaid);
    expect(await answerOf('alipay.trade.refund', { out_trade_no: unpaid, refund_amount: '1.00' })).toMatchObject({
      sub_code: 'ACQ.TRADE_STATUS_ERROR',
    });
  });

  it('cancels a paid trade by refunding it, but only within a day', async () => {
    const recent = tradeNo();
    await precreate(recent);
    gateway.control.pay(recent);
    expect(await answerOf('alipay.trade.cancel', { out_trade_no: recent })).toMatchObject({ action: 'refund', retry_flag: 'N' });
    expect(gateway.control.trade(recent)).toMatchObject({ state: 'TRADE_CLOSED', refundedFen: 1000 });
    const old = tradeNo();
    await precreate(old);
    gateway.control.pay(old);
    gateway.control.advance(24 * 3_600_000 + 1_000);
    expect(await answerOf('alipay.trade.cancel', { out_trade_no: old })).toMatchObject({ sub_code: 'ACQ.TRADE_CANCEL_TIME_OUT' });
  });
});

describe('notifications', () => {
  const paidTrade = async () => {
    const no = tradeNo();
    await precreate(no, '12.34');
    gateway.control.pay(no);
    await gateway.control.deliverNotifications();
    return no;
  };
  const recordsOf = (no: string) => gateway.control.notifications().filter((n) => n.outTradeNo === no);

  it('are signed forms with the trade in them, verified by us and by alipay-sdk', async () => {
    const no = await paidTrade();
    const notice = received.find((f) => f.out_trade_no === no) as Record<string, string>;
    expect(notice).toMatchObject({
      notify_type: 'trade_status_sync',
      app_id: appId,
      trade_status: 'TRADE_SUCCESS',
      total_amount: '12.34',
      sign_type: 'RSA2',
      trade_no: gateway.control.trade(no).tradeNo,
      fund_bill_list: '[{"amount":"12.34","fundChannel":"ALIPAYACCOUNT"}]',
    });
    expect(verifyNotification(notice, gateway.alipayPublicKeyPem)).toBe(true);
    const sdk = new AlipaySdk({ appId, privateKey: pem(app.privateKey, 'pkcs1' as never), alipayPublicKey: gateway.alipayPublicKeyPem });
    expect(sdk.checkNotifySignV2(notice)).toBe(true);
    expect(sdk.checkNotifySignV2({ ...notice, total_amount: '0.01' })).toBe(false);
  });

  it('are retried on the gateway clock until the answer is exactly "success"', async () => {
    answers.push('fail', 'SUCCESS', 'success\n');
    const no = await paidTrade();
    expect(recordsOf(no)[0]).toMatchObject({ state: 'pending', attempts: [{ status: 200, answer: 'fail' }] });
    await gateway.control.deliverNotifications();
    expect(recordsOf(no)[0]?.attempts).toHaveLength(1);
    for (const minutes of [4, 10, 10]) {
      gateway.control.advance(minutes * 60_000);
      await gateway.control.deliverNotifications();
    }
    expect(recordsOf(no)[0]).toMatchObject({ state: 'acknowledged' });
    expect(recordsOf(no)[0]?.attempts.map((a) => a.answer)).toEqual(['fail', 'SUCCESS', 'success\n', 'success']);
    const sent = received.filter((f) => f.out_trade_no === no);
    expect(new Set(sent.map((f) => f.notify_id)).size).toBe(1);
    expect(sent[3]?.notify_time).not.toBe(sent[0]?.notify_time);
    for (const f of sent) expect(verifyNotification(f, gateway.alipayPublicKeyPem)).toBe(true);
  });

  it('give up after eight attempts', async () => {
    answers.push(...Array.from({ length: 8 }, () => 'fail'));
    const no = await paidTrade();
    for (const minutes of [4, 10, 10, 60, 120, 360, 900]) {
      gateway.control.advance(minutes * 60_000);
      await gateway.control.deliverNotifications();
    }
    expect(recordsOf(no)[0]).toMatchObject({ state: 'abandoned' });
    expect(recordsOf(no)[0]?.attempts).toHaveLength(8);
  });

  it('can be duplicated, delayed or lost on request', async () => {
    gateway.control.setNotificationBehaviour({ duplicates: 2 });
    const twice = await paidTrade();
    expect(received.filter((f) => f.out_trade_no === twice)).toHaveLength(3);
    gateway.control.setNotificationBehaviour({ lose: true });
    const lost = await paidTrade();
    expect(received.filter((f) => f.out_trade_no === lost)).toHaveLength(0);
    expect(recordsOf(lost)).toMatchObject([{ state: 'lost', attempts: [] }]);
    gateway.control.setNotificationBehaviour({ delayMs: 30_000 });
    const late = await paidTrade();
    expect(received.filter((f) => f.out_trade_no === late)).toHaveLength(0);
    gateway.control.advance(30_000);
    await gateway.control.deliverNotifications();
    expect(received.filter((f) => f.out_trade_no === late)).toHaveLength(1);
  });

  it('may arrive before the answer to the call that paid (payments.md §8)', async () => {
    const no = tradeNo();
    gateway.control.failNextCalls(1, { kind: 'slow', delayMs: 1000 });
    let answered = false;
    const answer = answerOf('alipay.trade.pay', {
      out_trade_no: no,
      scene: 'bar_code',
      auth_code: '280000000000000099',
      total_amount: '1.00',
      subject: 'x',
    });
    void answer.then(() => {
      answered = true;
    });
    await vi.waitFor(() => expect(received.some((f) => f.out_trade_no === no)).toBe(true), { timeout: 800, interval: 10 });
    expect(answered).toBe(false);
    expect(await answer).toMatchObject({ code: '10000', out_trade_no: no });
  });

  it('report refunds with out_biz_no and refund_fee', async () => {
    const no = await paidTrade();
    await answerOf('alipay.trade.refund', { out_trade_no: no, refund_amount: '2.34', out_request_no: 'RF1' });
    await gateway.control.deliverNotifications();
    expect(received.filter((f) => f.out_trade_no === no).at(-1)).toMatchObject({
      trade_status: 'TRADE_SUCCESS',
      out_biz_no: 'RF1',
      refund_fee: '2.34',
      gmt_refund: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/),
    });
  });
});

describe('faults on request', () => {
  it('answers 5xx, 20000, slowly, or never', async () => {
    gateway.control.failNextCalls(1, { kind: 'http_error', status: 503 });
    expect((await call('alipay.trade.query', { out_trade_no: tradeNo() })).status).toBe(503);
    gateway.control.failNextCalls(1, { kind: 'unavailable' });
    expect(await answerOf('alipay.trade.query', { out_trade_no: tradeNo() })).toMatchObject({
      code: '20000',
      sub_code: 'isp.unknow-error',
    });
    gateway.control.failNextCalls(1, { kind: 'slow', delayMs: 300 });
    const started = Date.now();
    expect(await answerOf('alipay.trade.query', { out_trade_no: tradeNo() })).toMatchObject({ sub_code: 'ACQ.TRADE_NOT_EXIST' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    gateway.control.failNextCalls(1, { kind: 'timeout' });
    const silent = fetch(`${gateway.gatewayUrl}?method=alipay.trade.query`, { method: 'POST', signal: AbortSignal.timeout(300) });
    await expect(silent).rejects.toThrow();
    expect(await answerOf('alipay.trade.query', { out_trade_no: tradeNo() })).toMatchObject({ sub_code: 'ACQ.TRADE_NOT_EXIST' });
  });

  it('can do the work and lose only the answer', async () => {
    const no = tradeNo();
    gateway.control.failNextCalls(1, { kind: 'timeout', applied: true });
    const call1 = call('alipay.trade.precreate', { out_trade_no: no, total_amount: '5.00', subject: 'x' }, { timeoutMs: 300 });
    await expect(call1).rejects.toThrow();
    expect(gateway.control.trade(no)).toMatchObject({ state: 'NOT_SCANNED', totalFen: 500 });
  });
});

describe('pages for people', () => {
  it('shows the scanned code to the buyer, escaped, and takes the payment', async () => {
    const no = tradeNo();
    const code = await answerOf('alipay.trade.precreate', { out_trade_no: no, total_amount: '9.90', subject: '<script>alert(1)' });
    const page = await (await fetch(code.qr_code as string)).text();
    expect(page).toContain('¥9.90');
    expect(page).toContain('&#60;script&#62;');
    expect(page).not.toContain('<script>alert');
    expect(await answerOf('alipay.trade.query', { out_trade_no: no })).toMatchObject({ trade_status: 'WAIT_BUYER_PAY' });
    const paid = await fetch(`${code.qr_code}/pay`, { method: 'POST', redirect: 'manual' });
    expect(paid.status).toBe(303);
    expect(await answerOf('alipay.trade.query', { out_trade_no: no })).toMatchObject({ trade_status: 'TRADE_SUCCESS' });
    expect(await (await fetch(code.qr_code as string)).text()).toContain('支付成功');
    const overview = await (await fetch(gateway.url)).text();
    expect(overview).toContain(no);
  });
});
