import { repositories } from '@paydesk/db';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, freshDatabase, type TestDb } from '../support/databases.ts';
import { insertMerchant, insertStore } from '../support/rows.ts';

/** The checkout's prepared queries run as named statements on PostgreSQL; every other query stays unnamed. */
describe.each(dialects.filter((d) => d === 'postgres'))('named statements on %s', (dialect) => {
  let db: TestDb;
  let merchant: string;

  beforeAll(async () => {
    db = await freshDatabase(dialect);
    merchant = await insertMerchant(db);
    await insertStore(db, merchant, '一号店');
  });
  afterAll(async () => {
    await db.destroy();
  });

  it('parses a prepared query once per connection and binds it after that; an ad-hoc query is not kept', async () => {
    // One transaction is one connection, whose prepared statements the view lists.
    const kept = await db.kysely.transaction().execute(async (trx) => {
      const repos = repositories(trx, dialect);
      expect(await repos.stations.findById(merchant, 'no-such-station')).toBeUndefined();
      expect(await repos.stations.findById(merchant, 'another')).toBeUndefined();
      expect(await repos.stores.list(merchant)).toHaveLength(1);
      const { rows } = await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(trx);
      return rows;
    });
    expect(kept).toHaveLength(1);
    expect(kept[0]?.name).toMatch(/^pd_\d+$/);
    expect(kept[0]?.statement).toContain('from "stations"');
  });
});
