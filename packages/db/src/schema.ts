import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * Table types. Times are epoch milliseconds in bigint columns so that both dialects compare and sort
 * them the same way; money (later) is integer fen in bigint columns. Booleans are 0/1 integers because
 * SQLite has no boolean type.
 */
export interface MerchantTable {
  id: string;
  name: string;
  uscc: string;
  contact_name: string;
  contact_phone: string;
  contact_email: string;
  bank_account_name: string;
  bank_name: string;
  /** AES-256-GCM sealed with the server's secret key; only last4 is ever shown. */
  bank_account_sealed: string;
  bank_account_last4: string;
  status: 'pending' | 'active';
  created_at: number;
  updated_at: number;
}

export interface UserTable {
  id: string;
  merchant_id: string;
  store_id: string | null;
  name: string;
  phone: string;
  email: string | null;
  role: 'owner' | 'manager' | 'cashier';
  password_hash: string | null;
  pin_hash: string | null;
  status: 'pending' | 'active' | 'disabled';
  pin_failures: Generated<number>;
  created_at: number;
  updated_at: number;
}

export interface SessionTable {
  /** SHA-256 of the cookie token: a stolen database does not yield live sessions. */
  id_hash: string;
  merchant_id: string;
  user_id: string;
  station_id: string | null;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  ip: string | null;
  user_agent: string | null;
}

export type OtpPurpose = 'register' | 'login' | 'reset';

export interface OtpCodeTable {
  id: string;
  merchant_id: string | null;
  target: string;
  purpose: OtpPurpose;
  code_hash: string;
  attempts: Generated<number>;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
}

export interface RateLimitTable {
  key: string;
  window_start: number;
  count: number;
}

export interface OutboxTable {
  id: string;
  merchant_id: string | null;
  topic: string;
  /** JSON; sealed when it carries a secret such as a one-time code. */
  payload: string;
  status: 'pending' | 'done' | 'dead';
  attempts: Generated<number>;
  run_at: number;
  locked_until: number | null;
  last_error: string | null;
  created_at: number;
  done_at: number | null;
}

export interface DevMessageTable {
  /** UUIDv7: sorts by time, so `paydesk outbox --follow` can resume after the last one it printed. */
  id: string;
  to_addr: string;
  channel: 'sms' | 'email';
  subject: string;
  body: string;
  created_at: number;
}

export interface StoreTable {
  id: string;
  merchant_id: string;
  name: string;
  address: string;
  created_at: number;
  updated_at: number;
}

export interface StationTable {
  id: string;
  merchant_id: string;
  store_id: string;
  name: string;
  created_at: number;
  updated_at: number;
}

export interface AuditLogTable {
  id: string;
  merchant_id: string;
  actor_user_id: string | null;
  action: string;
  target_type: string;
  target_id: string;
  detail: string;
  created_at: number;
}

export interface IdempotencyKeyTable {
  merchant_id: string;
  key: string;
  request_hash: string;
  /** running: claimed; applied: its writes committed, its answer not yet kept; done: its answer kept. */
  status: 'running' | 'applied' | 'done';
  response_status: number | null;
  response_body: string | null;
  created_at: number;
}

export type CodeProvider = 'wechat' | 'alipay' | 'unionpay' | 'qq' | 'emvco' | 'paydesk' | 'url' | 'unknown';
export type BindingMethod = 'wechatpay' | 'alipay' | 'unionpay' | 'all';

export interface ChannelAccountTable {
  id: string;
  merchant_id: string;
  store_id: string | null;
  kind: 'unionpay_emv' | 'wechatpay' | 'alipay' | 'simulator';
  /** JSON of the non-secret settings (merchant account, MCC, city, app ids). */
  config: string;
  /** Sealed JSON of the keys; never returned, never logged. */
  secrets_sealed: string | null;
  /**
   * disabled: switched off by the owner; retired: replaced by an account of another merchant ID or app.
   * Neither takes new payments; both still serve the queries and refunds of the payments they carried.
   */
  status: 'active' | 'disabled' | 'retired';
  created_at: number;
  updated_at: number;
}

export interface CollectionCodeTable {
  id: string;
  merchant_id: string;
  store_id: string;
  station_id: string | null;
  /** Printed on the card: what the owner reads out when checking that the code on the counter is theirs. */
  serial: string;
  /** The unguessable id in /p/<public_id>. */
  public_id: string;
  kind: 'static' | 'dynamic';
  source: 'generated' | 'uploaded';
  content: string;
  provider: CodeProvider;
  provider_kind: 'personal' | 'merchant' | 'dynamic' | 'static' | null;
  merchant_name: string;
  amount_fen: number | null;
  valid_from: number;
  expires_at: number;
  /** "expired" is not stored: it follows from expires_at at the moment of reading. */
  status: 'active' | 'disabled';
  notice: string | null;
  created_by: string;
  created_at: number;
  updated_at: number;
}

export interface CodeImageTable {
  code_id: string;
  merchant_id: string;
  mime: string;
  bytes: Buffer;
  width: number;
  height: number;
  sha256: string;
  created_at: number;
}

export interface CodeBindingTable {
  id: string;
  merchant_id: string;
  code_id: string;
  store_id: string;
  station_id: string | null;
  scope_key: string;
  method: BindingMethod;
  merchant_no: string;
  status: 'active' | 'retired';
  verified_at: number | null;
  created_by: string;
  created_at: number;
  retired_at: number | null;
  retired_by: string | null;
}

export type PaymentMethod = 'wechatpay' | 'alipay' | 'unionpay' | 'cash' | 'card' | 'member_balance';
/** static_code: the customer paid from the shop's store-code pay page, in the wallet app, with no cashier. */
export type PaymentFlow = 'dynamic_code' | 'code_pay' | 'static_code' | 'cash' | 'card';
export type PaymentStatusColumn = 'created' | 'pending' | 'succeeded' | 'failed' | 'expired' | 'cancelled';

export interface OrderTable {
  merchant_id: string;
  id: string;
  store_id: string;
  station_id: string | null;
  cashier_id: string;
  status: 'open' | 'paid' | 'cancelled';
  total_fen: number;
  /** JSON array of {name, quantity, unitFen}; a keypad sale is one line "手动金额". */
  lines: string;
  created_at: number;
  updated_at: number;
}

export interface PaymentTable {
  id: string;
  merchant_id: string;
  order_id: string;
  store_id: string;
  station_id: string | null;
  cashier_id: string;
  out_trade_no: string;
  method: PaymentMethod;
  channel: string;
  /** The merchant's own wallet account that carried the payment; null for the simulator, cash and the like. */
  channel_account_id: string | null;
  flow: PaymentFlow;
  binding_id: string | null;
  amount_fen: number;
  status: PaymentStatusColumn;
  failure_code: string | null;
  failure_reason: string | null;
  channel_trade_no: string | null;
  code_text: string | null;
  /** The customer's payment code is a one-time credential: only a masked form is kept. */
  payer_code_masked: string | null;
  expires_at: number;
  paid_at: number | null;
  refunded_fen: Generated<number>;
  tendered_fen: number | null;
  change_fen: number | null;
  rounding_fen: number | null;
  late_success: Generated<number>;
  query_count: Generated<number>;
  created_at: number;
  updated_at: number;
}

export interface PaymentEventTable {
  id: string;
  merchant_id: string;
  payment_id: string;
  type: string;
  detail: string;
  actor_user_id: string | null;
  created_at: number;
}

export interface RefundTable {
  id: string;
  merchant_id: string;
  payment_id: string;
  out_refund_no: string;
  amount_fen: number;
  reason: string;
  status: 'pending' | 'succeeded' | 'failed';
  automatic: Generated<number>;
  requested_by: string | null;
  /** The Idempotency-Key of the request that asked for it (automatic refunds have none). */
  request_key: string | null;
  channel_refund_no: string | null;
  failure_reason: string | null;
  created_at: number;
  updated_at: number;
}

export interface CashMovementTable {
  id: string;
  merchant_id: string;
  store_id: string;
  station_id: string | null;
  payment_id: string | null;
  refund_id: string | null;
  kind: 'sale' | 'refund';
  amount_fen: number;
  actor_user_id: string | null;
  created_at: number;
}

export interface SimTradeTable {
  merchant_id: string;
  out_trade_no: string;
  trade_no: string;
  flow: 'dynamic_code' | 'code_pay';
  amount_fen: number;
  description: string;
  /** The wallet-side state, named as WeChat Pay names them. */
  state: 'NOTPAY' | 'USERPAYING' | 'SUCCESS' | 'CLOSED' | 'REVOKED' | 'PAYERROR';
  code_text: string | null;
  payer_code: string | null;
  fail_code: string | null;
  notify_url: string | null;
  refunded_fen: Generated<number>;
  expires_at: number;
  paid_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface SimRefundTable {
  merchant_id: string;
  out_refund_no: string;
  out_trade_no: string;
  refund_no: string;
  amount_fen: number;
  state: 'SUCCESS' | 'PROCESSING' | 'ABNORMAL';
  created_at: number;
}

export interface SimPayerCodeTable {
  code: string;
  merchant_id: string;
  wallet: 'wechat' | 'alipay';
  /** JSON: what happens when a cashier scans it (pay, fail, password first, delay, never answer). */
  behaviour: string;
  created_at: number;
  used_at: number | null;
}

export interface Database {
  merchants: MerchantTable;
  users: UserTable;
  sessions: SessionTable;
  otp_codes: OtpCodeTable;
  rate_limits: RateLimitTable;
  outbox: OutboxTable;
  dev_messages: DevMessageTable;
  stores: StoreTable;
  stations: StationTable;
  audit_log: AuditLogTable;
  idempotency_keys: IdempotencyKeyTable;
  channel_accounts: ChannelAccountTable;
  collection_codes: CollectionCodeTable;
  code_images: CodeImageTable;
  code_bindings: CodeBindingTable;
  orders: OrderTable;
  payments: PaymentTable;
  payment_events: PaymentEventTable;
  refunds: RefundTable;
  cash_movements: CashMovementTable;
  sim_trades: SimTradeTable;
  sim_refunds: SimRefundTable;
  sim_payer_codes: SimPayerCodeTable;
}

export type Merchant = Selectable<MerchantTable>;
export type NewMerchant = Insertable<MerchantTable>;
export type User = Selectable<UserTable>;
export type NewUser = Insertable<UserTable>;
export type UserUpdate = Updateable<UserTable>;
export type Session = Selectable<SessionTable>;
export type OtpCode = Selectable<OtpCodeTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type DevMessage = Selectable<DevMessageTable>;
export type Store = Selectable<StoreTable>;
export type Station = Selectable<StationTable>;
export type AuditEntry = Selectable<AuditLogTable>;
export type ChannelAccount = Selectable<ChannelAccountTable>;
export type CollectionCode = Selectable<CollectionCodeTable>;
export type CodeImage = Selectable<CodeImageTable>;
export type CodeBinding = Selectable<CodeBindingTable>;
export type Order = Selectable<OrderTable>;
export type Payment = Selectable<PaymentTable>;
export type NewPayment = Insertable<PaymentTable>;
export type PaymentEvent = Selectable<PaymentEventTable>;
export type Refund = Selectable<RefundTable>;
export type SimTrade = Selectable<SimTradeTable>;
export type SimPayerCode = Selectable<SimPayerCodeTable>;
export type SimRefund = Selectable<SimRefundTable>;
