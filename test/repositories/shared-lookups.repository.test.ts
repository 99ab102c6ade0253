import { batchStats, type ChannelAccount, newId, repositories, type Session } from '@paydesk/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, freshDatabase, type TestDb } from '../support/databases.ts';
import { insertBinding, insertMerchant, insertStation, insertStore, insertUser, t0 } from '../support/rows.ts';

/**
 * On PostgreSQL the lookups every sale makes are shared by the requests of the moment (one statement for
 * all of them); each caller must get exactly what it would have got alone, on both databases, and a
 * transaction must keep reading through itself.
 */
describe.each(dialects)('lookups made at once on %s', (dialect) => {
  let db: TestDb;
  let merchant: string;
  let store: string;
  let station: string;
  let users: string[];

  beforeAll(async () => {
    db = await freshDatabase(dialect);
    merchant = await insertMerchant(db);
    store = await insertStore(db, merchant);
    station = await insertStation(db, merchant, store);
    users = [await insertUser(db, merchant), await insertUser(db, merchant, { role: 'cashier', storeId: store })];
  });
  afterAll(async () => {
    await db.destroy();
  });

  const repos = () => repositories(db.kysely, dialect, db.atomic);
  let n = 0;
  const session = (userId: string, fields: Partial<Session> = {}): Session => {
    n += 1;
    return {
      id_hash: `hash-${n}`,
      merchant_id: merchant,
      user_id: userId,
      station_id: null,
      csrf_token: `csrf-${n}`,
      created_at: t0,
      last_seen_at: t0,
      expires_at: t0 + 3_600_000,
      ip: null,
      user_agent: null,
      ...fields,
    };
  };
  /** Statements of `kind` run so far, and the calls they served (PostgreSQL only). */
  const shared = (kind: string) => batchStats(db.kysely)[kind] ?? { batches: 0, calls: 0, failed: 0, alone: 0 };

  it('answers each session looked up at once with its own person and station, or nothing', async () => {
    const rows = [session(users[0] as string), session(users[1] as string, { station_id: station }), session(users[0] as string)];
    const expired = session(users[1] as string, { expires_at: t0 - 1 });
    for (const row of [...rows, expired]) await repos().sessions.insert(row);
    const hashes = [rows[0], expired, rows[1], { id_hash: 'unknown' }, rows[2]].map((r) => r?.id_hash as string);
    const alone = [];
    for (const hash of hashes) alone.push(await repos().sessions.findLive(hash, t0));
    const before = shared('session.live');
    const atOnce = await Promise.all(hashes.map((hash) => repos().sessions.findLive(hash, t0)));
    expect(atOnce).toEqual(alone);
    expect(atOnce.map((s) => s && [s.user.id, s.station?.id ?? null])).toEqual([
      [users[0], null],
      undefined,
      [users[1], station],
      undefined,
      [users[0], null],
    ]);
    const after = shared('session.live');
    // PostgreSQL answered the five in fewer statements than calls; SQLite answers each in its own.
    if (dialect === 'postgres') expect(after.batches - before.batches).toBeLessThan(after.calls - before.calls);
    else expect(after).toEqual({ batches: 0, calls: 0, failed: 0, alone: 0 });
  });

  it('answers each payer code looked up at once, used or not, and unknown ones with nothing', async () => {
    const codes = ['134000000000000001', '134000000000000002'];
    for (const [i, wallet] of (['wechat', 'alipay'] as const).entries()) {
      const code = codes[i] as string;
      await repos().sim.insertPayerCode({
        code,
        merchant_id: merchant,
        wallet,
        behaviour: '{}',
        created_at: t0,
        used_at: i === 1 ? t0 : null,
      });
    }
    const asked = [codes[1], '134999999999999999', codes[0], codes[1]] as string[];
    const atOnce = await Promise.all(asked.map((code) => repos().sim.payerCode(merchant, code)));
    expect(atOnce.map((c) => c && [c.code, c.wallet, c.used_at])).toEqual([
      [codes[1], 'alipay', t0],
      undefined,
      [codes[0], 'wechat', null],
      [codes[1], 'alipay', t0],
    ]);
    // Another merchant's lookup of the same code finds nothing.
    const other = await insertMerchant(db);
    expect(await Promise.all(codes.map((code) => repos().sim.payerCode(other, code)))).toEqual([undefined, undefined]);
  });

  it("answers each merchant's routing account and binding looked up at once, never another merchant's", async () => {
    const other = await insertMerchant(db);
    const otherStore = await insertStore(db, other);
    const account = async (merchantId: string, storeId: string | null, kind: ChannelAccount['kind']) => {
      const id = newId();
      await repos().channelAccounts.insert({
        id,
        merchant_id: merchantId,
        store_id: storeId,
        kind,
        config: '{}',
        secrets_sealed: null,
        status: 'active',
        created_at: t0,
        updated_at: t0,
      });
      return id;
    };
    const merchantWide = await account(merchant, null, 'wechatpay');
    const storeOwn = await account(merchant, store, 'alipay');
    const theirs = await account(other, otherStore, 'wechatpay');
    const before = [shared('channel-account.for'), shared('binding.active')];
    const accounts = await Promise.all([
      repos().channelAccounts.findFor(merchant, 'wechatpay', store),
      repos().channelAccounts.findFor(merchant, 'alipay', store),
      repos().channelAccounts.findFor(other, 'wechatpay', otherStore),
      repos().channelAccounts.findFor(other, 'alipay', otherStore),
      repos().channelAccounts.findFor(merchant, 'alipay', otherStore),
    ]);
    expect(accounts.map((a) => a?.id)).toEqual([merchantWide, storeOwn, theirs, undefined, undefined]);

    const scope = `station:${station}`;
    const ours = await insertBinding(db, merchant, store, { method: 'wechatpay', scopeKey: scope });
    const theirBinding = await insertBinding(db, other, otherStore, { method: 'wechatpay', scopeKey: scope });
    const bindings = await Promise.all([
      repos().bindings.findActiveFirst(merchant, scope, ['alipay', 'wechatpay']),
      repos().bindings.findActiveFirst(other, scope, ['wechatpay', 'all']),
      repos().bindings.findActiveFirst(merchant, scope, ['alipay', 'all']),
      repos().bindings.findActiveFirst(other, 'elsewhere', ['wechatpay']),
    ]);
    expect(bindings.map((b) => b?.id)).toEqual([ours, theirBinding, undefined, undefined]);
    if (dialect === 'postgres') {
      // Each group of lookups was one statement, none of them run by itself.
      const after = [shared('channel-account.for'), shared('binding.active')];
      expect(after.map((a, i) => a.batches - (before[i]?.batches ?? 0))).toEqual([1, 1]);
      expect(after.map((a, i) => a.alone - (before[i]?.alone ?? 0))).toEqual([0, 0]);
    }
  });

  it('reads inside a transaction through the transaction, seeing what it has written', async () => {
    const row = session(users[0] as string);
    const seen = await db.kysely.transaction().execute(async (trx) => {
      const inTrx = repositories(trx, dialect);
      await inTrx.sessions.insert(row);
      // SQLite has one connection, which the transaction holds: a reader outside it would wait for it.
      const outside = dialect === 'postgres' ? repos().sessions.findLive(row.id_hash, t0) : undefined;
      return Promise.all([inTrx.sessions.findLive(row.id_hash, t0), outside]);
    });
    // The transaction sees its own row; a reader outside it, shared or not, does not until it commits.
    expect(seen.map((s) => s?.session.id_hash)).toEqual([row.id_hash, undefined]);
  });
});
