import type { Merchant, Station, Store, User } from '@paydesk/db';

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
