import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { SimTrade } from '@paydesk/db';
import { DomainError } from '@paydesk/domain';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { actorOf } from '../http/auth.plugin.ts';
import { errorResponses, Nullable } from '../http/schemas.ts';
import type { SimDecision, SimulatorGateway } from '../simulator/gateway.ts';
import { imageRoutes } from './codes.routes.ts';

const tags = ['simulator'];
const Decision = Type.Union([
  Type.Object({ action: Type.Literal('pay') }, { additionalProperties: false }),
  Type.Object(
    {
      action: Type.Literal('fail'),
      failCode: Type.Union(['NOTENOUGH', 'CARD_FROZEN', 'BUYER_CANCELLED', 'PAYER_RISK'].map((c) => Type.Literal(c))),
    },
    { additionalProperties: false },
  ),
  Type.Object({ action: Type.Literal('pay_after'), seconds: Type.Integer({ minimum: 1, maximum: 600 }) }, { additionalProperties: false }),
  Type.Object({ action: Type.Literal('never') }, { additionalProperties: false }),
  Type.Object({ action: Type.Literal('password') }, { additionalProperties: false }),
]);
const Notify = Type.Object(
  {
    duplicates: Type.Optional(Type.Integer({ minimum: 0, maximum: 5 })),
    delaySeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 600 })),
    lose: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const TradeBody = Type.Object({
  tradeNo: Type.String(),
  outTradeNo: Type.String(),
  flow: Type.String(),
  amountFen: Type.Integer(),
  description: Type.String(),
  state: Type.String(),
  codeText: Nullable(Type.String()),
  expiresAt: Type.Integer(),
  createdAt: Type.Integer(),
});
const tradeDto = (t: SimTrade) => ({
  tradeNo: t.trade_no,
  outTradeNo: t.out_trade_no,
  flow: t.flow,
  amountFen: t.amount_fen,
  description: t.description,
  state: t.state,
  codeText: t.code_text,
  expiresAt: t.expires_at,
  createdAt: t.created_at,
});

/** The phone-like simulator page's API: a person plays the customer's wallet. */
export function simRoutes(app: FastifyInstance, ctx: AppContext, gateway: SimulatorGateway): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/api/sim/trades',
    {
      schema: {
        tags,
        summary: 'Codes currently shown on this shop’s cashier or customer displays, waiting to be paid',
        response: { 200: Type.Object({ items: Type.Array(TradeBody) }), ...errorResponses },
      },
    },
    async (request) => ({ items: (await ctx.repos.sim.open(actorOf(request).merchantId, ctx.now())).map(tradeDto) }),
  );

  r.post(
    '/api/sim/scan',
    {
      schema: {
        tags,
        summary: '"Scan" a code: by its trade number or the pasted text of the code',
        body: Type.Object(
          { tradeNo: Type.Optional(Type.String({ maxLength: 64 })), codeText: Type.Optional(Type.String({ maxLength: 2048 })) },
          { additionalProperties: false },
        ),
        response: { 200: TradeBody, ...errorResponses },
      },
    },
    async (request) => tradeDto(await gateway.findTrade(actorOf(request).merchantId, request.body)),
  );

  imageRoutes(app, (scope) =>
    scope.post(
      '/api/sim/scan-image',
      {
        bodyLimit: 12 * 1024 * 1024,
        schema: {
          tags,
          summary: '"Scan" a picture of a code shown on a display',
          consumes: ['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'application/octet-stream'],
          response: { 200: TradeBody, ...errorResponses },
        },
      },
      async (request) => {
        const decoded = await ctx.decoder.decode(request.body as Buffer);
        const text = decoded.ok ? decoded.codes[0]?.text : undefined;
        if (!text) throw new DomainError('IMAGE_NO_CODE', [], { verdict: decoded.ok ? 'no_code_found' : decoded.reason });
        return tradeDto(await gateway.findTrade(actorOf(request).merchantId, { codeText: text }));
      },
    ),
  );

  r.post(
    '/api/sim/trades/:tradeNo/decide',
    {
      schema: {
        tags,
        summary: 'Decide a scanned code’s fate: pay now, fail, pay after N seconds, never answer, or ask for the password first',
        params: Type.Object({ tradeNo: Type.String({ maxLength: 64 }) }),
        body: Type.Object({ decision: Decision, notify: Type.Optional(Notify) }, { additionalProperties: false }),
        response: { 200: TradeBody, ...errorResponses },
      },
    },
    async (request) =>
      tradeDto(
        await gateway.decide(
          actorOf(request).merchantId,
          request.params.tradeNo,
          request.body.decision as SimDecision,
          request.body.notify ?? {},
        ),
      ),
  );

  r.post(
    '/api/sim/trades/:tradeNo/password',
    {
      schema: {
        tags,
        summary: 'The customer enters their password for a payment waiting on it',
        params: Type.Object({ tradeNo: Type.String({ maxLength: 64 }) }),
        body: Type.Object({ notify: Type.Optional(Notify) }, { additionalProperties: false }),
        response: { 200: TradeBody, ...errorResponses },
      },
    },
    async (request) =>
      tradeDto(await gateway.confirmPassword(actorOf(request).merchantId, request.params.tradeNo, request.body.notify ?? {})),
  );

  r.post(
    '/api/sim/payer-codes',
    {
      schema: {
        tags,
        summary: 'A customer payment code (付款码) for the cashier to scan, with the fate chosen in advance',
        body: Type.Object(
          { wallet: Type.Union([Type.Literal('wechat'), Type.Literal('alipay')]), behaviour: Decision },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ code: Type.String(), wallet: Type.String() }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const code = await gateway.createPayerCode(actorOf(request).merchantId, request.body.wallet, request.body.behaviour as SimDecision);
      return reply.status(201).send({ code, wallet: request.body.wallet });
    },
  );

  r.get(
    '/api/sim/payer-codes',
    {
      schema: {
        tags,
        summary: 'Recent customer payment codes and what each will do',
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                code: Type.String(),
                wallet: Type.String(),
                behaviour: Type.Unknown(),
                used: Type.Boolean(),
                createdAt: Type.Integer(),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => ({
      items: (await ctx.repos.sim.payerCodes(actorOf(request).merchantId)).map((c) => ({
        code: c.code,
        wallet: c.wallet,
        behaviour: JSON.parse(c.behaviour) as unknown,
        used: c.used_at !== null,
        createdAt: c.created_at,
      })),
    }),
  );

  r.post(
    '/api/sim/outage',
    {
      schema: {
        tags,
        summary: 'Make the simulator gateway time out for the next N calls (to rehearse a channel outage)',
        body: Type.Object({ calls: Type.Integer({ minimum: 0, maximum: 100 }) }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      gateway.failNextCalls(actorOf(request).merchantId, request.body.calls);
      return reply.status(204).send(null);
    },
  );
}
