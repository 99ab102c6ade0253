import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { actorOf } from '../http/auth.plugin.ts';
import { errorResponses, Id } from '../http/schemas.ts';
import type { ReportService } from '../services/report.service.ts';

const tags = ['records'];
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'A calendar day in China (UTC+8), YYYY-MM-DD' });
const Fen = Type.Integer({ minimum: 0 });
const DayTotals = Type.Object({ date: Type.String(), count: Type.Integer(), succeededFen: Fen, refundedFen: Fen });

export function reportRoutes(app: FastifyInstance, reports: ReportService): void {
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
    async (request) => reports.daily(actorOf(request), request.query),
  );
}
