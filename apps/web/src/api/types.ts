import type { Role } from '@paydesk/domain';

export type { Role };

export interface SessionUser {
  id: string;
  name: string;
  phone: string | null;
  email: string | null;
  role: Role;
  storeId: string | null;
}

export interface Session {
  user: SessionUser;
  merchant: { id: string; name: string };
  station: { id: string; name: string; storeId: string } | null;
  csrfToken: string;
}

export interface Merchant {
  id: string;
  name: string;
  uscc: string;
  contactName: string;
  contactPhone: string;
  contactEmail: string;
  bankAccountName: string;
  bankName: string;
  bankAccountLast4: string;
  status: string;
  createdAt: number;
}

export interface Store {
  id: string;
  name: string;
  address: string;
  createdAt: number;
}

export interface Station {
  id: string;
  storeId: string;
  name: string;
  createdAt: number;
}

export type StaffStatus = 'active' | 'disabled' | 'pending';

export interface Staff {
  id: string;
  name: string;
  phone: string | null;
  email: string | null;
  role: Role;
  storeId: string | null;
  status: StaffStatus;
  hasPin: boolean;
  createdAt: number;
}

export interface StationUser {
  id: string;
  name: string;
  role: Role;
  hasPin: boolean;
}

export interface Items<T> {
  items: T[];
}

export type VerifyBy = 'sms' | 'email';

export interface RegisterBody {
  enterpriseName: string;
  uscc: string;
  contactName: string;
  phone: string;
  email: string;
  bankAccountName: string;
  bankName: string;
  bankAccountNo: string;
  password: string;
  verifyBy: VerifyBy;
}

export interface RegisterAccepted {
  registrationId: string;
  verifyBy: VerifyBy;
  sentTo: string;
}

export interface NewStaffBody {
  name: string;
  phone: string;
  email?: string;
  role: Role;
  storeId?: string;
  password: string;
  pin?: string;
}

export interface StaffPatch {
  name?: string;
  role?: Role;
  storeId?: string | null;
  status?: 'active' | 'disabled';
  password?: string;
  pin?: string;
}

export type CodeKind = 'static' | 'dynamic';
export type CodeSource = 'generated' | 'uploaded';
export type CodeProvider = 'wechat' | 'alipay' | 'unionpay' | 'qq' | 'emvco' | 'paydesk';
export type CodeProviderKind = 'personal' | 'merchant' | 'dynamic' | 'static';
export type CodeStatus = 'active' | 'disabled' | 'expired';

/** A collection code (收款码). Times are epoch milliseconds. */
export interface Code {
  id: string;
  serial: string;
  storeId: string;
  stationId: string | null;
  kind: CodeKind;
  source: CodeSource;
  content: string;
  provider: CodeProvider;
  providerKind: CodeProviderKind | null;
  merchantName: string;
  amountFen: number | null;
  validFrom: number;
  expiresAt: number;
  status: CodeStatus;
  notice: 'personal_code' | null;
  payPageId: string | null;
  createdAt: number;
}

interface Placement {
  storeId: string;
  stationId?: string | null;
}

export type GenerateCodeBody =
  | (Placement & { kind: 'static'; validDays?: number })
  | (Placement & { kind: 'dynamic'; amountFen: number; expiresInMinutes?: number })
  | (Placement & { kind: 'emvco'; amountFen?: number; expiresInMinutes?: number; validDays?: number });

export interface UploadResult {
  code: Code;
  verdict: 'clear';
  notice: 'personal_code' | null;
}

export type BindingMethod = 'wechatpay' | 'alipay' | 'unionpay' | 'all';

export interface Binding {
  id: string;
  codeId: string;
  storeId: string;
  stationId: string | null;
  method: BindingMethod;
  merchantNo: string;
  status: 'active' | 'retired';
  verified: boolean;
  verifiedAt: number | null;
  createdBy: string;
  createdAt: number;
  retiredAt: number | null;
  retiredBy: string | null;
}

export interface BindingInput {
  codeId: string;
  storeId: string;
  stationId?: string | null;
  method: BindingMethod;
  merchantNo: string;
}

export interface BindingPreview {
  code: Code;
  storeName: string;
  stationName: string | null;
  method: BindingMethod;
  merchantNo: string;
  replaces: Binding | null;
}

export type HistoryAction = 'code.generated' | 'code.uploaded' | 'code.disabled' | 'code.enabled' | 'binding.created' | 'binding.retired';

export interface HistoryEntry {
  id: string;
  action: HistoryAction | (string & {});
  actorUserId: string | null;
  targetType: string;
  targetId: string;
  detail: unknown;
  createdAt: number;
}

export interface CodeHistory {
  code: Code;
  bindings: Binding[];
  entries: HistoryEntry[];
}

export interface ChannelAccount {
  id: string;
  storeId: string | null;
  kind: string;
  config: unknown;
  status: string;
  updatedAt: number;
}

export interface UnionpayEmvBody {
  storeId?: string | null;
  acquirerIin: string;
  merchantNo: string;
  mcc: string;
  nameLatin: string;
  city: string;
}
