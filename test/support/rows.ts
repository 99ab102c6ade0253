import { type Db, newId } from '@paydesk/db';
import { uniquePhone, uniqueUscc } from './factories.ts';

/** Rows written straight through Kysely, for repository tests that need a merchant to hang things on. */
export const t0 = Date.UTC(2026, 10, 28, 2, 0, 0);

export async function insertMerchant(db: Db, status: 'pending' | 'active' = 'active'): Promise<string> {
  const id = newId();
  await db.kysely
    .insertInto('merchants')
    .values({
      id,
      name: '测试商户',
      uscc: uniqueUscc(),
      contact_name: '张三',
      contact_phone: uniquePhone(),
      contact_email: `m-${id}@example.cn`,
      bank_account_name: '测试商户',
      bank_name: '工商银行',
      bank_account_sealed: 'v1.x.y',
      bank_account_last4: '4567',
      status,
      created_at: t0,
      updated_at: t0,
    })
    .execute();
  return id;
}

export async function insertStore(db: Db, merchantId: string, name = '门店'): Promise<string> {
  const id = newId();
  await db.kysely.insertInto('stores').values({ id, merchant_id: merchantId, name, address: '', created_at: t0, updated_at: t0 }).execute();
  return id;
}

export async function insertStation(db: Db, merchantId: string, storeId: string, name = '收银台'): Promise<string> {
  const id = newId();
  await db.kysely
    .insertInto('stations')
    .values({ id, merchant_id: merchantId, store_id: storeId, name, created_at: t0, updated_at: t0 })
    .execute();
  return id;
}

export async function insertUser(
  db: Db,
  merchantId: string,
  fields: { role?: 'owner' | 'manager' | 'cashier'; storeId?: string | null; status?: 'pending' | 'active' | 'disabled' } = {},
): Promise<string> {
  const id = newId();
  const phone = uniquePhone();
  await db.kysely
    .insertInto('users')
    .values({
      id,
      merchant_id: merchantId,
      store_id: fields.storeId ?? null,
      name: '员工',
      phone,
      email: `u${phone}@example.cn`,
      role: fields.role ?? 'owner',
      password_hash: null,
      pin_hash: null,
      status: fields.status ?? 'active',
      created_at: t0,
      updated_at: t0,
    })
    .execute();
  return id;
}

/** An active uploaded Alipay collection code at the store. */
export async function insertCollectionCode(db: Db, merchantId: string, storeId: string): Promise<string> {
  const id = newId();
  await db.kysely
    .insertInto('collection_codes')
    .values({
      id,
      merchant_id: merchantId,
      store_id: storeId,
      station_id: null,
      serial: `PD-${id}`,
      public_id: `pub-${id}`,
      kind: 'static',
      source: 'uploaded',
      content: `https://qr.alipay.com/${id}`,
      provider: 'alipay',
      provider_kind: 'merchant',
      merchant_name: '测试商户',
      amount_fen: null,
      valid_from: t0,
      expires_at: t0 + 86_400_000,
      status: 'active',
      notice: null,
      created_by: 'owner',
      created_at: t0,
      updated_at: t0,
    })
    .execute();
  return id;
}

/** An active, unverified binding of a collection code (inserted with it) at the store, for `method`. */
export async function insertBinding(
  db: Db,
  merchantId: string,
  storeId: string,
  fields: { method?: 'wechatpay' | 'alipay'; scopeKey?: string } = {},
): Promise<string> {
  const codeId = await insertCollectionCode(db, merchantId, storeId);
  const id = newId();
  await db.kysely
    .insertInto('code_bindings')
    .values({
      id,
      merchant_id: merchantId,
      code_id: codeId,
      store_id: storeId,
      station_id: null,
      scope_key: fields.scopeKey ?? `test:${id}`,
      method: fields.method ?? 'alipay',
      merchant_no: '2088102146225135',
      status: 'active',
      verified_at: null,
      created_by: 'owner',
      created_at: t0,
      retired_at: null,
      retired_by: null,
    })
    .execute();
  return id;
}
