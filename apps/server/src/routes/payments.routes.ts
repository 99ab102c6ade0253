import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { actorOf } from '../http/auth.plugin.ts';
import { eventDto, orderDto, paymentDto, refundDto } from '../http/dto.ts';
import { errorResponses, Id, IdParams, Nullable } from '../http/schemas.ts';
import type { PaymentService } from '../services/payment.service.ts';
import type { ReportService } from '../services/report.service.ts';

const tags = ['payments'];
const Fen = Type.Integer({ description: 'Integer fen (1 yuan = 100 fen)' });
const Status = Type.Union([
  Type.Literal('created'),
  Type.Literal('pending'),
  Type.Literal('succeeded'),
  Type.Literal('failed'),
  Type.Literal('expired'),
  Type.Literal('cancelled'),
]);
export const PaymentBody = Type.Object({
  id: Type.String(),
  orderId: Type.String(),
  outTradeNo: Type.String(),
  storeId: Type.String(),
  stationId: Nullable(Type.String()),
  cashierId: Type.String(),
  method: Type.String(),
  channel: Type.String(),
  flow: Type.String(),
  bindingId: Nullable(Type.String()),
  amountFen: Fen,
  status: Status,
  failureCode: Nullable(Type.String()),
  failureReason: Nullable(Type.String({ description: 'Why it failed, in plain Chinese' })),
  channelTradeNo: Nullable(Type.String()),
  codeText: Nullable(Type.String({ description: 'The dynamic code to show the customer' })),
  payerCodeMasked: Nullable(Type.String()),
  expiresAt: Type.Integer(),
  paidAt: Nullable(Type.Integer()),
  refundedFen: Fen,
  tenderedFen: Nullable(Fen),
  changeFen: Nullable(Fen),
  roundingFen: Nullable(Type.Integer()),
  lateSuccess: Type.Boolean({ description: 'Paid after it was cancelled or expired: refunded automatically' }),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
});
const RefundBody = Type.Object({
  id: Type.String(),
  paymentId: Type.String(),
  outRefundNo: Type.String(),
  amountFen: Fen,
  reason: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]),
  automatic: Type.Boolean(),
  requestedBy: Nullable(Type.String()),
  failureReason: Nullable(Type.String()),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
});
const OrderBody = Type.Object({
  id: Type.String(),
  storeId: Type.String(),
  stationId: Nullable(Type.String()),
  cashierId: Type.String(),
  status: Type.String(),
  totalFen: Fen,
  lines: Type.Unknown(),
  createdAt: Type.Integer(),
});
const PayBody = Type.Object(
  {
    flow: Type.Union([Type.Literal('dynamic_code'), Type.Literal('code_pay'), Type.Literal('cash')]),
    authCode: Type.Optional(Type.String({ maxLength: 64, description: 'The scanned payment code (付款码), for code_pay' })),
    tenderedFen: Type.Optional(Fen),
    method: Type.Optional(Type.Union([Type.Literal('wechatpay'), Type.Literal('alipay'), Type.Literal('unionpay')])),
    expiresInMinutes: Type.Optional(Type.Integer()),
  },
  { additionalProperties: false },
);
const Lines = Type.Array(
  Type.Object({ name: Type.String({ maxLength: 200 }), quantity: Type.Integer(), unitFen: Fen }, { additionalProperties: false }),
  {
    maxItems: 200,
  },
);
/** The filters of the transaction records, shared by the list and its export. */
export const recordFilters = {
  from: Type.Optional(Type.Integer({ description: 'epoch ms, inclusive' })),
  to: Type.Optional(Type.Integer({ description: 'epoch ms, exclusive' })),
  storeId: Type.Optional(Id),
  stationId: Type.Optional(Id),
  cashierId: Type.Optional(Id),
  method: Type.Optional(Type.String({ maxLength: 20 })),
  status: Type.Optional(Status),
  minFen: Type.Optional(Fen),
  maxFen: Type.Optional(Fen),
  outTradeNo: Type.Optional(Type.String({ maxLength: 64 })),
};
const OrderId = Type.String({
  minLength: 8,
  maxLength: 64,
  pattern: '^[0-9A-Za-z_-]+$',
  description: 'Made by the client (a UUID); it is the sale’s idempotency key',
});

export function paymentRoutes(app: FastifyInstance, payments: PaymentService, reports: ReportService): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post(
    '/api/orders',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Ring up an order: a keypad amount or lines. The same id twice returns the same order',
        body: Type.Object(
          {
            id: OrderId,
            amountFen: Type.Optional(Fen),
            lines: Type.Optional(
              Type.Array(
                Type.Object(
                  { name: Type.String({ maxLength: 200 }), quantity: Type.Integer(), unitFen: Fen },
                  { additionalProperties: false },
                ),
                {
                  maxItems: 200,
                },
              ),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: OrderBody, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(orderDto(await payments.createOrder(actorOf(request), request.body))),
  );

  r.post(
    '/api/checkout',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Ring up and take payment in one call (the order id is the client’s, as for POST /api/orders)',
        body: Type.Object(
          { id: OrderId, amountFen: Type.Optional(Fen), lines: Type.Optional(Lines), payment: PayBody },
          { additionalProperties: false },
        ),
        response: { 201: PaymentBody, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(paymentDto(await payments.checkout(actorOf(request), request.body))),
  );

  r.post(
    '/api/orders/:id/payments',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Take payment for an order: show a dynamic code, charge the customer’s payment code, or cash',
        description:
          'The answer may be final (succeeded / failed) or pending: then poll GET /api/payments/:id, or POST …/query. ' +
          'A pending payment is settled by the channel’s notification or by re-queries, and closed or reversed at its expiry.',
        params: Type.Object({ id: OrderId }),
        body: PayBody,
        response: { 201: PaymentBody, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(paymentDto(await payments.pay(actorOf(request), request.params.id, request.body))),
  );

  r.get(
    '/api/payments',
    {
      schema: {
        tags,
        summary: 'Transaction records (流水) with filters and keyset pagination; their totals come from /api/payments/totals',
        querystring: Type.Object(
          {
            ...recordFilters,
            cursor: Type.Optional(Type.String({ maxLength: 120 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ items: Type.Array(PaymentBody), nextCursor: Nullable(Type.String()) }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const { cursor, limit = 50, ...filters } = request.query;
      const items = await reports.records(actor, filters, { before: decodeCursor(cursor), limit });
      const last = items.at(-1);
      return { items: items.map(paymentDto), nextCursor: items.length === limit && last ? `${last.created_at}.${last.id}` : null };
    },
  );

  // Apart from the pages: summing a busy merchant's history costs far more than a page, and "load more"
  // must not pay for it again.
  r.get(
    '/api/payments/totals',
    {
      schema: {
        tags,
        summary: 'Totals of the transaction records for the same filters as the list',
        querystring: Type.Object(recordFilters, { additionalProperties: false }),
        response: {
          200: Type.Object({ count: Type.Integer(), succeededFen: Fen, refundedFen: Fen }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      return reports.totals(actorOf(request), request.query);
    },
  );

  r.get(
    '/api/payments/:id',
    {
      schema: {
        tags,
        summary: 'One payment with its whole history (created, code shown, notified, re-queried, closed, refunded)',
        params: IdParams,
        response: {
          200: Type.Object({
            payment: PaymentBody,
            order: Nullable(OrderBody),
            refunds: Type.Array(RefundBody),
            events: Type.Array(
              Type.Object({
                id: Type.String(),
                type: Type.String(),
                detail: Type.Unknown(),
                actorUserId: Nullable(Type.String()),
                createdAt: Type.Integer(),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const d = await payments.get(actorOf(request), request.params.id);
      return {
        payment: paymentDto(d.payment),
        order: d.order ? orderDto(d.order) : null,
        refunds: d.refunds.map(refundDto),
        events: d.events.map(eventDto),
      };
    },
  );

  r.post(
    '/api/payments/:id/query',
    { schema: { tags, summary: 'Ask the channel now (查询)', params: IdParams, response: { 200: PaymentBody, ...errorResponses } } },
    async (request) => paymentDto(await payments.queryNow(actorOf(request), request.params.id)),
  );

  r.post(
    '/api/payments/:id/cancel',
    {
      schema: {
        tags,
        summary: 'Cancel a waiting payment: closed or reversed at the channel; a success arriving later is refunded automatically',
        params: IdParams,
        response: { 200: PaymentBody, ...errorResponses },
      },
    },
    async (request) => paymentDto(await payments.cancel(actorOf(request), request.params.id)),
  );

  r.post(
    '/api/payments/:id/refunds',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Refund all or part of a payment (manager or owner), with a reason',
        params: IdParams,
        body: Type.Object({ amountFen: Fen, reason: Type.String({ maxLength: 500 }) }, { additionalProperties: false }),
        response: { 201: RefundBody, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(refundDto(await payments.refund(actorOf(request), request.params.id, request.body, request.idempotencyKey ?? undefined))),
  );
}

function decodeCursor(cursor: string | undefined) {
  if (!cursor) return undefined;
  const [at, id] = cursor.split('.');
  const createdAt = Number(at);
  return Number.isSafeInteger(createdAt) && id ? { createdAt, id } : undefined;
}
