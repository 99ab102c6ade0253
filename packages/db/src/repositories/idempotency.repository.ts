import type { Selectable } from 'kysely';
import type { IdempotencyKeyTable } from '../schema.ts';
import type { Executor } from './executor.ts';

export type IdempotencyRecord = Selectable<IdempotencyKeyTable>;

export class IdempotencyRepository {
  constructor(private readonly db: Executor) {}

  /** Claims the key; false when it already exists (done, or still running in another request). */
  async claim(merchantId: string, key: string, requestHash: string, now: number): Promise<boolean> {
    const res = await this.db
      .insertInto('idempotency_keys')
      .values({
        merchant_id: merchantId,
        key,
        request_hash: requestHash,
        status: 'running',
        response_status: null,
        response_body: null,
        created_at: now,
      })
      .onConflict((oc) => oc.columns(['merchant_id', 'key']).doNothing())
      .executeTakeFirst();
    return (res.numInsertedOrUpdatedRows ?? 0n) > 0n;
  }

  async find(merchantId: string, key: string): Promise<IdempotencyRecord | undefined> {
    return this.db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .where('key', '=', key)
      .executeTakeFirst();
  }

  async complete(merchantId: string, key: string, status: number, body: string): Promise<void> {
    await this.db
      .updateTable('idempotency_keys')
      .set({ status: 'done', response_status: status, response_body: body })
      .where('merchant_id', '=', merchantId)
      .where('key', '=', key)
      .execute();
  }

  /** Called inside the transaction that carries out the request, so it commits with its writes. */
  async markApplied(merchantId: string, key: string): Promise<void> {
    await this.db
      .updateTable('idempotency_keys')
      .set({ status: 'applied' })
      .where('merchant_id', '=', merchantId)
      .where('key', '=', key)
      .where('status', '=', 'running')
      .execute();
  }

  /**
   * A request that was refused frees its key so the client can fix it and send it again; false when the
   * key is not free to go (its writes were applied: the request must not run twice).
   */
  async release(merchantId: string, key: string): Promise<boolean> {
    const res = await this.db
      .deleteFrom('idempotency_keys')
      .where('merchant_id', '=', merchantId)
      .where('key', '=', key)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return res.numDeletedRows > 0n;
  }
}
