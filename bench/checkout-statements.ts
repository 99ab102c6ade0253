/**
 * Where a checkout's time goes in the database: every statement one checkout runs, how often, and the time
 * spent in it, with the server in this process (Fastify inject, no sockets) so nothing else is counted.
 * A diagnostic beside checkout.bench.ts, which gives the figures; this one records nothing.
 *
 *   npx tsx bench/checkout-statements.ts [--db sqlite|postgres] [--checkouts 3000] [--concurrency 50]
 *
 * SQLite: time inside better-sqlite3 (the request thread's own cost). PostgreSQL (BENCH_DATABASE_URL, a
 * role that may create databases): the round trip of each statement, waiting for the server included.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { batchStats, openDatabase } from '@paydesk/db';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { buildApp } from '../apps/server/src/app.ts';
import { seedDemo } from '../apps/server/src/cli/seed-demo.command.ts';
import { configFromEnv } from '../apps/server/src/config.ts';
import { insertPayerCodes } from '../test/support/payer-codes.ts';
import { freshPgDatabase } from './lib/pg-database.ts';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
};
const dialect = flag('db', 'sqlite') === 'postgres' ? 'postgres' : 'sqlite';
const checkouts = Number(flag('checkouts', '3000'));
const concurrency = Number(flag('concurrency', '50'));

const spent = new Map<string, { count: number; ns: bigint }>();
let measuring = false;
const note = (sql: string, since: bigint) => {
  if (!measuring) return;
  const entry = spent.get(sql) ?? { count: 0, ns: 0n };
  entry.count += 1;
  entry.ns += process.hrtime.bigint() - since;
  spent.set(sql, entry);
};

/** Times every execution of every prepared statement (the SQLite driver runs all queries through these). */
function watchSqlite(): void {
  const statement = Object.getPrototypeOf(new SQLite(':memory:').prepare('select 1')) as Record<string, unknown>;
  for (const method of ['run', 'all', 'get']) {
    const original = statement[method] as (...a: unknown[]) => unknown;
    statement[method] = function (this: { source: string }, ...a: unknown[]) {
      const since = process.hrtime.bigint();
      try {
        return original.apply(this, a);
      } finally {
        note(this.source, since);
      }
    };
  }
}

/** Times every round trip of a pg client until its answer, whichever overload was used. */
function watchPostgres(): void {
  const original = pg.Client.prototype.query as (...a: unknown[]) => unknown;
  (pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown }).query = function (this: unknown, ...a: unknown[]) {
    const first = a[0] as string | { text?: string };
    const sql = typeof first === 'string' ? first : (first?.text ?? '?');
    const since = process.hrtime.bigint();
    const result = original.apply(this, a);
    if (result instanceof Promise)
      result.then(
        () => note(sql, since),
        () => {},
      );
    return result;
  };
}

if (dialect === 'sqlite') watchSqlite();
else watchPostgres();

const dir = mkdtempSync(path.join(tmpdir(), 'paydesk-statements-'));
const pgDb = dialect === 'postgres' ? await freshPgDatabase('pd_bench') : undefined;
const config = configFromEnv({
  DATA_DIR: dir,
  PAYDESK_SECRET_KEY: '22'.repeat(32),
  LOG_LEVEL: 'warn',
  ...(pgDb && { DATABASE_URL: pgDb.url }),
});
await seedDemo(config);
const db = openDatabase({ databaseUrl: pgDb?.url, dataDir: dir });
const app = await buildApp({ config, db, logger: false });
try {
  const server = app.fastify;
  const cookieOf = (res: { headers: Record<string, unknown> }) => String(res.headers['set-cookie']).split(';')[0] ?? '';
  const login = await server.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { login: '13900000003', password: 'demo-cashier-2026' },
  });
  const stations = (await server.inject({ url: '/api/stations', headers: { cookie: cookieOf(login) } })).json() as {
    items: { id: string }[];
  };
  const opened = await server.inject({
    method: 'POST',
    url: '/api/auth/station',
    headers: { cookie: cookieOf(login), 'x-csrf-token': login.json().csrfToken },
    payload: { stationId: stations.items[0]?.id },
  });
  const headers = { cookie: cookieOf(opened), 'x-csrf-token': opened.json().csrfToken as string };
  const warmUp = 200;
  const codes = await insertPayerCodes(db, opened.json().merchant.id, { action: 'pay' }, checkouts + warmUp);
  let next = 0;
  const checkout = async () => {
    const res = await server.inject({
      method: 'POST',
      url: '/api/checkout',
      headers,
      payload: { id: randomUUID(), amountFen: 100, payment: { flow: 'code_pay', authCode: codes[next++] } },
    });
    if (res.statusCode !== 201) throw new Error(`checkout answered ${res.statusCode}: ${res.body}`);
  };
  for (let i = 0; i < warmUp; i += 1) await checkout();

  // PostgreSQL's side of the cost: CPU time of this database's backends (same machine), from /proc.
  const backendTicks = async () => {
    if (dialect !== 'postgres') return 0;
    const { rows } = await sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database()`.execute(db.kysely);
    let ticks = 0;
    for (const { pid } of rows) {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      ticks += Number(fields[11]) + Number(fields[12]);
    }
    return ticks;
  };
  // The request thread's own share (its task id is the process id): SQLite runs on a thread of its own.
  const mainTicks = () => {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return Number(fields[11]) + Number(fields[12]);
  };
  const ticksBefore = await backendTicks();
  const mainBefore = mainTicks();
  measuring = true;
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < checkouts + warmUp) await checkout();
    }),
  );
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const used = process.cpuUsage(cpu);
  measuring = false;
  const mainMs = (mainTicks() - mainBefore) * 10;
  const backendMs = ((await backendTicks()) - ticksBefore) * 10;

  let totalNs = 0n;
  let statements = 0;
  for (const s of spent.values()) {
    totalNs += s.ns;
    statements += s.count;
  }
  const perCheckout = (ns: bigint) => (Number(ns) / 1e6 / checkouts).toFixed(3);
  console.log(
    `${dialect}: ${checkouts} checkouts, ${concurrency} at a time, in process: ${((checkouts / wallMs) * 1000).toFixed(0)}/s, ` +
      `process CPU ${((used.user + used.system) / 1000 / checkouts).toFixed(2)} ms a checkout (all threads), ` +
      `the request thread's ${(mainMs / checkouts).toFixed(2)} ms`,
  );
  if (dialect === 'postgres') console.log(`PostgreSQL backends' CPU ${(backendMs / checkouts).toFixed(2)} ms a checkout`);
  for (const [kind, s] of Object.entries(batchStats(db.kysely))) {
    console.log(
      // A kind names the columns its statement sets after a colon; the name before it is enough here.
      `shared ${kind.split(':')[0]}: ${s.calls} calls in ${s.batches} statements (${(s.calls / Math.max(1, s.batches)).toFixed(1)} a statement), ` +
        `${s.alone} run alone, ${s.failed} statements failed`,
    );
  }
  console.log(`${(statements / checkouts).toFixed(1)} statements a checkout, ${perCheckout(totalNs)} ms in them\n`);
  console.log('ms/checkout  runs/checkout  statement');
  for (const [sql, s] of [...spent].sort((a, b) => Number(b[1].ns - a[1].ns))) {
    console.log(
      `${perCheckout(s.ns).padStart(11)}  ${(s.count / checkouts).toFixed(2).padStart(13)}  ${sql.replace(/\s+/g, ' ').slice(0, 140)}`,
    );
  }
} finally {
  await app.close();
  await db.close();
  await pgDb?.drop();
  rmSync(dir, { recursive: true, force: true });
}
