import { type Db, newId } from '@paydesk/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Housekeeper, retention } from '../../apps/server/src/worker/housekeeper.ts';
import { dialects } from '../support/databases.ts';
import { registerOwner } from '../support/factories.ts';
import { insertMerchant, insertUser } from '../support/rows.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

const hour = 60 * 60_000;

/** Rows of every kind the sweep looks at, each once just past its keeping time and once just within it. */
async function rowsOnEitherSide(db: Db, now: number, merchants: string[]) {
  const [a, b] = merchants as [string, string];
  const user = await insertUser(db, a);
  const sessions = [
    { id_hash: newId(), expires_at: now - 1 },
    { id_hash: newId(), expires_at: now + hour },
  ];
  for (const s of sessions) {
    await db.kysely
      .insertInto('sessions')
      .values({
        ...s,
        merchant_id: a,
        user_id: user,
        station_id: null,
        csrf_token: 'c',
        created_at: now - hour,
        last_seen_at: now - hour,
        ip: null,
        user_agent: null,
      })
      .execute();
  }
  for (const expires of [now - retention.otpCodesAfterExpiryMs - 1, now - retention.otpCodesAfterExpiryMs + hour]) {
    await db.kysely
      .insertInto('otp_codes')
      .values({
        id: newId(),
        merchant_id: null,
        target: '13900000000',
        purpose: 'register',
        code_hash: 'h',
        created_at: expires - 5 * 60_000,
        expires_at: expires,
        consumed_at: null,
      })
      .execute();
  }
  for (const start of [now - retention.rateLimitWindowsMs - 1, now - hour]) {
    await db.kysely
      .insertInto('rate_limits')
      .values({ key: `ip:${start}`, window_start: start, count: 3 })
      .execute();
  }
  // Keys of two merchants, in every state a key can be in; the old ones more than a slice holds.
  const keyAt = (merchant: string, n: number, created: number, status: 'running' | 'applied' | 'done') => ({
    merchant_id: merchant,
    key: `user:${created}:${n}`,
    request_hash: 'h',
    status,
    response_status: status === 'done' ? 201 : null,
    response_body: status === 'done' ? '{}' : null,
    created_at: created,
  });
  const old = now - retention.idempotencyKeysMs - 1;
  const recent = now - retention.idempotencyKeysMs + hour;
  const statuses = ['running', 'applied', 'done'] as const;
  for (let n = 0; n < 7; n += 1) {
    await db.kysely
      .insertInto('idempotency_keys')
      .values(keyAt(n % 2 ? a : b, n, old, statuses[n % 3] ?? 'done'))
      .execute();
    await db.kysely
      .insertInto('idempotency_keys')
      .values(keyAt(n % 2 ? a : b, n, recent, statuses[n % 3] ?? 'done'))
      .execute();
  }
  const job = (status: 'pending' | 'done' | 'dead', doneAt: number | null) => ({
    id: newId(),
    merchant_id: a,
    topic: 'payment.requery',
    payload: '{}',
    status,
    run_at: now - 30 * 24 * hour,
    locked_until: null,
    last_error: null,
    created_at: now - 30 * 24 * hour,
    done_at: doneAt,
  });
  const longDone = now - retention.doneOutboxMs - 1;
  for (let n = 0; n < 5; n += 1) await db.kysely.insertInto('outbox').values(job('done', longDone)).execute();
  await db.kysely
    .insertInto('outbox')
    .values([job('done', now - hour), job('dead', null), job('pending', null)])
    .execute();
}

describe.each(dialects)('housekeeping on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => {
    await t.close();
  });

  const count = async (table: 'sessions' | 'otp_codes' | 'rate_limits' | 'idempotency_keys' | 'outbox') =>
    Number(
      (
        await t.db.kysely
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('removes what has outlived its use, in slices, and keeps everything still within its time', async () => {
    const merchants = [await insertMerchant(t.db), await insertMerchant(t.db)];
    await rowsOnEitherSide(t.db, t.clock.now, merchants);
    const before = {
      sessions: await count('sessions'),
      otp: await count('otp_codes'),
      limits: await count('rate_limits'),
      keys: await count('idempotency_keys'),
      outbox: await count('outbox'),
    };
    // Slices of two rows: seven old keys and five old outbox rows take several.
    const swept = await new Housekeeper(t.app.ctx, 2).sweep();
    expect(swept).toEqual({ sessions: 1, otpCodes: 1, rateLimitWindows: 1, idempotencyKeys: 7, outbox: 5 });
    expect({
      sessions: await count('sessions'),
      otp: await count('otp_codes'),
      limits: await count('rate_limits'),
      keys: await count('idempotency_keys'),
      outbox: await count('outbox'),
    }).toEqual({
      sessions: before.sessions - 1,
      otp: before.otp - 1,
      limits: before.limits - 1,
      keys: before.keys - 7,
      outbox: before.outbox - 5,
    });
    const outbox = await t.db.kysely.selectFrom('outbox').select(['status', 'done_at']).execute();
    expect(outbox.map((o) => o.status).sort()).toEqual(['dead', 'done', 'pending']);
    // A second sweep finds nothing more.
    expect(await new Housekeeper(t.app.ctx, 2).sweep()).toEqual({
      sessions: 0,
      otpCodes: 0,
      rateLimitWindows: 0,
      idempotencyKeys: 0,
      outbox: 0,
    });
  });

  it('keeps a day of answers to replay, and a signed-in person signed in; a key a day old is a new request', async () => {
    const owner = await registerOwner(t);
    const body = { name: '清扫店', address: '' };
    const key = { 'idempotency-key': 'sweep-1' };
    const first = await owner.client.post('/api/stores', body, key);
    expect(first.status).toBe(201);
    // The person keeps working (a session ends after 12 idle hours), up to an hour short of a day.
    for (const step of [11 * hour, 11 * hour, retention.idempotencyKeysMs - 23 * hour]) {
      t.clock.advance(step);
      expect((await owner.client.get('/api/stores')).status).toBe(200);
    }
    await new Housekeeper(t.app.ctx).sweep();
    const replay = await owner.client.post('/api/stores', body, key);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.id).toBe(first.body.id);
    t.clock.advance(2 * hour);
    await new Housekeeper(t.app.ctx).sweep();
    expect((await owner.client.get('/api/stores')).status).toBe(200);
    const later = await owner.client.post('/api/stores', body, key);
    expect(later.status).toBe(201);
    expect(later.headers['idempotent-replayed']).toBeUndefined();
    expect(later.body.id).not.toBe(first.body.id);
  });

  it('lets other work in between its slices, and a stop ends it after the slice under way', async () => {
    const merchant = await insertMerchant(t.db);
    const old = t.clock.now - retention.idempotencyKeysMs - 1;
    const keys = Array.from({ length: 20 }, (_, n) => ({
      merchant_id: merchant,
      key: `user:old-${n}`,
      request_hash: 'h',
      status: 'done' as const,
      response_status: 201,
      response_body: '{}',
      created_at: old,
    }));
    await t.db.kysely.insertInto('idempotency_keys').values(keys).execute();
    const ofMerchant = async () =>
      (await t.db.kysely.selectFrom('idempotency_keys').select('key').where('merchant_id', '=', merchant).execute()).length;

    const stopped = new Housekeeper(t.app.ctx, 2);
    const sweeping = stopped.sweep();
    await stopped.stop();
    expect((await sweeping).idempotencyKeys).toBe(0);
    expect(await ofMerchant()).toBe(20);

    let turns = 0;
    let done = false;
    const turn = () => {
      turns += 1;
      if (!done) setImmediate(turn);
    };
    setImmediate(turn);
    const swept = await new Housekeeper(t.app.ctx, 2).sweep();
    done = true;
    expect(swept.idempotencyKeys).toBe(20);
    expect(turns).toBeGreaterThanOrEqual(9);
    expect(await ofMerchant()).toBe(0);
  });
});
