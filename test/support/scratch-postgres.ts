import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * An empty database of its own on the server of `adminUrl` (a role that may create databases), named
 * `<prefix>_<random>`, for one test file, fault run or benchmark; `drop()` removes it, connections and all.
 */
export async function createScratchDatabase(adminUrl: string, prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => dropDatabase(adminUrl, name) };
}

/**
 * FORCE ends the sessions still connected, but only those of roles the admin may signal: an autovacuum
 * worker busy on the database (likely after a burst of writes) refuses it with 42501. A plain DROP asks
 * autovacuum to stop and waits for it, so that is the way out then.
 */
async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  try {
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } catch (err) {
    if ((err as { code?: string }).code !== '42501') throw err;
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name}`);
  }
}

async function adminQuery(adminUrl: string, statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}
