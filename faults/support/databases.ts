import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Db, type Dialect, openDatabase } from '@paydesk/db';
import { createScratchDatabase } from '../../test/support/scratch-postgres.ts';

/** Where one fault run keeps its data: a fresh SQLite directory, or a fresh PostgreSQL database beside it. */
export interface RunDatabase {
  dialect: Dialect;
  /** The server's DATA_DIR (the SQLite file on SQLite; its log on both). */
  dataDir: string;
  /** postgres://… of the run's own database; undefined on SQLite. */
  databaseUrl: string | undefined;
  /** A connection of the test's own, to set the shop up and to read the books afterwards. */
  open(): Db;
  /** Drops the database; `keepFiles` leaves DATA_DIR (server log, SQLite file) for a look after a failure. */
  drop(options?: { keepFiles: boolean }): Promise<void>;
}

/** `adminUrl`: a PostgreSQL role that may create databases (TEST_DATABASE_URL unless the test runs its own server). */
export async function freshRunDatabase(dialect: Dialect, adminUrl = process.env.TEST_DATABASE_URL): Promise<RunDatabase> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `paydesk-faults-${dialect}-`));
  if (dialect === 'sqlite') {
    return {
      dialect,
      dataDir,
      databaseUrl: undefined,
      open: () => openDatabase({ dataDir }),
      async drop(options) {
        removeUnlessKept(dataDir, options?.keepFiles);
      },
    };
  }
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set');
  const scratch = await createScratchDatabase(adminUrl, 'pd_faults');
  return {
    dialect,
    dataDir,
    databaseUrl: scratch.url,
    open: () => openDatabase({ databaseUrl: scratch.url, dataDir, poolSize: 2 }),
    async drop(options) {
      await scratch.drop();
      removeUnlessKept(dataDir, options?.keepFiles);
    },
  };
}

function removeUnlessKept(dataDir: string, keep = false): void {
  if (keep) console.log(`[faults] kept ${dataDir} (server.log) for a look`);
  else rmSync(dataDir, { recursive: true, force: true });
}
