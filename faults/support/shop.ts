import type { Db, Dialect } from '@paydesk/db';
import { onTestFinished } from 'vitest';
import { demoAccounts, seedDemo } from '../../apps/server/src/cli/seed-demo.command.ts';
import { configFromEnv } from '../../apps/server/src/config.ts';
import { freshRunDatabase, type RunDatabase } from './databases.ts';
import { Session } from './http.ts';
import { PaydeskServer, secretKey } from './server-process.ts';

const account = (role: 'owner' | 'manager' | 'cashier') => {
  const a = demoAccounts.find((x) => x.role === role);
  if (!a) throw new Error(`no demo ${role}`);
  return a;
};

/**
 * A fault run's shop: a fresh database with the demo shop in it, the test's own connection to it, and the
 * server process, loading meanwhile. All of it goes when the test ends; after a failure DATA_DIR (with the
 * server's log) is kept.
 */
export async function openShop(dialect: Dialect, adminUrl?: string): Promise<{ server: PaydeskServer; db: Db }> {
  const run = await freshRunDatabase(dialect, adminUrl);
  onTestFinished(({ task }) => run.drop({ keepFiles: task.result?.state === 'fail' }));
  const server = await PaydeskServer.create(run);
  onTestFinished(() => server.dispose());
  const db = run.open();
  onTestFinished(() => db.close());
  await seedShop(run);
  return { server, db };
}

/** The demo shop of `paydesk seed-demo` (one store, one station, owner, manager, cashier), seeded in this process. */
async function seedShop(run: RunDatabase): Promise<void> {
  const config = configFromEnv({
    DATA_DIR: run.dataDir,
    DATABASE_URL: run.databaseUrl,
    PAYDESK_SECRET_KEY: secretKey,
    LOG_LEVEL: 'silent',
  });
  // seedDemo prints the demo sign-ins for a person at a terminal; the fault report has no use for them.
  const print = console.log;
  console.log = () => {};
  try {
    await seedDemo(config);
  } finally {
    console.log = print;
  }
}

export interface Staff {
  merchantId: string;
  /** The cashier, signed in with the store's station open: takes the payments. */
  cashier: Session;
  /** The store manager: refunds. */
  manager: Session;
}

export async function signInStaff(base: string, db: Db): Promise<Staff> {
  const cashier = await Session.signIn(base, account('cashier').phone, account('cashier').password);
  await cashier.openFirstStation();
  const manager = await Session.signIn(base, account('manager').phone, account('manager').password);
  const merchant = await db.kysely.selectFrom('merchants').select('id').executeTakeFirstOrThrow();
  return { merchantId: merchant.id, cashier, manager };
}
