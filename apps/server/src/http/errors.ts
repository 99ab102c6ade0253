import { DomainError, type ErrorCode, type FieldIssue, isDomainError, messageFor } from '@paydesk/domain';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pickLanguage } from './language.ts';

function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  code: ErrorCode,
  fields: FieldIssue[] = [],
  detail?: Record<string, unknown>,
) {
  const lang = pickLanguage(request.headers['accept-language']);
  const err = new DomainError(code, fields);
  const body = {
    error: {
      code,
      message: messageFor(code, lang),
      ...(fields.length > 0 && { fields: fields.map((f) => ({ field: f.field, code: f.code, message: messageFor(f.code, lang) })) }),
      ...(detail && { detail }),
    },
  };
  return reply.status(err.status).type('application/json; charset=utf-8').send(body);
}

const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
};

// Connection-level failures mean the database is away, not that the request was wrong.
const unavailable = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P03', '08006', '08001', 'SQLITE_BUSY']);

function isDbUnavailable(err: Error & { code?: string }): boolean {
  return (
    (err.code !== undefined && unavailable.has(err.code)) ||
    /Connection terminated|connection timeout|timeout exceeded when trying to connect|not queryable/i.test(err.message)
  );
}

/** Every error leaves in the one shape: {"error": {"code", "message"}} with the message in the client's language. */
export function installErrorHandling(app: FastifyInstance, options: { spa: boolean }): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isDomainError(error)) return sendError(request, reply, error.code, error.fields, error.detail);
    if (error.validation) {
      // A NUL in text (validation.ts) is the control character the services report as TEXT_INVALID.
      const code: ErrorCode = error.validation.every((v) => v.keyword === 'noNul') ? 'TEXT_INVALID' : 'VALIDATION_FAILED';
      const fields = error.validation.map((v) => {
        // A missing or an unknown property is named by its parent's path plus the property itself.
        const params = v.params as { missingProperty?: string; additionalProperty?: string };
        const leaf = params.missingProperty ?? params.additionalProperty;
        const path = leaf === undefined ? v.instancePath : `${v.instancePath}/${leaf}`;
        return { field: path.replace(/^\//, '').replace(/\//g, '.'), code };
      });
      return sendError(request, reply, code, fields);
    }
    const mapped = error.code ? fastifyCodes[error.code] : undefined;
    if (mapped) return sendError(request, reply, mapped);
    if (error instanceof SyntaxError && error.statusCode === 400) return sendError(request, reply, 'MALFORMED_JSON');
    if (isDbUnavailable(error)) {
      request.log.warn({ err: error.message }, 'database unavailable');
      return sendError(request, reply, 'DB_UNAVAILABLE');
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return sendError(request, reply, 'VALIDATION_FAILED');
    request.log.error({ err: error }, 'unhandled error');
    return sendError(request, reply, 'INTERNAL');
  });

  // With the web app built, client-side routes (/login, /stores, …) load its single page; unknown API
  // routes and missing files (anything with an extension) stay a JSON 404.
  app.setNotFoundHandler((request, reply) =>
    options.spa && request.method === 'GET' && !/^\/(api|p)(\/|\?|$)/.test(request.url) && !/\.[a-z0-9]+(\?|$)/i.test(request.url)
      ? reply.sendFile('index.html')
      : routeNotFound(request, reply),
  );
}

export function routeNotFound(request: FastifyRequest, reply: FastifyReply) {
  return sendError(request, reply, 'ROUTE_NOT_FOUND');
}
