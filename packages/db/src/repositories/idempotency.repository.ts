import type { ExpressionBuilder, Selectable } from 'kysely';
import type { Database, IdempotencyKeyTable } from '../schema.ts';
import type { Executor } from './executor.ts';

export type IdempotencyRecord = Selectable<IdempotencyKeyTable>;

/** The key as one request claimed it (its claim's time tells it from a later claim of the same key), in these states. */
function claimOf(merchantId: string, key: string, claimedAt: number, statuses: IdempotencyKeyTable['status'][]) {
  return (eb: ExpressionBuilder<Database, 'idempotency_keys'>) =>
    eb.and([eb('merchant_id', '=', merchantId), eb('key', '=', key), eb('created_at', '=', claimedAt), eb('status', 'in', statuses)]);
}

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

  /**
   * Takes over a claim that was abandoned (its request died): only the one that still sees the claim it
   * read wins, so two retries at once cannot both run. `claimedAt` is the abandoned claim's time; the
   * new claim's time is `now`, and it stands for the new claim from then on.
   */
  async takeOver(merchantId: string, key: string, claimedAt: number, now: number): Promise<boolean> {
    const res = await this.db
      .updateTable('idempotency_keys')
      .set({ created_at: now })
      .where(claimOf(merchantId, key, claimedAt, ['running']))
      .executeTakeFirst();
    return res.numUpdatedRows > 0n;
  }

  /**
   * Called inside the transaction that carries out the request, so that it commits with its writes. False
   * when the claim is no longer this request's (another took it over): the caller must not commit.
   */
  async markApplied(merchantId: string, key: string, claimedAt: number): Promise<boolean> {
    const res = await this.db
      .updateTable('idempotency_keys')
      .set({ status: 'applied' })
      .where(claimOf(merchantId, key, claimedAt, ['running', 'applied']))
      .executeTakeFirst();
    return res.numUpdatedRows > 0n;
  }

  /** Keeps the request's answer for replay, if the claim is still this request's. */
  async complete(merchantId: string, key: string, claimedAt: number, status: number, body: string): Promise<void> {
    await this.db
      .updateTable('idempotency_keys')
      .set({ status: 'done', response_status: status, response_body: body })
      .where(claimOf(merchantId, key, claimedAt, ['running', 'applied']))
      .execute();
  }

  /**
   * A request that was refused frees its key so the client can fix it and send it again; false when the
   * key is not free to go (its writes were applied: the request must not run twice), or no longer this
   * request's claim.
   */
  async release(merchantId: string, key: string, claimedAt: number): Promise<boolean> {
    const res = await this.db
      .deleteFrom('idempotency_keys')
      .where(claimOf(merchantId, key, claimedAt, ['running']))
      .executeTakeFirst();
    return res.numDeletedRows > 0n;
  }
}
