import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Db, type Dialect, migrateToLatest, openDatabase } from '@paydesk/db';
import { createScratchDatabase } from './scratch-postgres.ts';

/**
 * The dialects every repository and API test runs against. `npm test` always sets TEST_DATABASE_URL
 * (scripts/test.sh starts PostgreSQL); a bare `vitest` run without it covers SQLite only.
 */
export const dialects: Dialect[] = process.env.TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];

export interface TestDb extends Db {
  dataDir: string;
  /** PostgreSQL: the database's URL, for a second pool (another server process) on it. */
  url?: string;
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
  const scratch = await createScratchDatabase(adminUrl, 'pd_test');
  const db = openDatabase({ databaseUrl: scratch.url, dataDir, poolSize: 5 });
  await migrateToLatest(db.kysely);
  return Object.assign(db, {
    dataDir,
    url: scratch.url,
    async destroy() {
      await db.close();
      await scratch.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
}
