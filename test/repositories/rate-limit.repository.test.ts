import { repositories } from '@paydesk/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, freshDatabase, type TestDb } from '../support/databases.ts';
import { t0 } from '../support/rows.ts';

const minute = 60_000;

describe.each(dialects)('rate-limit repository on %s', (dialect) => {
  let db: TestDb;
  let repo: ReturnType<typeof repositories>['rateLimits'];
  beforeAll(async () => {
    db = await freshDatabase(dialect);
    repo = repositories(db.kysely, db.dialect).rateLimits;
  });
  afterAll(async () => {
    await db.destroy();
  });

  it('counts hits per key and window, each hit returning the count including itself', async () => {
    const w = t0;
    expect(await repo.hit('a', w)).toBe(1);
    expect(await repo.hit('a', w)).toBe(2);
    expect(await repo.hit('a', w)).toBe(3);
    expect(await repo.count('a', w)).toBe(3);
    // Another key and another window start from one.
    expect(await repo.hit('b', w)).toBe(1);
    expect(await repo.hit('a', w + 10 * minute)).toBe(1);
    expect(await repo.count('a', w)).toBe(3);
    expect(await repo.count('a', w + 10 * minute)).toBe(1);
    expect(await repo.count('never-hit', w)).toBe(0);
  });

  it('counts concurrent hits exactly, without losing or doubling any', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => repo.hit('busy', t0)));
    expect([...results].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await repo.count('busy', t0)).toBe(20);
  });

  it('resets every window of a key and no other key', async () => {
    await repo.hit('r', t0);
    await repo.hit('r', t0 + minute);
    await repo.hit('keep', t0);
    await repo.reset('r');
    expect(await repo.count('r', t0)).toBe(0);
    expect(await repo.count('r', t0 + minute)).toBe(0);
    expect(await repo.count('keep', t0)).toBe(1);
    expect(await repo.hit('r', t0)).toBe(1);
  });

  it('tells the newest window of a key (how a lock remembers when it began)', async () => {
    expect(await repo.latestWindowStart('lock')).toBeUndefined();
    await repo.hit('lock', t0 + 5);
    await repo.hit('lock', t0 + 7 * minute);
    await repo.hit('lock', t0 + 3);
    expect(await repo.latestWindowStart('lock')).toBe(t0 + 7 * minute);
    expect(typeof (await repo.latestWindowStart('lock'))).toBe('number');
  });
});
