import { DomainError } from '@paydesk/domain';
import type { AppContext } from '../context.ts';
import { flowLabels, labelOf, methodLabels, shanghaiTime } from '../exports/labels.ts';
import type { Actor } from '../services/actor.ts';
import type { PaymentService } from '../services/payment.service.ts';

export interface ReceiptLine {
  name: string;
  quantity: number;
  unitFen: number;
  amountFen: number;
}

/** Everything a receipt shows, already resolved to names and labels; amounts stay integer fen. */
export interface Receipt {
  merchantName: string;
  storeName: string;
  stationName: string | null;
  cashierName: string;
  time: string;
  lines: ReceiptLine[];
  totalFen: number;
  /** Small change the shop gave away on a cash sale (positive), or took by rounding up (negative). */
  roundingFen: number;
  paidFen: number;
  /** "微信支付（付款码）"; just "现金" when the flow says nothing more. */
  method: string;
  tenderedFen: number | null;
  changeFen: number | null;
  refunds: { time: string; amountFen: number; reason: string; status: string }[];
  status: string;
  outTradeNo: string;
  channelTradeNo: string | null;
}

const refundStatus: Record<string, string> = { pending: '退款中', succeeded: '已退款', failed: '退款失败' };

/** Stored order lines are JSON written by our own service; anything else is shown as one line rather than failing the print. */
function linesOf(json: string | undefined, fallbackFen: number): ReceiptLine[] {
  try {
    const parsed = JSON.parse(json ?? '[]') as { name?: unknown; quantity?: unknown; unitFen?: unknown }[];
    const lines = parsed.flatMap((l) =>
      typeof l.name === 'string' && Number.isSafeInteger(l.quantity) && Number.isSafeInteger(l.unitFen)
        ? [
            {
              name: l.name,
              quantity: l.quantity as number,
              unitFen: l.unitFen as number,
              amountFen: (l.quantity as number) * (l.unitFen as number),
            },
          ]
        : [],
    );
    if (lines.length > 0) return lines;
  } catch {}
  return [{ name: '商品', quantity: 1, unitFen: fallbackFen, amountFen: fallbackFen }];
}

/**
 * The receipt of one payment. Visibility (merchant, store, a cashier's own sales) is PaymentService.get's:
 * another merchant's id is NOT_FOUND. Only a payment that took money has a receipt; a refunded one keeps
 * status "succeeded" with its refunds, and prints them.
 */
export async function receiptOf(ctx: AppContext, payments: PaymentService, actor: Actor, id: string): Promise<Receipt> {
  const { payment: p, order, refunds } = await payments.get(actor, id);
  if (p.status !== 'succeeded') throw new DomainError('RECEIPT_NOT_AVAILABLE', [], { status: p.status });
  const [merchant, store, station, cashier] = await Promise.all([
    ctx.repos.merchants.findById(p.merchant_id),
    ctx.repos.stores.findById(p.merchant_id, p.store_id),
    p.station_id ? ctx.repos.stations.findById(p.merchant_id, p.station_id) : undefined,
    ctx.repos.users.findById(p.merchant_id, p.cashier_id),
  ]);
  const totalFen = order?.total_fen ?? p.amount_fen;
  const refundedFen = p.refunded_fen;
  return {
    merchantName: merchant?.name ?? '',
    storeName: store?.name ?? '',
    stationName: station?.name ?? null,
    cashierName: cashier?.name ?? '',
    time: shanghaiTime(p.paid_at ?? p.created_at),
    lines: linesOf(order?.lines, totalFen),
    totalFen,
    roundingFen: p.rounding_fen ?? 0,
    paidFen: p.amount_fen,
    method: p.flow === p.method ? labelOf(methodLabels, p.method) : `${labelOf(methodLabels, p.method)}（${labelOf(flowLabels, p.flow)}）`,
    tenderedFen: p.tendered_fen,
    changeFen: p.change_fen,
    refunds: refunds.map((r) => ({
      time: shanghaiTime(r.created_at),
      amountFen: r.amount_fen,
      reason: r.reason,
      status: refundStatus[r.status] ?? r.status,
    })),
    status: refundedFen === 0 ? '已支付' : refundedFen >= p.amount_fen ? '已全额退款' : '部分退款',
    outTradeNo: p.out_trade_no,
    channelTradeNo: p.channel_trade_no,
  };
}
