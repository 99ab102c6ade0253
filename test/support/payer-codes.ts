import type { Db } from '@paydesk/db';
import type { SimDecision } from '../../apps/server/src/simulator/gateway.ts';

let issued = 0;

/**
 * Customer payment codes with their fate chosen in advance, written straight into the simulator's books
 * (the fault suite and the checkout benchmark): asking the API for thousands would be the slowest part of the run.
 */
export async function insertPayerCodes(db: Db, merchantId: string, behaviour: SimDecision, count: number): Promise<string[]> {
  const now = Date.now();
  const codes = Array.from({ length: count }, () => {
    issued += 1;
    // WeChat Pay: 18 digits starting 10–15 (payments.md §1); unique within the run by construction.
    return `13${String(now % 1e8).padStart(8, '0')}${String(issued).padStart(8, '0')}`;
  });
  for (let i = 0; i < codes.length; i += 500) {
    await db.kysely
      .insertInto('sim_payer_codes')
      .values(
        codes.slice(i, i + 500).map((code) => ({
          code,
          merchant_id: merchantId,
          wallet: 'wechat' as const,
          behaviour: JSON.stringify(behaviour),
          created_at: now,
          used_at: null,
        })),
      )
      .execute();
  }
  return codes;
}
