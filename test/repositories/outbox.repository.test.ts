import { newId, repositories } from '@paydesk/db';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dialects, freshDatabase, type TestDb } from '../support/databases.ts';
import { insertMerchant, t0 } from '../support/rows.ts';

const lease = 60_000;

describe.each(dialects)('outbox repository on %s', (dialect) => {
  let db: TestDb;
  let repo: ReturnType<typeof repositories>['outbox'];
  let merchantId: string;
  beforeAll(async () => {
    db = await freshDatabase(dialect);
    repo = repositories(db.kysely, db.dialect).outbox;
    merchantId = await insertMerchant(db);
  });
  beforeEach(async () => {
    await db.kysely.deleteFrom('outbox').execute();
  });
  afterAll(async () => {
    await db.destroy();
  });

  async function enqueue(runAt = t0, topic = 'test.topic') {
    const id = newId();
    await repo.enqueue({ id, merchantId, topic, payload: JSON.stringify({ n: id }), runAt, now: t0 });
    return id;
  }

  it('claims due rows with a lease, and not rows that are not yet due', async () => {
    const due = await enqueue(t0);
    const later = await enqueue(t0 + 10_000);
    const claimed = await repo.claimDue(t0, lease, 10);
    expect(claimed.map((r) => r.id)).toEqual([due]);
    expect(claimed[0]).toMatchObject({ status: 'pending', locked_until: t0 + lease, attempts: 0, topic: 'test.topic' });
    expect(typeof claimed[0]?.locked_until).toBe('number');
    expect((await repo.claimDue(t0 + 10_000, lease, 10)).map((r) => r.id)).toEqual([later]);
  });

  it('does not hand a claimed row out again until its lease has expired', async () => {
    const id = await enqueue();
    expect(await repo.claimDue(t0, lease, 10)).toHaveLength(1);
    expect(await repo.claimDue(t0 + 1, lease, 10)).toEqual([]);
    expect(await repo.claimDue(t0 + lease, lease, 10)).toEqual([]);
    const again = await repo.claimDue(t0 + lease + 1, lease, 10);
    expect(again.map((r) => r.id)).toEqual([id]);
    expect(again[0]?.locked_until).toBe(t0 + 2 * lease + 1);
  });

  it('finishes a row only for the holder of its current lease', async () => {
    const id = await enqueue();
    const [first] = await repo.claimDue(t0, lease, 10);
    const firstLease = Number(first?.locked_until);
    expect(await repo.markDone(id, firstLease + 1, t0 + 10)).toBe(false);
    expect((await repo.findById(id))?.status).toBe('pending');

    // The lease runs out and another worker takes the row over: the first can no longer finish it.
    const [second] = await repo.claimDue(t0 + lease + 1, lease, 10);
    const secondLease = Number(second?.locked_until);
    expect(await repo.markDone(id, firstLease, t0 + lease + 2)).toBe(false);
    expect(await repo.markDone(id, secondLease, t0 + lease + 3)).toBe(true);
    const row = await repo.findById(id);
    expect(row).toMatchObject({ status: 'done', done_at: t0 + lease + 3, locked_until: null, payload: '{}' });
    expect(await repo.markDone(id, secondLease, t0 + lease + 4)).toBe(false);
    expect(await repo.claimDue(t0 + 10 * lease, lease, 10)).toEqual([]);
  });

  it('records a failure for a retry, or as dead, only with the lease', async () => {
    const id = await enqueue();
    const [row] = await repo.claimDue(t0, lease, 10);
    await repo.markFailed(id, Number(row?.locked_until) + 1, 'wrong lease', t0 + 5_000);
    expect(await repo.findById(id)).toMatchObject({ attempts: 0, last_error: null, locked_until: t0 + lease });

    await repo.markFailed(id, Number(row?.locked_until), 'smtp down', t0 + 5_000);
    expect(await repo.findById(id)).toMatchObject({
      status: 'pending',
      attempts: 1,
      last_error: 'smtp down',
      run_at: t0 + 5_000,
      locked_until: null,
    });
    expect(await repo.claimDue(t0 + 4_999, lease, 10)).toEqual([]);
    const [retry] = await repo.claimDue(t0 + 5_000, lease, 10);
    expect(retry?.id).toBe(id);
    await repo.markFailed(id, Number(retry?.locked_until), 'x'.repeat(2_000), null);
    const dead = await repo.findById(id);
    expect(dead).toMatchObject({ status: 'dead', attempts: 2 });
    expect(dead?.last_error?.length).toBe(500);
    expect(await repo.claimDue(t0 + 100 * lease, lease, 10)).toEqual([]);
  });

  it('claims at most the limit, oldest first', async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await enqueue(t0 - (5 - i) * 1000));
    const first = await repo.claimDue(t0, lease, 3);
    expect(first.map((r) => r.id).sort()).toEqual(ids.slice(0, 3).sort());
    const rest = await repo.claimDue(t0, lease, 3);
    expect(rest.map((r) => r.id).sort()).toEqual(ids.slice(3).sort());
  });

  it('never gives the same row to two claimers racing for it', async () => {
    const ids = [];
    for (let i = 0; i < 30; i++) ids.push(await enqueue());
    const batches = await Promise.all([
      repo.claimDue(t0, lease, 10),
      repo.claimDue(t0, lease, 10),
      repo.claimDue(t0, lease, 10),
      repo.claimDue(t0, lease, 10),
    ]);
    const claimed = batches.flat().map((r) => r.id);
    expect(new Set(claimed).size).toBe(claimed.length);
    expect(claimed.length).toBeLessThanOrEqual(30);
    // Whatever was not claimed in the race is still there to claim.
    const left = await repo.claimDue(t0, lease, 100);
    expect([...claimed, ...left.map((r) => r.id)].sort()).toEqual([...ids].sort());
  });
});
