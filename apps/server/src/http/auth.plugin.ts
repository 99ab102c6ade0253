import type { Session, User } from '@paydesk/db';
import { DomainError } from '@paydesk/domain';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import type { Actor } from '../services/actor.ts';
import type { IssuedSession } from '../services/session.service.ts';
import { SessionService } from '../services/session.service.ts';

export const sessionCookie = 'pd_session';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without signing in (registration, sign-in, health, docs). */
    public?: boolean;
  }
  interface FastifyRequest {
    session: Session | null;
    user: User | null;
    actor: Actor | null;
  }
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The signed-in actor, or UNAUTHENTICATED. Routes call this instead of reading request.actor. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new DomainError('UNAUTHENTICATED');
  return request.actor;
}

export function sessionOf(request: FastifyRequest): Session {
  if (!request.session) throw new DomainError('UNAUTHENTICATED');
  return request.session;
}

export function setSessionCookie(ctx: AppContext, reply: FastifyReply, issued: IssuedSession): void {
  reply.setCookie(sessionCookie, issued.token, { httpOnly: true, sameSite: 'lax', secure: ctx.config.secureCookies, path: '/' });
}

export function clearSessionCookie(ctx: AppContext, reply: FastifyReply): void {
  reply.clearCookie(sessionCookie, { httpOnly: true, sameSite: 'lax', secure: ctx.config.secureCookies, path: '/' });
}

/**
 * Resolves the session cookie on every API request, then enforces sign-in and, for changes made with a
 * cookie, the CSRF token that only our own pages can read (from GET /api/auth/session).
 */
export function installAuth(app: FastifyInstance, ctx: AppContext): void {
  const sessions = new SessionService(ctx);
  app.decorateRequest('session', null);
  app.decorateRequest('user', null);
  app.decorateRequest('actor', null);

  // preValidation: a signed-out caller learns it must sign in before anything about its body.
  app.addHook('preValidation', async (request: FastifyRequest) => {
    // Only API routes are guarded. The matched route decides, not the URL: an unknown /api/… path that
    // lands on the static files' wildcard (or on no route) answers ROUTE_NOT_FOUND to everyone.
    if (!request.routeOptions.url?.startsWith('/api/') || request.is404) return;
    const token = request.cookies[sessionCookie];
    if (token) {
      const found = await sessions.resolve(token);
      if (found?.user.status === 'active') {
        const { session, user, station } = found;
        request.session = session;
        request.user = user;
        request.actor = {
          merchantId: session.merchant_id,
          userId: user.id,
          role: user.role,
          storeId: user.store_id,
          station,
        };
      }
    }
    // The docs page (swagger-ui's own routes, which cannot carry our config) is public like the document it shows.
    if (request.routeOptions.config.public || request.routeOptions.url?.startsWith('/api/docs')) return;
    if (!request.session) throw new DomainError('UNAUTHENTICATED');
    if (!safeMethods.has(request.method) && request.headers['x-csrf-token'] !== request.session.csrf_token) {
      throw new DomainError('CSRF_FAILED');
    }
  });
}
