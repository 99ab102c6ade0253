/**
 * Issue 6, item 2: PostgreSQL goes away under a load of checkouts and refunds and comes back. Requests meanwhile
 * fail with a clean 503 in our error shape, nothing is half-written, and requests succeed once it is back.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { insertPayerCodes } from '../test/support/payer-codes.ts';
import { readBooks, waitForWorker } from './support/books.ts';
import { errorCode } from './support/http.ts';
import { judge } from './support/invariants.ts';
import { PrivatePostgres } from './support/private-postgres.ts';
import { derivedSeed, SeededRandom } from './support/random.ts';
import { recordRun } from './support/report.ts';
import { openShop, signInStaff } from './support/shop.ts';
import { codeBehaviours, Till } from './support/till.ts';

const clockShiftMs = 20 * 60_000;
const mix = { code_pays: 40, code_fails: 10, cash: 25, refund: 25 };
const skipReason = process.env.TEST_DATABASE_URL
  ? PrivatePostgres.unavailableReason()
  : 'PostgreSQL is not part of this run (TEST_DATABASE_URL is unset)';
if (skipReason) console.log(`[faults] PostgreSQL restart skipped: ${skipReason}`);

describe('PostgreSQL restart under load', () => {
  it.skipIf(skipReason !== undefined)('answers 503 while it is away, writes nothing by halves, and recovers', async () => {
    const started = Date.now();
    const seed = derivedSeed(inject('faultsSeed'), 'postgres-restart');
    const random = new SeededRandom(derivedSeed(seed, 'outage'));
    const mode = random.next() < 0.5 ? 'fast' : 'immediate';
    const events = [`seed ${seed}`];
    const postgres = await PrivatePostgres.start();
    onTestFinished(() => postgres.destroy());
    const { server, db } = await openShop('postgres', postgres.adminUrl);
    await server.start({ restartFollows: true });
    const staff = await signInStaff(server.base, db);
    const codes = {
      code_pays: await insertPayerCodes(db, staff.merchantId, codeBehaviours.code_pays, 1500),
      code_pays_late: [],
      code_fails: await insertPayerCodes(db, staff.merchantId, codeBehaviours.code_fails, 500),
    };
    const till = new Till(staff, new SeededRandom(derivedSeed(seed, 'till')), codes, () => server.whenUp(), mix);
    const stop = new AbortController();
    const load = till.run(8, stop.signal);

    await sleep(random.between(1500, 3000));
    const before = till.operations.length;
    await postgres.stop(mode);
    const down = Date.now();
    await sleep(random.between(2500, 4000));
    await postgres.startServer();
    const up = Date.now();
    await server.healthy();
    const recovered = Date.now();
    events.push(
      `PostgreSQL stopped (${mode}) after ${before} requests, for ${((up - down) / 1000).toFixed(1)} s; ` +
        `the server reached it again ${((recovered - up) / 1000).toFixed(1)} s after its start`,
    );
    await sleep(2500);
    stop.abort();
    await load;
    await server.stop();

    await server.start({ clockShiftMs });
    await till.retryUnfinished();
    const now = await waitForWorker(db, clockShiftMs);
    await server.stop();

    const verdict = judge(await readBooks(db), till.operations, { now, noAnswerAllowed: false, unavailableAllowed: true });
    verdict.violations.push(...server.crashes.map((c) => `the server died: ${c}`));
    const unavailable = till.operations.flatMap((op) => op.answers).filter((a) => errorCode(a) === 'DB_UNAVAILABLE').length;
    if (unavailable === 0) verdict.violations.push('no request met the outage: the run proved nothing about it');
    for (const op of till.operations.filter((o) => o.startedAt > recovered)) {
      const first = op.answers[0];
      if (first?.status === 503)
        verdict.violations.push(`${op.job} started after PostgreSQL was back was answered 503 ${errorCode(first)}`);
    }
    events.push(`${unavailable} answers were 503 DB_UNAVAILABLE`);
    recordRun({
      name: 'PostgreSQL restart under load',
      dialect: 'postgres',
      seed,
      seconds: Math.round((Date.now() - started) / 1000),
      events,
      verdict,
    });
    expect(verdict.violations).toEqual([]);
  });
});
