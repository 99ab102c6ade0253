import { createHash } from 'node:crypto';
import { DomainError } from '@paydesk/domain';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Honour an Idempotency-Key on this route: the same key and body give the same answer once. */
    idempotent?: boolean;
  }
  interface FastifyRequest {
    idempotencyKey: string | null;
  }
}

const keyPattern = /^[\x21-\x7e]{1,100}$/;
/** A request that died mid-way leaves its key "running"; after this long the key may be used again. */
const abandonedAfterMs = 5 * 60_000;

function requestHash(request: FastifyRequest): string {
  const hash = createHash('sha256').update(
    `${request.method} ${request.routeOptions.url}\n${JSON.stringify(request.params)}\n${JSON.stringify(request.query)}\n`,
  );
  // Uploads arrive as raw bytes: hash them as they are rather than as a JSON dump of a Buffer.
  return (Buffer.isBuffer(request.body) ? hash.update(request.body) : hash.update(JSON.stringify(request.body ?? null))).digest('hex');
}

export function installIdempotency(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest('idempotencyKey', null);

  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers['idempotency-key'];
    if (header === undefined || !request.routeOptions.config.idempotent || !request.actor) return;
    if (typeof header !== 'string' || !keyPattern.test(header)) throw new DomainError('IDEMPOTENCY_KEY_INVALID');
    const merchantId = request.actor.merchantId;
    // Keys are the caller's own: another person reusing a key must not receive this person's answer.
    const key = `${request.actor.userId}:${header}`;
    const hash = requestHash(request);
    const now = ctx.now();
    if (await ctx.repos.idempotency.claim(merchantId, key, hash, now)) {
      request.idempotencyKey = key;
      return;
    }
    const prior = await ctx.repos.idempotency.find(merchantId, key);
    if (!prior) throw new DomainError('IDEMPOTENCY_IN_PROGRESS');
    if (prior.request_hash !== hash) throw new DomainError('IDEMPOTENCY_KEY_REUSED');
    if (prior.status === 'done' && prior.response_status !== null) {
      return reply
        .status(prior.response_status)
        .header('idempotent-replayed', 'true')
        .type('application/json; charset=utf-8')
        .send(prior.response_body);
    }
    if (now - prior.created_at > abandonedAfterMs) {
      await ctx.repos.idempotency.release(merchantId, key);
      if (await ctx.repos.idempotency.claim(merchantId, key, hash, now)) {
        request.idempotencyKey = key;
        return;
      }
    }
    throw new DomainError('IDEMPOTENCY_IN_PROGRESS');
  });

  // Successes are kept and replayed. A refusal changed nothing, so it frees the key: the person can fix
  // what was refused (add the missing account, say) and send the same request again.
  // If the database is away (a restart), the answer still goes out as it is: it tells the truth about what
  // happened, while the key stays "running" and is judged again after `abandonedAfterMs` (effects that must
  // not repeat, like refunds, carry the key in their own rows for that case).
  app.addHook('onSend', async (request, reply, payload) => {
    if (!request.idempotencyKey || !request.actor) return payload;
    try {
      if (reply.statusCode >= 400) await ctx.repos.idempotency.release(request.actor.merchantId, request.idempotencyKey);
      else await ctx.repos.idempotency.complete(request.actor.merchantId, request.idempotencyKey, reply.statusCode, String(payload ?? ''));
    } catch (err) {
      request.log.warn({ err: (err as Error).message }, 'idempotency key not recorded');
    }
    return payload;
  });
}
