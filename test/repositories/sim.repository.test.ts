import { repositories, type SimPayerCode, type SimTrade } from '@paydesk/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, freshDatabase, type TestDb } from '../support/databases.ts';
import { insertMerchant, t0 } from '../support/rows.ts';

/** The simulator's books: a payer code is used up exactly when a trade is booked with it. */
describe.each(dialects)('simulator code payments on %s', (dialect) => {
  let db: TestDb;
  let merchant: string;
  let n = 0;

  beforeAll(async () => {
    db = await freshDatabase(dialect);
    merchant = await insertMerchant(db);
  });
  afterAll(async () => {
    await db.destroy();
  });

  const sim = () => repositories(db.kysely, dialect, db.atomic).sim;
  async function freshCode(): Promise<string> {
    n += 1;
    const code = `1300000000000${String(n).padStart(5, '0')}`;
    await sim().insertPayerCode({
      code,
      merchant_id: merchant,
      wallet: 'wechat',
      behaviour: '{"action":"pay"}',
      created_at: t0,
      used_at: null,
    });
    return code;
  }
  const trade = (outTradeNo: string, code: string, payer: SimPayerCode | undefined, used: boolean): Omit<SimTrade, 'refunded_fen'> => ({
    merchant_id: merchant,
    out_trade_no: outTradeNo,
    trade_no: `SIM${outTradeNo}`,
    flow: 'code_pay',
    amount_fen: 100,
    description: '',
    state: payer && !used ? 'SUCCESS' : 'PAYERROR',
    code_text: null,
    payer_code: code,
    fail_code: payer && !used ? null : 'AUTH_CODE_USED',
    notify_url: null,
    expires_at: t0 + 45_000,
    paid_at: payer && !used ? t0 : null,
    created_at: t0,
    updated_at: t0,
  });
  const book = (outTradeNo: string, code: string) =>
    sim().bookCodePayment(merchant, code, t0, (payer, used) => trade(outTradeNo, code, payer, used));

  it('books a fresh code as paid and uses it up; the same code again is refused as used', async () => {
    const code = await freshCode();
    expect(await book('A1', code)).toMatchObject({ used: false, row: { state: 'SUCCESS' }, payer: { code } });
    expect((await sim().payerCode(merchant, code))?.used_at).toBe(t0);
    expect(await book('A2', code)).toMatchObject({ used: true, row: { state: 'PAYERROR', fail_code: 'AUTH_CODE_USED' } });
  });

  it('books an unknown code as refused, with no payer', async () => {
    expect(await book('B1', '139999999999999999')).toMatchObject({ used: false, payer: undefined, row: { state: 'PAYERROR' } });
  });

  it('lets one of many simultaneous payments with one code take it, and one of many with one order number book', async () => {
    const code = await freshCode();
    const byCode = await Promise.all(Array.from({ length: 8 }, (_, i) => book(`D${i}`, code)));
    expect(byCode.filter((b) => b && !b.used)).toHaveLength(1);
    expect(byCode.filter((b) => b?.used)).toHaveLength(7);
    const codes = await Promise.all(Array.from({ length: 4 }, () => freshCode()));
    const byOrder = await Promise.all(codes.map((c) => book('E1', c)));
    expect(byOrder.filter((b) => b !== undefined)).toHaveLength(1);
    const usedUp = await Promise.all(codes.map(async (c) => (await sim().payerCode(merchant, c))?.used_at));
    expect(usedUp.filter((at) => at !== null)).toHaveLength(1);
  });

  it('changes nothing for an order number booked already: the new code stays unused', async () => {
    await book('C1', await freshCode());
    const other = await freshCode();
    expect(await book('C1', other)).toBeUndefined();
    expect((await sim().payerCode(merchant, other))?.used_at).toBeNull();
    expect((await sim().trade(merchant, 'C1'))?.payer_code).not.toBe(other);
  });
});
