/**
 * Taking payments, the transaction records and the simulator: types and calls. Kept apart from
 * `endpoints.ts` so the payment pages can grow without touching the shared API list.
 */
import { request, uploadBinary } from './client.ts';

export type PaymentStatus = 'created' | 'pending' | 'succeeded' | 'failed' | 'expired' | 'cancelled';
export type PaymentFlow = 'dynamic_code' | 'code_pay' | 'cash';
export type WalletMethod = 'wechatpay' | 'alipay' | 'unionpay';

/** A payment as the server answers it. Money is integer fen; times are epoch milliseconds. */
export interface Payment {
  id: string;
  orderId: string;
  outTradeNo: string;
  storeId: string;
  stationId: string | null;
  cashierId: string;
  method: string;
  channel: string;
  flow: PaymentFlow | (string & {});
  bindingId: string | null;
  amountFen: number;
  status: PaymentStatus;
  failureCode: string | null;
  /** Why it failed, in plain Chinese. */
  failureReason: string | null;
  channelTradeNo: string | null;
  codeText: string | null;
  payerCodeMasked: string | null;
  expiresAt: number;
  paidAt: number | null;
  refundedFen: number;
  tenderedFen: number | null;
  changeFen: number | null;
  roundingFen: number | null;
  /** Paid after it was cancelled or expired: refunded automatically. */
  lateSuccess: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface OrderLine {
  name: string;
  quantity: number;
  unitFen: number;
}

export interface Order {
  id: string;
  storeId: string;
  stationId: string | null;
  cashierId: string;
  status: string;
  totalFen: number;
  lines: unknown;
  createdAt: number;
}

export type RefundStatus = 'pending' | 'succeeded' | 'failed';

export interface Refund {
  id: string;
  paymentId: string;
  outRefundNo: string;
  amountFen: number;
  reason: string;
  status: RefundStatus;
  automatic: boolean;
  requestedBy: string | null;
  failureReason: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface PaymentEvent {
  id: string;
  type: string;
  detail: unknown;
  actorUserId: string | null;
  createdAt: number;
}

export interface PaymentDetail {
  payment: Payment;
  order: Order | null;
  refunds: Refund[];
  events: PaymentEvent[];
}

export type PayBody =
  | { flow: 'code_pay'; authCode: string }
  | { flow: 'dynamic_code'; method?: WalletMethod; expiresInMinutes?: number }
  | { flow: 'cash'; tenderedFen: number };

export interface PaymentFilter {
  from?: number;
  to?: number;
  storeId?: string;
  stationId?: string;
  cashierId?: string;
  method?: string;
  status?: PaymentStatus;
  minFen?: number;
  maxFen?: number;
  outTradeNo?: string;
}

export interface PaymentPage {
  items: Payment[];
  nextCursor: string | null;
}

export interface PaymentTotals {
  count: number;
  succeededFen: number;
  refundedFen: number;
}

/** What the person on /sim decides for a code, or chooses in advance for a payment code. */
export type SimFailCode = 'NOTENOUGH' | 'CARD_FROZEN' | 'BUYER_CANCELLED' | 'PAYER_RISK';
export type SimDecision =
  | { action: 'pay' }
  | { action: 'fail'; failCode: SimFailCode }
  | { action: 'pay_after'; seconds: number }
  | { action: 'never' }
  | { action: 'password' };

export interface SimNotify {
  duplicates?: number;
  delaySeconds?: number;
  lose?: boolean;
}

/** A trade in the simulator gateway's own books. `state` is WeChat-like: NOTPAY, USERPAYING, SUCCESS, … */
export interface SimTrade {
  tradeNo: string;
  outTradeNo: string;
  flow: string;
  amountFen: number;
  description: string;
  state: string;
  codeText: string | null;
  expiresAt: number;
  createdAt: number;
}

export type SimWallet = 'wechat' | 'alipay';

export interface SimPayerCode {
  code: string;
  wallet: SimWallet | (string & {});
  behaviour: unknown;
  used: boolean;
  createdAt: number;
}

const enc = encodeURIComponent;

type QueryValue = string | number | boolean | null | undefined;

export function queryString(params: Record<string, QueryValue>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const text = q.toString();
  return text ? `?${text}` : '';
}

/** Same-origin GET addresses opened directly (the session cookie goes along). */
export const paymentUrls = {
  receipt: (id: string, width: 58 | 80) => `/api/payments/${enc(id)}/receipt${queryString({ format: 'html', width })}`,
  export: (format: 'csv' | 'xlsx', filter: PaymentFilter) =>
    `/api/payments/export${queryString({ format, ...(filter as Record<string, QueryValue>) })}`,
  display: (stationId: string) => `/display/${enc(stationId)}`,
};

export const paymentsApi = {
  createOrder: (body: { id: string; amountFen?: number; lines?: OrderLine[] }, idempotencyKey: string) =>
    request<Order>('POST', '/api/orders', body, { idempotencyKey }),
  pay: (orderId: string, body: PayBody, idempotencyKey: string) =>
    request<Payment>('POST', `/api/orders/${enc(orderId)}/payments`, body, { idempotencyKey }),
  get: (id: string) => request<PaymentDetail>('GET', `/api/payments/${enc(id)}`),
  queryNow: (id: string) => request<Payment>('POST', `/api/payments/${enc(id)}/query`),
  cancel: (id: string) => request<Payment>('POST', `/api/payments/${enc(id)}/cancel`),
  list: (filter: PaymentFilter, cursor?: string | null, limit = 50) =>
    request<PaymentPage>('GET', `/api/payments${queryString({ ...(filter as Record<string, QueryValue>), cursor, limit })}`),
  totals: (filter: PaymentFilter) =>
    request<PaymentTotals>('GET', `/api/payments/totals${queryString(filter as Record<string, QueryValue>)}`),
  refund: (id: string, body: { amountFen: number; reason: string }, idempotencyKey: string) =>
    request<Refund>('POST', `/api/payments/${enc(id)}/refunds`, body, { idempotencyKey }),
};

export interface DailyReport {
  days: ({ date: string } & PaymentTotals)[];
  totals: PaymentTotals;
}

export const reportsApi = {
  /** Days are China calendar days, YYYY-MM-DD, both ends included. */
  daily: (query: { from: string; to: string; storeId?: string }) => request<DailyReport>('GET', `/api/reports/daily${queryString(query)}`),
};

export const simApi = {
  trades: () => request<{ items: SimTrade[] }>('GET', '/api/sim/trades'),
  scan: (ref: { tradeNo: string } | { codeText: string }) => request<SimTrade>('POST', '/api/sim/scan', ref),
  scanImage: (image: Blob) => uploadBinary<SimTrade>('/api/sim/scan-image', image),
  decide: (tradeNo: string, decision: SimDecision, notify?: SimNotify) =>
    request<SimTrade>('POST', `/api/sim/trades/${enc(tradeNo)}/decide`, notify ? { decision, notify } : { decision }),
  password: (tradeNo: string, notify?: SimNotify) =>
    request<SimTrade>('POST', `/api/sim/trades/${enc(tradeNo)}/password`, notify ? { notify } : {}),
  createPayerCode: (wallet: SimWallet, behaviour: SimDecision) =>
    request<{ code: string; wallet: string }>('POST', '/api/sim/payer-codes', { wallet, behaviour }),
  payerCodes: () => request<{ items: SimPayerCode[] }>('GET', '/api/sim/payer-codes'),
  outage: (calls: number) => request<void>('POST', '/api/sim/outage', { calls }),
};
