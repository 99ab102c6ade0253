import { randomUUID } from 'node:crypto';
import { newId } from '@paydesk/db';
import { fenToYuanString } from '@paydesk/domain';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/assertions.ts';
import { payerCode, sell } from '../support/checkout.ts';
import { dialects } from '../support/databases.ts';
import { addStaff, addStoreAndStation, type Owner, registerOwner } from '../support/factories.ts';
import type { HttpClient } from '../support/http-client.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

const columns = [
  '交易时间',
  '商户订单号',
  '订单号',
  '门店',
  '收银台',
  '收银员',
  '支付方式',
  '收款方式',
  '金额(元)',
  '已退款(元)',
  '状态',
  '失败原因',
  '渠道交易号',
];
const merchantName = '<b>测试</b>便利店';
/** Names can reach the records from older data or imports; the API refuses control characters, the export must still cope. */
const nastyStoreName = '=1+1,"一号"\n店';
const statusLabels: Record<string, string> = { succeeded: '已支付', failed: '失败', pending: '处理中' };
const shanghai = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');

/** RFC 4180 reader (quoted fields with commas, doubled quotes and line breaks), to read back what we wrote. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else field += c;
  }
  return rows;
}

/**
 * The printable text of ESC/POS bytes: drops the commands the receipt uses (ESC @, ESC a n, ESC E n,
 * FS &, FS ., GS ! n, GS V m n). GB18030 bytes are never below 0x30, so a control byte always starts a command.
 */
function withoutCommands(bytes: Buffer): Buffer {
  const lengths: Record<string, number> = { '1b40': 2, '1b61': 3, '1b45': 3, '1c26': 2, '1c2e': 2, '1d21': 3, '1d56': 4 };
  const kept: number[] = [];
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i] ?? 0;
    if (b === 0x1b || b === 0x1c || b === 0x1d) {
      const length = lengths[bytes.subarray(i, i + 2).toString('hex')];
      if (!length) throw new Error(`unexpected command at ${i}`);
      i += length;
    } else {
      kept.push(b);
      i += 1;
    }
  }
  return Buffer.from(kept);
}

describe.each(dialects)('transaction records export and receipts on %s', (dialect) => {
  let t: TestApp;
  let owner: Owner;
  let other: Owner;
  let cashier: Awaited<ReturnType<typeof addStaff>>;
  let cashier2: Awaited<ReturnType<typeof addStaff>>;
  const paid: Record<string, { id: string; outTradeNo: string }> = {};

  /** Binary answers bypass HttpClient, which reads bodies as text. */
  const download = async (client: HttpClient, url: string) => {
    const res = await t.app.fastify.inject({ method: 'GET', url, headers: client.cookie ? { cookie: client.cookie } : {} });
    return { status: res.statusCode, headers: res.headers, bytes: res.rawPayload, text: res.body };
  };
  const csvOf = async (client: HttpClient, query = '') => {
    const res = await download(client, `/api/payments/export?format=csv${query}`);
    expect(res.status, res.text).toBe(200);
    return { ...res, rows: parseCsv(res.bytes.subarray(3).toString('utf8')) };
  };

  beforeAll(async () => {
    t = await createTestApp(dialect);
    owner = await registerOwner(t, { enterpriseName: merchantName });
    const { storeId, stationId } = await addStoreAndStation(owner.client);
    const manager = await addStaff(t, owner.client, 'manager', storeId);
    cashier = await addStaff(t, owner.client, 'cashier', storeId);
    cashier2 = await addStaff(t, owner.client, 'cashier', storeId);
    for (const c of [cashier, cashier2]) expect((await c.client.post('/api/auth/station', { stationId })).status).toBe(200);

    // A rung-up order with lines, paid in cash with change.
    const orderId = randomUUID();
    const lines = [
      { name: '可口可乐 330ml', quantity: 2, unitFen: 350 },
      { name: '全麦面包', quantity: 1, unitFen: 1672 },
    ];
    expect((await cashier.client.post('/api/orders', { id: orderId, lines })).status).toBe(201);
    const cash = await cashier.client.post(`/api/orders/${orderId}/payments`, { flow: 'cash', tenderedFen: 5000 });
    paid.cash = cash.body;
    t.clock.advance(60_000);
    const wechat = await sell(cashier.client, 1500, {
      flow: 'code_pay',
      authCode: await payerCode(cashier.client, 'wechat', { action: 'pay' }),
    });
    paid.wechat = wechat.body;
    expect((await manager.client.post(`/api/payments/${wechat.body.id}/refunds`, { amountFen: 500, reason: '退一件' })).status).toBe(201);
    t.clock.advance(60_000);
    const code = await payerCode(cashier.client, 'alipay', { action: 'fail', failCode: 'NOTENOUGH' });
    paid.failed = (await sell(cashier.client, 990, { flow: 'code_pay', authCode: code })).body;
    t.clock.advance(60_000);
    paid.other = (await sell(cashier2.client, 800, { flow: 'cash', tenderedFen: 800 })).body;
    await t.drain();
    await t.db.kysely.updateTable('stores').set({ name: nastyStoreName }).where('id', '=', storeId).execute();

    other = await registerOwner(t);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('CSV export', () => {
    it('starts with a BOM and the Chinese header, and has the rows and totals of the list', async () => {
      const csv = await csvOf(owner.client);
      expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(csv.headers['content-disposition']).toBe('attachment; filename="paydesk-records-2026-11-28.csv"');

      const list = {
        ...(await owner.client.get('/api/payments?limit=200')).body,
        totals: (await owner.client.get('/api/payments/totals')).body,
      };
      const [header, ...rest] = csv.rows;
      expect(header).toEqual(columns);
      const body = rest.slice(0, -1);
      expect(body).toHaveLength(list.items.length);
      expect(list.items).toHaveLength(4);
      for (const [i, p] of list.items.entries()) {
        const row = body[i] ?? [];
        expect(row[0]).toBe(shanghai(p.createdAt));
        // Long digit strings carry a tab so Excel keeps every digit; the value itself is unchanged.
        expect(row.map((c) => c.replace(/^\t/, ''))).toMatchObject({
          1: p.outTradeNo,
          2: p.orderId,
          8: fenToYuanString(p.amountFen),
          9: fenToYuanString(p.refundedFen),
          10: statusLabels[p.status],
          11: p.failureReason ?? '',
          12: p.channelTradeNo ?? '',
        });
      }
      expect(body.map((r) => [r[6], r[7]])).toEqual([
        ['现金', '现金'],
        ['支付宝', '付款码'],
        ['微信支付', '付款码'],
        ['现金', '现金'],
      ]);
      expect(rest.at(-1)).toEqual([
        '合计',
        `${list.totals.count} 笔`,
        '',
        '',
        '',
        '',
        '',
        '',
        fenToYuanString(list.totals.succeededFen),
        fenToYuanString(list.totals.refundedFen),
        '金额仅计已支付',
        '',
        '',
      ]);
      expect(list.totals).toEqual({ count: 4, succeededFen: 2372 + 1500 + 800, refundedFen: 500 });
    });

    it('quotes a name with a comma, quote or line break and neutralises a formula', async () => {
      const csv = await csvOf(owner.client);
      expect(csv.text).toContain(`"'=1+1,""一号""\n店"`);
      expect(csv.rows[1]?.[3]).toBe(`'${nastyStoreName}`);
      // No cell of the file starts a formula.
      for (const row of csv.rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@]/);
    });

    it('applies the list filters', async () => {
      const csv = await csvOf(owner.client, '&method=cash&status=succeeded');
      expect(csv.rows.slice(1, -1).map((r) => r[8])).toEqual(['8.00', '23.72']);
      expect(csv.rows.at(-1)?.slice(0, 2)).toEqual(['合计', '2 笔']);
      expectError(await owner.client.get('/api/payments/export?format=pdf'), 'VALIDATION_FAILED');
    });

    it('lets a cashier export only their own records, whatever they ask for', async () => {
      const own = await csvOf(cashier2.client);
      expect(own.rows.slice(1, -1).map((r) => r[1])).toEqual([paid.other?.outTradeNo]);
      const asked = await csvOf(cashier2.client, `&cashierId=${cashier.id}`);
      expect(asked.rows.slice(1, -1).map((r) => r[1])).toEqual([paid.other?.outTradeNo]);
    });

    it('gives another merchant an empty export', async () => {
      const csv = await csvOf(other.client);
      expect(csv.rows).toEqual([columns, ['合计', '0 笔', '', '', '', '', '', '', '0.00', '0.00', '金额仅计已支付', '', '']]);
      expect((await download(t.client(), '/api/payments/export')).status).toBe(401);
    });
  });

  describe('XLSX export', () => {
    it('reads back with the header, yuan as 2-decimal numbers and the totals row', async () => {
      const res = await download(owner.client, '/api/payments/export?format=xlsx');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      expect(res.headers['content-disposition']).toBe('attachment; filename="paydesk-records-2026-11-28.xlsx"');
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(res.bytes as unknown as ArrayBuffer);
      const sheet = book.worksheets[0];
      if (!sheet) throw new Error('no sheet');
      const values = (n: number) => (sheet.getRow(n).values as unknown[]).slice(1);
      expect(values(1)).toEqual(columns);
      expect(sheet.rowCount).toBe(6);
      // Newest first: the other cashier's cash sale, then the failure, the refunded WeChat sale, the first cash sale.
      expect(values(2).slice(0, 2)).toEqual([expect.stringMatching(/^2026-11-28 10:03:00$/), paid.other?.outTradeNo]);
      expect(values(5)[1]).toBe(paid.cash?.outTradeNo);
      expect(values(5)[3]).toBe(nastyStoreName);
      expect(values(5)[8]).toBe(23.72);
      expect(sheet.getRow(5).getCell(9).numFmt).toBe('0.00');
      expect(values(4).slice(8, 11)).toEqual([15, 5, '已支付']);
      expect(values(3).slice(6, 12)).toEqual(['支付宝', '付款码', 9.9, 0, '失败', '余额不足']);
      expect(values(6).slice(0, 2)).toEqual(['合计', '4 笔']);
      expect(values(6).slice(8, 10)).toEqual([46.72, 5]);
    });
  });

  describe('receipts', () => {
    it('prints an escaped HTML receipt sized for 58 mm and 80 mm paper', async () => {
      const narrow = await download(owner.client, `/api/payments/${paid.cash?.id}/receipt?format=html&width=58`);
      expect(narrow.status).toBe(200);
      expect(narrow.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(narrow.text).toContain('@page { size: 58mm auto; margin: 0 }');
      expect(narrow.text).toContain('&lt;b&gt;测试&lt;/b&gt;便利店');
      expect(narrow.text).not.toContain('<b>测试');
      for (const s of [
        '可口可乐 330ml',
        '¥7.00',
        '¥16.72',
        '¥23.72',
        '¥50.00',
        '¥26.28',
        '现金',
        '已支付',
        paid.cash?.outTradeNo ?? '?',
        '谢谢惠顾',
      ]) {
        expect(narrow.text).toContain(s);
      }
      expect(narrow.text).not.toContain('<script');
      expect(String(narrow.headers['content-security-policy'])).toContain("default-src 'none'");

      const wide = await download(owner.client, `/api/payments/${paid.cash?.id}/receipt?width=80&autoprint=true`);
      expect(wide.text).toContain('@page { size: 80mm auto; margin: 0 }');
      const script = /<script>(.*)<\/script>/.exec(wide.text)?.[1] ?? '';
      const { createHash } = await import('node:crypto');
      expect(String(wide.headers['content-security-policy'])).toContain(`'sha256-${createHash('sha256').update(script).digest('base64')}'`);
    });

    it('shows the refunds of a refunded payment, and refuses a payment that took no money', async () => {
      const res = await download(cashier.client, `/api/payments/${paid.wechat?.id}/receipt`);
      expect(res.status).toBe(200);
      for (const s of ['微信支付（付款码）', '部分退款', '-¥5.00', '退一件', '¥15.00']) expect(res.text).toContain(s);
      const refused = await cashier.client.get(`/api/payments/${paid.failed?.id}/receipt`);
      expectError(refused, 'RECEIPT_NOT_AVAILABLE');
    });

    it('writes ESC/POS bytes with GB18030 Chinese, in columns for the paper, ending with a cut', async () => {
      for (const [width, cols] of [
        [58, 32],
        [80, 48],
      ] as const) {
        const res = await download(owner.client, `/api/payments/${paid.cash?.id}/receipt?format=escpos&width=${width}`);
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toBe('application/octet-stream');
        const bytes = res.bytes;
        expect([...bytes.subarray(0, 2)]).toEqual([0x1b, 0x40]);
        expect(bytes.includes(Buffer.from([0x1c, 0x26]))).toBe(true);
        const name = iconv.encode(merchantName, 'gb18030');
        const at = bytes.indexOf(name);
        expect(at).toBeGreaterThan(0);
        expect(iconv.decode(bytes.subarray(at, at + name.length), 'gb18030')).toBe(merchantName);
        expect([...bytes.subarray(-4)]).toEqual([0x1d, 0x56, 66, 0]);
        expect([...bytes.subarray(-6, -4)]).toEqual([0x1c, 0x2e]);

        // Every printed line fits the paper when a GB18030 double-byte character takes two columns.
        const lines = iconv.decode(withoutCommands(bytes), 'gb18030').split('\n');
        const widthOf = (l: string) => [...l].reduce((w, ch) => w + ((ch.codePointAt(0) ?? 0) < 0x80 ? 1 : 2), 0);
        expect(lines).toContain('-'.repeat(cols));
        for (const l of lines) expect(widthOf(l), l).toBeLessThanOrEqual(cols);
        const total = lines.find((l) => l.startsWith('合计'));
        expect(total).toMatch(/^合计 +￥23\.72$/);
        expect(widthOf(total ?? '')).toBe(cols);
      }
    });

    it('answers 404 for another merchant’s payment', async () => {
      expectError(await other.client.get(`/api/payments/${paid.cash?.id}/receipt`), 'NOT_FOUND');
      expectError(await other.client.get(`/api/payments/${paid.cash?.id}/receipt?format=escpos`), 'NOT_FOUND');
    });
  });

  describe('large exports', () => {
    it('pages through thousands of records with equal timestamps, and refuses more than 50,000', async () => {
      const big = await registerOwner(t);
      const { storeId } = await addStoreAndStation(big.client, '大店');
      const n = 2_345;
      const rows = Array.from({ length: n }, (_, i) => payment(big.merchantId, storeId, i));
      for (let i = 0; i < n; i += 500)
        await t.db.kysely
          .insertInto('payments')
          .values(rows.slice(i, i + 500))
          .execute();

      const csv = await csvOf(big.client);
      const tradeNos = csv.rows.slice(1, -1).map((r) => r[1]);
      expect(tradeNos).toHaveLength(n);
      expect(new Set(tradeNos).size).toBe(n);
      expect(csv.rows.at(-1)?.slice(0, 2)).toEqual(['合计', `${n} 笔`]);
      const xlsx = await download(big.client, '/api/payments/export?format=xlsx');
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
      expect(book.worksheets[0]?.rowCount).toBe(n + 2);

      // Past 50,000 records the export is refused rather than cut short; a narrower filter goes through.
      const more = Array.from({ length: 50_001 - n }, (_, i) => payment(big.merchantId, storeId, n + i));
      for (let i = 0; i < more.length; i += 1_000)
        await t.db.kysely
          .insertInto('payments')
          .values(more.slice(i, i + 1_000))
          .execute();
      expectError(await big.client.get('/api/payments/export'), 'EXPORT_TOO_LARGE');
      const narrow = await csvOf(big.client, `&maxFen=${100 + 9}`);
      expect(narrow.rows.at(-1)?.slice(0, 2)).toEqual(['合计', '10 笔']);
    }, 60_000);
  });
});

/** A succeeded cash payment row; ten rows share each timestamp so page boundaries fall inside a tie. */
function payment(merchantId: string, storeId: string, i: number) {
  const at = Date.UTC(2026, 10, 1) + Math.floor(i / 10) * 1000;
  return {
    id: newId(),
    merchant_id: merchantId,
    order_id: `order-${i}`,
    store_id: storeId,
    station_id: null,
    cashier_id: 'nobody',
    out_trade_no: `BULK${String(i).padStart(8, '0')}`,
    method: 'cash' as const,
    channel: 'cash',
    flow: 'cash' as const,
    binding_id: null,
    amount_fen: 100 + i,
    status: 'succeeded' as const,
    expires_at: at,
    paid_at: at,
    created_at: at,
    updated_at: at,
  };
}
