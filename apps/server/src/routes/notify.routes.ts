import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { FileResponse, Id } from '../http/schemas.ts';
import type { PaymentService } from '../services/payment.service.ts';

const AccountParams = Type.Object({ accountId: Id }, { additionalProperties: false });
const WechatRefusal = (description: string) => Type.Object({ code: Type.Literal('FAIL'), message: Type.String() }, { description });
const plainText = (description: string) => FileResponse(description, ['text/plain']);
const accountOf = (request: FastifyRequest) => (request.params as { accountId: string }).accountId;
/**
 * The account id is checked by the handler, not by the schema (which only documents it): every refusal
 * must be in the format the gateway reads, and the schema's would be our JSON error.
 */
const documentedOnly = () => () => true;
const isAccountId = (id: string) => /^[0-9A-Za-z_-]{1,64}$/.test(id);

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

    // The account is in the path because WeChat Pay forbids a query string in notify_url.
    scope.post(
      '/api/notify/wechatpay/:accountId',
      {
        config: { public: true },
        validatorCompiler: documentedOnly,
        schema: {
          tags: ['notifications'],
          summary: 'WeChat Pay notifications (payments and refunds) for one WeChat Pay account',
          description:
            'Signature, serial and timestamp checked with the account’s WeChat Pay public key; the resource decrypted with its APIv3 key.',
          params: AccountParams,
          response: {
            204: Type.Null({ description: 'Applied (or already applied): WeChat Pay stops sending it' }),
            400: WechatRefusal('Not decryptable, or about another merchant: nothing changed'),
            401: WechatRefusal('Bad signature, unknown serial or stale timestamp: nothing changed'),
            404: WechatRefusal('No such account, or a trade it did not carry: WeChat Pay tries again later'),
          },
        },
      },
      async (request, reply) => {
        const accountId = accountOf(request);
        const ack = isAccountId(accountId)
          ? await payments.walletNotification('wechatpay', accountId, request.headers, String(request.body ?? ''))
          : { status: 404, body: JSON.stringify({ code: 'FAIL', message: 'unknown account' }) };
        reply.status(ack.status as 204 | 400 | 401 | 404);
        return ack.body ? reply.type('application/json').send(ack.body) : reply.send();
      },
    );

    scope.post(
      '/api/notify/alipay/:accountId',
      {
        config: { public: true },
        validatorCompiler: documentedOnly,
        schema: {
          tags: ['notifications'],
          summary: 'Alipay asynchronous notifications (payments and refunds) for one Alipay app',
          description:
            'RSA2 signature checked with the account’s Alipay public key. Alipay stops retrying only on the exact text "success".',
          params: AccountParams,
          response: {
            200: plainText('"success": applied (or already applied)'),
            400: plainText('"fail": bad signature or another app: nothing changed'),
            404: plainText('"fail": no such account, or a trade it did not carry: Alipay tries again later'),
          },
        },
      },
      async (request, reply) => {
        const accountId = accountOf(request);
        const ack = isAccountId(accountId)
          ? await payments.walletNotification('alipay', accountId, request.headers, String(request.body ?? ''))
          : { status: 404, body: 'fail' };
        return reply
          .status(ack.status as 200 | 400 | 404)
          .type('text/plain; charset=utf-8')
          .send(ack.body);
      },
    );
  });
}
