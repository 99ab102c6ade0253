import type { Dialect } from '../connect.ts';
import type { Session } from '../schema.ts';
import type { Executor } from './executor.ts';
import { prepared } from './prepared.ts';

// Every signed-in request resolves its session (prepared.ts).
const findLiveQuery = prepared((db, idHash: string, now: number) =>
  db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).where('expires_at', '>', now),
);

export class SessionRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect,
  ) {}

  async insert(row: Session): Promise<void> {
    await this.db.insertInto('sessions').values(row).execute();
  }

  async findLive(idHash: string, now: number): Promise<Session | undefined> {
    return findLiveQuery.first(this.db, this.dialect, idHash, now);
  }

  async touch(idHash: string, now: number, expiresAt: number): Promise<void> {
    await this.db.updateTable('sessions').set({ last_seen_at: now, expires_at: expiresAt }).where('id_hash', '=', idHash).execute();
  }

  async delete(idHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
  }

  /** A password reset or a disabled account ends every session of that person. */
  async deleteForUser(merchantId: string, userId: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('merchant_id', '=', merchantId).where('user_id', '=', userId).execute();
  }

  async deleteExpired(now: number): Promise<void> {
    await this.db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
  }
}
