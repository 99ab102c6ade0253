import { type Permission, roles } from '@paydesk/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/assertions.ts';
import { dialects } from '../support/databases.ts';
import { tableDigests } from '../support/db-digest.ts';
import type { Res } from '../support/http-client.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { merchantDigest } from './merchant-digest.ts';
import { actsOn, callFor, calls, documentedOperations, openToEveryRole, publicOperations, send } from './operations.ts';
import { PermissionWatch } from './permission-watch.ts';
import { equippedShop, identifiersOf, restoreOwner, type Shop } from './shop.ts';

/**
 * Every operation of the OpenAPI document against every caller who must not have it: signed out,
 * another merchant's owner, and each role lacking a permission the operation asks for.
 */
describe.each(dialects)('access matrix on %s', (dialect) => {
  let t: TestApp;
  let a: Shop;
  let b: Shop;
  let operations: string[];
  let guarded: string[];
  let watch: PermissionWatch;

  beforeAll(async () => {
    // Put on here, not at collection: the describe of each dialect must have the table to itself.
    watch = new PermissionWatch();
    t = await createTestApp(dialect);
    a = await equippedShop(t, '甲');
    b = await equippedShop(t, '乙');
    operations = await documentedOperations(t.client());
    guarded = operations.filter((op) => !publicOperations.includes(op));
  }, 60_000);
  afterAll(async () => {
    watch.stop();
    await t.close();
  });

  function expectNothingOf(shop: Shop, res: Res, what: string) {
    for (const id of identifiersOf(shop)) expect(res.text, `${what} shows ${id}`).not.toContain(id);
  }

  it('has a call for every documented operation, and for nothing else', () => {
    expect(Object.keys(calls).sort()).toEqual([...operations].sort());
    for (const op of [...publicOperations, ...openToEveryRole]) expect(operations, op).toContain(op);
  });

  it('answers 401 to a signed-out caller everywhere but the listed public routes, changing nothing', async () => {
    const open: string[] = [];
    const before = await tableDigests(t.db);
    for (const op of operations) {
      const res = await send(t.client(), op, callFor(op, a));
      // Public routes get bodies they refuse: nothing may change after any call.
      expect(await tableDigests(t.db), op).toEqual(before);
      if (res.body?.error?.code !== 'UNAUTHENTICATED') {
        open.push(op);
        continue;
      }
      expectError(res, 'UNAUTHENTICATED');
      expectNothingOf(a, res, op);
    }
    expect(open).toEqual(operations.filter((op) => publicOperations.includes(op)));
  }, 120_000);

  it('refuses another merchant’s owner every operation on this merchant’s records, and shows or changes nothing of it', async () => {
    const refused: string[] = [];
    for (const op of guarded) {
      const call = callFor(op, a);
      const before = await tableDigests(t.db);
      const beforeA = await merchantDigest(t.db, a.merchantId);
      const res = await send(b.clients.owner, op, call);
      expectNothingOf(a, res, `B's owner: ${op}`);
      if (actsOn(op, call, identifiersOf(a))) {
        refused.push(op);
        expect([403, 404], `B's owner: ${op} answered ${res.status} ${res.text.slice(0, 200)}`).toContain(res.status);
        expect(['FORBIDDEN', 'NOT_FOUND'], op).toContain(res.body?.error?.code);
        expect(await tableDigests(t.db), op).toEqual(before);
      } else {
        // Lists, filters and B's own records: whatever B may do, nothing of A moves.
        expect(await merchantDigest(t.db, a.merchantId), op).toEqual(beforeA);
      }
      await restoreOwner(b);
    }
    // Most operations name a record; a template that stopped naming A's would weaken this silently.
    expect(refused.length).toBeGreaterThan(guarded.length / 2);
  }, 120_000);

  it('refuses each role every operation asking for a permission the role lacks, changing nothing', async () => {
    const asked = new Map<string, Permission[]>();
    for (const op of guarded) {
      // What the operation asks for, learnt from B's owner (who has every permission) on B's own records.
      asked.set(op, (await watch.during(() => send(b.clients.owner, op, callFor(op, b)))).asked);
      await restoreOwner(b);
    }
    const unchecked = guarded.filter((op) => asked.get(op)?.length === 0);
    expect(unchecked, 'operations asking for no permission').toEqual(guarded.filter((op) => openToEveryRole.includes(op)));
    expect([...new Set([...asked.values()].flat())].sort(), 'every permission guards something').toEqual(Object.keys(watch.table).sort());

    const refusals: string[] = [];
    const before = await tableDigests(t.db);
    for (const op of guarded) {
      for (const role of roles) {
        const lacking = watch.lacking(role, asked.get(op) ?? []);
        if (lacking.length === 0) continue;
        const res = await send(a.clients[role], op, callFor(op, a));
        expect(res.body?.error?.code, `${role} lacks ${lacking.join(', ')}: ${op} answered ${res.status} ${res.text.slice(0, 200)}`).toBe(
          'FORBIDDEN',
        );
        expectError(res, 'FORBIDDEN');
        expect(await tableDigests(t.db), `${role}: ${op}`).toEqual(before);
        refusals.push(`${role} ${op}`);
      }
    }
    for (const role of roles.filter((r) => Object.values(watch.table).some((allowed) => !allowed.includes(r)))) {
      expect(
        refusals.some((r) => r.startsWith(`${role} `)),
        `${role} was refused something`,
      ).toBe(true);
    }
  }, 120_000);
});
