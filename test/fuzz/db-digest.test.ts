import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, freshDatabase, type TestDb } from '../support/databases.ts';
import { digestDatabase, digestedTables, tableDigests } from '../support/db-digest.ts';
import { insertCollectionCode, insertMerchant, insertStore, insertUser, t0 } from '../support/rows.ts';

describe.each(dialects)('database digest on %s', (dialect) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await freshDatabase(dialect);
  });
  afterAll(async () => {
    await db.destroy();
  });

  it('covers every table the migrations create', async () => {
    const created = (await db.kysely.introspection.getTables()).map((t) => t.name);
    expect([...digestedTables].sort()).toEqual(created.sort());
  });

  it('is stable, and changes with any row added or any value changed', async () => {
    const empty = await digestDatabase(db);
    expect(await digestDatabase(db)).toBe(empty);

    const merchantId = await insertMerchant(db);
    const withMerchant = await digestDatabase(db);
    expect(withMerchant).not.toBe(empty);

    const storeId = await insertStore(db, merchantId, '一号店');
    const withStore = await tableDigests(db);
    await db.kysely.updateTable('stores').set({ name: '二号店' }).where('id', '=', storeId).execute();
    const renamed = await tableDigests(db);
    // Only the table that changed has a new hash, so a failing comparison names it.
    expect(Object.keys(renamed).filter((table) => renamed[table] !== withStore[table])).toEqual(['stores']);
  });

  it('sees one changed byte of an uploaded image', async () => {
    const merchantId = await insertMerchant(db);
    const storeId = await insertStore(db, merchantId);
    const codeId = await insertCollectionCode(db, merchantId, storeId);
    const bytes = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const image = { code_id: codeId, merchant_id: merchantId, mime: 'image/png', width: 1, height: 1, sha256: 'x', created_at: t0 };
    await db.kysely
      .insertInto('code_images')
      .values({ ...image, bytes })
      .execute();
    const before = await tableDigests(db);
    const changed = Buffer.from(bytes);
    changed[15] = 0x53;
    await db.kysely.updateTable('code_images').set({ bytes: changed }).where('code_id', '=', codeId).execute();
    const after = await tableDigests(db);
    expect(Object.keys(after).filter((table) => after[table] !== before[table])).toEqual(['code_images']);
  });

  it('leaves out the tables and columns it is told to ignore, and nothing else', async () => {
    const merchantId = await insertMerchant(db);
    const userId = await insertUser(db, merchantId);
    await db.kysely
      .insertInto('sessions')
      .values({
        id_hash: `h-${userId}`,
        merchant_id: merchantId,
        user_id: userId,
        station_id: null,
        csrf_token: 'csrf',
        created_at: t0,
        last_seen_at: t0,
        expires_at: t0 + 1000,
        ip: null,
        user_agent: null,
      })
      .execute();
    const ignore = ['sessions.last_seen_at', 'rate_limits'];
    const before = await digestDatabase(db, { ignore });

    await db.kysely
      .updateTable('sessions')
      .set({ last_seen_at: t0 + 5 })
      .where('id_hash', '=', `h-${userId}`)
      .execute();
    await db.kysely.insertInto('rate_limits').values({ key: 'login:10.0.0.1', window_start: t0, count: 1 }).execute();
    expect(await digestDatabase(db, { ignore })).toBe(before);

    await db.kysely
      .updateTable('sessions')
      .set({ expires_at: t0 + 5 })
      .where('id_hash', '=', `h-${userId}`)
      .execute();
    expect(await digestDatabase(db, { ignore })).not.toBe(before);
  });

  it('refuses to ignore a table or column it cannot name', async () => {
    await expect(digestDatabase(db, { ignore: ['no_such_table'] })).rejects.toThrow(/no_such_table/);
    await expect(digestDatabase(db, { ignore: ['sessions.'] })).rejects.toThrow(/sessions\./);
    await expect(digestDatabase(db, { ignore: ['sessions.a.b'] })).rejects.toThrow(/sessions\.a\.b/);
  });
});
