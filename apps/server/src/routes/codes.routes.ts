import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { actorOf } from '../http/auth.plugin.ts';
import { bindingDto, codeDto } from '../http/dto.ts';
import { errorResponses, FileResponse, Id, IdParams, Nullable } from '../http/schemas.ts';
import { renderCard } from '../print/card.ts';
import { renderQrPng } from '../qr/render.ts';
import { BindingService } from '../services/binding.service.ts';
import { CodeService } from '../services/code.service.ts';

const tags = ['codes'];
const imageTypes = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'];
const uploadTypes = [...imageTypes, 'application/octet-stream'];
/** The last instant a JavaScript Date can hold: a later validFrom could not be shown, nor have days added safely. */
const maxDateMs = 8_640_000_000_000_000;

/**
 * Routes that take the raw bytes of an image. Their parser lives in a scope of their own: elsewhere an
 * image type is the wrong media type (415, not a Buffer validated as if it were a JSON object), and
 * here JSON is (a parsed body, possibly nested thousands deep, never reaches the image decoder).
 */
export function imageRoutes(app: FastifyInstance, routes: (scope: FastifyInstance) => void): void {
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(uploadTypes, { parseAs: 'buffer', bodyLimit: 12 * 1024 * 1024 }, (_request, body, done) => done(null, body));
    routes(scope);
  });
}

export const CodeBody = Type.Object({
  id: Type.String(),
  serial: Type.String({ description: 'Printed on the card, e.g. PD000012' }),
  storeId: Type.String(),
  stationId: Nullable(Type.String()),
  kind: Type.Union([Type.Literal('static'), Type.Literal('dynamic')]),
  source: Type.Union([Type.Literal('generated'), Type.Literal('uploaded')]),
  content: Type.String({ description: 'The text inside the QR code' }),
  provider: Type.String({ description: 'wechat | alipay | unionpay | qq | emvco | paydesk' }),
  providerKind: Nullable(Type.String()),
  merchantName: Type.String(),
  amountFen: Nullable(Type.Integer()),
  validFrom: Type.Integer(),
  expiresAt: Type.Integer(),
  status: Type.Union([Type.Literal('active'), Type.Literal('disabled'), Type.Literal('expired')]),
  notice: Nullable(Type.String({ description: '"personal_code" when a personal code was uploaded (银发〔2021〕259号)' })),
  payPageId: Nullable(Type.String({ description: 'For Paydesk codes, the id in /p/<id>' })),
  createdAt: Type.Integer(),
});

const Placement = {
  storeId: Id,
  stationId: Type.Optional(Nullable(Id)),
};

const GenerateBody = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('static'),
      ...Placement,
      validFrom: Type.Optional(Type.Integer({ minimum: 0, maximum: maxDateMs, description: 'epoch ms' })),
      validDays: Type.Optional(Type.Integer()),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('dynamic'), ...Placement, amountFen: Type.Integer(), expiresInMinutes: Type.Optional(Type.Integer()) },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('emvco'),
      ...Placement,
      amountFen: Type.Optional(Type.Integer()),
      expiresInMinutes: Type.Optional(Type.Integer()),
      validDays: Type.Optional(Type.Integer()),
    },
    { additionalProperties: false },
  ),
]);

export function codeRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const codes = new CodeService(ctx);
  const bindings = new BindingService(ctx);

  r.get(
    '/api/codes',
    {
      schema: {
        tags,
        summary: 'Collection codes (收款码) with status and expiry',
        querystring: Type.Object({ storeId: Type.Optional(Id), stationId: Type.Optional(Id) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(CodeBody) }), ...errorResponses },
      },
    },
    async (request) => {
      const now = ctx.now();
      return { items: (await codes.list(actorOf(request), request.query)).map((c) => codeDto(c, now)) };
    },
  );

  r.post(
    '/api/codes',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Generate a code: static store code, dynamic code for an amount, or an EMVCo (UnionPay) code',
        description:
          'static: one code for every wallet pointing at the shop’s pay page /p/<id>, valid validDays (1–3650, default 365). ' +
          'dynamic: a fixed amount (fen) expiring after expiresInMinutes (1–120, default 5). emvco: needs a UnionPay/EMV account.',
        body: GenerateBody,
        response: { 201: CodeBody, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(codeDto(await codes.generate(actorOf(request), request.body), ctx.now())),
  );

  imageRoutes(app, (scope) =>
    scope.withTypeProvider<TypeBoxTypeProvider>().post(
      '/api/codes/upload',
      {
        config: { idempotent: true },
        bodyLimit: 12 * 1024 * 1024,
        schema: {
          tags,
          summary: 'Upload a picture of an existing code; it is kept only when it reads clearly as a collection code',
          description:
            'Body: the image bytes (PNG, JPEG, WebP or GIF, up to 10 MB and 12 MP); the type is read from the bytes. ' +
            'A picture to retake answers 422 with error.detail.verdict: no_code_found, multiple_codes, blurred_or_low_contrast, not_a_payment_code, …',
          querystring: Type.Object(
            { storeId: Id, stationId: Type.Optional(Id), validDays: Type.Optional(Type.Integer()) },
            { additionalProperties: false },
          ),
          consumes: uploadTypes,
          response: {
            201: Type.Object({ code: CodeBody, verdict: Type.Literal('clear'), notice: Nullable(Type.String()) }),
            413: Type.Ref('Error'),
            422: Type.Ref('Error'),
            ...errorResponses,
          },
        },
      },
      async (request, reply) => {
        const result = await codes.upload(actorOf(request), { ...request.query, bytes: request.body as Buffer });
        return reply.status(201).send({ code: codeDto(result.code, ctx.now()), verdict: result.verdict, notice: result.notice });
      },
    ),
  );

  r.get(
    '/api/codes/:id',
    { schema: { tags, summary: 'One code', params: IdParams, response: { 200: CodeBody, ...errorResponses } } },
    async (request) => codeDto(await codes.get(actorOf(request), request.params.id), ctx.now()),
  );

  r.post(
    '/api/codes/:id/disable',
    {
      schema: {
        tags,
        summary: 'Disable a code: its pay page then takes no money',
        params: IdParams,
        response: { 200: CodeBody, ...errorResponses },
      },
    },
    async (request) => codeDto(await codes.setStatus(actorOf(request), request.params.id, 'disabled'), ctx.now()),
  );

  r.post(
    '/api/codes/:id/enable',
    { schema: { tags, summary: 'Enable a disabled code again', params: IdParams, response: { 200: CodeBody, ...errorResponses } } },
    async (request) => codeDto(await codes.setStatus(actorOf(request), request.params.id, 'active'), ctx.now()),
  );

  r.get(
    '/api/codes/:id/qr.png',
    {
      schema: {
        tags,
        summary: 'The code as a PNG image',
        params: IdParams,
        querystring: Type.Object({ size: Type.Optional(Type.Integer({ minimum: 64, maximum: 2048 })) }, { additionalProperties: false }),
        response: { 200: FileResponse('PNG image', ['image/png']), ...errorResponses },
      },
    },
    async (request, reply) => {
      const code = await codes.get(actorOf(request), request.params.id);
      return reply
        .type('image/png')
        .header('cache-control', 'private, max-age=300')
        .send(renderQrPng(code.content, { sizePx: request.query.size ?? 512 }));
    },
  );

  r.get(
    '/api/codes/:id/image',
    {
      schema: {
        tags,
        summary: 'The original uploaded picture',
        params: IdParams,
        response: { 200: FileResponse('The image as uploaded', imageTypes), ...errorResponses },
      },
    },
    async (request, reply) => {
      const image = await codes.image(actorOf(request), request.params.id);
      return reply.type(image.mime).header('cache-control', 'private, max-age=300').send(image.bytes);
    },
  );

  r.get(
    '/api/codes/:id/card',
    {
      schema: {
        tags,
        summary: 'The printable counter card (台卡) as PDF (A6 or A5) or PNG',
        params: IdParams,
        querystring: Type.Object(
          {
            format: Type.Optional(Type.Union([Type.Literal('pdf'), Type.Literal('png')])),
            size: Type.Optional(Type.Union([Type.Literal('A6'), Type.Literal('A5')])),
          },
          { additionalProperties: false },
        ),
        response: { 200: FileResponse('PDF or PNG file', ['application/pdf', 'image/png']), ...errorResponses, 503: Type.Ref('Error') },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const code = await codes.get(actor, request.params.id);
      const store = await ctx.repos.stores.findById(actor.merchantId, code.store_id);
      const format = request.query.format ?? 'pdf';
      const size = request.query.size ?? 'A6';
      const bytes = await renderCard({ code, storeName: store?.name ?? '', format, size, now: ctx.now() });
      return reply
        .type(format === 'pdf' ? 'application/pdf' : 'image/png')
        .header('content-disposition', `attachment; filename="paydesk-${code.serial}-${size}.${format}"`)
        .send(bytes);
    },
  );

  r.get(
    '/api/codes/:id/history',
    {
      schema: {
        tags,
        summary: 'A code’s history: who made it, bound, rebound, disabled it, and when',
        params: IdParams,
        response: {
          200: Type.Object({
            code: CodeBody,
            bindings: Type.Array(Type.Unknown()),
            entries: Type.Array(
              Type.Object({
                id: Type.String(),
                action: Type.String(),
                actorUserId: Nullable(Type.String()),
                targetType: Type.String(),
                targetId: Type.String(),
                detail: Type.Unknown(),
                createdAt: Type.Integer(),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const h = await bindings.history(actorOf(request), request.params.id);
      return {
        code: codeDto(h.code, ctx.now()),
        bindings: h.bindings.map(bindingDto),
        entries: h.entries.map((e) => ({
          id: e.id,
          action: e.action,
          actorUserId: e.actor_user_id,
          targetType: e.target_type,
          targetId: e.target_id,
          detail: JSON.parse(e.detail) as unknown,
          createdAt: e.created_at,
        })),
      };
    },
  );
}
