import type { CodeBinding, CollectionCode, Merchant, Order, Payment, PaymentEvent, Refund, Station, Store, User } from '@paydesk/db';

/** What the API shows of each record: never a hash, never a secret. */
export const storeDto = (s: Store) => ({ id: s.id, name: s.name, address: s.address, createdAt: s.created_at });

export const stationDto = (s: Station) => ({ id: s.id, storeId: s.store_id, name: s.name, createdAt: s.created_at });

export const staffDto = (u: User) => ({
  id: u.id,
  name: u.name,
  phone: u.phone,
  email: u.email,
  role: u.role,
  storeId: u.store_id,
  status: u.status,
  hasPin: u.pin_hash !== null,
  createdAt: u.created_at,
});

export const merchantDto = (m: Merchant) => ({
  id: m.id,
  name: m.name,
  uscc: m.uscc,
  contactName: m.contact_name,
  contactPhone: m.contact_phone,
  contactEmail: m.contact_email,
  bankAccountName: m.bank_account_name,
  bankName: m.bank_name,
  bankAccountLast4: m.bank_account_last4,
  status: m.status,
  createdAt: m.created_at,
});

/** A code's status as a person means it: a code past its validity is "expired" whatever its stored status. */
export const codeStatus = (c: CollectionCode, now: number): 'active' | 'disabled' | 'expired' =>
  c.status === 'disabled' ? 'disabled' : c.expires_at <= now ? 'expired' : 'active';

export const codeDto = (c: CollectionCode, now: number) => ({
  id: c.id,
  serial: c.serial,
  storeId: c.store_id,
  stationId: c.station_id,
  kind: c.kind,
  source: c.source,
  content: c.content,
  provider: c.provider,
  providerKind: c.provider_kind,
  merchantName: c.merchant_name,
  amountFen: c.amount_fen,
  validFrom: c.valid_from,
  expiresAt: c.expires_at,
  status: codeStatus(c, now),
  notice: c.notice,
  payPageId: c.provider === 'paydesk' ? c.public_id : null,
  createdAt: c.created_at,
});

export const bindingDto = (b: CodeBinding) => ({
  id: b.id,
  codeId: b.code_id,
  storeId: b.store_id,
  stationId: b.station_id,
  method: b.method,
  merchantNo: b.merchant_no,
  status: b.status,
  verified: b.verified_at !== null,
  verifiedAt: b.verified_at,
  createdBy: b.created_by,
  createdAt: b.created_at,
  retiredAt: b.retired_at,
  retiredBy: b.retired_by,
});

export const paymentDto = (p: Payment) => ({
  id: p.id,
  orderId: p.order_id,
  outTradeNo: p.out_trade_no,
  storeId: p.store_id,
  stationId: p.station_id,
  cashierId: p.cashier_id,
  method: p.method,
  channel: p.channel,
  flow: p.flow,
  bindingId: p.binding_id,
  amountFen: p.amount_fen,
  status: p.status,
  failureCode: p.failure_code,
  failureReason: p.failure_reason,
  channelTradeNo: p.channel_trade_no,
  codeText: p.code_text,
  payerCodeMasked: p.payer_code_masked,
  expiresAt: p.expires_at,
  paidAt: p.paid_at,
  refundedFen: p.refunded_fen,
  tenderedFen: p.tendered_fen,
  changeFen: p.change_fen,
  roundingFen: p.rounding_fen,
  lateSuccess: p.late_success === 1,
  createdAt: p.created_at,
  updatedAt: p.updated_at,
});

export const refundDto = (r: Refund) => ({
  id: r.id,
  paymentId: r.payment_id,
  outRefundNo: r.out_refund_no,
  amountFen: r.amount_fen,
  reason: r.reason,
  status: r.status,
  automatic: r.automatic === 1,
  requestedBy: r.requested_by,
  failureReason: r.failure_reason,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const orderDto = (o: Order) => ({
  id: o.id,
  storeId: o.store_id,
  stationId: o.station_id,
  cashierId: o.cashier_id,
  status: o.status,
  totalFen: o.total_fen,
  lines: JSON.parse(o.lines) as unknown,
  createdAt: o.created_at,
});

export const eventDto = (e: PaymentEvent) => ({
  id: e.id,
  type: e.type,
  detail: JSON.parse(e.detail) as unknown,
  actorUserId: e.actor_user_id,
  createdAt: e.created_at,
});
