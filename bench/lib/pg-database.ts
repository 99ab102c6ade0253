import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A role that may create databases; each benchmark run makes its own and drops it afterwards. */
export const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://paydesk:paydesk@127.0.0.1:5432/paydesk';

/** An empty database on the server of BENCH_DATABASE_URL, named `<prefix>_<random>`. */
export async function freshPgDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
