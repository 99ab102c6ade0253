import { createHash } from 'node:crypto';
import type { Db } from '@paydesk/db';
import { digestedTables } from '../support/db-digest.ts';
import { rowsOf } from '../support/db-helpers.ts';

/**
 * One hash per table over one merchant's rows only (the merchant row itself and every row carrying its
 * merchant_id). Another merchant may change its own rows meanwhile: this stays equal as long as
 * nothing of this merchant changed.
 */
export async function merchantDigest(db: Db, merchantId: string): Promise<Record<string, string>> {
  const entries = await Promise.all(
    digestedTables.map(async (table): Promise<[string, string]> => {
      const mine = (await rowsOf(db, table)).filter((row) => (table === 'merchants' ? row.id : row.merchant_id) === merchantId);
      return [table, createHash('sha256').update(JSON.stringify(mine)).digest('hex')];
    }),
  );
  return Object.fromEntries(entries);
}
