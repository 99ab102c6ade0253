import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { DomainError } from '@paydesk/domain';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { actorOf } from '../http/auth.plugin.ts';
import { merchantDto } from '../http/dto.ts';
import { errorResponses, Id, Nullable } from '../http/schemas.ts';
import { requirePermission } from '../services/actor.ts';

const MerchantBody = Type.Object({
  id: Type.String(),
  name: Type.String(),
  uscc: Type.String(),
  contactName: Type.String(),
  contactPhone: Type.String(),
  contactEmail: Type.String(),
  bankAccountName: Type.String(),
  bankName: Type.String(),
  bankAccountLast4: Type.String({ description: 'The settlement account is stored encrypted; only its last four digits are shown' }),
  status: Type.String(),
  createdAt: Type.Integer(),
});

const AuditBody = Type.Object({
  id: Type.String(),
  actorUserId: Nullable(Type.String()),
  action: Type.String(),
  targetType: Type.String(),
  targetId: Type.String(),
  detail: Type.Unknown(),
  createdAt: Type.Integer(),
});

export function merchantRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/api/merchant',
    { schema: { tags: ['merchant'], summary: 'The merchant’s registration details', response: { 200: MerchantBody, ...errorResponses } } },
    async (request) => {
      const actor = actorOf(request);
      requirePermission(actor, 'merchant.read');
      const merchant = await ctx.repos.merchants.findById(actor.merchantId);
      if (!merchant) throw new DomainError('NOT_FOUND');
      return merchantDto(merchant);
    },
  );

  r.get(
    '/api/audit',
    {
      schema: {
        tags: ['merchant'],
        summary: 'Audit log (owner): who changed stores, stations, staff and, later, bindings and channels',
        querystring: Type.Object({ targetId: Type.Optional(Id) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(AuditBody) }), ...errorResponses },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      requirePermission(actor, 'audit.read');
      const rows = await ctx.repos.audit.list(actor.merchantId, { targetId: request.query.targetId });
      return {
        items: rows.map((a) => ({
          id: a.id,
          actorUserId: a.actor_user_id,
          action: a.action,
          targetType: a.target_type,
          targetId: a.target_id,
          detail: JSON.parse(a.detail) as unknown,
          createdAt: a.created_at,
        })),
      };
    },
  );
}
