import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Db, type Dialect, migrateToLatest, openDatabase } from '@paydesk/db';
import pg from 'pg';

/**
 * The dialects every repository and API test runs against. `npm test` always sets TEST_DATABASE_URL
 * (scripts/test.sh starts PostgreSQL); a bare `vitest` run without it covers SQLite only.
 */
export const dialects: Dialect[] = process.env.TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];

export interface TestDb extends Db {
  dataDir: string;
  /** Closes and removes the database. */
  destroy(): Promise<void>;
}

/** A fresh, migrated database of its own for one test file: tests never see each other's rows. */
export async function freshDatabase(dialect: Dialect): Promise<TestDb> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'paydesk-test-'));
  if (dialect === 'sqlite') {
    const db = openDatabase({ dataDir });
    await migrateToLatest(db.kysely);
    return Object.assign(db, {
      dataDir,
      async destroy() {
        await db.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    });
  }
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set');
  const name = `pd_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = openDatabase({ databaseUrl: url.toString(), dataDir, poolSize: 5 });
  await migrateToLatest(db.kysely);
  return Object.assign(db, {
    dataDir,
    async destroy() {
      await db.close();
      const drop = new pg.Client({ connectionString: adminUrl });
      await drop.connect();
      await drop.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await drop.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
}
