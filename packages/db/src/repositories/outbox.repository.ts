import { expressionBuilder, type Insertable, sql } from 'kysely';
import type { Database, OutboxRow, OutboxTable } from '../schema.ts';
import type { Executor } from './executor.ts';
import { prepared } from './prepared.ts';

export interface NewOutboxMessage {
  id: string;
  merchantId: string | null;
  topic: string;
  payload: string;
  runAt: number;
  now: number;
}

/**
 * Side effects are rows written in the same transaction as the change that causes them, then run by
 * the worker. Claiming takes a lease (locked_until) so that a crashed worker's rows are picked up again,
 * and on PostgreSQL uses FOR UPDATE SKIP LOCKED so that several processes never claim the same row.
 */
// Written with every payment and finished by the worker for each (prepared.ts).
export const enqueueQuery = prepared((db, rows: Insertable<OutboxTable>[]) => db.insertInto('outbox').values(rows));
const markDoneQuery = prepared((db, id: string, lease: number, now: number) =>
  db
    .updateTable('outbox')
    .set({ status: 'done', done_at: now, locked_until: null, payload: sql`'{}'` })
    .where('id', '=', id)
    .where('locked_until', '=', lease),
);
/** The jobs among `ids` that no worker holds (a held one finds nothing to do when it runs). */
export function unclaimedJobs(ids: readonly string[], now: number) {
  const eb = expressionBuilder<Database, 'outbox'>();
  return eb.and([eb('id', 'in', ids), eb('status', '=', 'pending'), eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)])]);
}
/** What finishing a job writes: done, and its payload dropped (a finished job needs none). */
export const finishedJob = (now: number) => ({ status: 'done' as const, done_at: now, payload: sql<string>`'{}'` });
export const finishUnclaimedQuery = prepared((db, ids: readonly string[], now: number) =>
  db.updateTable('outbox').set(finishedJob(now)).where(unclaimedJobs(ids, now)),
);

/** The rows of new messages, pending and due at their run time. */
export function outboxRows(messages: readonly NewOutboxMessage[]): Insertable<OutboxTable>[] {
  return messages.map((m) => ({
    id: m.id,
    merchant_id: m.merchantId,
    topic: m.topic,
    payload: m.payload,
    status: 'pending' as const,
    run_at: m.runAt,
    created_at: m.now,
    locked_until: null,
    last_error: null,
    done_at: null,
  }));
}

export class OutboxRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: 'sqlite' | 'postgres',
  ) {}

  async enqueue(...messages: NewOutboxMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await enqueueQuery.changed(this.db, this.dialect, outboxRows(messages));
  }

  async claimDue(now: number, leaseMs: number, limit: number): Promise<OutboxRow[]> {
    const due = this.db
      .selectFrom('outbox')
      .select('id')
      .where('status', '=', 'pending')
      .where('run_at', '<=', now)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
      .orderBy('run_at')
      .limit(limit);
    const claimable = this.dialect === 'postgres' ? due.forUpdate().skipLocked() : due;
    return this.db
      .updateTable('outbox')
      .set({ locked_until: now + leaseMs })
      .where('id', 'in', claimable)
      .returningAll()
      .execute();
  }

  /** Conditional on the lease still being ours, so a row taken over after a stall is not finished twice. */
  async markDone(id: string, lease: number, now: number): Promise<boolean> {
    return (await markDoneQuery.changed(this.db, this.dialect, id, lease, now)) > 0;
  }

  /**
   * Finishes jobs no worker holds (a held one finds nothing to do when it runs): for the move that makes
   * a payment's watch jobs pointless, in the move's own transaction.
   */
  async finishUnclaimed(ids: readonly string[], now: number): Promise<void> {
    await finishUnclaimedQuery.changed(this.db, this.dialect, ids, now);
  }

  async markFailed(id: string, lease: number, error: string, retryAt: number | null): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set((eb) => ({
        attempts: eb('attempts', '+', 1),
        last_error: error.slice(0, 500),
        locked_until: null,
        ...(retryAt === null ? { status: 'dead' as const } : { run_at: retryAt }),
      }))
      .where('id', '=', id)
      .where('locked_until', '=', lease)
      .execute();
  }

  async findById(id: string): Promise<OutboxRow | undefined> {
    return this.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
  }
}
