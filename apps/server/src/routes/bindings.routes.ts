import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { actorOf } from '../http/auth.plugin.ts';
import { bindingDto, codeDto, paymentDto } from '../http/dto.ts';
import { errorResponses, Id, IdParams, Nullable } from '../http/schemas.ts';
import { BindingService } from '../services/binding.service.ts';
import type { PaymentService } from '../services/payment.service.ts';
import { CodeBody } from './codes.routes.ts';
import { PaymentBody } from './payments.routes.ts';

const tags = ['bindings'];
const Method = Type.Union([Type.Literal('wechatpay'), Type.Literal('alipay'), Type.Literal('unionpay'), Type.Literal('all')]);
const BindingInput = Type.Object(
  {
    codeId: Id,
    storeId: Id,
    stationId: Type.Optional(Nullable(Id)),
    method: Method,
    merchantNo: Type.String({
      maxLength: 64,
      description: 'WeChat Pay mchid (10 digits), Alipay PID (2088…, 16 digits), UnionPay (15 digits)',
    }),
  },
  { additionalProperties: false },
);
const BindingBody = Type.Object({
  id: Type.String(),
  codeId: Type.String(),
  storeId: Type.String(),
  stationId: Nullable(Type.String()),
  method: Method,
  merchantNo: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('retired')]),
  verified: Type.Boolean({ description: 'False until a test payment through the binding succeeds' }),
  verifiedAt: Nullable(Type.Integer()),
  createdBy: Type.String(),
  createdAt: Type.Integer(),
  retiredAt: Nullable(Type.Integer()),
  retiredBy: Nullable(Type.String()),
});

export function bindingRoutes(app: FastifyInstance, ctx: AppContext, payments: PaymentService): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const bindings = new BindingService(ctx);

  r.post(
    '/api/bindings/preview',
    {
      schema: {
        tags,
        summary: 'Review a binding before confirming it: what will be bound, and which binding it replaces',
        body: BindingInput,
        response: {
          200: Type.Object({
            code: CodeBody,
            storeName: Type.String(),
            stationName: Nullable(Type.String()),
            method: Method,
            merchantNo: Type.String(),
            replaces: Nullable(BindingBody),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const p = await bindings.preview(actorOf(request), request.body);
      return { ...p, code: codeDto(p.code, ctx.now()), replaces: p.replaces ? bindingDto(p.replaces) : null };
    },
  );

  r.post(
    '/api/bindings',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Confirm a binding (确认绑定); an existing one for the same place and method is retired',
        body: BindingInput,
        response: { 201: BindingBody, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(bindingDto(await bindings.confirm(actorOf(request), request.body))),
  );

  r.get(
    '/api/bindings',
    {
      schema: {
        tags,
        summary: 'Bindings, newest first (retired ones too unless active=true)',
        querystring: Type.Object({ codeId: Type.Optional(Id), active: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(BindingBody) }), ...errorResponses },
      },
    },
    async (request) => ({
      items: (await bindings.list(actorOf(request), { codeId: request.query.codeId, activeOnly: request.query.active === true })).map(
        bindingDto,
      ),
    }),
  );

  r.post(
    '/api/bindings/:id/test-payment',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Verify a binding with a test payment (¥0.01 by default): pay its code, and the binding is marked verified',
        params: IdParams,
        body: Type.Object({ amountFen: Type.Optional(Type.Integer()) }, { additionalProperties: false }),
        response: { 201: PaymentBody, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(paymentDto(await payments.testBinding(actorOf(request), request.params.id, request.body.amountFen))),
  );

  r.post(
    '/api/bindings/:id/retire',
    {
      schema: {
        tags,
        summary: 'Unbind (解绑): retire a binding; it stays in the history',
        params: IdParams,
        response: { 200: BindingBody, ...errorResponses },
      },
    },
    async (request) => bindingDto(await bindings.retire(actorOf(request), request.params.id)),
  );
}
