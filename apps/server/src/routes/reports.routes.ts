import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { DomainError } from '@paydesk/domain';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { actorOf } from '../http/auth.plugin.ts';
import { errorResponses, Id } from '../http/schemas.ts';
import { requirePermission, storeScope } from '../services/actor.ts';

const tags = ['records'];
const dayMs = 86_400_000;
/** China keeps UTC+8 all year: a shop's day runs from 00:00 to 24:00 Beijing time. */
const chinaOffsetMs = 8 * 3_600_000;
const maxDays = 366;

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'A calendar day in China (UTC+8), YYYY-MM-DD' });
const Fen = Type.Integer({ minimum: 0 });
const DayTotals = Type.Object({ date: Type.String(), count: Type.Integer(), succeededFen: Fen, refundedFen: Fen });

/** The day's number since 1970-01-01 in China, or undefined for a date that does not exist. */
function dayNumber(date: string): number | undefined {
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) return undefined;
  return ms / dayMs;
}

const dateOf = (day: number) => new Date(day * dayMs).toISOString().slice(0, 10);

export function reportRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/api/reports/daily',
    {
      schema: {
        tags,
        summary: 'Daily totals (日报): per day in China time, what was taken and refunded, every day of the range listed',
        querystring: Type.Object({ from: Day, to: Type.Optional(Day), storeId: Type.Optional(Id) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            days: Type.Array(DayTotals),
            totals: Type.Object({ count: Type.Integer(), succeededFen: Fen, refundedFen: Fen }),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      requirePermission(actor, 'payment.read');
      const first = dayNumber(request.query.from);
      const last = request.query.to === undefined ? first : dayNumber(request.query.to);
      if (first === undefined || last === undefined || last < first || last - first >= maxDays) {
        throw new DomainError('VALIDATION_FAILED', [{ field: 'to', code: 'VALIDATION_FAILED' }]);
      }
      const rows = await ctx.repos.payments.dailyTotals(actor.merchantId, {
        from: first * dayMs - chinaOffsetMs,
        to: (last + 1) * dayMs - chinaOffsetMs,
        storeId: storeScope(actor) ?? request.query.storeId,
        // A cashier's report covers their own sales, as their records do.
        ...(actor.role === 'cashier' && { cashierId: actor.userId }),
      });
      const byDay = new Map(rows.map((row) => [row.day, row]));
      const days = [];
      const totals = { count: 0, succeededFen: 0, refundedFen: 0 };
      for (let day = first; day <= last; day += 1) {
        const row = byDay.get(day) ?? { count: 0, succeededFen: 0, refundedFen: 0 };
        days.push({ date: dateOf(day), count: row.count, succeededFen: row.succeededFen, refundedFen: row.refundedFen });
        totals.count += row.count;
        totals.succeededFen += row.succeededFen;
        totals.refundedFen += row.refundedFen;
      }
      return { days, totals };
    },
  );
}
