import { sql } from 'kysely';
import type { OutboxRow } from '../schema.ts';
import type { Executor } from './executor.ts';

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
export class OutboxRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: 'sqlite' | 'postgres',
  ) {}

  async enqueue(...messages: NewOutboxMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.db
      .insertInto('outbox')
      .values(
        messages.map((m) => ({
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
        })),
      )
      .execute();
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
    const res = await this.db
      .updateTable('outbox')
      .set({ status: 'done', done_at: now, locked_until: null, payload: sql`'{}'` })
      .where('id', '=', id)
      .where('locked_until', '=', lease)
      .executeTakeFirst();
    return res.numUpdatedRows > 0n;
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
