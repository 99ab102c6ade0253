/**
 * The transaction list (流水) and the daily totals (日报) over large data: PostgreSQL with 10,000 merchants
 * and 10 million payments, SQLite with 1 million (bench/lib/scale.ts makes them), for the busy chain that
 * holds ~5% of the rows and for a typical small shop. Beside them, in the same run, the floor: a
 * primary-key lookup of one payment through the same repository.
 *
 *   npx tsx bench/records.bench.ts [--db sqlite|postgres|both] [--rounds 100] [--payments N] [--no-record] [--quick]
 *
 * Measured at the repository level (PaymentRepository.list / totals / dailyTotals: the SQL the API runs,
 * without HTTP), one query at a time, on a warm cache. Every round runs every case once, in turn, so a
 * busy machine slows all of them alike; p50 and p95 are over the rounds that follow the warm-up. Each
 * answer is checked once against the filter before it is timed. The query plans (PostgreSQL EXPLAIN
 * (ANALYZE, BUFFERS), SQLite EXPLAIN QUERY PLAN) are printed; docs/performance.md explains them.
 *
 * PostgreSQL: BENCH_DATABASE_URL (default postgres://paydesk:paydesk@127.0.0.1:5432/paydesk, a role that
 * may create databases); each run fills a fresh database and drops it afterwards.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Db, type Dialect, openDatabase, type Payment, repositories } from '@paydesk/db';
import { CompiledQuery, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, sql } from 'kysely';
import { freshPgDatabase } from './lib/pg-database.ts';
import { commandLine, type Figure, percentile, record, type ScenarioResult, startMachine } from './lib/record.ts';
import { chinaDay, fillDatabase, firstDay, type MerchantSample, measureMix, merchantCount, type ScaleData, sizes } from './lib/scale.ts';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
};
/** --quick: a smoke run of the whole benchmark (PostgreSQL 300k rows, SQLite 100k, 20 rounds); it records nothing. */
const quick = args.includes('--quick');
const which = flag('db', 'both');
const rounds = Number(flag('rounds', quick ? '20' : '100'));
const warmUp = quick ? 2 : 5;
const noRecord = quick || args.includes('--no-record');
if (!['sqlite', 'postgres', 'both'].includes(which)) throw new Error(`--db must be sqlite, postgres or both, not "${which}"`);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a whole number ≥ 1, not "${flag('rounds', '')}"`);
const pageSize = 50;
const deepPages = 20;
const caseBudgetMs = 60_000;
const listTargetMs = 20;
const dailyTargetMs = 100;

/** December 2025 in China (the last full month of the data) and a day in it. */
const monthFirstDay = firstDay + 334;
const month = { from: chinaDay(monthFirstDay).from, to: chinaDay(monthFirstDay + 31).from };
const oneDay = chinaDay(monthFirstDay + 14);

type Payments = ReturnType<typeof repositories>['payments'];
type PaymentFilter = Parameters<Payments['list']>[1];

/** Remembers the SQL of every query run through it, compiled as the database receives it. */
class QueryLog implements KyselyPlugin {
  readonly queries: CompiledQuery[] = [];
  constructor(private readonly db: Db) {}
  transformQuery(args: PluginTransformQueryArgs) {
    this.queries.push(this.db.kysely.getExecutor().compileQuery(args.node, args.queryId));
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs) {
    return args.result;
  }
}

interface Case {
  label: string;
  target?: number;
  /** Runs the case once; returns the duration of each timed query (a deep walk times every page). */
  time(payments: Payments): Promise<number[]>;
  /** Runs it once more and throws if the answer is wrong for the filter. */
  check(payments: Payments): Promise<void>;
}

const timed = async (run: () => Promise<unknown>) => {
  const t = performance.now();
  await run();
  return performance.now() - t;
};

function fail(label: string, why: string): never {
  throw new Error(`${label}: ${why}`);
}

/** Newest first by (created_at, id), and every row for the merchant and the filter. */
function checkPage(label: string, rows: Payment[], merchantId: string, f: PaymentFilter, expected: number): void {
  if (rows.length !== expected) fail(label, `${rows.length} rows, expected ${expected}`);
  rows.forEach((r, i) => {
    const prev = rows[i - 1];
    if (prev && (prev.created_at < r.created_at || (prev.created_at === r.created_at && prev.id <= r.id))) fail(label, 'not newest first');
    if (r.merchant_id !== merchantId) fail(label, `row ${r.id} of another merchant`);
    if (f.storeId && r.store_id !== f.storeId) fail(label, `row ${r.id} of another store`);
    if (f.cashierId && r.cashier_id !== f.cashierId) fail(label, `row ${r.id} of another cashier`);
    if (f.status && r.status !== f.status) fail(label, `row ${r.id} is ${r.status}`);
    if (f.method && r.method !== f.method) fail(label, `row ${r.id} is ${r.method}`);
    if (f.from !== undefined && r.created_at < f.from) fail(label, `row ${r.id} before the range`);
    if (f.to !== undefined && r.created_at >= f.to) fail(label, `row ${r.id} after the range`);
  });
}

function listCase(label: string, m: MerchantSample, f: PaymentFilter): Case {
  return {
    label,
    target: listTargetMs,
    time: async (payments) => [await timed(() => payments.list(m.id, { ...f, limit: pageSize }))],
    async check(payments) {
      const { count } = await payments.totals(m.id, f);
      checkPage(label, await payments.list(m.id, { ...f, limit: pageSize }), m.id, f, Math.min(pageSize, count));
    },
  };
}

/** Follows the cursor from the first page for up to 20 more pages, as "load more" does. */
function deepCase(label: string, m: MerchantSample): Case {
  const walk = async (payments: Payments, onPage: (rows: Payment[], ms: number) => void) => {
    let page = await payments.list(m.id, { limit: pageSize });
    for (let i = 0; i < deepPages && page.length === pageSize; i += 1) {
      const last = page.at(-1) as Payment;
      const before = { createdAt: last.created_at, id: last.id };
      const t = performance.now();
      page = await payments.list(m.id, { before, limit: pageSize });
      onPage(page, performance.now() - t);
    }
  };
  return {
    label,
    target: listTargetMs,
    async time(payments) {
      const ms: number[] = [];
      await walk(payments, (_, t) => ms.push(t));
      return ms;
    },
    async check(payments) {
      const { count } = await payments.totals(m.id, {});
      const seen = await payments.list(m.id, { limit: pageSize });
      await walk(payments, (rows) => {
        const last = seen.at(-1) as Payment;
        const first = rows[0];
        if (first && (first.created_at > last.created_at || (first.created_at === last.created_at && first.id >= last.id)))
          fail(label, 'a page overlaps the one before');
        checkPage(label, rows, m.id, {}, Math.min(pageSize, count - seen.length));
        seen.push(...rows);
      });
      if (new Set(seen.map((r) => r.id)).size !== seen.length) fail(label, 'a row came twice');
      if (seen.length !== Math.min(count, pageSize * (deepPages + 1))) fail(label, `${seen.length} rows over the walk`);
    },
  };
}

/** GET /api/payments/totals: the month, or with no range the merchant's whole history. */
function totalsCase(label: string, m: MerchantSample, f: PaymentFilter): Case {
  return {
    label,
    time: async (payments) => [await timed(() => payments.totals(m.id, f))],
    async check(payments) {
      const t = await payments.totals(m.id, f);
      if (f.from === undefined && t.count !== m.payments) fail(label, `count ${t.count}, the merchant has ${m.payments}`);
      if (f.from === undefined) return;
      const days = await payments.dailyTotals(m.id, month);
      if (t.count !== days.reduce((sum, d) => sum + d.count, 0)) fail(label, 'the month count differs from the sum of its days');
    },
  };
}

function dailyCase(label: string, m: MerchantSample): Case {
  return {
    label,
    target: dailyTargetMs,
    time: async (payments) => [await timed(() => payments.dailyTotals(m.id, month))],
    async check(payments) {
      const days = await payments.dailyTotals(m.id, month);
      const t = await payments.totals(m.id, month);
      const sum = (key: 'count' | 'succeededFen' | 'refundedFen') => days.reduce((s, d) => s + d[key], 0);
      if (days.some((d, i) => d.day < monthFirstDay || d.day >= monthFirstDay + 31 || (i > 0 && d.day <= (days[i - 1]?.day ?? 0))))
        fail(label, 'a day outside the month or out of order');
      if (sum('count') !== t.count || sum('succeededFen') !== t.succeededFen || sum('refundedFen') !== t.refundedFen)
        fail(label, 'the days do not add up to the month');
    },
  };
}

function pkCase(m: MerchantSample, ids: string[]): Case {
  if (ids.length === 0) fail('primary-key lookup', `merchant ${m.id} has no payments`);
  let next = 0;
  const id = () => ids[next++ % ids.length] as string;
  return {
    label: 'primary-key lookup',
    time: async (payments) => [await timed(() => payments.findPayment(m.id, id()))],
    async check(payments) {
      const wanted = id();
      if ((await payments.findPayment(m.id, wanted))?.id !== wanted) fail('primary-key lookup', `${wanted} not found`);
    },
  };
}

function casesFor(m: MerchantSample, ids: string[]): Case[] {
  return [
    pkCase(m, ids),
    listCase('first page, unfiltered', m, {}),
    listCase('first page, one store', m, { storeId: m.storeId }),
    listCase('first page, one cashier', m, { cashierId: m.cashierId }),
    listCase('first page, status succeeded', m, { status: 'succeeded' }),
    listCase('first page, method UnionPay', m, { method: 'unionpay' }),
    listCase('first page, one day', m, oneDay),
    deepCase(`pages 2–${deepPages + 1} by cursor`, m),
    totalsCase('totals of a month', m, month),
    totalsCase('totals of the whole history', m, {}),
    dailyCase('daily totals of a month', m),
  ];
}

/** The plans of every query a case runs, as the database chose them on this data. */
async function explain(db: Db, c: Case): Promise<string> {
  const log = new QueryLog(db);
  await c.time(repositories(db.kysely.withPlugin(log), db.dialect).payments);
  // A deep walk runs the same text 21 times: the first page and one cursor page say it all.
  const distinct = [...new Map(log.queries.map((q) => [q.sql, q])).values()];
  const plans: string[] = [];
  for (const q of distinct) {
    const prefix = db.dialect === 'postgres' ? 'explain (analyze, buffers) ' : 'explain query plan ';
    const { rows } = await db.kysely.executeQuery(CompiledQuery.raw(prefix + q.sql, [...q.parameters]));
    plans.push(`${q.sql}\n${db.dialect === 'postgres' ? pgPlan(rows) : sqlitePlan(rows)}`);
  }
  return plans.join('\n\n');
}

const pgPlan = (rows: unknown[]) => rows.map((r) => (r as { 'QUERY PLAN': string })['QUERY PLAN']).join('\n');

function sqlitePlan(rows: unknown[]): string {
  const nodes = rows as { id: number; parent: number; detail: string }[];
  const depth = new Map<number, number>([[0, 0]]);
  return nodes
    .map((n) => {
      const level = (depth.get(n.parent) ?? 0) + 1;
      depth.set(n.id, level);
      return `${'  '.repeat(level - 1)}${n.detail}`;
    })
    .join('\n');
}

interface Measured {
  merchant: 'chain' | 'small shop';
  sample: MerchantSample;
  label: string;
  target?: number;
  p50: number;
  p95: number;
  n: number;
}

/**
 * Checks every case, prints its plans, then times the rounds. A case that has taken more than a minute
 * in all stops at its next round once it has 10 samples (its n says so): a query that slow has
 * already told its story, and a hundred of them would hold the machine for a quarter of an hour.
 */
async function measure(db: Db, data: ScaleData, stage: string): Promise<Measured[]> {
  const payments = repositories(db.kysely, db.dialect).payments;
  const groups = await Promise.all(
    (['chain', 'small shop'] as const).map(async (merchant) => {
      const sample = merchant === 'chain' ? data.big : data.typical;
      const ids = (await payments.list(sample.id, { limit: pageSize })).map((p) => p.id);
      return { merchant, sample, cases: casesFor(sample, ids) };
    }),
  );
  for (const g of groups) {
    for (const c of g.cases) {
      await c.check(payments);
      console.log(`\n--- plan [${db.dialect}, ${stage}] ${g.merchant}: ${c.label}\n${await explain(db, c)}`);
    }
  }
  const all = groups.flatMap((g) => g.cases.map((c) => ({ g, c, ms: [] as number[], spent: 0 })));
  for (let round = 0; round < warmUp + rounds; round += 1) {
    for (const entry of all) {
      if (entry.spent > caseBudgetMs && entry.ms.length >= 10) continue;
      const t = performance.now();
      const ms = await entry.c.time(payments);
      entry.spent += performance.now() - t;
      if (round >= warmUp) entry.ms.push(...ms);
    }
  }
  return all
    .filter((e) => e.ms.length > 0)
    .map(({ g, c, ms }) => ({
      merchant: g.merchant,
      sample: g.sample,
      label: c.label,
      ...(c.target !== undefined && { target: c.target }),
      p50: percentile(ms, 50),
      p95: percentile(ms, 95),
      n: ms.length,
    }));
}

async function sizeOf(db: Db): Promise<string> {
  if (db.dialect === 'sqlite') return `${Math.round(statSync(db.file as string).size / 2 ** 20).toLocaleString('en-US')} MB file`;
  const { rows } = await sql<{ table: string; indexes: string }>`
    select pg_size_pretty(pg_table_size('payments')) as table, pg_size_pretty(pg_indexes_size('payments')) as indexes`.execute(db.kysely);
  return `payments ${rows[0]?.table} + indexes ${rows[0]?.indexes}`;
}

const round2 = (n: number) => Math.round(n * 100) / 100;
/**
 * Whether a share counted over n generated rows is what the generator aims at: within half a percentage
 * point (its integer hashes are not perfectly even) plus four standard deviations of chance.
 */
const near = (share: number | undefined, aim: number, n: number) =>
  Math.abs((share ?? 0) - aim) <= 0.005 + 4 * Math.sqrt((aim * (1 - aim)) / n);
const count = (n: number) => n.toLocaleString('en-US');
const pct = (x: number | undefined) => `${((x ?? 0) * 100).toFixed(1)}%`;

const who = (r: Measured) => `${r.merchant} (${count(r.sample.payments)} payments)`;

/** p50 and p95 of every case, each beside the same figure of `baseline` for it. */
function figuresOf(results: Measured[], baseline: (r: Measured) => { label: string; of: Measured }): Figure[] {
  return results.flatMap((r) => {
    const base = baseline(r);
    const sampled = r.n < rounds ? ` (n ${r.n})` : '';
    return (['p50', 'p95'] as const).map((p) => ({
      label: `${who(r)} · ${r.label} · ${p}${sampled}`,
      value: round2(r[p]),
      unit: 'ms',
      ...(p === 'p95' && r.target !== undefined && { target: { op: '<=' as const, value: r.target } }),
      baseline: { label: `${base.label} ${p}`, value: round2(base.of[p]) },
    }));
  });
}

function print(dialect: Dialect, stage: string, results: Measured[]): void {
  for (const r of results)
    console.log(`[${dialect}, ${stage}] ${who(r)} ${r.label}: p50 ${round2(r.p50)} ms, p95 ${round2(r.p95)} ms (n ${r.n})`);
}

async function runOn(dialect: Dialect): Promise<ScenarioResult[]> {
  const machine = startMachine();
  const rows = quick ? sizes[dialect].quick : Number(flag('payments', String(sizes[dialect].full)));
  const dir = mkdtempSync(path.join(tmpdir(), 'paydesk-records-'));
  const pgDb = dialect === 'postgres' ? await freshPgDatabase('pd_scale') : undefined;
  const open = () => openDatabase({ databaseUrl: pgDb?.url, dataDir: dir });
  try {
    console.log(`\n[${dialect}] generating ${count(rows)} payments for ${count(merchantCount)} merchants`);
    const loader = open();
    const data = await fillDatabase(loader, rows, (line) => console.log(line));
    const mix = await measureMix(loader);
    await loader.close();
    console.log(
      `[${dialect}] ready in ${data.seconds.toFixed(0)} s (${count(data.rowsPerSecond)} rows/s); chain ${count(data.big.payments)} payments (${pct(mix.bigShare)}), small shop ${count(data.typical.payments)}`,
    );
    console.log(
      `[${dialect}] status ${JSON.stringify(mix.status)} method ${JSON.stringify(mix.method)} refunded ${mix.refunded} (part ${mix.partlyRefunded})`,
    );
    if (
      mix.payments !== rows ||
      !near(mix.bigShare, 0.05, rows) ||
      !near(mix.status.succeeded, 0.865, rows) ||
      !near(mix.method.unionpay, 0.1, rows) ||
      !near(mix.refunded / rows, 0.865 * 0.02, rows) ||
      mix.partlyRefunded === 0
    )
      throw new Error(`[${dialect}] the generated data is not what the generator promises: ${JSON.stringify(mix)}`);

    // Measured with Paydesk's own connection settings, not the loader's.
    const db = open();
    try {
      const before = await measure(db, data, 'as migrated');
      print(dialect, 'as migrated', before);
      const sizeBefore = await sizeOf(db);
      const floor = before.find((r) => r.merchant === 'chain' && r.label === 'primary-key lookup') as Measured;
      const name = dialect === 'postgres' ? 'PostgreSQL' : 'SQLite';
      const title = `Transaction list and daily totals on ${name} (${count(rows)} payments, ${count(data.merchants)} merchants)`;
      const notes = [
        `Measured at the repository level: PaymentRepository.list / totals / dailyTotals / findPayment, the SQL the API runs, without HTTP; one query at a time on a warm cache; ${warmUp} warm-up rounds, then ${rounds} rounds, each running every case once in turn (a deep walk times each of its pages; a case past a minute in all stops once it has 10 samples, shown as n).`,
        `Data (bench/lib/scale.ts): ${count(rows)} payments over 2025 (08:00–22:00 China time), written in time order; the chain (merchant 1: 20 stores × 3 stations) has ${pct(mix.bigShare)}, the other 9,999 merchants share the rest evenly; succeeded ${pct(mix.status.succeeded)}, failed ${pct(mix.status.failed)}, expired ${pct(mix.status.expired)}, cancelled ${pct(mix.status.cancelled)}; ${count(mix.refunded)} refunded (${count(mix.partlyRefunded)} in part). Generated and indexed in ${data.seconds.toFixed(0)} s (${count(data.rowsPerSecond)} rows/s); ${sizeBefore}.`,
        `Filters: the chain's store 1 and the cashier of its station 1; UnionPay is 10% of payments; the day is 2025-12-15 and the month December 2025, China time. A page of GET /api/payments is one "first page" or "pages by cursor" query; its totals come from their own request, GET /api/payments/totals ("totals of …"). Plans and indexes: docs/performance.md.`,
      ];
      return [
        {
          key: `records-${dialect}`,
          title,
          command: commandLine(),
          figures: figuresOf(
            before.filter((r) => r !== floor),
            () => ({ label: 'primary-key lookup', of: floor }),
          ),
          notes: [
            ...notes.slice(0, 1),
            'Baseline: the primary-key lookup of one of the chain’s payments, same path, same rounds.',
            ...notes.slice(1),
          ],
          machine: machine.finish(),
        },
      ];
    } finally {
      await db.close();
    }
  } finally {
    await pgDb?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const scenarios: ScenarioResult[] = [];
for (const dialect of which === 'both' ? (['sqlite', 'postgres'] as const) : [which as Dialect]) scenarios.push(...(await runOn(dialect)));
if (!noRecord) record(scenarios);
