import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { channelCheckMessage } from '@paydesk/domain';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { actorOf } from '../http/auth.plugin.ts';
import { pickLanguage } from '../http/language.ts';
import { errorResponses, Id, IdParams, Nullable } from '../http/schemas.ts';
import { ChannelAccountService } from '../services/channel-account.service.ts';

const tags = ['channels'];
const ChannelBody = Type.Object({
  id: Type.String(),
  storeId: Nullable(Type.String()),
  kind: Type.String(),
  config: Type.Unknown({ description: 'Non-secret settings only; keys are never returned' }),
  status: Type.String({ description: 'active, or disabled (kept for the payments it carried)' }),
  updatedAt: Type.Integer(),
});
/** Pasted PEM text: a certificate chain or a 4096-bit key stays well under this. */
const Pem = (description: string) => Type.String({ maxLength: 16_384, description });
const KeptSecret = (description: string) => Type.Optional(Pem(`${description}. Empty or absent on a re-save keeps the stored one`));
const settingsRefused = 'Problems → 400 CHANNEL_SETTINGS_INVALID with error.fields [{field, code, message}]; nothing is stored.';

export function channelRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const channels = new ChannelAccountService(ctx);
  const dto = (a: Awaited<ReturnType<ChannelAccountService['list']>>[number]) => ({
    id: a.id,
    storeId: a.store_id,
    kind: a.kind,
    config: JSON.parse(a.config) as unknown,
    status: a.status,
    updatedAt: a.updated_at,
  });

  r.get(
    '/api/channels',
    {
      schema: {
        tags,
        summary: 'Payment channel accounts (owner)',
        response: { 200: Type.Object({ items: Type.Array(ChannelBody) }), ...errorResponses },
      },
    },
    async (request) => ({ items: (await channels.list(actorOf(request))).map(dto) }),
  );

  r.put(
    '/api/channels/unionpay-emv',
    {
      schema: {
        tags,
        summary: 'Set the UnionPay / EMVCo merchant account used for EMVCo codes (merchant-wide, or for one store)',
        body: Type.Object(
          {
            storeId: Type.Optional(Nullable(Id)),
            acquirerIin: Type.String({ maxLength: 8, description: '8-digit acquirer IIN' }),
            merchantNo: Type.String({ maxLength: 15, description: '15-digit UnionPay merchant number' }),
            mcc: Type.String({ maxLength: 4, description: 'Merchant category code, e.g. 5411' }),
            nameLatin: Type.String({ maxLength: 25, description: 'Merchant name in Latin letters (EMV tag 59)' }),
            city: Type.String({ maxLength: 15, description: 'City (EMV tag 60), e.g. Beijing' }),
          },
          { additionalProperties: false },
        ),
        response: { 200: ChannelBody, ...errorResponses },
      },
    },
    async (request) => {
      const { storeId, ...config } = request.body;
      return dto(await channels.saveUnionpayEmv(actorOf(request), storeId ?? null, config));
    },
  );

  r.put(
    '/api/channels/wechatpay',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Connect the merchant’s WeChat Pay account (merchant-wide, or for one store); saving again replaces it',
        description: `Keys are checked (parsed, size, a sign-and-verify self test), sealed at rest and never returned. ${settingsRefused}`,
        body: Type.Object(
          {
            storeId: Type.Optional(Nullable(Id)),
            mchid: Type.String({ maxLength: 32, description: '商户号, 10 digits' }),
            appid: Type.String({ maxLength: 32, description: 'The AppID bound to the merchant: wx + 16 hex digits' }),
            appSecret: Type.Optional(
              Type.String({
                maxLength: 64,
                description: 'The AppSecret of that AppID, for JSAPI payments on the store-code page; empty keeps the stored one',
              }),
            ),
            privateKeyPem: KeptSecret('商户 API 私钥 (apiclient_key.pem)'),
            certSerial: Type.String({ maxLength: 64, description: '商户 API 证书序列号, 40 hex digits' }),
            apiV3Key: Type.Optional(Type.String({ maxLength: 64, description: 'APIv3 密钥, 32 bytes; empty keeps the stored one' })),
            platformPublicKeyPem: KeptSecret('微信支付公钥 (or the platform certificate)'),
            platformPublicKeyId: Type.String({
              maxLength: 64,
              description: '微信支付公钥 ID (PUB_KEY_ID_…) or the platform certificate serial',
            }),
            merchantCertificatePem: Type.Optional(
              Pem('商户 API 证书 (apiclient_cert.pem): when given, the key and serial are checked against it; not stored'),
            ),
            baseUrl: Type.Optional(Type.String({ maxLength: 512, description: 'Where the WeChat Pay API lives; empty for the real one' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: ChannelBody, ...errorResponses },
      },
    },
    async (request) => {
      const { storeId, ...settings } = request.body;
      return dto(await channels.saveWechatPay(actorOf(request), storeId ?? null, settings));
    },
  );

  r.put(
    '/api/channels/alipay',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Connect the merchant’s Alipay app (public-key mode; merchant-wide, or for one store); saving again replaces it',
        description: `Keys are checked (parsed, size, a sign-and-verify self test), sealed at rest and never returned. ${settingsRefused}`,
        body: Type.Object(
          {
            storeId: Type.Optional(Nullable(Id)),
            appId: Type.String({ maxLength: 32, description: 'The app’s APPID on the Alipay open platform, 16 digits' }),
            appPrivateKey: KeptSecret('应用私钥, PEM or the Base64 body the key tool shows'),
            alipayPublicKey: KeptSecret('支付宝公钥, as the open platform shows it'),
            gatewayUrl: Type.Optional(Type.String({ maxLength: 512, description: 'Alipay’s gateway; empty for the real one' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: ChannelBody, ...errorResponses },
      },
    },
    async (request) => {
      const { storeId, ...settings } = request.body;
      return dto(await channels.saveAlipay(actorOf(request), storeId ?? null, settings));
    },
  );

  r.post(
    '/api/channels/:id/check',
    {
      schema: {
        tags,
        summary: 'Check the connection of a WeChat Pay or Alipay account with a harmless query',
        description: 'The verdict says what is wrong (wrong key, wrong serial, clock skew, unreachable…); message follows Accept-Language.',
        params: IdParams,
        response: {
          200: Type.Object({
            verdict: Type.String({ description: 'ok, or what is wrong: e.g. bad_signature, wrong_serial, clock_skew, unreachable' }),
            message: Type.String(),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const result = await channels.check(actorOf(request), request.params.id);
      const lang = pickLanguage(request.headers['accept-language']);
      const message =
        result.kind === 'wechatpay'
          ? channelCheckMessage('wechatpay', result.verdict, lang)
          : channelCheckMessage('alipay', result.verdict, lang);
      return { verdict: result.verdict, message };
    },
  );

  r.delete(
    '/api/channels/:id',
    {
      schema: {
        tags,
        summary: 'Disable a WeChat Pay or Alipay account: new payments fall back as if none were configured',
        description:
          'The account is kept (status disabled) for the queries and refunds of the payments it carried; saving it again turns it back on.',
        params: IdParams,
        response: { 200: ChannelBody, ...errorResponses },
      },
    },
    async (request) => dto(await channels.disable(actorOf(request), request.params.id)),
  );
}
