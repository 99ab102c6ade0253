import type { Payment, Repositories } from '@paydesk/db';
import type { AppContext } from '../context.ts';
import { flowLabels, labelOf, methodLabels, shanghaiTime, statusLabels } from './labels.ts';

/** The list's filter (not exported by @paydesk/db by name). */
export type PaymentFilter = Parameters<Repositories['payments']['list']>[1];

export const maxExportRows = 50_000;
/** Rows read per query: large enough to keep round trips few, small enough to keep memory flat. */
const pageSize = 1_000;

export const recordColumns = [
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
] as const;

/** One exported record: text ready to show, amounts still integer fen (each format renders them its own way). */
export interface RecordRow {
  time: string;
  outTradeNo: string;
  orderId: string;
  store: string;
  station: string;
  cashier: string;
  method: string;
  flow: string;
  amountFen: number;
  refundedFen: number;
  status: string;
  failureReason: string;
  channelTradeNo: string;
}

/** The same sums as GET /api/payments' totals, but over the rows actually written to the file. */
export class RecordTotals {
  count = 0;
  succeededFen = 0;
  refundedFen = 0;

  add(p: Payment): void {
    this.count += 1;
    if (p.status === 'succeeded') this.succeededFen += p.amount_fen;
    this.refundedFen += p.refunded_fen;
  }
}

/**
 * Every record matching the filter, newest first, read page by page with the list's keyset cursor so an
 * export of 50,000 rows never holds more than one page of payments. Names are looked up once per export.
 */
export async function* recordRows(
  ctx: AppContext,
  merchantId: string,
  filter: Omit<PaymentFilter, 'before' | 'limit'>,
  totals: RecordTotals,
): AsyncGenerator<RecordRow[]> {
  const [stores, stations, users] = await Promise.all([
    ctx.repos.stores.list(merchantId),
    ctx.repos.stations.list(merchantId),
    ctx.repos.users.list(merchantId),
  ]);
  const names = (rows: { id: string; name: string }[]) => new Map(rows.map((r) => [r.id, r.name]));
  const storeNames = names(stores);
  const stationNames = names(stations);
  const userNames = names(users);

  let before: PaymentFilter['before'];
  while (totals.count < maxExportRows) {
    const page = await ctx.repos.payments.list(merchantId, { ...filter, before, limit: Math.min(pageSize, maxExportRows - totals.count) });
    if (page.length === 0) return;
    for (const p of page) totals.add(p);
    yield page.map((p) => ({
      time: shanghaiTime(p.created_at),
      outTradeNo: p.out_trade_no,
      orderId: p.order_id,
      store: storeNames.get(p.store_id) ?? '',
      station: (p.station_id && stationNames.get(p.station_id)) || '',
      // Payments from the store-code pay page were made by the customer, with no cashier at the counter.
      cashier: userNames.get(p.cashier_id) ?? (p.flow === 'static_code' ? '顾客自助' : ''),
      method: labelOf(methodLabels, p.method),
      flow: labelOf(flowLabels, p.flow),
      amountFen: p.amount_fen,
      refundedFen: p.refunded_fen,
      status: labelOf(statusLabels, p.status),
      failureReason: p.failure_reason ?? '',
      channelTradeNo: p.channel_trade_no ?? '',
    }));
    const last = page.at(-1);
    if (!last || page.length < pageSize) return;
    before = { createdAt: last.created_at, id: last.id };
  }
}
