import type { AuditEntry } from '../schema.ts';
import type { Executor } from './executor.ts';

/** Append-only: there is no update or delete here on purpose. */
export class AuditRepository {
  constructor(private readonly db: Executor) {}

  async append(row: AuditEntry): Promise<void> {
    await this.db.insertInto('audit_log').values(row).execute();
  }

  async list(merchantId: string, filter: { targetId?: string | undefined; limit?: number } = {}): Promise<AuditEntry[]> {
    let q = this.db.selectFrom('audit_log').selectAll().where('merchant_id', '=', merchantId);
    if (filter.targetId) q = q.where('target_id', '=', filter.targetId);
    return q
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit ?? 200)
      .execute();
  }
}
