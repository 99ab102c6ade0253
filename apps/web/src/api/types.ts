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
