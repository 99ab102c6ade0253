import { chinaUtcOffsetMs, DomainError } from '@paydesk/domain';
import type { AppContext } from '../context.ts';
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

/** Daily totals (日报) in China days. */
export class ReportService {
  constructor(private readonly ctx: AppContext) {}

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
