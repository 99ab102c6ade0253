import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/assertions.ts';
import { payerCode, sell, shopAtCounter } from '../support/checkout.ts';
import { dialects } from '../support/databases.ts';
import { registerOwner } from '../support/factories.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

const hour = 3_600_000;

describe.each(dialects)('daily totals (日报) on %s', (dialect) => {
  let t: TestApp;
  let shop: Awaited<ReturnType<typeof shopAtCounter>>;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    // The test clock starts at 2026-11-28 10:00 in China (02:00 UTC).
    shop = await shopAtCounter(t);
    const cashier = shop.cashier.client;
    expect((await sell(cashier, 1200, { flow: 'cash', tenderedFen: 1200 })).status).toBe(201);
    const paid = await sell(cashier, 3000, { flow: 'code_pay', authCode: await payerCode(cashier, 'wechat', { action: 'pay' }) });
    expect(paid.body.status).toBe('succeeded');
    expect((await shop.manager.client.post(`/api/payments/${paid.body.id}/refunds`, { amountFen: 1000, reason: '退货' })).status).toBe(201);
    await sell(cashier, 990, { flow: 'code_pay', authCode: await payerCode(cashier, 'alipay', { action: 'fail', failCode: 'NOTENOUGH' }) });
    // 23:59:59 in China is still the 28th; a second later (16:00 UTC) is the 29th.
    // A long shift: the counter is busy every few hours, which keeps the sessions alive.
    for (let i = 0; i < 3; i += 1) {
      t.clock.advance(4 * hour);
      await cashier.get('/api/payments?limit=1');
      await shop.manager.client.get('/api/payments?limit=1');
      await shop.owner.client.get('/api/payments?limit=1');
    }
    t.clock.advance(2 * hour - 1_000);
    expect((await sell(cashier, 500, { flow: 'cash', tenderedFen: 500 })).status).toBe(201);
    t.clock.advance(1_000);
    expect((await sell(cashier, 700, { flow: 'cash', tenderedFen: 700 })).status).toBe(201);
    await t.drain();
  });
  afterAll(async () => {
    await t.close();
  });

  it('sums each China calendar day, lists the days without sales as zero, and totals the range', async () => {
    const res = await shop.owner.client.get('/api/reports/daily?from=2026-11-27&to=2026-11-30');
    expect(res.status, res.text).toBe(200);
    expect(res.body.days).toEqual([
      { date: '2026-11-27', count: 0, succeededFen: 0, refundedFen: 0 },
      { date: '2026-11-28', count: 4, succeededFen: 1200 + 3000 + 500, refundedFen: 1000 },
      { date: '2026-11-29', count: 1, succeededFen: 700, refundedFen: 0 },
      { date: '2026-11-30', count: 0, succeededFen: 0, refundedFen: 0 },
    ]);
    expect(res.body.totals).toEqual({ count: 5, succeededFen: 5400, refundedFen: 1000 });
  });

  it('takes one day when no end is given, and agrees with the records’ totals for the same range', async () => {
    const day = await shop.owner.client.get('/api/reports/daily?from=2026-11-29');
    expect(day.body.days).toEqual([{ date: '2026-11-29', count: 1, succeededFen: 700, refundedFen: 0 }]);
    const from = Date.UTC(2026, 10, 27, 16);
    const records = await shop.owner.client.get(`/api/payments/totals?from=${from}&to=${from + 24 * hour}`);
    const report = await shop.owner.client.get('/api/reports/daily?from=2026-11-28');
    expect(report.body.totals).toEqual(records.body);
  });

  it("shows a cashier only their own sales, and another merchant nothing of this shop's", async () => {
    const mine = await shop.cashier.client.get('/api/reports/daily?from=2026-11-28&to=2026-11-29');
    expect(mine.body.totals.count).toBe(5);
    const other = await registerOwner(t);
    const theirs = await other.client.get('/api/reports/daily?from=2026-11-28&to=2026-11-29');
    expect(theirs.status).toBe(200);
    expect(theirs.body.totals).toEqual({ count: 0, succeededFen: 0, refundedFen: 0 });
    const manager = await shop.manager.client.get(`/api/reports/daily?from=2026-11-28&storeId=${shop.storeId}`);
    expect(manager.body.totals.count).toBe(4);
  });

  it.each([
    ['no date', ''],
    ['a date that does not exist', '?from=2026-02-30'],
    ['not a date', '?from=yesterday'],
    ['an end before the start', '?from=2026-11-28&to=2026-11-27'],
    ['more than 366 days', '?from=2025-01-01&to=2026-01-02'],
    ['an unknown parameter', '?from=2026-11-28&shop=1'],
  ])('refuses %s with VALIDATION_FAILED', async (_label, query) => {
    const res = await shop.owner.client.get(`/api/reports/daily${query}`);
    expectError(res, 'VALIDATION_FAILED');
  });

  it('is not for the signed out', async () => {
    expectError(await t.client().get('/api/reports/daily?from=2026-11-28'), 'UNAUTHENTICATED');
  });
});
