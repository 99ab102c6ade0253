import { newId, type OtpPurpose, repositories } from '@paydesk/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, freshDatabase, type TestDb } from '../support/databases.ts';
import { uniquePhone } from '../support/factories.ts';
import { insertMerchant, t0 } from '../support/rows.ts';

describe.each(dialects)('otp repository on %s', (dialect) => {
  let db: TestDb;
  let repo: ReturnType<typeof repositories>['otp'];
  let merchantA: string;
  let merchantB: string;
  beforeAll(async () => {
    db = await freshDatabase(dialect);
    repo = repositories(db.kysely, db.dialect).otp;
    merchantA = await insertMerchant(db, 'pending');
    merchantB = await insertMerchant(db, 'pending');
  });
  afterAll(async () => {
    await db.destroy();
  });

  async function code(target: string, purpose: OtpPurpose, createdAt: number, merchantId: string | null = null) {
    const id = newId();
    await repo.insert({
      id,
      merchant_id: merchantId,
      target,
      purpose,
      code_hash: `hash-${id}`,
      created_at: createdAt,
      expires_at: createdAt + 300_000,
      consumed_at: null,
    });
    return id;
  }

  it('finds the newest code for a target and purpose', async () => {
    const phone = uniquePhone();
    await code(phone, 'login', t0);
    const newest = await code(phone, 'login', t0 + 60_000);
    await code(phone, 'reset', t0 + 120_000);
    await code(uniquePhone(), 'login', t0 + 180_000);
    expect((await repo.latest(phone, 'login'))?.id).toBe(newest);
    expect((await repo.latest(phone, 'login'))?.attempts).toBe(0);
    expect(await repo.latest(phone, 'register')).toBeUndefined();
  });

  it('consumes a code once: the second consume is refused', async () => {
    const id = await code(uniquePhone(), 'login', t0);
    expect(await repo.consume(id, t0 + 1)).toBe(true);
    expect(await repo.consume(id, t0 + 2)).toBe(false);
    const row = await db.kysely.selectFrom('otp_codes').select('consumed_at').where('id', '=', id).executeTakeFirstOrThrow();
    expect(Number(row.consumed_at)).toBe(t0 + 1);
  });

  it('lets exactly one of several racing consumes win', async () => {
    const id = await code(uniquePhone(), 'login', t0);
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => repo.consume(id, t0 + i)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('numbers the tries and refuses any past the limit, even when they race', async () => {
    const id = await code(uniquePhone(), 'login', t0);
    expect(await repo.claimAttempt(id, 5)).toBe(1);
    expect(await repo.claimAttempt(id, 5)).toBe(2);
    const racing = await Promise.all(Array.from({ length: 8 }, () => repo.claimAttempt(id, 5)));
    expect(racing.filter((n) => n !== undefined).sort()).toEqual([3, 4, 5]);
    expect(await repo.claimAttempt(id, 5)).toBeUndefined();
  });

  it('gives no tries on a used code', async () => {
    const id = await code(uniquePhone(), 'login', t0);
    await repo.consume(id, t0 + 1);
    expect(await repo.claimAttempt(id, 5)).toBeUndefined();
  });

  it('voids only the open codes of that target and purpose', async () => {
    const phone = uniquePhone();
    const open = await code(phone, 'login', t0);
    const used = await code(phone, 'login', t0 + 1);
    await repo.consume(used, t0 + 5);
    const otherPurpose = await code(phone, 'reset', t0);
    const otherTarget = await code(uniquePhone(), 'login', t0);
    await repo.voidOpen(phone, 'login', t0 + 10);
    const rows = await db.kysely.selectFrom('otp_codes').select(['id', 'consumed_at']).execute();
    const consumedAt = (id: string) => {
      const v = rows.find((r) => r.id === id)?.consumed_at;
      return v === null || v === undefined ? null : Number(v);
    };
    expect(consumedAt(open)).toBe(t0 + 10);
    expect(consumedAt(used)).toBe(t0 + 5);
    expect(consumedAt(otherPurpose)).toBeNull();
    expect(consumedAt(otherTarget)).toBeNull();
  });

  it('finds a merchant’s newest code only for that merchant, and placeholders only without a merchant', async () => {
    const phone = uniquePhone();
    const mine = await code(phone, 'register', t0, merchantA);
    await code(phone, 'register', t0 + 1000, merchantB);
    const placeholder = await code(phone, 'register', t0 + 2000, null);
    expect((await repo.latestForMerchant(merchantA, 'register'))?.id).toBe(mine);
    expect(await repo.latestForMerchant(merchantA, 'login')).toBeUndefined();
    expect((await repo.findPlaceholder(placeholder, 'register'))?.id).toBe(placeholder);
    expect(await repo.findPlaceholder(placeholder, 'login')).toBeUndefined();
    expect(await repo.findPlaceholder(mine, 'register')).toBeUndefined();
  });
});
