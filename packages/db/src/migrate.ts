import { type Kysely, type Migration, type MigrationProvider, type MigrationResult, Migrator } from 'kysely';
import * as foundation from './migrations/0001-foundation.ts';
import * as collectionCodes from './migrations/0002-collection-codes.ts';
import * as payments from './migrations/0003-payments.ts';
import * as walletChannels from './migrations/0004-wallet-channels.ts';
import * as refundRequestKeys from './migrations/0005-refund-request-keys.ts';
import * as recordsIndexes from './migrations/0006-records-indexes.ts';
import type { Database } from './schema.ts';

// Migrations are listed in code rather than read from a folder, so they work the same under tsx,
// vitest and a bundled build.
const migrations: Record<string, Migration> = {
  '0001-foundation': foundation,
  '0002-collection-codes': collectionCodes,
  '0003-payments': payments,
  '0004-wallet-channels': walletChannels,
  '0005-refund-request-keys': refundRequestKeys,
  '0006-records-indexes': recordsIndexes,
};

const provider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};

export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationResult[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return results ?? [];
}
