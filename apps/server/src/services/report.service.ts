import type { Payment } from '@paydesk/db';
import { chinaUtcOffsetMs, DomainError } from '@paydesk/domain';
import type { AppContext } from '../context.ts';
import { maxExportRows, type PaymentFilter, type RecordRow, type RecordTotals, recordRows } from '../exports/records.ts';
import { type Actor, recordScope } from './actor.ts';

const dayMs = 86_400_000;
const maxDays = 366;

export interface DayTotals {
  date: string;
  count: number;
  succeededFen: number;
  refundedFen: number;
}

/** The day's number since 1970-01-01 in China, or undefined for a date that does not exist. */
function dayNumber(date: string): number | undefined {
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) return undefined;
  return ms / dayMs;
}

const dateOf = (day: number) => new Date(day * dayMs).toISOString().slice(0, 10);

/** The filters of the records (流水), their totals and their export; the actor's scope is added to them. */
export type RecordFilter = Omit<PaymentFilter, 'before' | 'limit'> & { storeId?: string; cashierId?: string };

/** The transaction records (流水), their totals and export, and the daily totals (日报) in China days. */
export class ReportService {
  constructor(private readonly ctx: AppContext) {}

  /** A page of the records the actor may see, newest first, after the keyset cursor `before`. */
  async records(actor: Actor, filter: RecordFilter, page: { before?: PaymentFilter['before']; limit: number }): Promise<Payment[]> {
    return this.ctx.repos.payments.list(actor.merchantId, { ...recordScope(actor, filter), before: page.before, limit: page.limit });
  }

  /** The totals of those records, for the same filters. */
  async totals(actor: Actor, filter: RecordFilter) {
    return this.ctx.repos.payments.totals(actor.merchantId, recordScope(actor, filter));
  }

  /**
   * Every record of the filter, page by page, for a file. Refused up front when there are more than an
   * export holds, rather than handing over a silently cut file that an accountant would take as complete.
   */
  async export(actor: Actor, filter: RecordFilter, totals: RecordTotals): Promise<AsyncGenerator<RecordRow[]>> {
    const scoped = recordScope(actor, filter);
    const { count } = await this.ctx.repos.payments.totals(actor.merchantId, scoped);
    if (count > maxExportRows) throw new DomainError('EXPORT_TOO_LARGE', [], { count, max: maxExportRows });
    return recordRows(this.ctx, actor.merchantId, scoped, totals);
  }

  /** Every day from `from` to `to` (both YYYY-MM-DD, inclusive; at most 366), quiet days as zeros. */
  async daily(actor: Actor, query: { from: string; to?: string; storeId?: string }) {
    const { storeId, cashierId } = recordScope(actor, { storeId: query.storeId });
    const first = dayNumber(query.from);
    const last = query.to === undefined ? first : dayNumber(query.to);
    if (first === undefined || last === undefined || last < first || last - first >= maxDays) {
      throw new DomainError('VALIDATION_FAILED', [{ field: 'to', code: 'VALIDATION_FAILED' }]);
    }
    const rows = await this.ctx.repos.payments.dailyTotals(actor.merchantId, {
      from: first * dayMs - chinaUtcOffsetMs,
      to: (last + 1) * dayMs - chinaUtcOffsetMs,
      storeId,
      cashierId,
    });
    const byDay = new Map(rows.map((row) => [row.day, row]));
    const days: DayTotals[] = [];
    const totals = { count: 0, succeededFen: 0, refundedFen: 0 };
    for (let day = first; day <= last; day += 1) {
      const row = byDay.get(day) ?? { count: 0, succeededFen: 0, refundedFen: 0 };
      days.push({ date: dateOf(day), count: row.count, succeededFen: row.succeededFen, refundedFen: row.refundedFen });
      totals.count += row.count;
      totals.succeededFen += row.succeededFen;
      totals.refundedFen += row.refundedFen;
    }
    return { days, totals };
  }
}
