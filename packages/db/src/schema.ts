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
  status: 'running' | 'done';
  response_status: number | null;
  response_body: string | null;
  created_at: number;
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
