import { type Db, type Repositories, repositories } from '@paydesk/db';
import { DomainError } from '@paydesk/domain';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.ts';
import type { SecretBox } from './crypto/secret-box.ts';
import type { MessageTransport } from './messaging/transport.ts';
import type { DecodeResult } from './qr/decode.ts';

/** What services need from the outside world, passed in so tests can set the clock and the transport. */
export interface AppContext {
  config: Config;
  db: Db;
  repos: Repositories;
  secrets: SecretBox;
  transport: MessageTransport;
  now: () => number;
  log: FastifyBaseLogger;
  /** Wakes the outbox worker after a commit, so a code is sent at once rather than at the next poll. */
  nudgeWorker: () => void;
  /** Reads QR images off the event loop (a worker thread), so a big photo never stalls the counter. */
  decoder: { decode(bytes: Uint8Array): Promise<DecodeResult> };
}

/** Runs fn in one database transaction with repositories bound to it. */
export function inTransaction<T>(ctx: AppContext, fn: (repos: Repositories) => Promise<T>): Promise<T> {
  return ctx.db.kysely.transaction().execute((trx) => fn(repositories(trx, ctx.db.dialect)));
}

/**
 * inTransaction for the writes that carry out a person's request. When that request came with an
 * Idempotency-Key, the key is marked applied in the same transaction, so that a retry after a crash can
 * tell a request that never took effect (it runs again) from one that did but whose answer was lost (it
 * must not run twice). Every create without an identifier of the caller's own writes through this.
 */
export function inRequestTransaction<T>(
  ctx: AppContext,
  actor: { merchantId: string; requestKey?: RequestKey | undefined },
  fn: (repos: Repositories) => Promise<T>,
): Promise<T> {
  return inTransaction(ctx, async (repos) => {
    const result = await fn(repos);
    const claim = actor.requestKey;
    // Another request took the key over (this one was judged dead): its writes must not commit as well.
    if (claim && !(await repos.idempotency.markApplied(actor.merchantId, claim.key, claim.claimedAt))) {
      throw new DomainError('IDEMPOTENCY_IN_PROGRESS');
    }
    return result;
  });
}

/** An Idempotency-Key as a request holds it: the stored key, and when this request claimed it. */
export interface RequestKey {
  key: string;
  claimedAt: number;
}
