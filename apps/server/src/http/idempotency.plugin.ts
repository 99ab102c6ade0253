import { createHash } from 'node:crypto';
import { DomainError } from '@paydesk/domain';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext, RequestKey } from '../context.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Honour an Idempotency-Key on this route: the same key and body give the same answer once. */
    idempotent?: boolean;
  }
  interface FastifyRequest {
    idempotencyKey: string | null;
    /** The key as this request claimed it (null without one). */
    idempotencyClaim: RequestKey | null;
  }
}

const keyPattern = /^[\x21-\x7e]{1,100}$/;
/** A request that died mid-way leaves its key "running"; after this long the key may be used again. */
const abandonedAfterMs = 5 * 60_000;
/**
 * A key whose writes committed ("applied") has only its answer left to give, which takes milliseconds; a
 * request holding one this long has died, and its retry is told so (rather than "in progress" for minutes).
 */
const answerLostAfterMs = 30_000;

function requestHash(request: FastifyRequest): string {
  const hash = createHash('sha256').update(
    `${request.method} ${request.routeOptions.url}\n${JSON.stringify(request.params)}\n${JSON.stringify(request.query)}\n`,
  );
  // Uploads arrive as raw bytes: hash them as they are rather than as a JSON dump of a Buffer.
  return (Buffer.isBuffer(request.body) ? hash.update(request.body) : hash.update(JSON.stringify(request.body ?? null))).digest('hex');
}

export function installIdempotency(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest('idempotencyKey', null);
  app.decorateRequest('idempotencyClaim', null);

  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers['idempotency-key'];
    if (header === undefined || !request.routeOptions.config.idempotent || !request.actor) return;
    if (typeof header !== 'string' || !keyPattern.test(header)) throw new DomainError('IDEMPOTENCY_KEY_INVALID');
    const merchantId = request.actor.merchantId;
    // Keys are the caller's own: another person reusing a key must not receive this person's answer.
    const key = `${request.actor.userId}:${header}`;
    const hash = requestHash(request);
    const now = ctx.now();
    if (await ctx.repos.idempotency.claim(merchantId, key, hash, now)) return carry(request, { key, claimedAt: now });
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
    // Its writes committed but its answer was never kept (the process died in between): running it again
    // would do it twice, and its answer is gone, so the person is told to look.
    if (prior.status === 'applied' && now - prior.created_at > answerLostAfterMs) throw new DomainError('IDEMPOTENCY_APPLIED');
    // Nothing of it was committed: it may run again, in the one retry that takes the claim over.
    if (prior.status === 'running' && now - prior.created_at > abandonedAfterMs) {
      if (await ctx.repos.idempotency.takeOver(merchantId, key, prior.created_at, now)) return carry(request, { key, claimedAt: now });
    }
    throw new DomainError('IDEMPOTENCY_IN_PROGRESS');
  });

  // Successes are kept and replayed. A refusal changed nothing, so it frees the key: the person can fix
  // what was refused (add the missing account, say) and send the same request again. An error after the
  // request's writes were applied is kept like a success: the request must not run twice.
  // If the database is away (a restart), the answer still goes out as it is: it tells the truth about what
  // happened, while the key stays "running" or "applied" and is judged again after `abandonedAfterMs`.
  app.addHook('onSend', async (request, reply, payload) => {
    const claim = request.idempotencyClaim;
    if (!claim || !request.actor) return payload;
    const { merchantId } = request.actor;
    try {
      if (reply.statusCode < 400 || !(await ctx.repos.idempotency.release(merchantId, claim.key, claim.claimedAt))) {
        await ctx.repos.idempotency.complete(merchantId, claim.key, claim.claimedAt, reply.statusCode, String(payload ?? ''));
      }
    } catch (err) {
      request.log.warn({ err: (err as Error).message }, 'idempotency key not recorded');
    }
    return payload;
  });
}

/** The request holds the key: its writes mark it applied (inRequestTransaction, given the actor). */
function carry(request: FastifyRequest, claim: RequestKey): void {
  request.idempotencyKey = claim.key;
  request.idempotencyClaim = claim;
  if (request.actor) request.actor = { ...request.actor, requestKey: claim };
}
