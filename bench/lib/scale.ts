/**
 * The scale data set for the records benchmark: merchants (each with its stores, stations and cashiers, as
 * the foreign keys and NOT NULL columns require) and a year of payments, written set-based in SQL
 * (PostgreSQL: generate_series; SQLite: a recursive CTE, all in one transaction) into a freshly migrated
 * database.
 *
 * Every value is derived from the row number n by integer hashing, so the same size gives the same rows
 * on either database, run after run. Payments are written in time order, as a live system writes them,
 * with time-ordered (UUIDv7-shaped) ids. Merchant 1 is a busy chain (20 stores × 3 stations) with ~5% of
 * all payments; the rest are spread evenly over the other merchants, one store and one station each.
 */
import { type Db, migrateToLatest } from '@paydesk/db';
import { sql } from 'kysely';

export const sizes = {
  postgres: { full: 10_000_000, quick: 300_000 },
  sqlite: { full: 1_000_000, quick: 100_000 },
} as const;
export const merchantCount = 10_000;

const dayMs = 86_400_000;
const chinaOffsetMs = 8 * 3_600_000;
/** 2025-01-01 in China (day number since 1970-01-01 there) and the year that follows it. */
export const firstDay = 20_089;
const dayCount = 365;
/** Shops trade 08:00–22:00 China time; payments are spread evenly over those hours. */
const openMs = 8 * 3_600_000;
const openSpanMs = 14 * 3_600_000;

const bigShare = 0.05;
const bigStores = 20;
const stationsPerBigStore = 3;
const bigStations = bigStores * stationsPerBigStore;

/** Deterministic UUID-shaped ids for the k-th merchant, store, station and cashier. */
const prefixes = { merchant: '00000001', store: '00000002', station: '00000003', user: '00000004' } as const;
const entityId = (kind: keyof typeof prefixes, k: number) => `${prefixes[kind]}-0000-7000-8000-${k.toString(16).padStart(12, '0')}`;

/** Store k and station k of merchant m: merchant 1 owns stores 1–20 and stations 1–60, then one each. */
const storeOfMerchant = (m: number) => m + bigStores - 1;
const stationOfMerchant = (m: number) => m + bigStations - 1;

export interface MerchantSample {
  id: string;
  storeId: string;
  /** The cashier of the merchant's first station. */
  cashierId: string;
  payments: number;
}

export interface ScaleData {
  dialect: Db['dialect'];
  merchants: number;
  payments: number;
  big: MerchantSample;
  /** A merchant from the middle of the evenly spread ones: what most shops look like. */
  typical: MerchantSample;
  seconds: number;
  rowsPerSecond: number;
}

export interface Mix {
  payments: number;
  bigShare: number;
  status: Record<string, number>;
  method: Record<string, number>;
  /** Payments with some money refunded. */
  refunded: number;
  /** Payments whose refunded_fen is above zero and below the amount. */
  partlyRefunded: number;
}

type Dialect = Db['dialect'];

const hex = (d: Dialect, expr: string, width: number) =>
  d === 'postgres' ? `lpad(to_hex(${expr}), ${width}, '0')` : `printf('%0${width}x', ${expr})`;
const digits = (d: Dialect, expr: string, width: number) =>
  d === 'postgres' ? `lpad((${expr})::text, ${width}, '0')` : `printf('%0${width}d', ${expr})`;
/** yyyyMMddHHmmss in China time, as in the service's out_trade_no. */
const chinaStamp = (d: Dialect, ms: string) =>
  d === 'postgres'
    ? `to_char(to_timestamp((${ms} + ${chinaOffsetMs}) / 1000) at time zone 'UTC', 'YYYYMMDDHH24MISS')`
    : `strftime('%Y%m%d%H%M%S', (${ms} + ${chinaOffsetMs}) / 1000, 'unixepoch')`;
const idOf = (d: Dialect, kind: keyof typeof prefixes, k: string) => `'${prefixes[kind]}-0000-7000-8000-' || ${hex(d, k, 12)}`;

/** The numbers first..last as column n, with the dialect's own generator (SQLite's needs a WITH clause). */
function series(d: Dialect, first: number, last: number): { cte?: string; from: string } {
  if (d === 'postgres') return { from: `generate_series(${first}::bigint, ${last}::bigint) as s(n)` };
  return { cte: `s(n) as (select ${first} union all select n + 1 from s where n < ${last})`, from: 's' };
}

const withClause = (...ctes: (string | undefined)[]) => {
  const present = ctes.filter(Boolean);
  return present.length ? `with recursive ${present.join(',\n')}` : '';
};

/**
 * The i-th hash of n, 0..2^24-1: a multiplicative (Weyl) step, a 32-bit rotation, a second multiply,
 * the top 24 bits. Integer arithmetic that stays below 2^63 on both databases (SQLite would turn an
 * overflow into a float, PostgreSQL would fail).
 */
const weyl = (i: number) => `((n + ${i * 1_000_003}) * 2654435761) % 4294967296`;
const mixed = (x: string) => `((((${x}) % 524288) * 8192 + (${x}) / 524288) * 1597334677) % 4294967296 / 256`;
const hashCount = 10;

function merchantsSql(d: Dialect, merchants: number, createdAt: number): string {
  const s = series(d, 1, merchants);
  return `${withClause(s.cte)}
    insert into merchants (id, name, uscc, contact_name, contact_phone, contact_email, bank_account_name, bank_name,
      bank_account_sealed, bank_account_last4, status, created_at, updated_at)
    select ${idOf(d, 'merchant', 'n')}, case when n = 1 then '鲜丰连锁超市' else '商户' || n end, '91310000' || ${digits(d, 'n', 10)},
      '联系人' || n, '138' || ${digits(d, 'n', 8)}, 'owner' || n || '@example.cn', '商户' || n, '中国工商银行',
      -- Never opened by the benchmark; a real value would be sealed with the server's key.
      'bench.unsealed', ${digits(d, 'n % 10000', 4)}, 'active', ${createdAt}, ${createdAt}
    from ${s.from}`;
}

/** Stores 1..20 belong to merchant 1; store k > 20 to merchant k − 19. */
function storesSql(d: Dialect, merchants: number, createdAt: number): string {
  const s = series(d, 1, storeOfMerchant(merchants));
  const merchant = `case when n <= ${bigStores} then 1 else n - ${bigStores - 1} end`;
  return `${withClause(s.cte)}
    insert into stores (id, merchant_id, name, address, created_at, updated_at)
    select ${idOf(d, 'store', 'n')}, ${idOf(d, 'merchant', merchant)}, '门店' || n, '上海市徐汇区漕溪北路' || n || '号', ${createdAt}, ${createdAt}
    from ${s.from}`;
}

/** Stations 1..60 belong to merchant 1 (three per store); station k > 60 to merchant k − 59. Cashier k works at station k. */
function stationsSql(d: Dialect, merchants: number, createdAt: number, table: 'stations' | 'users'): string {
  const s = series(d, 1, stationOfMerchant(merchants));
  const merchant = `case when n <= ${bigStations} then 1 else n - ${bigStations - 1} end`;
  const store = `case when n <= ${bigStations} then (n - 1) / ${stationsPerBigStore} + 1 else n - ${bigStations - bigStores} end`;
  if (table === 'stations') {
    return `${withClause(s.cte)}
      insert into stations (id, merchant_id, store_id, name, created_at, updated_at)
      select ${idOf(d, 'station', 'n')}, ${idOf(d, 'merchant', merchant)}, ${idOf(d, 'store', store)}, '收银台' || n, ${createdAt}, ${createdAt}
      from ${s.from}`;
  }
  return `${withClause(s.cte)}
    insert into users (id, merchant_id, store_id, name, phone, email, role, password_hash, pin_hash, status, created_at, updated_at)
    select ${idOf(d, 'user', 'n')}, ${idOf(d, 'merchant', merchant)}, ${idOf(d, 'store', store)}, '收银员' || n, '139' || ${digits(d, 'n', 8)},
      null, 'cashier', null, null, 'active', ${createdAt}, ${createdAt}
    from ${s.from}`;
}

/**
 * Payments first..last of a set of `total`. Row n falls on day (n−1)·365/total of the year, at a time
 * of day that grows with n, so the table fills in time order. Shares: merchant 1 ~5%; methods WeChat
 * Pay 45%, Alipay 35%, UnionPay 10%, cash 10%; wallet payments 85% succeeded, 8% failed, 4% expired
 * (closed at expiry), 3% cancelled, cash always succeeded; 2% of succeeded ones refunded (half in full,
 * half in part); amounts 1–100 yuan 60%, 100–1,000 30%, 1,000–10,000 9%, 10,000–50,000 1%.
 */
function paymentsSql(d: Dialect, first: number, last: number, total: number, merchants: number, yearStart: number): string {
  const s = series(d, first, last);
  const hashes = Array.from({ length: hashCount }, (_, i) => `${mixed(weyl(i + 1))} as h${i + 1}`).join(',\n');
  const time = `${yearStart} + ((n - 1) * ${dayCount} / ${total}) * ${dayMs} + ${openMs} + (((n - 1) * ${dayCount}) % ${total}) * ${openSpanMs} / ${total}`;
  const isBig = `h1 % 10000 < ${Math.round(bigShare * 10_000)}`;
  const isCash = 'h4 % 100 >= 90';
  const merchant = `case when ${isBig} then 1 else 2 + h2 % ${merchants - 1} end`;
  const station = `case when ${isBig} then 1 + h3 % ${bigStations} else 2 + h2 % ${merchants - 1} + ${bigStations - 1} end`;
  const store = `case when ${isBig} then 1 + (h3 % ${bigStations}) / ${stationsPerBigStore} else 2 + h2 % ${merchants - 1} + ${bigStores - 1} end`;
  const method = `case when h4 % 100 < 45 then 'wechatpay' when h4 % 100 < 80 then 'alipay' when h4 % 100 < 90 then 'unionpay' else 'cash' end`;
  const status = `case when ${isCash} then 'succeeded' when h5 % 1000 < 850 then 'succeeded' when h5 % 1000 < 930 then 'failed'
    when h5 % 1000 < 970 then 'expired' else 'cancelled' end`;
  const flow = `case when ${isCash} then 'cash' when h6 % 100 < 60 then 'code_pay' else 'dynamic_code' end`;
  const amount = `case when h7 % 100 < 60 then 100 + h8 % 9901 when h7 % 100 < 90 then 10000 + h8 % 90001
    when h7 % 100 < 99 then 100000 + h8 % 900001 else 1000000 + h8 % 4000001 end`;
  // Materialized, so that each hash and each decision is computed once per row rather than once per mention.
  const hashed = `h as materialized (select n, ${time} as t, ${hashes} from ${s.from})`;
  const decided = `c as materialized (select n, t, ${hex(d, 't', 12)} as th, ${hex(d, 'n', 12)} as nh, h7, h8, h9, h10, ${merchant} as merchant_no, ${station} as station_no,
    ${store} as store_no, ${method} as method, ${status} as status, ${flow} as flow, ${amount} as amount from h)`;
  return `${withClause(s.cte, hashed, decided)}
    insert into payments (id, merchant_id, order_id, store_id, station_id, cashier_id, out_trade_no, method, channel, flow,
      binding_id, amount_fen, status, failure_code, failure_reason, channel_trade_no, code_text, payer_code_masked,
      expires_at, paid_at, refunded_fen, tendered_fen, change_fen, rounding_fen, late_success, query_count, created_at, updated_at)
    select
      substr(th, 1, 8) || '-' || substr(th, 9, 4) || '-7' || ${hex(d, 'h9 % 4096', 3)} || '-8' || ${hex(d, 'h10 % 4096', 3)} || '-' || nh,
      ${idOf(d, 'merchant', 'merchant_no')},
      ${hex(d, 'h10', 6)} || '00-' || ${hex(d, 'h9 % 65536', 4)} || '-4' || ${hex(d, 'h8 % 4096', 3)} || '-a' || ${hex(d, 'h7 % 4096', 3)} || '-' || nh,
      ${idOf(d, 'store', 'store_no')}, ${idOf(d, 'station', 'station_no')}, ${idOf(d, 'user', 'station_no')},
      'PD' || ${chinaStamp(d, 't')} || ${hex(d, 'n', 8)},
      method, case method when 'cash' then 'cash' when 'unionpay' then 'simulator' else method end, flow,
      null, amount, status,
      case status when 'failed' then 'NOTENOUGH' end, case status when 'failed' then '用户余额不足' end,
      case when status = 'succeeded' and method <> 'cash' then '4200' || ${digits(d, 'n', 24)} end,
      case when flow = 'dynamic_code' then case method when 'alipay' then 'https://qr.alipay.com/bax0' when 'unionpay' then 'https://qr.95516.com/00010000/'
        else 'weixin://wxpay/bizpayurl?pr=' end || ${hex(d, 'h9', 6)} || ${hex(d, 'n', 8)} end,
      case when flow = 'code_pay' then case method when 'alipay' then '2856' when 'unionpay' then '6225' else '1345' end || '**********' || ${digits(d, 'h9 % 10000', 4)} end,
      case when method = 'cash' then t else t + 300000 end,
      case when status = 'succeeded' then t + case when method = 'cash' then 0 else 1500 + h9 % 20000 end end,
      case when status = 'succeeded' and h10 % 1000 < 20 then case when h10 % 2 = 0 then amount else amount * (1 + h8 % 9) / 10 end else 0 end,
      case when method = 'cash' then (amount + 9999) / 10000 * 10000 end,
      case when method = 'cash' then (amount + 9999) / 10000 * 10000 - amount end,
      case when method = 'cash' then 0 end,
      0, case when flow = 'code_pay' and status <> 'succeeded' then 1 + h9 % 5 else 0 end,
      t, case when method = 'cash' then t when status = 'succeeded' then t + 1500 + h9 % 20000 else t + 300000 end
    from c`;
}

type Conn = Pick<Db, 'kysely'>;
const run = (db: Conn, text: string) => sql.raw(text).execute(db.kysely);

/**
 * What can go for the load and come back after it, exactly as the migrations made it (the statements
 * come from the catalogue): the secondary indexes of payments and, on PostgreSQL, its unique and foreign
 * key constraints. The primary key stays: other tables' foreign keys hang on it, and its time-ordered ids
 * only ever append. SQLite cannot drop a table's constraints.
 */
async function droppable(db: Conn, d: Dialect): Promise<{ name: string; drop: string; create: string }[]> {
  if (d === 'sqlite') {
    const { rows } = await sql<{ name: string; create: string }>`select name, sql as "create" from sqlite_master
      where type = 'index' and tbl_name = 'payments' and sql is not null`.execute(db.kysely);
    return rows.map((r) => ({ ...r, drop: `drop index ${r.name}` }));
  }
  const { rows } = await sql<{ name: string; drop: string; create: string }>`
    select conname as name, 'alter table payments drop constraint ' || conname as drop,
      'alter table payments add constraint ' || conname || ' ' || pg_get_constraintdef(oid) as "create"
    from pg_constraint where conrelid = 'payments'::regclass and contype in ('u', 'f')
    union all
    select indexname, 'drop index ' || indexname, indexdef from pg_indexes
    where schemaname = current_schema() and tablename = 'payments'
      and indexname not in (select conname from pg_constraint where conrelid = 'payments'::regclass)`.execute(db.kysely);
  return rows;
}

/**
 * Migrates the empty database `db` and fills it; `log` hears the progress. The secondary indexes and
 * constraints of payments are dropped for the load and rebuilt after it, as a restore does: kept, they
 * would slow a 10-million-row load on a shared 2-core machine from a quarter of an hour to most of an
 * hour. (An index built in one pass is packed denser than one grown row by row, by up to a third.) On
 * PostgreSQL the tables are then vacuumed and analysed, as autovacuum would have done on a live system;
 * SQLite is left without statistics, as Paydesk runs it (it never runs ANALYZE).
 */
export async function fillDatabase(db: Db, payments: number, log: (line: string) => void): Promise<ScaleData> {
  if (!Number.isSafeInteger(payments) || payments < 1000) throw new RangeError(`payments must be an integer ≥ 1000, not ${payments}`);
  await migrateToLatest(db.kysely);
  const d = db.dialect;
  const yearStart = firstDay * dayMs - chinaOffsetMs;
  const createdAt = yearStart - 30 * dayMs;
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const batch = d === 'postgres' ? 500_000 : 100_000;
  const fill = async (tx: Conn) => {
    for (const text of [
      merchantsSql(d, merchantCount, createdAt),
      storesSql(d, merchantCount, createdAt),
      stationsSql(d, merchantCount, createdAt, 'stations'),
      stationsSql(d, merchantCount, createdAt, 'users'),
    ])
      await run(tx, text);
    const rebuilt = await droppable(tx, d);
    for (const item of rebuilt) await run(tx, item.drop);
    for (let first = 1; first <= payments; first += batch) {
      const last = Math.min(payments, first + batch - 1);
      await run(tx, paymentsSql(d, first, last, payments, merchantCount, yearStart));
      log(`  ${last.toLocaleString('en-US')} payments, ${Math.round(last / elapsed()).toLocaleString('en-US')} rows/s`);
    }
    for (const item of rebuilt) {
      await run(tx, item.create);
      log(`  ${item.name} rebuilt at ${elapsed().toFixed(0)} s`);
    }
  };
  if (d === 'sqlite') {
    // A bigger page cache for the load only (the benchmark reopens the file with Paydesk's settings).
    await run(db, 'pragma cache_size = -524288');
    await db.kysely.transaction().execute((trx) => fill({ kysely: trx }));
    await run(db, 'pragma wal_checkpoint(truncate)');
  } else {
    await db.kysely.connection().execute(async (conn) => {
      for (const setting of ["synchronous_commit = 'off'", "work_mem = '256MB'", "maintenance_work_mem = '512MB'"])
        await run({ kysely: conn }, `set ${setting}`);
      await fill({ kysely: conn });
      await run({ kysely: conn }, 'vacuum (analyze) payments, merchants, stores, stations, users');
    });
  }
  const seconds = elapsed();
  const sample = async (m: number): Promise<MerchantSample> => {
    const id = entityId('merchant', m);
    const row = await db.kysely
      .selectFrom('payments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('merchant_id', '=', id)
      .executeTakeFirstOrThrow();
    return {
      id,
      storeId: entityId('store', m === 1 ? 1 : storeOfMerchant(m)),
      cashierId: entityId('user', m === 1 ? 1 : stationOfMerchant(m)),
      payments: Number(row.n),
    };
  };
  return {
    dialect: d,
    merchants: merchantCount,
    payments,
    big: await sample(1),
    typical: await sample(merchantCount / 2),
    seconds,
    rowsPerSecond: Math.round(payments / seconds),
  };
}

/** What the generator produced, counted back from the table in one scan: the shares a benchmark can check. */
export async function measureMix(db: Conn): Promise<Mix> {
  const big = entityId('merchant', 1);
  const { rows } = await sql<{ status: string; method: string; merchant: string; refund: string; n: number }>`
    select status, method, case when merchant_id = ${big} then 'big' else 'other' end as merchant,
      case when refunded_fen = 0 then 'none' when refunded_fen = amount_fen then 'full' else 'part' end as refund, count(*) as n
    from payments group by 1, 2, 3, 4`.execute(db.kysely);
  const total = rows.reduce((sum, r) => sum + Number(r.n), 0);
  const shares = (key: 'status' | 'method') => {
    const out: Record<string, number> = {};
    for (const r of rows) out[r[key]] = (out[r[key]] ?? 0) + Number(r.n) / total;
    return out;
  };
  const count = (pick: (r: (typeof rows)[number]) => boolean) => rows.filter(pick).reduce((sum, r) => sum + Number(r.n), 0);
  return {
    payments: total,
    bigShare: count((r) => r.merchant === 'big') / total,
    status: shares('status'),
    method: shares('method'),
    refunded: count((r) => r.refund !== 'none'),
    partlyRefunded: count((r) => r.refund === 'part'),
  };
}

/** The China calendar day `day` (a number since 1970-01-01 there) as [from, to) epoch milliseconds. */
export function chinaDay(day: number): { from: number; to: number } {
  return { from: day * dayMs - chinaOffsetMs, to: (day + 1) * dayMs - chinaOffsetMs };
}
