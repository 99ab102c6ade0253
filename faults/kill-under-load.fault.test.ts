/**
 * Issue 6, item 2: kill -9 the real server at random moments under a load of checkouts and refunds, start it
 * again, and check that nothing the clients were told is lost and that the worker settles everything else.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, inject, it } from 'vitest';
import { dialects } from '../test/support/databases.ts';
import { insertPayerCodes } from '../test/support/payer-codes.ts';
import { readBooks, waitForWorker } from './support/books.ts';
import { judge } from './support/invariants.ts';
import { derivedSeed, SeededRandom } from './support/random.ts';
import { recordRun } from './support/report.ts';
import { openShop, signInStaff } from './support/shop.ts';
import { codeBehaviours, Till } from './support/till.ts';

/** Past every expiry (at most a minute), lease (a minute) and abandoned idempotency key (five minutes) of the run. */
const clockShiftMs = 20 * 60_000;
const clients = 12;
const mix = { code_pays: 30, code_pays_late: 10, code_fails: 10, dynamic_unpaid: 8, dynamic_scanned: 8, cash: 14, refund: 20 };

describe.each(dialects)('kill -9 under load on %s', (dialect) => {
  it('loses no acknowledged payment, doubles none, and leaves nothing unsettled', async () => {
    const started = Date.now();
    const seed = derivedSeed(inject('faultsSeed'), `kill-under-load/${dialect}`);
    const killer = new SeededRandom(derivedSeed(seed, 'killer'));
    const events = [`seed ${seed}`];
    const { server, db } = await openShop(dialect);
    await server.start({ restartFollows: true });
    events.push(`shop seeded and server up after ${Math.round((Date.now() - started) / 1000)} s`);
    const staff = await signInStaff(server.base, db);
    const codes = {
      code_pays: await insertPayerCodes(db, staff.merchantId, codeBehaviours.code_pays, 1500),
      code_pays_late: await insertPayerCodes(db, staff.merchantId, codeBehaviours.code_pays_late, 600),
      code_fails: await insertPayerCodes(db, staff.merchantId, codeBehaviours.code_fails, 600),
    };
    const till = new Till(staff, new SeededRandom(derivedSeed(seed, 'till')), codes, () => server.whenUp(), mix);
    const stop = new AbortController();
    const load = till.run(clients, stop.signal);

    const kills = killer.between(4, 6);
    for (let i = 1; i <= kills; i += 1) {
      // The moment is random within the load, but not before the next server has loaded: the run measures
      // recovery, not how long a busy machine takes to load modules.
      await server.nextLoaded();
      await sleep(killer.between(300, 2500));
      const answered = till.operations.length;
      await server.kill();
      const down = Date.now();
      // After the last kill the server comes back as if it had been down for a while: the tills send
      // what they still hold (and no new sales), and the worker settles everything that fell due meanwhile.
      const last = i === kills;
      if (last) stop.abort();
      await server.start(last ? { clockShiftMs } : { restartFollows: true });
      events.push(
        `kill ${i} after ${answered} requests; back after ${((Date.now() - down) / 1000).toFixed(1)} s${last ? ` with its clock ${clockShiftMs / 60_000} min ahead` : ''}`,
      );
    }
    await load;
    await till.retryUnfinished();
    const now = await waitForWorker(db, clockShiftMs);
    await server.stop();
    events.push(`${till.operations.length} requests in all; done after ${Math.round((Date.now() - started) / 1000)} s`);

    const verdict = judge(await readBooks(db), till.operations, { now, noAnswerAllowed: true, unavailableAllowed: false });
    verdict.violations.push(...server.crashes.map((c) => `the server died by itself: ${c}`));
    recordRun({ name: 'kill -9 under load', dialect, seed, seconds: Math.round((Date.now() - started) / 1000), events, verdict });
    expect(verdict.violations).toEqual([]);
    expect(verdict.acknowledged).toBeGreaterThan(0);
  });
});
