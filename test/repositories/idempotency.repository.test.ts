import { repositories } from '@paydesk/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, freshDatabase, type TestDb } from '../support/databases.ts';
import { insertMerchant, t0 } from '../support/rows.ts';

describe.each(dialects)('idempotency repository on %s', (dialect) => {
  let db: TestDb;
  let repo: ReturnType<typeof repositories>['idempotency'];
  let a: string;
  let b: string;
  beforeAll(async () => {
    db = await freshDatabase(dialect);
    repo = repositories(db.kysely, db.dialect).idempotency;
    a = await insertMerchant(db);
    b = await insertMerchant(db);
  });
  afterAll(async () => {
    await db.destroy();
  });

  it('claims a key once per merchant', async () => {
    expect(await repo.claim(a, 'k1', 'hash-1', t0)).toBe(true);
    expect(await repo.claim(a, 'k1', 'hash-1', t0 + 1)).toBe(false);
    expect(await repo.claim(a, 'k1', 'hash-2', t0 + 2)).toBe(false);
    // The same key belongs to another merchant separately.
    expect(await repo.claim(b, 'k1', 'hash-1', t0)).toBe(true);
    expect(await repo.find(a, 'k1')).toMatchObject({ request_hash: 'hash-1', status: 'running', response_status: null, created_at: t0 });
    expect(await repo.find(a, 'missing')).toBeUndefined();
  });

  it('lets exactly one of several racing claims win', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => repo.claim(a, 'race', `h${i}`, t0)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('keeps the answer once complete, and release frees only a running key', async () => {
    expect(await repo.claim(a, 'k2', 'h', t0)).toBe(true);
    await repo.complete(a, 'k2', t0, 201, '{"id":"x"}');
    expect(await repo.release(a, 'k2', t0)).toBe(false);
    expect(await repo.find(a, 'k2')).toMatchObject({ status: 'done', response_status: 201, response_body: '{"id":"x"}' });
    expect(await repo.claim(a, 'k2', 'h', t0)).toBe(false);

    expect(await repo.claim(a, 'k3', 'h', t0)).toBe(true);
    expect(await repo.release(a, 'k3', t0)).toBe(true);
    expect(await repo.find(a, 'k3')).toBeUndefined();
    expect(await repo.claim(a, 'k3', 'h', t0)).toBe(true);
  });

  it('completes and releases only the named merchant’s key', async () => {
    expect(await repo.claim(a, 'k4', 'h', t0)).toBe(true);
    expect(await repo.claim(b, 'k4', 'h', t0)).toBe(true);
    await repo.complete(b, 'k4', t0, 200, 'b');
    await repo.release(b, 'k4', t0);
    expect((await repo.find(a, 'k4'))?.status).toBe('running');
    expect((await repo.find(b, 'k4'))?.status).toBe('done');
  });

  it('marks a key applied only for the claim that holds it, and an applied key is never released', async () => {
    expect(await repo.claim(a, 'k5', 'h', t0)).toBe(true);
    expect(await repo.markApplied(a, 'k5', t0 + 1)).toBe(false);
    expect(await repo.markApplied(b, 'k5', t0)).toBe(false);
    expect(await repo.markApplied(a, 'k5', t0)).toBe(true);
    // A second write of the same request marks it again.
    expect(await repo.markApplied(a, 'k5', t0)).toBe(true);
    expect(await repo.release(a, 'k5', t0)).toBe(false);
    expect(await repo.find(a, 'k5')).toMatchObject({ status: 'applied' });
    await repo.complete(a, 'k5', t0, 500, 'late error');
    expect(await repo.find(a, 'k5')).toMatchObject({ status: 'done', response_status: 500 });
  });

  it('lets exactly one of several retries take over an abandoned claim; the old claim can then do nothing', async () => {
    expect(await repo.claim(a, 'k6', 'h', t0)).toBe(true);
    const later = t0 + 6 * 60_000;
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => repo.takeOver(a, 'k6', t0, later + i)));
    expect(results.filter(Boolean)).toHaveLength(1);
    const now = (await repo.find(a, 'k6'))?.created_at as number;
    expect(now).toBeGreaterThanOrEqual(later);
    // The request that was judged dead wakes up: its writes may not mark the key, its answer is not kept,
    // and it cannot free the key from under the one that took it over.
    expect(await repo.markApplied(a, 'k6', t0)).toBe(false);
    await repo.complete(a, 'k6', t0, 201, 'old');
    expect(await repo.release(a, 'k6', t0)).toBe(false);
    expect(await repo.find(a, 'k6')).toMatchObject({ status: 'running', response_body: null, created_at: now });
    // Only a running claim can be taken over.
    expect(await repo.markApplied(a, 'k6', now)).toBe(true);
    expect(await repo.takeOver(a, 'k6', now, now + 6 * 60_000)).toBe(false);
  });
});
