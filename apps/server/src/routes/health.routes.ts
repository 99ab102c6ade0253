import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { version } from '../version.ts';

const HealthBody = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  version: Type.String(),
  db: Type.Object({ dialect: Type.String(), ok: Type.Boolean() }),
});

export function healthRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/api/health',
    {
      config: { public: true },
      schema: { tags: ['system'], summary: 'Liveness and database reachability', response: { 200: HealthBody, 503: HealthBody } },
    },
    async (_request, reply) => {
      const ok = await ctx.db.ping();
      return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', version, db: { dialect: ctx.db.dialect, ok } });
    },
  );
}
