import { createScratchDatabase } from '../../test/support/scratch-postgres.ts';

/** A role that may create databases; each benchmark run makes its own database and drops it afterwards. */
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://paydesk:paydesk@127.0.0.1:5432/paydesk';

export const freshPgDatabase = (prefix: string) => createScratchDatabase(adminUrl, prefix);
