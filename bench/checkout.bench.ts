/**
 * Checkout throughput: create the payment for an order and have the simulator settle it at once, the
 * result committed before the answer, at 50 concurrent connections; beside a bare Fastify route doing a
 * 3-row transaction on the same database, measured in the same run: they take turns over several rounds
 * (fresh databases each) and the figures are medians, as the machine's speed drifts within minutes.
 *
 *   npx tsx bench/checkout.bench.ts [--db sqlite|postgres|both] [--seconds 10] [--connections 50] [--rounds 3] [--no-record] [--quick]
 *                                   [--cpu-prof DIR]   (V8 CPU profile of the Paydesk server, to find the cost)
 *
 * PostgreSQL: BENCH_DATABASE_URL (default postgres://paydesk:paydesk@127.0.0.1:5432/paydesk, a role that
 * may create databases); each run uses fresh databases and drops them afterwards.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '@paydesk/db';
import { insertPayerCodes } from '../test/support/payer-codes.ts';
import { freshPgDatabase } from './lib/pg-database.ts';
import { commandLine, type Figure, median, record, round2, startMachine } from './lib/record.ts';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
};
/** --quick: a smoke run of the whole benchmark (seconds, not minutes); it records nothing. */
const quick = args.includes('--quick');
const seconds = Number(flag('seconds', quick ? '2' : '10'));
const connections = Number(flag('connections', '50'));
const which = flag('db', 'both');
const cpuProfDir = flag('cpu-prof', '');
const rounds = Number(flag('rounds', quick ? '1' : '3'));
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a whole number of at least 1, not ${flag('rounds', '')}`);
const root = path.resolve(import.meta.dirname, '..');
const secretKey = '22'.repeat(32);

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Polls until the server answers; `ready` decides whether its answer means ready (by default, any answer). */
async function waitFor(url: string, ready: (res: Response) => boolean = () => true): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    try {
      if (ready(await fetch(url))) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} never answered`);
}

function start(cmd: string, argv: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(cmd, argv, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** CPU seconds (user + system) used so far by the given processes, from /proc (Linux). */
function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {}
  }
  return ticks / 100;
}

/** The PostgreSQL server's processes (its CPU is part of what a request costs). */
function postgresPids(): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres';
      } catch {
        return false;
      }
    });
}

/** Runs the load and measures the CPU time the server side spent on it, per request answered. */
function measuredLoad(job: object, serverPid: number, dialect: 'sqlite' | 'postgres'): Load {
  const pids = () => [serverPid, ...(dialect === 'postgres' ? postgresPids() : [])];
  const before = cpuSeconds(pids());
  const result = load(job);
  const used = cpuSeconds(pids()) - before;
  return { ...result, cpuMsPerRequest: result.requests > 0 ? Math.round((used * 1000 * 100) / result.requests) / 100 : 0 };
}

interface Load {
  cpuMsPerRequest?: number;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  statuses: Record<string, number>;
}

function load(job: object): Load {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/lib/load.ts', JSON.stringify(job)], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Load;
}

async function ceiling(dialect: 'sqlite' | 'postgres', dir: string): Promise<Load> {
  const pgDb = dialect === 'postgres' ? await freshPgDatabase('pd_bench') : undefined;
  const port = await freePort();
  const child = start(
    process.execPath,
    ['--import', 'tsx', 'bench/lib/ceiling-server.ts', String(port), pgDb?.url ?? path.join(dir, 'ceiling.sqlite')],
    {},
  );
  try {
    // Any answer (a 404 here) means it listens; the old wait for a 2xx sat out its full 20 s every run.
    await waitFor(`http://127.0.0.1:${port}/missing`);
    return measuredLoad(
      { url: `http://127.0.0.1:${port}/tx`, connections, seconds, headers: {}, kind: 'ceiling' },
      child.pid ?? 0,
      dialect,
    );
  } finally {
    await stop(child);
    await pgDb?.drop();
  }
}

async function paydesk(dialect: 'sqlite' | 'postgres', dir: string): Promise<{ load: Load; verified: number }> {
  const pgDb = dialect === 'postgres' ? await freshPgDatabase('pd_bench') : undefined;
  const env: Record<string, string> = {
    PAYDESK_SECRET_KEY: secretKey,
    DATA_DIR: dir,
    LOG_LEVEL: 'warn',
    ...(pgDb && { DATABASE_URL: pgDb.url }),
  };
  execFileSync(process.execPath, ['apps/server/bin/paydesk.js', 'seed-demo'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: 'ignore',
  });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const profile = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(cpuProfDir)}`] : [];
  const server = start(
    process.execPath,
    [...profile, 'apps/server/bin/paydesk.js', 'serve', '--port', String(port), '--host', '127.0.0.1'],
    env,
  );
  try {
    await waitFor(`${base}/api/health`, (res) => res.ok);
    const session = await signIn(base);
    const codes = await payerCodes(dialect, dir, pgDb?.url, session.merchantId, Math.ceil(seconds * 6000 + 1000));
    const codesFile = path.join(dir, 'codes.txt');
    writeFileSync(codesFile, codes.join('\n'));
    const result = measuredLoad(
      {
        url: `${base}/api/checkout`,
        connections,
        seconds,
        headers: { cookie: session.cookie, 'x-csrf-token': session.csrf },
        kind: 'checkout',
        codesFile,
      },
      server.pid ?? 0,
      dialect,
    );
    const verified = await countSucceeded(dialect, dir, pgDb?.url);
    return { load: result, verified };
  } finally {
    await stop(server);
    await pgDb?.drop();
  }
}

async function signIn(base: string) {
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: '13900000003', password: 'demo-cashier-2026' }),
  });
  let cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  let body = (await login.json()) as { csrfToken: string; merchant: { id: string } };
  const stations = (await (await fetch(`${base}/api/stations`, { headers: { cookie } })).json()) as { items: { id: string }[] };
  const open = await fetch(`${base}/api/auth/station`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': body.csrfToken },
    body: JSON.stringify({ stationId: stations.items[0]?.id }),
  });
  cookie = (open.headers.get('set-cookie') ?? '').split(';')[0] ?? cookie;
  body = (await open.json()) as typeof body;
  return { cookie, csrf: body.csrfToken, merchantId: body.merchant.id };
}

/** Customer payment codes that pay at once, written straight into the simulator's books. */
async function payerCodes(dialect: string, dir: string, url: string | undefined, merchantId: string, n: number): Promise<string[]> {
  const db = openDatabase({ databaseUrl: dialect === 'postgres' ? url : undefined, dataDir: dir });
  try {
    return await insertPayerCodes(db, merchantId, { action: 'pay' }, n);
  } finally {
    await db.close();
  }
}

async function countSucceeded(dialect: string, dir: string, url: string | undefined): Promise<number> {
  const db = openDatabase({ databaseUrl: dialect === 'postgres' ? url : undefined, dataDir: dir });
  const row = await db.kysely
    .selectFrom('payments')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'succeeded')
    .where('flow', '=', 'code_pay')
    .executeTakeFirstOrThrow();
  await db.close();
  return Number(row.n);
}

const machine = startMachine();
const scenarios = [];
for (const dialect of which === 'both' ? (['sqlite', 'postgres'] as const) : [which as 'sqlite' | 'postgres']) {
  // Ceiling and Paydesk take turns, each round on fresh databases: on a shared machine the speed drifts
  // within minutes, and a ratio means something only between measurements taken side by side.
  const measured: { ceil: Load; run: Load; verified: number }[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const dir = mkdtempSync(path.join(tmpdir(), `paydesk-bench-${dialect}-`));
    try {
      const ceil = await ceiling(dialect, dir);
      const { load: run, verified } = await paydesk(dialect, dir);
      measured.push({ ceil, run, verified });
      console.log(
        `[${dialect} ${round + 1}/${rounds}] checkout ${run.rps.toFixed(0)}/s p99 ${run.p99} ms ${run.cpuMsPerRequest} CPU ms/req; ` +
          `ceiling ${ceil.rps.toFixed(0)}/s p99 ${ceil.p99} ms ${ceil.cpuMsPerRequest} CPU ms/req; ratio ${round2(run.rps / ceil.rps)}; ` +
          `acknowledged ${run.statuses['201'] ?? 0}, verified ${verified}, errors ${run.errors}, non-2xx ${run.non2xx}`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const of = (pick: (m: (typeof measured)[number]) => number) => median(measured.map(pick));
  const ceilRps = of((m) => m.ceil.rps);
  const figures: Figure[] = [
    {
      label: `checkouts per second (${connections} connections), median of ${rounds}`,
      value: Math.round(of((m) => m.run.rps)),
      unit: '/s',
      target: { op: '>=', value: Math.round(ceilRps / 2) },
      baseline: { label: 'bare Fastify + 3-row transaction', value: Math.round(ceilRps) },
    },
    {
      label: 'ratio to the ceiling of the same round, median',
      value: round2(of((m) => m.run.rps / m.ceil.rps)),
      unit: '×',
      target: { op: '>=', value: 0.5 },
    },
    {
      label: 'p99 latency, median',
      value: of((m) => m.run.p99),
      unit: 'ms',
      target: { op: '<=', value: 50 },
      baseline: { label: 'ceiling p99', value: of((m) => m.ceil.p99) },
    },
    {
      label: 'p50 latency, median',
      value: of((m) => m.run.p50),
      unit: 'ms',
      baseline: { label: 'ceiling p50', value: of((m) => m.ceil.p50) },
    },
    {
      label: `server CPU time per request (Node${dialect === 'postgres' ? ' + PostgreSQL' : ''}), median`,
      value: round2(of((m) => m.run.cpuMsPerRequest ?? 0)),
      unit: 'ms',
      baseline: { label: 'ceiling', value: round2(of((m) => m.ceil.cpuMsPerRequest ?? 0)) },
    },
  ];
  scenarios.push({
    key: `checkout-${dialect}`,
    title: `Checkout on ${dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`,
    command: commandLine(),
    figures,
    notes: [
      `A checkout is POST /api/checkout: the order, the payment, its events and outbox rows committed, the simulator called and its "paid" applied, in one request; load from autocannon in a separate process, ${connections} connections for ${seconds} s, ${rounds} rounds of ceiling then Paydesk on fresh databases; figures are medians over the rounds.`,
      `Rounds (Paydesk / ceiling, checkouts per second): ${measured.map((m) => `${Math.round(m.run.rps)} / ${Math.round(m.ceil.rps)} (${round2(m.run.rps / m.ceil.rps)})`).join('; ')}.`,
      dialect === 'sqlite'
        ? 'Durability: an acknowledged request survives a power cut in both. The ceiling: SQLite WAL with synchronous=FULL (each COMMIT fsyncs on the event loop). Paydesk: WAL with synchronous=NORMAL plus group commit: before any answer leaves, and before the channel is called, one fsync of the WAL on the thread pool covers every commit made so far (packages/db/src/group-commit.ts), so the event loop never waits for the disk and concurrent requests share flushes; the writes of concurrent sales share a transaction, each in its own savepoint, and are answered only after its COMMIT (packages/db/src/write-batch.ts); checkpoints run on a second connection in a worker thread (packages/db/src/checkpointer.ts).'
        : "Durability: PostgreSQL 15 defaults (fsync on, synchronous_commit on); pools of 10 connections in both. Paydesk runs the checkout's statements as named (server-side prepared) statements, its three writes each as one statement (data-modifying CTEs), 7 statements a checkout, and concurrent checkouts share them: each statement serves the sales of its kind made while the previous one ran (packages/db/src/coalescer.ts), each sale still committed or refused alone; the ceiling sends unnamed ones, 5 round trips a request.",
      `Acknowledged (201) ${measured.map((m) => m.run.statuses['201'] ?? 0).join(', ')}; succeeded code payments found in the database afterwards ${measured.map((m) => m.verified).join(', ')}; errors ${measured.map((m) => m.run.errors).join(', ')}; non-2xx ${measured.map((m) => m.run.non2xx).join(', ')}.`,
    ],
  });
}
if (!quick && !args.includes('--no-record')) record(scenarios.map((s) => ({ ...s, machine: machine.finish() })));
