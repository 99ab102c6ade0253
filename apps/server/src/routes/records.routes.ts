import { PassThrough, Readable } from 'node:stream';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { csvChunks } from '../exports/csv.ts';
import { shanghaiDate } from '../exports/labels.ts';
import { maxExportRows, RecordTotals } from '../exports/records.ts';
import { writeXlsx } from '../exports/xlsx.ts';
import { actorOf } from '../http/auth.plugin.ts';
import { errorResponses, FileResponse, IdParams } from '../http/schemas.ts';
import { renderEscPos } from '../receipts/escpos.ts';
import { autoPrintHash, renderReceiptHtml } from '../receipts/html.ts';
import { receiptOf } from '../receipts/model.ts';
import type { PaymentService } from '../services/payment.service.ts';
import type { ReportService } from '../services/report.service.ts';
import { recordFilters } from './payments.routes.ts';

const tags = ['payments'];
const _Fen = Type.Integer({ description: 'Integer fen (1 yuan = 100 fen)' });
const xlsxType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const downloadHeaders = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

/**
 * Exports of the transaction records and printable receipts (issue 4 item 8). The filters and the
 * visibility rules are those of GET /api/payments: an owner sees every store, a manager their store,
 * a cashier only their own sales.
 */
export function recordRoutes(app: FastifyInstance, ctx: AppContext, payments: PaymentService, reports: ReportService): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/api/payments/export',
    {
      schema: {
        tags,
        summary: 'Download the transaction records (流水) as CSV or XLSX, with a totals row',
        description: `Takes the filters of GET /api/payments; at most ${maxExportRows} records (more → EXPORT_TOO_LARGE: narrow the filter).`,
        querystring: Type.Object(
          {
            format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('xlsx')])),
            ...recordFilters,
          },
          { additionalProperties: false },
        ),
        response: { 200: FileResponse('The file: CSV (UTF-8 with BOM) or XLSX', ['text/csv', xlsxType]), ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const { format = 'csv', ...filters } = request.query;
      const totals = new RecordTotals();
      const pages = await reports.export(actor, filters, totals);
      reply.headers({
        ...downloadHeaders,
        'content-disposition': `attachment; filename="paydesk-records-${shanghaiDate(ctx.now())}.${format}"`,
      });
      if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(Readable.from(csvChunks(pages, totals)));
      const out = new PassThrough();
      writeXlsx(out, pages, totals).catch((err: Error) => out.destroy(err));
      return reply.type(xlsxType).send(out);
    },
  );

  r.get(
    '/api/payments/:id/receipt',
    {
      schema: {
        tags,
        summary: 'The receipt (小票) of a paid payment: printable HTML for 58/80 mm paper, or ESC/POS bytes',
        description: 'format=escpos answers application/octet-stream for a receipt printer in Chinese mode (GB18030).',
        params: IdParams,
        querystring: Type.Object(
          {
            format: Type.Optional(Type.Union([Type.Literal('html'), Type.Literal('escpos')])),
            width: Type.Optional(Type.Union([Type.Literal(58), Type.Literal(80)], { description: 'Paper width in mm (default 80)' })),
            autoprint: Type.Optional(Type.Boolean({ description: 'HTML only: open the print dialog once loaded' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: FileResponse('HTML page or ESC/POS bytes', ['text/html', 'application/octet-stream']), ...errorResponses },
      },
    },
    async (request, reply) => {
      const receipt = await receiptOf(ctx, payments, actorOf(request), request.params.id);
      const { format = 'html', width = 80, autoprint = false } = request.query;
      reply.headers(downloadHeaders);
      if (format === 'escpos') {
        const name = `receipt-${receipt.outTradeNo}-${width}mm.bin`;
        return reply
          .type('application/octet-stream')
          .header('content-disposition', `attachment; filename="${name}"`)
          .send(renderEscPos(receipt, width));
      }
      return reply
        .headers({
          'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; script-src ${autoPrintHash}; base-uri 'none'; form-action 'none'; frame-ancestors 'self'`,
          'referrer-policy': 'no-referrer',
        })
        .type('text/html; charset=utf-8')
        .send(renderReceiptHtml(receipt, width, autoprint));
    },
  );
}
