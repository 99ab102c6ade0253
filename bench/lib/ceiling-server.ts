/**
 * The ceiling the checkout benchmark is measured against: a bare Fastify route doing one durable
 * 3-row transaction, with nothing of Paydesk in it. Same database settings as Paydesk's.
 * Usage: node --import tsx bench/lib/ceiling-server.ts <port> <sqlite-file | postgres-url>
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import pg from 'pg';

const [port = '0', target = ''] = process.argv.slice(2);
const app = Fastify();
const ddl = [
  'create table if not exists c_orders (id text primary key, amount bigint not null, created_at bigint not null)',
  'create table if not exists c_payments (id text primary key, order_id text not null, amount bigint not null, status text not null)',
  'create table if not exists c_events (id text primary key, payment_id text not null, type text not null)',
];

if (target.startsWith('postgres')) {
  const pool = new pg.Pool({ connectionString: target, max: 10 });
  for (const sql of ddl) await pool.query(sql);
  app.post('/tx', async (request) => {
    const body = request.body as { amount: number };
    const o = randomUUID();
    const p = randomUUID();
    const client = await pool.connect();
    try {
      await client.query('begin');
      await client.query('insert into c_orders values ($1, $2, $3)', [o, body.amount, Date.now()]);
      await client.query('insert into c_payments values ($1, $2, $3, $4)', [p, o, body.amount, 'succeeded']);
      await client.query('insert into c_events values ($1, $2, $3)', [randomUUID(), p, 'succeeded']);
      await client.query('commit');
    } catch (err) {
      await client.query('rollback');
      throw err;
    } finally {
      client.release();
    }
    return { id: p, status: 'succeeded' };
  });
} else {
  const db = new Database(target);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  for (const sql of ddl) db.exec(sql);
  const insertOrder = db.prepare('insert into c_orders values (?, ?, ?)');
  const insertPayment = db.prepare('insert into c_payments values (?, ?, ?, ?)');
  const insertEvent = db.prepare('insert into c_events values (?, ?, ?)');
  const tx = db.transaction((amount: number) => {
    const o = randomUUID();
    const p = randomUUID();
    insertOrder.run(o, amount, Date.now());
    insertPayment.run(p, o, amount, 'succeeded');
    insertEvent.run(randomUUID(), p, 'succeeded');
    return p;
  });
  app.post('/tx', async (request) => ({ id: tx((request.body as { amount: number }).amount), status: 'succeeded' }));
}

await app.listen({ port: Number(port), host: '127.0.0.1' });
process.stdout.write(`listening ${(app.server.address() as { port: number }).port}\n`);
