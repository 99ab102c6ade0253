import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { PaymentService } from '../services/payment.service.ts';

/**
 * Where channels post their asynchronous notifications. The body is kept as the exact text received:
 * signatures are over those bytes, never over JSON parsed and serialised again.
 */
export async function notifyRoutes(app: FastifyInstance, payments: PaymentService): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => done(null, body));
    scope.post(
      '/api/notify/simulator',
      {
        config: { public: true },
        schema: {
          tags: ['notifications'],
          summary: 'Signed payment notifications from the simulator gateway',
          headers: Type.Object({ 'x-sim-merchant': Type.String({ maxLength: 64 }) }),
          response: {
            200: Type.Object({ code: Type.Literal('SUCCESS') }),
            401: Type.Object(
              { code: Type.Literal('FAIL'), message: Type.String() },
              { description: 'Bad or stale signature: nothing changed' },
            ),
            404: Type.Object({ code: Type.Literal('FAIL'), message: Type.String() }),
          },
        },
      },
      async (request, reply) => {
        const merchantId = String(request.headers['x-sim-merchant']);
        const ack = await payments.notification('simulator', merchantId, request.headers, String(request.body ?? ''));
        return reply
          .status(ack.status as 200 | 401 | 404)
          .type('application/json')
          .send(ack.body);
      },
    );
  });
}
