import type { DevMessage } from '../schema.ts';
import type { Executor } from './executor.ts';

/** The development mailbox: where one-time codes go when no SMTP or SMS provider is configured. */
export class DevMessageRepository {
  constructor(private readonly db: Executor) {}

  async insert(row: DevMessage): Promise<void> {
    await this.db.insertInto('dev_messages').values(row).execute();
  }

  /** Oldest first; `afterId` resumes after the last message already shown. */
  async list(options: { afterId?: string | undefined; to?: string | undefined; limit?: number } = {}): Promise<DevMessage[]> {
    let q = this.db.selectFrom('dev_messages').selectAll();
    if (options.afterId) q = q.where('id', '>', options.afterId);
    if (options.to) q = q.where('to_addr', '=', options.to);
    return q
      .orderBy('id')
      .limit(options.limit ?? 1000)
      .execute();
  }
}
