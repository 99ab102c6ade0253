import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { actorOf } from '../http/auth.plugin.ts';
import { errorResponses, Id, Nullable } from '../http/schemas.ts';
import { ChannelAccountService } from '../services/channel-account.service.ts';

const tags = ['channels'];
const ChannelBody = Type.Object({
  id: Type.String(),
  storeId: Nullable(Type.String()),
  kind: Type.String(),
  config: Type.Unknown({ description: 'Non-secret settings only; keys are never returned' }),
  status: Type.String(),
  updatedAt: Type.Integer(),
});

export function channelRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const channels = new ChannelAccountService(ctx);
  const dto = (a: Awaited<ReturnType<ChannelAccountService['list']>>[number]) => ({
    id: a.id,
    storeId: a.store_id,
    kind: a.kind,
    config: JSON.parse(a.config) as unknown,
    status: a.status,
    updatedAt: a.updated_at,
  });

  r.get(
    '/api/channels',
    {
      schema: {
        tags,
        summary: 'Payment channel accounts (owner)',
        response: { 200: Type.Object({ items: Type.Array(ChannelBody) }), ...errorResponses },
      },
    },
    async (request) => ({ items: (await channels.list(actorOf(request))).map(dto) }),
  );

  r.put(
    '/api/channels/unionpay-emv',
    {
      schema: {
        tags,
        summary: 'Set the UnionPay / EMVCo merchant account used for EMVCo codes (merchant-wide, or for one store)',
        body: Type.Object(
          {
            storeId: Type.Optional(Nullable(Id)),
            acquirerIin: Type.String({ maxLength: 8, description: '8-digit acquirer IIN' }),
            merchantNo: Type.String({ maxLength: 15, description: '15-digit UnionPay merchant number' }),
            mcc: Type.String({ maxLength: 4, description: 'Merchant category code, e.g. 5411' }),
            nameLatin: Type.String({ maxLength: 25, description: 'Merchant name in Latin letters (EMV tag 59)' }),
            city: Type.String({ maxLength: 15, description: 'City (EMV tag 60), e.g. Beijing' }),
          },
          { additionalProperties: false },
        ),
        response: { 200: ChannelBody, ...errorResponses },
      },
    },
    async (request) => {
      const { storeId, ...config } = request.body;
      return dto(await channels.saveUnionpayEmv(actorOf(request), storeId ?? null, config));
    },
  );
}
