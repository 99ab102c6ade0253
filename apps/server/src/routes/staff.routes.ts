import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { actorOf } from '../http/auth.plugin.ts';
import { staffDto } from '../http/dto.ts';
import { errorResponses, Id, IdParams, Nullable, Role, Text } from '../http/schemas.ts';
import { StaffService } from '../services/staff.service.ts';

const StaffBody = Type.Object({
  id: Type.String(),
  name: Type.String(),
  phone: Type.String(),
  email: Nullable(Type.String()),
  role: Role,
  storeId: Nullable(Type.String()),
  status: Type.String(),
  hasPin: Type.Boolean(),
  createdAt: Type.Integer(),
});

export function staffRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const staff = new StaffService(ctx);

  r.get(
    '/api/staff',
    {
      schema: {
        tags: ['staff'],
        summary: 'Staff (员工): all for an owner, their store’s for a manager',
        response: { 200: Type.Object({ items: Type.Array(StaffBody) }), ...errorResponses },
      },
    },
    async (request) => ({ items: (await staff.list(actorOf(request))).map(staffDto) }),
  );

  r.post(
    '/api/staff',
    {
      config: { idempotent: true },
      schema: {
        tags: ['staff'],
        summary: 'Add a staff member by mobile number with a role',
        body: Type.Object(
          {
            name: Text(1000),
            phone: Text(32),
            email: Type.Optional(Text(320)),
            role: Role,
            storeId: Type.Optional(Nullable(Id)),
            password: Text(256),
            pin: Type.Optional(Text(16)),
          },
          { additionalProperties: false },
        ),
        response: { 201: StaffBody, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(staffDto(await staff.create(actorOf(request), request.body))),
  );

  r.patch(
    '/api/staff/:id',
    {
      schema: {
        tags: ['staff'],
        summary: 'Change a staff member’s name, role, store or status, or reset their password or PIN',
        params: IdParams,
        body: Type.Object(
          {
            name: Type.Optional(Text(1000)),
            role: Type.Optional(Role),
            storeId: Type.Optional(Nullable(Id)),
            status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('disabled')])),
            password: Type.Optional(Text(256)),
            pin: Type.Optional(Text(16)),
          },
          { additionalProperties: false },
        ),
        response: { 200: StaffBody, ...errorResponses },
      },
    },
    async (request) => staffDto(await staff.update(actorOf(request), request.params.id, request.body)),
  );
}
